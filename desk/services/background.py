"""Work in a background thread (a backup, an export, the full check) on a connection of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from desk.services.context import Desk


@contextmanager
def separate_connection(desk: Desk) -> Iterator[Desk]:
    """The same database on a connection of its own, for work in a background thread."""
    if desk.path is None:
        yield desk
        return
    from desk.store.db import connect

    other = Desk(db=connect(desk.path, migrate=False), packs=desk.packs, path=desk.path, clock=desk.clock,
                 session_listeners=desk.session_listeners)  # a refused operator ends the session from here too
    try:
        yield other
    finally:
        other.close()
