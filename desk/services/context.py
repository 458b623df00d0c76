"""What every service takes: the open desk (database, packs, clock, settings) and the acting operator."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlite_utils

from desk.core.errors import DeskError, PermissionDenied
from desk.core.packs import PackRegistry
from desk.core.roles import PERMISSION_NAMES, ROLE_NAMES, allowed
from desk.resources import resource_path
from desk.services import faults
from desk.services.entered_packs import EnteredPacks
from desk.services.keys import Keys, KeysProblem, head_path, keys_path, load_keys, verified_path, write_head
from desk.services.network_paths import refuse_network_share
from desk.store import audit as audit_store
from desk.store import operators as operators_store
from desk.store import seals as seals_store
from desk.store import settings as settings_store
from desk.store.db import connect, connect_read_only, write_transaction

# Defaults of the office settings an administrator can change (operations.md, vouchers.md).
DEFAULT_SETTINGS = {
    "office_name": "大理州医疗保障事业管理局 经办窗口",
    "window": "1号窗口",
    "office_phone": "0872-0000000",
    "office_hours": "周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）",
    "office_address": "",
    "default_pack": "dali-resident-2025",
    "paper": "A4",
    "idle_lock_minutes": 10,
    "max_failed_logins": 5,
    "lockout_minutes": 15,
}


@dataclass(frozen=True)
class Operator:
    id: int
    username: str
    display_name: str
    role: str
    must_change_password: bool = False

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            action = PERMISSION_NAMES.get(permission, permission)
            raise PermissionDenied(f"{self.role_name}{self.display_name}没有“{action}”的权限，请由有权限的人员办理。")


class SessionEnded(PermissionDenied):
    """该账户已停用或角色已变更，本次操作没有保存，请重新登录。

    A write found, inside its own transaction, that the operator who logged in may no longer act:
    the account is gone, disabled, or its role is not the one the session logged in with. Nothing
    was written; the GUI ends the session (back to the login window)."""

    code = "session_ended"
    marks_field = False


@dataclass
class Desk:
    """The open application: one database, the loaded policy packs and a clock."""

    db: sqlite_utils.Database
    packs: EnteredPacks  # the bundled packs as entered in this database (a PackRegistry is wrapped)
    path: Path | None = None
    clock: Callable[[], datetime] = field(default=datetime.now)
    # called with (operator, message) when a write refuses an operator whose session must end (GUI)
    session_listeners: list[Callable[[Operator, str], None]] = field(default_factory=list, repr=False)
    read_only: bool = False  # opened by a read-only command (open_read_only): nothing may be written

    def __post_init__(self) -> None:
        if isinstance(self.packs, PackRegistry):
            self.packs = EnteredPacks(self.packs, self.db)
        else:
            self.packs = self.packs.bound_to(self.db)

    @classmethod
    def open(cls, path: Path | str, *, clock: Callable[[], datetime] | None = None, packs_dir: Path | None = None) -> Desk:
        if str(path) != ":memory:":
            refuse_network_share(path)
        db = connect(path)
        packs = PackRegistry.load_directory(packs_dir or resource_path("policies"))
        desk = cls(db=db, packs=packs, path=Path(path) if str(path) != ":memory:" else None, clock=clock or datetime.now)
        desk._ensure_installation()
        return desk

    @classmethod
    def open_read_only(cls, path: Path | str, *, clock: Callable[[], datetime] | None = None) -> Desk:
        """An existing desk database of this version, opened read-only (`desk check`, `verify`,
        `workdays --db`, `quote --db`, `standard list`): never migrated, no installation id or keys
        created, no head written. A foreign, older or newer file is refused (NotDeskDatabase)."""
        refuse_network_share(path)
        db = connect_read_only(path)
        packs = PackRegistry.load_directory(resource_path("policies"))
        return cls(db=db, packs=packs, path=Path(path), clock=clock or datetime.now, read_only=True)

    def _ensure_installation(self) -> None:
        """The installation id, created once at the first start; the keys outside the file (keys.py)."""
        if settings_store.get_setting(self.db, "installation_id") is None:
            with write_transaction(self.db):
                if settings_store.get_setting(self.db, "installation_id") is None:
                    settings_store.put_setting(self.db, "installation_id", secrets.token_hex(8), at=self.timestamp(),
                                               operator_id=None)
        self._keys = None
        _ = self.keys

    @property
    def keys(self) -> Keys:
        """The installation's voucher and audit keys (kept outside the database file)."""
        cached = getattr(self, "_keys", None)
        if cached is None:
            installation = settings_store.get_setting(self.db, "installation_id") or "none"
            created = settings_store.get_setting(self.db, "keys_created")
            path = keys_path(self.path, installation) if self.path else None
            if self.read_only and path is not None and not path.exists() and not created:
                path = None  # an older database before its keys: read as it is, nothing created
            if created and path is not None and not path.exists():
                raise KeysProblem(f"本数据库的密钥文件 {path} 不见了（密钥建于 {created.get('at')}）：凭证核验码和审计链"
                                  "无法核对，请管理员从另存的密钥副本恢复该文件。")
            cached = load_keys(self.path if path is not None else None, installation,
                               next_entry=audit_store.next_entry_id(self.db),
                               legacy_secret=settings_store.get_setting(self.db, "voucher_secret"), now=self.timestamp())
            if not created and path is not None and not self.read_only:
                with write_transaction(self.db):
                    settings_store.put_setting(self.db, "keys_created", {"at": cached.created_at,
                                                                           "keyed_from": cached.keyed_from},
                                               at=self.timestamp(), operator_id=None)
                self._keys = cached
                self.write_head()  # the head outside the file exists from the moment the keys do
            self._keys = cached
        return cached

    def close(self) -> None:
        self.db.conn.close()

    # ---- time
    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    def timestamp(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    # ---- settings
    def setting(self, key: str):
        return settings_store.get_setting(self.db, key, DEFAULT_SETTINGS.get(key))

    def settings(self) -> dict:
        stored = settings_store.all_settings(self.db)
        for internal in ("voucher_secret", "installation_id", "keys_created"):
            stored.pop(internal, None)
        return {**DEFAULT_SETTINGS, **stored}

    # ---- audit
    def audit(self, operator: Operator | None, action: str, record_type: str | None, record_id, detail: dict, *,
              check_operator: bool = True) -> int:
        """Append an audit entry; call inside the business transaction, after the write. An entry
        about a sealed record carries the row's seal as it now stands (desk/store/seals.py)."""
        if operator is not None and check_operator:
            self.acting(operator)  # every write audits: the one place every write passes through
        row_seal = seals_store.seal(self.db, record_type, record_id)
        if row_seal is not None:
            detail = {**detail, seals_store.SEAL_KEY: row_seal}
        self._head_dirty = True
        return audit_store.append_entry(
            self.db,
            key=self.keys.audit_key,
            keyed_from=self.keys.keyed_from,
            at=self.timestamp(),
            operator_id=operator.id if operator else None,
            operator_name=operator.display_name if operator else None,
            window=self.setting("window"),
            action=action,
            record_type=record_type,
            record_id=record_id,
            detail=detail,
        )

    @contextmanager
    def transaction(self):
        """One user action: BEGIN IMMEDIATE ... COMMIT; after a commit that added audit entries, the
        chain's head is written outside the database too (keys.write_head)."""
        if self.read_only:
            raise DeskError("数据库是以只读方式打开的（只读命令），不能在这里办理或修改。")
        outermost = not self.db.conn.in_transaction
        if outermost:
            self._head_dirty = False
        try:
            with write_transaction(self.db) as db:
                yield db
        except sqlite3.Error as error:  # a full disk, a read-only or locked file, an I/O error, damage
            if faults.kind_of(error) == faults.OTHER:
                raise
            raise faults.DatabaseFault.of(error) from error
        if outermost and getattr(self, "_head_dirty", False):
            self._head_dirty = False
            try:
                self.write_head()
            except OSError:  # the work is saved; the head stays one commit behind (it is never ahead)
                logging.getLogger("desk").exception("could not write the audit chain's head")

    def head_file(self) -> Path | None:
        installation = settings_store.get_setting(self.db, "installation_id") or "none"
        return head_path(self.path, installation) if self.path else None

    def verified_file(self) -> Path | None:
        """The last chain point a full check verified (keys.verified_path), None in memory."""
        installation = settings_store.get_setting(self.db, "installation_id") or "none"
        return verified_path(self.path, installation) if self.path else None

    def write_head(self) -> None:
        path = self.head_file()
        if path is not None and not self.read_only:
            entry, entry_hash = audit_store.head(self.db)
            write_head(path, entry, entry_hash, self.timestamp(), self.keys.audit_key)

    # ---- the acting operator, re-read inside the write (issue 11, item 8)
    def acting(self, operator: Operator, permission: str | None = None) -> Operator:
        """Call inside the write transaction: the operator's account as it stands now must exist,
        be enabled and have the role the session logged in with (and that role must allow
        `permission`, when given). Otherwise `SessionEnded` (the transaction rolls back, nothing is
        written) and the session listeners hear it. `audit()` calls this for every entry with an
        operator, so no write by a disabled or changed account can commit."""
        row = operators_store.standing(self.db, operator.id)
        name = operator.display_name
        if row is None:
            message = f"找不到{name}的操作员账户，本次操作没有保存，请重新登录。"
        elif row[1]:
            message = f"该账户已停用（{name}），本次操作没有保存，请重新登录；如有疑问请联系管理员。"
        elif row[0] != operator.role:
            message = (f"{name}的角色已由{operator.role_name}变更为{ROLE_NAMES.get(row[0], row[0])}，"
                       "本次操作没有保存，请重新登录。")
        else:
            if permission is not None:
                operator.require(permission)
            return operator
        for listener in list(self.session_listeners):
            listener(operator, message)
        raise SessionEnded(message)
