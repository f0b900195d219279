"""Registration of technology-transfer institutions and technology managers (seeds 000, 001): self-registered
accounts, unit certification, registration numbers."""
