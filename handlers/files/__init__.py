"""Attachments and exports: one content-addressed store, types detected from content, purposes as data."""
