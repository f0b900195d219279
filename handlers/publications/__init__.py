"""需求公开: publishing a docking demand to other institutions, withdrawing it, and its acceptance with the
commitment letter (承诺函)."""
