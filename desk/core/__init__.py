"""desk.core."""
