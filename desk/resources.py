"""One place that finds the `resources/` folder (policies/, data/, fonts/).

Looked for, in this order, as a real folder on disk:

1. a frozen build: PyInstaller's `sys._MEIPASS/resources`, then `resources/` beside the executable;
2. an installed wheel: `desk/_resources` beside this module (also the Windows layout, where the
   wheel is installed with `pip install --target site-packages` beside desk.exe);
3. a source checkout: `resources/` beside the `desk/` package;
4. wherever the import system says the `desk._resources` package lives (e.g. an editable install
   that maps it elsewhere).

A folder counts only if it holds every expected subfolder, so a stray `resources/` directory
(some packages install one into site-packages) is never taken for ours. If none is found, the
error names every place that was looked at.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

from desk.core.errors import DeskError

EXPECTED_SUBFOLDERS = ("policies", "data", "fonts")
PACKAGE_DIR = Path(__file__).resolve().parent


class ResourcesNotFound(DeskError):
    """找不到程序的资源文件夹（政策包、字体、数据），安装可能不完整。"""

    code = "resources_not_found"


def candidate_dirs() -> list[Path]:
    candidates = []
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        candidates.append(Path(frozen_base) / "resources")
    if getattr(sys, "frozen", False):
        candidates.append(Path(sys.executable).resolve().parent / "resources")
    candidates.append(PACKAGE_DIR / "_resources")
    candidates.append(PACKAGE_DIR.parent / "resources")
    candidates.extend(_import_system_dirs())
    return list(dict.fromkeys(candidates))


def _import_system_dirs() -> list[Path]:
    """The folders of `desk._resources` (a namespace package: no __init__.py) per the import system."""
    try:
        spec = importlib.util.find_spec("desk._resources")
    except (ImportError, ValueError):
        return []
    return [Path(location) for location in (spec.submodule_search_locations or [])] if spec else []


def is_resources_dir(path: Path) -> bool:
    return all((path / name).is_dir() for name in EXPECTED_SUBFOLDERS)


@cache
def resources_dir() -> Path:
    return locate(candidate_dirs())


def locate(candidates: list[Path]) -> Path:
    for candidate in candidates:
        if is_resources_dir(candidate):
            return candidate
    looked = "；".join(str(candidate) for candidate in candidates)
    raise ResourcesNotFound(
        f"找不到程序的资源文件夹（应含 {'、'.join(EXPECTED_SUBFOLDERS)} 子文件夹），安装可能不完整。查找过：{looked}"
    )


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


FONT_FILE_NAME = "wqy-microhei.ttc"


def font_file() -> Path:
    """The bundled CJK font (WenQuanYi Micro Hei): drawn into the PDFs and used by the GUI."""
    return resource_path("fonts", FONT_FILE_NAME)
