"""The disease catalogue of each loaded pack, built once per pack version."""

from __future__ import annotations

from desk.core.diseases import Catalogue
from desk.core.packs import Pack

_CATALOGUES: dict[tuple[str, str], Catalogue] = {}


def catalogue_of(pack: Pack) -> Catalogue:
    key = (pack.id, pack.version)
    if key not in _CATALOGUES:
        _CATALOGUES[key] = Catalogue.from_pack(pack)
    return _CATALOGUES[key]
