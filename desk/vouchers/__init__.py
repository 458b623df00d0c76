"""desk.vouchers."""
