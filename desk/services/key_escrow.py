"""The administrator's copy of the keys (issue 11, item 2: "backed up separately and restorable by
an administrator").

The key file in `keys/` is protected for one Windows account on one PC (DPAPI): a copy of it is of
no use on a new PC. So an administrator exports the keys once into a file protected by a passphrase
of their own (at least 12 characters; scrypt N=2^17, r=8, p=1 derives a 256-bit key; AES-256-GCM
seals the keys, the database's installation id bound in as associated data), keeps it apart from
the backups (a USB stick in the office safe), and imports it where the keys are missing: a new PC,
a restored database, a deleted `keys/` folder.

* Export: an administrator logged in; audited `keys.export` (the file's name, never its content).
* Import: the key file of this database is missing (the database cannot be opened without it, so
  the administrator's password is checked against the database read-only, as for a restore of a
  file that does not open); the copy must be of this database (its installation id) and the
  passphrase right; then the key file is written as at installation (DPAPI on Windows) and the
  import audited `keys.import` with the now usable keys. An existing key file is never replaced.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from pathlib import Path

from desk.core import json_text
from desk.core.errors import DeskError, ValidationError
from desk.services import keys as keys_module
from desk.services.context import Desk, Operator
from desk.store import settings as settings_store

FORMAT = "desk-key-copy-1"
MIN_PASSPHRASE = 12
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
MAX_COPY_BYTES = 64 * 1024


class KeyCopyError(DeskError):
    """密钥副本无法使用。"""

    code = "key_copy"


def _derive(passphrase: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=params["n"], r=params["r"], p=params["p"],
                          maxmem=256 * 1024 * 1024, dklen=32)


def check_passphrase(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ValidationError.single("passphrase", "too_short",
                                     f"密钥副本的保护口令至少{MIN_PASSPHRASE}个字符，请另设一个更长的口令（与登录密码不同）。")


def sealed_copy(keys: keys_module.Keys, installation: str, passphrase: str) -> bytes:
    """The keys as a passphrase-protected JSON document."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    check_passphrase(passphrase)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    plain = json.dumps({"voucher_key": keys.voucher_key, "audit_key": keys.audit_key.hex(),
                        "keyed_from": keys.keyed_from, "created_at": keys.created_at}).encode("utf-8")
    sealed = AESGCM(_derive(passphrase, salt, SCRYPT)).encrypt(nonce, plain, installation.encode("utf-8"))
    return json.dumps({"format": FORMAT, "installation": installation, "kdf": {"scrypt": SCRYPT},
                       "salt": base64.b64encode(salt).decode(), "nonce": base64.b64encode(nonce).decode(),
                       "sealed": base64.b64encode(sealed).decode()}, ensure_ascii=False, indent=1).encode("utf-8")


def opened_copy(data: bytes, installation: str, passphrase: str) -> dict:
    """The keys of a copy made for this installation; KeyCopyError for anything else."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        document = json_text.loads(data.decode("utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError
        params = document["kdf"]["scrypt"]
        if {key: int(params[key]) for key in ("n", "r", "p")} != SCRYPT:
            raise ValueError
        salt, nonce = base64.b64decode(document["salt"]), base64.b64decode(document["nonce"])
        sealed = base64.b64decode(document["sealed"])
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, json_text.JsonTextError):
        raise KeyCopyError("这个文件不是 desk 的密钥副本，或已损坏。") from None
    if document.get("installation") != installation:
        raise KeyCopyError(f"这份密钥副本属于另一个数据库（安装编号 {document.get('installation')}），"
                           f"不是本数据库（{installation}）的，不能导入。")
    try:
        plain = AESGCM(_derive(passphrase or "", salt, SCRYPT)).decrypt(nonce, sealed, installation.encode("utf-8"))
    except (InvalidTag, ValueError):
        raise KeyCopyError("保护口令不正确（或副本被改动过），密钥没有导入。") from None
    return json.loads(plain)


def export_keys(desk: Desk, operator: Operator, target: Path, passphrase: str) -> Path:
    """Write the passphrase-protected copy of this database's keys to `target` (a new file)."""
    operator.require("admin.backup")
    check_passphrase(passphrase)
    if desk.path is None:
        raise KeyCopyError("内存数据库没有密钥文件。")
    target = Path(target)
    if target.exists():
        raise ValidationError.single("file", "exists", f"文件 {target} 已存在，请换一个文件名（密钥副本不覆盖已有文件）。")
    if not target.parent.is_dir():
        raise ValidationError.single("file", "folder", f"文件夹 {target.parent} 不存在，请先建立它或换一个位置。")
    installation = settings_store.get_setting(desk.db, "installation_id")
    data = sealed_copy(desk.keys, installation, passphrase)
    with desk.transaction():
        desk.acting(operator, "admin.backup")
        try:
            with open(target, "xb") as handle:
                handle.write(data)
        except OSError as error:
            from desk.services.faults import classify

            raise KeyCopyError(f"密钥副本无法写入 {target}（{classify(error).title}）。请换一个位置。") from None
        desk.audit(operator, "keys.export", "keys", installation, {"file": target.name})
    return target


def import_keys(db_path: Path, username: str, password: str, source: Path, passphrase: str, *, clock=None) -> Path:
    """Put back the key file of the database at `db_path` from an administrator's copy; returns its path."""
    from desk.services.restore import administrator_of_backup
    from desk.store.db import connect_read_only

    db_path = Path(db_path)
    try:
        administrator = administrator_of_backup(db_path, username, password)
    except DeskError as error:
        raise KeyCopyError(error.message.replace("不能恢复数据库", "不能导入密钥")) from None
    db = connect_read_only(db_path)
    try:
        installation = settings_store.get_setting(db, "installation_id")
    finally:
        db.conn.close()
    if installation is None:
        raise KeyCopyError("这个数据库还没有安装编号（从未打开过），不需要导入密钥。")
    path = keys_module.keys_path(db_path, installation)
    if path.exists():
        raise KeyCopyError(f"本数据库的密钥文件 {path.name} 已经存在，不会被替换；无需导入。")
    try:
        with open(source, "rb") as handle:
            data = handle.read(MAX_COPY_BYTES + 1)  # never more: /dev/zero or a huge file is refused, not read
    except OSError:
        what = "是一个文件夹，不是文件" if Path(source).is_dir() else ("不存在" if not Path(source).exists() else "无法读取")
        raise KeyCopyError(f"密钥副本 {source} {what}，请选择导出的密钥副本文件。") from None
    if len(data) > MAX_COPY_BYTES:
        raise KeyCopyError("这个文件不是 desk 的密钥副本（太大）。")
    found = opened_copy(data, installation, passphrase)
    keys_module.write_key_file(path, installation, found)
    desk = Desk.open(db_path, clock=clock)
    try:
        with desk.transaction():
            desk.audit(administrator, "keys.import", "keys", installation, {"file": Path(source).name})
    finally:
        desk.close()
    return path
