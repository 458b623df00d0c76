"""Issue 12, item 5: the code passes ruff with the project's [tool.ruff] configuration (pyproject.toml)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(sys.platform == "win32", reason="linted once, on Linux")
def test_ruff_passes():
    if importlib.util.find_spec("ruff") is None:
        pytest.fail("ruff is not installed: pip install -e '.[test]' installs the pinned version")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "desk", "tests", "bench", "packaging", "docs"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
