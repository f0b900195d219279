"""Bureau officials (seed 004 §二): created by the system admin for a province, city or district, and listed by
region."""
