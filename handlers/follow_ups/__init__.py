"""Follow-ups on demands in docking, and the docking staff member's replacement."""
