"""The expert's side on WeChat: what an expert sees, their pages, subscriptions, the daily digest, docking."""
