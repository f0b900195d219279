"""Demands (需求): submission, the state machine, review outcomes, withdrawal and closing."""
