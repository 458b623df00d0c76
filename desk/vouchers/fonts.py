"""The bundled CJK font (WenQuanYi Micro Hei), registered with reportlab once.

reportlab embeds a TrueType font as a subset of the glyphs a document uses, with a
ToUnicode map, so the Chinese text prints the same everywhere and stays extractable.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desk.resources import font_file

FONT_NAME = "DeskCJK"
SUBFONT_INDEX = 0  # 0 = WenQuanYi Micro Hei, 1 = the Mono face

_registration_lock = threading.Lock()


def register_reportlab_font() -> str:
    """Register the bundled font as "DeskCJK" (once; later calls are free) and return the name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    with _registration_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_file()), subfontIndex=SUBFONT_INDEX))
            _map_styles_to_regular()
    return FONT_NAME


def _map_styles_to_regular() -> None:
    """The font has no bold or italic face; let <b>/<i> in paragraphs fall back to it."""
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
