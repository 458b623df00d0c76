"""desk.ui."""
