"""Experts by Excel: a template to download, an import keyed by (institution, mobile), an error file back."""
