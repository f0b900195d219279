"""Contribution points: an append-only ledger derived from an event log by a versioned rule set."""
