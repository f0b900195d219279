"""Forms as data: a form is declared once (`Form` of `Field`s, groups, conditional sections and cross-field
`Rule`s) and that one declaration gives the server's validation (`check`, `validate`), the description served to
the pages (`served.describe`, FORMS_CONTRACT) with the body's JSON schema, and for a form imported in bulk the
Excel columns and row checks (`sheet`). Each form is declared beside its feature (`handlers/<feature>/form.py`)
and listed in `registry.FORMS`."""
