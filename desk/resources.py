"""One place that finds the `resources/` folder.

Works from a source checkout (resources/ beside desk/), an installed wheel (packaged as
`desk._resources`) and the frozen Windows build (PyInstaller's `sys._MEIPASS/resources`).
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path


@cache
def resources_dir() -> Path:
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    return Path(str(importlib_resources.files("desk._resources")))


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
