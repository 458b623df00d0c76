#!/usr/bin/env bash
# Re-resolve the Windows dependencies of desk, for Windows (markers evaluated for win_amd64 and
# the bundled CPython 3.12), with every hash pinned. Run after changing pyproject.toml's
# dependencies; commit the two files it writes. build.sh installs exactly these.
set -euo pipefail
cd "$(dirname "$0")/../.."
python -m pip install -q "uv>=0.9"
common=(--python-platform x86_64-pc-windows-msvc --python-version 3.12 --generate-hashes --no-header --quiet)
# the app (pip is left out: sqlite-utils lists it for its own plugin installer, which desk never runs)
uv pip compile pyproject.toml "${common[@]}" --no-emit-package pip -o packaging/windows/requirements-win64.txt
# the app and its tests, for the test suite run on the Windows interpreter
uv pip compile pyproject.toml --extra test "${common[@]}" --no-emit-package pip \
  -c packaging/windows/requirements-win64.txt -o packaging/windows/requirements-win64-test.txt
echo "lock.sh: wrote packaging/windows/requirements-win64.txt and requirements-win64-test.txt"
