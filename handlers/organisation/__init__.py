"""The organisation (seed 004 §一.3, §二, §四, §六, §七): institutions, centres, staff, officials, experts,
enterprises, and the accounts behind them — one account per mobile number, however many roles.

Every use case loads its actor inside its own transaction, checks who may act, writes one audit entry per
change (personal values only as `personal`), and lists go through `scope.visible`.
"""
