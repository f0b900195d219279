"""Performance monitoring (seed 004 §八, §一.4): figures per institution, centre, staff member and region,
computed from the ledgers and records for a range of local days, with the rows behind each figure."""
