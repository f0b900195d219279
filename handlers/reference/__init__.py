"""Reference data shared by every flow: administrative divisions (GB/T 2260) and the technical-field taxonomy."""
