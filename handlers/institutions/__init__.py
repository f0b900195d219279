"""Institutions and their local transfer centres (seed 004 §二, §四): created by the system admin with the
institution's one admin, then kept by that admin; pages and lists go through the organisation's scope."""
