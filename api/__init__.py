"""The HTTP layer of positions."""
