"""Shared fixtures: a fresh temporary database per test, a fixed clock, the three roles."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime

import pytest


def _under_wine() -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    try:
        return hasattr(ctypes.windll.ntdll, "wine_get_version")
    except (AttributeError, OSError):
        return False


if _under_wine():
    # The suite on the release's Windows interpreter under Wine (packaging/windows/test_under_wine.sh):
    # Wine 8 lacks kernel32's CopyFile2 (every Windows 8+ has it), which Python 3.12's shutil calls
    # and Wine aborts on; without the attribute shutil copies the bytes itself. Test runs only.
    import _winapi

    if hasattr(_winapi, "CopyFile2"):
        del _winapi.CopyFile2

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DESK_NO_PRINTER", "1")

from desk.core.idnumber import make_id_number  # noqa: E402
from desk.services import operators  # noqa: E402
from desk.services.context import Desk  # noqa: E402

# Test-only: every test creates operators, and scrypt at the application's N=2^17 costs about half a
# second per hash. The suite hashes at DESK_SCRYPT_N (default 2^14) instead; this is the only place
# that reads DESK_SCRYPT_N, the application always uses operators.SCRYPT_N = 2^17. Run the suite
# at full cost with DESK_SCRYPT_N=131072; tests of the cost itself set their own.
APP_SCRYPT_N = operators.SCRYPT_N
operators.SCRYPT_N = int(os.environ.get("DESK_SCRYPT_N", 2**14))

TODAY = datetime(2026, 3, 10, 9, 30)


class Clock:
    def __init__(self, moment: datetime = TODAY):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(tmp_path, clock) -> Desk:
    opened = Desk.open(tmp_path / "desk.db", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def staff(desk):
    admin = operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    clerk = operators.create_operator(
        desk, admin, username="clerk01", display_name="李娜", role="clerk", temporary_password="Clerk2026", require_change=False
    )
    reviewer = operators.create_operator(
        desk, admin, username="review01", display_name="杨慧", role="reviewer", temporary_password="Review2026",
        require_change=False,
    )
    return {"admin": admin, "clerk": clerk, "reviewer": reviewer}


@pytest.fixture
def clerk(staff):
    return staff["clerk"]


@pytest.fixture
def reviewer(staff):
    return staff["reviewer"]


def person_form(id_number: str | None = None, **overrides) -> dict:
    form = {
        "id_type": "居民身份证",
        "id_number": id_number or make_id_number("532923", date(1985, 6, 1), 452),
        "name": "杨丽华",
        "ethnicity": "白族",
        "phone": "13908721234",
        "household_type": "农村",
        "township": "祥城镇",
        "village": "东村村委会",
        "address": "祥云县祥城镇东村12号",
        "groups": [],
    }
    form.update(overrides)
    return form


# CI runs the property and fuzz tests derandomized, so a run is reproducible for a given hypothesis
# version; on a developer's machine they explore new examples every run.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")
