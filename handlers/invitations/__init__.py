"""Invitation codes (seed 000 §一.4, §二.3): an institution's admin issues a code, technology managers enter
it to bind themselves to the institution. Uses are consumed by one conditional UPDATE, so racing
redemptions never pass max_uses; every change lands on the code's own audit chain.
"""
