"""Business-registry (工商信息) adapters behind handlers.organisation.ports.BusinessRegistry."""
