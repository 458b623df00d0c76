#!/usr/bin/env bash
# The Windows release of desk, built on Linux: run from the repository root as
#   bash packaging/windows/build.sh
# It writes
#   dist/desk-VERSION-win64-setup.exe     per-user NSIS installer (no administrator rights)
#   dist/desk-VERSION-win64-portable.zip  one top folder desk/ with desk.exe and desk-cli.exe
#   dist/SHA256SUMS
# and installs the Debian packages it needs itself. Nothing is downloaded but pinned, hashed
# packages from PyPI (the interpreter and the win_amd64 wheels of packaging/windows/*.txt).
#
# The layout inside desk/ (installed to %LOCALAPPDATA%\Programs\desk):
#   desk.exe, desk-cli.exe   launchers (packaging/windows/launcher.c, mingw-w64)
#   python\                  python.org's embeddable CPython 3.12 (signatures checked), our ._pth
#   site-packages\           desk and its dependencies as win_amd64 wheels, Qt trimmed, .pyc compiled
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE=$ROOT/packaging/windows
START=$(date +%s)

say() { printf 'build.sh: %s\n' "$*"; }

# --- tools --------------------------------------------------------------------------------------
need=()
command -v makensis >/dev/null || need+=(nsis)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64-win32)
command -v osslsigncode >/dev/null || need+=(osslsigncode)
command -v wine >/dev/null || need+=(wine wine64)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
BUILD=$ROOT/build/windows
STAGE=$BUILD/stage/desk
rm -rf "$BUILD/stage" "$BUILD/wheels"
mkdir -p "$BUILD/downloads" "$BUILD/wheels" "$STAGE" "$ROOT/dist"
SETUP=$ROOT/dist/desk-$VERSION-win64-setup.exe
PORTABLE=$ROOT/dist/desk-$VERSION-win64-portable.zip
rm -f "$SETUP" "$PORTABLE" "$ROOT/dist/SHA256SUMS"

WINDOWS_WHEELS=(--platform win_amd64 --python-version 3.12 --implementation cp --abi abi3 --abi cp312 --abi none
                --only-binary=:all:)

# --- the interpreter ----------------------------------------------------------------------------
say "the interpreter (python-win64.txt)"
python3 -m pip download -q --no-deps --require-hashes -r "$HERE/python-win64.txt" -d "$BUILD/downloads"
rm -rf "$BUILD/python-wheel"
python3 -m zipfile -e "$BUILD"/downloads/QEnvPython312-3.12.0-py3-none-any.whl "$BUILD/python-wheel"
EMBED=$BUILD/python-wheel/QPT_SDK/QEnvPython/python312
[ -f "$EMBED/python312.dll" ] || { say "python312.dll missing from the interpreter wheel"; exit 1; }

# Every executable and DLL must carry the Python Software Foundation's valid Authenticode signature.
# The time is the signing time (2 October 2023), so a certificate that expired since still verifies.
# The two Visual C++ runtime DLLs are signed by Microsoft, whose code-signing root Debian's CA store
# does not hold: for those the signature must be intact (digest of the file = the signed digest)
# and Microsoft's; the chain cannot be checked here (the wheel's hash pins them all the same).
signed=0
for file in "$EMBED"/*.exe "$EMBED"/*.dll "$EMBED"/*.pyd; do
  name=$(basename "$file")
  if out=$(osslsigncode verify -ignore-cdp -ignore-crl -time 1696259531 -in "$file" 2>&1); then
    printf '%s\n' "$out" | grep -q 'Subject: .*/O=Python Software Foundation/CN=Python Software Foundation' || {
      say "$name is not signed by the Python Software Foundation"; exit 1; }
  else
    case "$name" in vcruntime140.dll|vcruntime140_1.dll) ;; *)
      say "signature check FAILED: $name"; printf '%s\n' "$out" | tail -5; exit 1 ;; esac
    current=$(printf '%s\n' "$out" | awk -F': *' '/^Current message digest/ {print $2; exit}')
    calculated=$(printf '%s\n' "$out" | awk -F': *' '/^Calculated message digest/ {print $2; exit}')
    [ -n "$current" ] && [ "$current" = "$calculated" ] \
      && printf '%s\n' "$out" | grep -q 'Subject: .*/O=Microsoft Corporation/' || {
      say "signature check FAILED: $name (digest or signer)"; exit 1; }
  fi
  signed=$((signed + 1))
done
say "  $signed PE files: signatures intact (Python Software Foundation; Microsoft for the VC++ runtime)"

mkdir -p "$STAGE/python"
# the embeddable distribution as python.org ships it; not the packager's Lib\, Scripts\ or ._pth
for file in "$EMBED"/*; do
  case "$(basename "$file")" in Lib|Scripts|python312._pth) ;; *) cp -r "$file" "$STAGE/python/" ;; esac
done
# our own path file: the standard library, the interpreter folder and the app's site-packages; no
# `import site`, so no user site-packages and no .pth files (a ._pth also ignores PYTHONPATH)
printf 'python312.zip\r\n.\r\n..\\site-packages\r\n' > "$STAGE/python/python312._pth"

# --- the app and its dependencies, resolved for Windows -----------------------------------------
say "the wheels (requirements-win64.txt, hashes pinned)"
python3 -m pip download -q --no-deps --require-hashes -r "$HERE/requirements-win64.txt" \
  "${WINDOWS_WHEELS[@]}" -d "$BUILD/wheels"
# desk's own wheel from a clean copy of what it is made of (a stale build/lib of an earlier in-tree
# build would otherwise slip old files into it)
rm -rf "$BUILD/source" && mkdir -p "$BUILD/source"
cp -r "$ROOT/pyproject.toml" "$ROOT/README.md" "$ROOT/desk" "$ROOT/resources" "$BUILD/source/"
find "$BUILD/source" -name '__pycache__' -type d -prune -exec rm -rf {} +
python3 -m pip wheel -q --no-deps -w "$BUILD/wheels" "$BUILD/source"
python3 -m pip install -q --no-deps --no-index --no-compile --target "$STAGE/site-packages" \
  "${WINDOWS_WHEELS[@]}" "$BUILD"/wheels/*.whl
rm -rf "$STAGE/site-packages/bin"
python3 "$HERE/trim_qt.py" "$STAGE/site-packages" | tail -1
find "$STAGE" -name '__pycache__' -type d -prune -exec rm -rf {} +

# --- launchers ----------------------------------------------------------------------------------
say "the launchers (mingw-w64)"
x86_64-w64-mingw32-gcc -municode -O2 -s -Wall "$HERE/launcher.c" -o "$STAGE/desk-cli.exe"
x86_64-w64-mingw32-gcc -municode -O2 -s -Wall -mwindows -DDESK_GUI "$HERE/launcher.c" -o "$STAGE/desk.exe"

# --- byte-compile with the Windows interpreter itself (its own magic number) ---------------------
say "compiling .pyc with the bundled interpreter under Wine"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export WINEPREFIX=$BUILD/wine-compile
[ -d "$WINEPREFIX" ] || wineboot -i >/dev/null 2>&1 || true
# unchecked-hash: valid whatever the archive does to file times
wine "$STAGE/python/python.exe" -X utf8 -m compileall -q --invalidation-mode unchecked-hash \
  "$(winepath -w "$STAGE/site-packages")" 2>&1 | cat
wineserver -w || true
pyc=$(find "$STAGE/site-packages" -name '*.cpython-312.pyc' | wc -l)
[ "$pyc" -gt 500 ] || { say "only $pyc .pyc files were compiled"; exit 1; }
say "  $pyc .pyc files"

printf 'desk %s\r\n' "$VERSION" > "$STAGE/VERSION.txt"
python3 - "$HERE/说明.txt" "$STAGE/说明.txt" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\n", "\r\n")
open(sys.argv[2], "w", encoding="utf-8-sig", newline="").write(text)
EOF

# --- portable zip: one top folder desk/ ---------------------------------------------------------
say "the portable zip"
python3 - "$BUILD/stage" "$PORTABLE" <<'EOF'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for folder, dirs, files in os.walk(os.path.join(stage, "desk")):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, stage))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # file names in UTF-8 (说明.txt)
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read(), compresslevel=9)
EOF

# --- installer ----------------------------------------------------------------------------------
say "the installer (NSIS)"
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$VERSION" -DSOURCE="$STAGE" -DOUTFILE="$SETUP" "$HERE/desk.nsi"

(cd "$ROOT/dist" && sha256sum "$(basename "$SETUP")" "$(basename "$PORTABLE")" > SHA256SUMS)
say "done in $(( $(date +%s) - START )) s"
for file in "$SETUP" "$PORTABLE"; do
  awk -v name="$(basename "$file")" -v size="$(stat -c %s "$file")" 'BEGIN { printf "  %-40s %6.1f MiB\n", name, size / 1048576 }'
done
printf '  unpacked: %s\n' "$(du -sh "$STAGE" | cut -f1)"
cat "$ROOT/dist/SHA256SUMS"
