"""Business-registry (工商信息) adapters behind handlers.enterprises.ports.BusinessRegistry."""
