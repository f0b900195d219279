"""The workbench home: what waits for the signed-in person, counted in one call."""
