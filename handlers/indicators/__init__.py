"""Monitoring indicators as versioned data: declared by the platform, a region or an institution, each a formula
over the monitors' base measures with a weight and an optional per-100-staff normalisation (issue #18)."""
