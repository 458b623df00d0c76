"""The installation's keys, kept outside the database file.

Two 256-bit keys: one for the vouchers' verification codes, one for the audit chain (each entry's
hash is an HMAC from `keyed_from` on). Someone who can read the database or a backup can then
neither make a voucher that verifies nor rewrite the chain so that `desk check` passes.

Where: `keys/` beside the database (the data directory for the default database), one file per
database, named after the database file and its installation id. On Windows the file's content
is protected with DPAPI for the user (CryptProtectData: only this Windows account on this PC can
read it); elsewhere it is a file readable by its owner only (mode 0600). Written once, atomically
(a temporary file, fsynced, then linked to its name, so two processes starting at once agree and
a kill never leaves half a key). Not in `backups/`: an administrator copies `keys/` to separate
safe-keeping once (a restored database needs its keys to verify its papers and chain).

A database made by an older desk keeps the voucher secret it stored in its settings: papers issued
before the key file existed still verify with it (`legacy_voucher_secret`, only for vouchers created
before `created_at`); every later paper and audit entry uses the keys of the file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from desk.core.errors import DeskError

FORMAT = "desk-keys-1"
DPAPI_MARK = "DPAPI:"


class KeysProblem(DeskError):
    """本数据库的密钥文件无法读取：凭证核验码和审计链无法核对，请联系系统管理员恢复密钥文件。"""

    code = "keys"


@dataclass(frozen=True)
class Keys:
    voucher_key: str
    audit_key: bytes
    keyed_from: int  # the first audit entry whose hash is keyed
    created_at: str
    path: Path | None
    legacy_voucher_secret: str | None = None  # an older desk's secret, for papers issued before created_at


_INSTALLATION = re.compile(r"[0-9a-f]{16}|none")


def _named(db_path: Path, installation_id: object, suffix: str) -> Path:
    """A file of keys/ for this database; the installation id (read from the database, which someone
    may have edited) must be what desk writes, so that no name can point outside keys/."""
    if not isinstance(installation_id, str) or not _INSTALLATION.fullmatch(installation_id):
        raise KeysProblem("数据库中的安装编号不是 desk 写入的格式（数据库被改动过）：密钥文件无法确定，请联系系统管理员。")
    return db_path.parent / "keys" / f"{db_path.stem}-{installation_id}{suffix}"


def keys_path(db_path: Path, installation_id: str) -> Path:
    return _named(db_path, installation_id, ".key")


def _protect(data: bytes) -> str:
    if sys.platform != "win32":
        return data.decode("utf-8")
    return DPAPI_MARK + base64.b64encode(_dpapi(data, protect=True)).decode("ascii")


def _unprotect(text: str) -> bytes:
    if text.startswith(DPAPI_MARK):
        if sys.platform != "win32":
            raise KeysProblem("密钥文件由 Windows 为另一台电脑或账户加密，无法在这里读取。")
        return _dpapi(base64.b64decode(text[len(DPAPI_MARK):]), protect=False)
    return text.encode("utf-8")


def _dpapi(data: bytes, *, protect: bool) -> bytes:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32, kernel32 = ctypes.windll.crypt32, ctypes.windll.kernel32
    buffer = ctypes.create_string_buffer(data, len(data))
    source, result = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))), Blob()
    ui_forbidden = 0x1
    if protect:
        ok = crypt32.CryptProtectData(ctypes.byref(source), "desk", None, None, None, ui_forbidden, ctypes.byref(result))
    else:
        ok = crypt32.CryptUnprotectData(ctypes.byref(source), None, None, None, None, ui_forbidden, ctypes.byref(result))
    if not ok:
        raise KeysProblem("Windows 拒绝解开本数据库的密钥文件（它属于另一个 Windows 账户或另一台电脑）。")
    try:
        return ctypes.string_at(result.pbData, result.cbData)
    finally:
        kernel32.LocalFree(result.pbData)


def _read(path: Path) -> dict:
    try:
        data = json.loads(_unprotect(path.read_text(encoding="utf-8")))
        if data.get("format") != FORMAT:
            raise ValueError(data.get("format"))
        bytes.fromhex(data["audit_key"])
        int(data["keyed_from"])
        str(data["voucher_key"])
        return data
    except KeysProblem:
        raise
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise KeysProblem(f"本数据库的密钥文件 {path} 无法读取（{type(error).__name__}）：凭证核验码和审计链无法核对，"
                          "请管理员从另存的密钥副本恢复该文件。") from None


def _write_once(path: Path, data: dict) -> None:
    """Create the key file atomically; if another process made it first, keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(_protect(json.dumps(data).encode("utf-8")))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def write_key_file(path: Path, installation_id: str, keys: dict) -> None:
    """The key file put back from an administrator's copy (desk.services.key_escrow), as at installation."""
    _write_once(path, {"format": FORMAT, "installation": installation_id, "voucher_key": str(keys["voucher_key"]),
                       "audit_key": bytes.fromhex(keys["audit_key"]).hex(), "keyed_from": int(keys["keyed_from"]),
                       "created_at": str(keys["created_at"])})


def load_keys(db_path: Path | None, installation_id: str, *, next_entry: int, legacy_secret: str | None,
              now: str) -> Keys:
    """The database's keys, created the first time (`next_entry`: where the keyed chain begins)."""
    if db_path is None:  # an in-memory database: keys for this process only
        return Keys(secrets.token_hex(32), secrets.token_bytes(32), next_entry, now, None, legacy_secret)
    path = keys_path(db_path, installation_id)
    if not path.exists():
        _write_once(path, {"format": FORMAT, "installation": installation_id, "voucher_key": secrets.token_hex(32),
                           "audit_key": secrets.token_hex(32), "keyed_from": next_entry, "created_at": now})
    data = _read(path)
    return Keys(data["voucher_key"], bytes.fromhex(data["audit_key"]), int(data["keyed_from"]), data["created_at"],
                path, legacy_secret)


def head_path(db_path: Path, installation_id: str) -> Path:
    return _named(db_path, installation_id, ".head")


class ForgedPoint(Exception):
    """A head or verified-point file whose signature does not match: written by someone without the key."""


def point_mac(key: bytes, name: str, entry: int, entry_hash: str) -> str:
    """The signature of a chain point kept outside the database, bound to its file's name (so a
    .verified file cannot stand in for a .head file, nor one database's for another's)."""
    return hmac.new(key, f"desk-point-1|{name}|{entry}|{entry_hash}".encode(), hashlib.sha256).hexdigest()


def write_head(path: Path, entry: int, entry_hash: str, at: str, key: bytes) -> None:
    """The audit chain's head, kept outside the database and signed with the audit key: written after
    each commit that added entries (temporary file, fsynced, renamed over the old one). It may lag
    the database by the entries of a commit whose process died before writing it; it is never ahead.
    Someone with the files but not the key can neither move it back nor forward."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"entry": entry, "hash": entry_hash, "at": at,
                   "mac": point_mac(key, path.name, entry, entry_hash)}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def verified_path(db_path: Path, installation_id: str) -> Path:
    """Where the last point of the chain a full check verified is kept (the start-up check goes on from it)."""
    return _named(db_path, installation_id, ".verified")


def read_head(path: Path, key: bytes | None = None) -> tuple[int, str] | None:
    """(entry number, hash) kept outside the database, or None when there is no readable head file.
    With `key`, its signature must match (ForgedPoint otherwise)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")[:4096])
        point = int(data["entry"]), str(data["hash"])
        if key is not None and not hmac.compare_digest(str(data.get("mac", "")), point_mac(key, path.name, *point)):
            raise ForgedPoint(path.name)
        return point
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
