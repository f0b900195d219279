"""Experts' field subscriptions (需求订阅) and the daily digest of matching demands (seed 004 §十)."""
