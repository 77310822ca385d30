"""Models of the programs app (built by its own issue)."""
