"""Typed text to its one canonical form (issue 11, item 1).

A 全角 (full-width) input mode types `１９８５`; a card reader or a paste may bring other look-alike
characters. Numbers are compared, looked up and stored in ASCII only, so every place a number
enters folds the full-width forms to ASCII (the NFKC mapping of the characters whose compatibility
mapping is `<wide>`: U+FF01..U+FF5E and the ideographic space U+3000) and nothing else: a
superscript `²`, a circled `③`, Arabic-Indic or Bengali digits stay what they are and the strict
ASCII patterns of the callers refuse them (NFKC would silently make `²` a 2, which is a guess,
not a reading).
"""

from __future__ import annotations

import re
import unicodedata

ASCII_DIGITS = re.compile(r"[0-9]+")


def fold_width(text: str) -> str:
    """Full-width characters to their ASCII forms; every other character unchanged."""
    if text.isascii():
        return text
    return "".join(_fold(character) for character in text)


def _fold(character: str) -> str:
    if character.isascii() or not unicodedata.decomposition(character).startswith("<wide>"):
        return character
    return unicodedata.normalize("NFKC", character)


def typed(text: str) -> str:
    """What was typed, full-width folded and the ends stripped (spaces inside are kept for the caller)."""
    return fold_width(text).strip()


def ascii_count(text: str, maximum_digits: int = 9) -> int | None:
    """A whole number typed as ASCII (or full-width) digits, with at most `maximum_digits` digits; else None.
    A leading + is allowed; no sign, space, underscore or other digit inside."""
    value = typed(text)
    if value.startswith("+"):
        value = value[1:]
    if not ASCII_DIGITS.fullmatch(value) or len(value) > maximum_digits:
        return None
    return int(value)


def encodable(value: str) -> bool:
    """False for text with lone surrogates (a non-UTF-8 argument, a JSON "\\ud800"): SQLite cannot store it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
