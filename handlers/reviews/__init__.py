"""The review engine: chains declared as data, one conditional update per decision."""
