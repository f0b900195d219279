"""Staff members of an institution's centres (seed 004 §一.3, §四): added by the institution admin, listed, and
their departure recorded with a successor."""
