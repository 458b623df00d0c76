#!/usr/bin/env bash
# The test suite on the Windows interpreter of the release, under Wine (after build.sh).
#
#   bash packaging/windows/test_under_wine.sh [PYTEST ARGS...]
#
# The release's own python\ folder, with a path file naming a site-packages of the test lock
# (requirements-win64-test.txt: the app's dependencies untrimmed, so Qt's offscreen platform is
# there, plus pytest and the rest) and this checkout, so the tests import desk from the source tree
# exactly as on Linux. The Wine prefix gets the stand-ins of packaging/windows/wine/ (test only).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE=$ROOT/packaging/windows
BUILD=$ROOT/build/windows
RELEASE_PYTHON=$BUILD/stage/desk/python
[ -f "$RELEASE_PYTHON/python.exe" ] || { echo "test_under_wine.sh: run packaging/windows/build.sh first"; exit 2; }

WORK=$BUILD/wine-tests
rm -rf "$WORK/python" "$WORK/home"
mkdir -p "$WORK/home" "$WORK/wheels"
cp -r "$RELEASE_PYTHON" "$WORK/python"
# pytest's header asks platform for the Windows version, which on 3.12 queries WMI; Wine 8's
# propsys.dll lacks VariantToString and aborts the process. Without _wmi, platform falls back to
# the registry. (This copy of the interpreter is the test's own; the release keeps _wmi.pyd.)
rm -f "$WORK/python/_wmi.pyd"
LOCK_HASH=$(sha256sum "$HERE/requirements-win64-test.txt" | cut -d' ' -f1)
if [ "$(cat "$WORK/site-packages/.complete" 2>/dev/null)" != "$LOCK_HASH" ]; then
  rm -rf "$WORK/site-packages"
  python3 -m pip download -q --no-deps --require-hashes -r "$HERE/requirements-win64-test.txt" \
    --platform win_amd64 --python-version 3.12 --implementation cp --abi abi3 --abi cp312 --abi none \
    --only-binary=:all: -d "$WORK/wheels"
  python3 -m pip install -q --no-deps --no-index --no-compile --target "$WORK/site-packages" \
    --platform win_amd64 --python-version 3.12 --implementation cp --abi abi3 --abi cp312 --abi none \
    --only-binary=:all: "$WORK"/wheels/*.whl
  echo "$LOCK_HASH" > "$WORK/site-packages/.complete"
fi

export WINEPREFIX=$WORK/prefix HOME=$WORK/home WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;mscms=n"
if [ ! -d "$WINEPREFIX" ]; then
  wineboot -i </dev/null >/dev/null 2>&1 || true
  wineserver -w
  for name in icuuc bcryptprimitives mscms; do
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WINEPREFIX/drive_c/windows/system32/$name.dll" \
      "$HERE/wine/$name.c" -ladvapi32
  done
fi
printf 'python312.zip\r\n.\r\n%s\r\n%s\r\n' "$(winepath -w "$WORK/site-packages")" "$(winepath -w "$ROOT")" \
  > "$WORK/python/python312._pth"

cd "$ROOT"
# Wine cannot write a Windows program's output into a Unix file: pipe it through cat
QT_QPA_PLATFORM=offscreen DESK_KILLS=${DESK_KILLS:-20} wine "$WORK/python/python.exe" -X utf8 -m pytest \
  -p no:cacheprovider --basetemp="$(winepath -w "$WORK/tmp")" "$@" 2>&1 </dev/null | cat
exit "${PIPESTATUS[0]}"
