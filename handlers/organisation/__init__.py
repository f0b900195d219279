"""The organisation's shared kernel (seed 004 §一.3, §二): who is acting (`actors`), one account per mobile number
however many roles (`people`), who may act on another person's account (`account_authority`), the one scoping
function for lists (`scope`), pagination (`pages`), field rules (`validation`, `credit_code`) and the retry on a
unique-constraint race (`clashes`).

The features built on it are their own packages — `handlers.institutions` (institutions and centres),
`handlers.officials`, `handlers.staff`, `handlers.experts` and `handlers.enterprises` — and import-linter keeps
this package from importing them. Every use case loads its actor inside its own transaction, checks who may act,
writes one audit entry per change (personal values only as `personal`), and lists go through `scope.visible`.
"""
