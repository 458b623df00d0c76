"""Resident ID numbers (GB 11643-1999). Placeholder: full rules follow in this module."""

from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """First 6 and last 4 characters shown, the rest as *, for papers other than forms and certificates."""
    text = (id_number or "").strip()
    if len(text) <= 10:
        return text
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
