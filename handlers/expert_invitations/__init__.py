"""Expert invitations: SMS with a QR scene → follow → mini-program binding by phone (seed 004 §十)."""
