"""Operators: first start, login with lockout, password changes, accounts (operations.md)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk.core import inputs
from desk.core.errors import DeskError, Problem, Refused, ValidationError
from desk.core.roles import ROLE_NAMES
from desk.services.context import Desk, Operator
from desk.store import operators as store

# scrypt at current guidance (N=2^17, r=8, p=1: 128 MiB and about half a second per hash on a
# counter PC). Older hashes verify with the parameters stored in them and are rehashed at the next
# successful login. The test suite lowers SCRYPT_N through tests/conftest.py (DESK_SCRYPT_N); the
# application itself never uses less than 2^17.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
# what a stored hash may ask for (a hash written into the file by hand cannot exhaust the memory)
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16


class LoginFailed(DeskError):
    """用户名或密码不正确。"""

    code = "login_failed"


def _maxmem(n: int, r: int, p: int) -> int:
    """scrypt needs 128·r·N bytes for V plus 128·r·p for B; OpenSSL's default cap is 32 MiB."""
    return 128 * r * (n + p + 2) + (1 << 20)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=_maxmem(n, r, p))


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    n, r, p = SCRYPT_N, SCRYPT_R, SCRYPT_P
    return f"scrypt${n}${r}${p}${salt.hex()}${_scrypt(password, salt, n, r, p).hex()}"


def _parameters(stored: str) -> tuple[int, int, int, bytes, str] | None:
    try:
        kind, n, r, p, salt_hex, digest_hex = stored.split("$")
        n, r, p, salt = int(n), int(r), int(p), bytes.fromhex(salt_hex)
    except (AttributeError, ValueError, TypeError):
        return None
    if kind != "scrypt" or not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        return None
    return n, r, p, salt, digest_hex


def password_matches(password: str, stored: str) -> bool:
    """Checked with the parameters stored in the hash itself (older hashes stay valid)."""
    parts = _parameters(stored)
    if parts is None:
        return False
    n, r, p, salt, digest_hex = parts
    try:
        digest = _scrypt(password, salt, n, r, p)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def needs_rehash(stored: str) -> bool:
    """A hash made with weaker parameters than today's (rehashed at the next successful login)."""
    parts = _parameters(stored)
    return parts is None or parts[0] < SCRYPT_N or parts[1] < SCRYPT_R or parts[2] < SCRYPT_P


def _spend_time(password: str) -> bool:
    """An unknown username costs the same hash as a known one, so timing does not tell it apart."""
    _scrypt(password, b"\0" * 16, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return False


def password_problem(password: str) -> str | None:
    if not isinstance(password, str):
        return "密码应为文字。"
    if len(password or "") < 8:
        return "密码至少8位。"
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return "密码须同时包含字母和数字。"
    return None


def _operator(row: dict) -> Operator:
    return Operator(row["id"], row["username"], row["display_name"], row["role"], bool(row["must_change_password"]))


def needs_first_administrator(desk: Desk) -> bool:
    return store.count_operators(desk.db) == 0


def _check_new_account(username: str, display_name: str, role: str, password: str) -> None:
    username = inputs.text(username, "username", "用户名")
    display_name = inputs.text(display_name, "display_name", "操作员姓名")
    password = inputs.text(password, "password", "密码")
    if not isinstance(role, str):
        raise ValidationError.single("role", "unknown", "角色只能是窗口经办员、审核员或管理员。")
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_.]{2,32}", username or ""):
        problems.append(Problem("username", "format", "用户名为2到32位字母、数字、下划线或点。"))
    if not (display_name or "").strip():
        problems.append(Problem("display_name", "required", "请填写操作员姓名。"))
    if role not in ROLE_NAMES:
        problems.append(Problem("role", "unknown", "角色只能是窗口经办员、审核员或管理员。"))
    problem = password_problem(password)
    if problem:
        problems.append(Problem("password", "weak", problem))
    if problems:
        raise ValidationError(problems)


def create_first_administrator(desk: Desk, *, username: str, display_name: str, password: str) -> Operator:
    """First start: the administrator sets their own password at once."""
    _check_new_account(username, display_name, "admin", password)
    password_hash = hash_password(password)  # scrypt outside the write lock
    with desk.transaction():
        if not needs_first_administrator(desk):
            raise Refused("管理员账户已经存在，请直接登录。")
        row = {
            "username": username,
            "display_name": display_name.strip(),
            "role": "admin",
            "password_hash": password_hash,
            "must_change_password": 0,
            "created_at": desk.timestamp(),
        }
        row["id"] = store.insert_operator(desk.db, row)
        operator = _operator(row)
        desk.audit(operator, "operator.create_first_admin", "operator", row["id"], {"username": username})
    return operator


def create_operator(
    desk: Desk,
    admin: Operator,
    *,
    username: str,
    display_name: str,
    role: str,
    temporary_password: str,
    require_change: bool = True,
) -> Operator:
    """A new account; the person must choose their own password at first login (require_change)."""
    admin.require("admin.operators")
    _check_new_account(username, display_name, role, temporary_password)
    password_hash = hash_password(temporary_password)  # scrypt outside the write lock
    with desk.transaction():
        if store.operator_by_username(desk.db, username):
            raise ValidationError.single("username", "taken", f"用户名 {username} 已被使用，请换一个。")
        row = {
            "username": username,
            "display_name": display_name.strip(),
            "role": role,
            "password_hash": password_hash,
            "must_change_password": 1 if require_change else 0,
            "created_at": desk.timestamp(),
            "created_by": admin.id,
        }
        row["id"] = store.insert_operator(desk.db, row)
        desk.audit(admin, "operator.create", "operator", row["id"], {"username": username, "role": role})
    return _operator(row)


def _locked_until(row: dict) -> datetime | None:
    return datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None


def _failure_message(desk: Desk) -> str:
    limit, minutes = int(desk.setting("max_failed_logins")), int(desk.setting("lockout_minutes"))
    return (f"用户名或密码不正确，请重新输入。连续输错{limit}次，账户将锁定{minutes}分钟；"
            "已锁定的账户请稍后再试或联系管理员。")


def authenticate(desk: Desk, *, username: str, password: str) -> Operator:
    """Log in. Every attempt is audited; the configured number of failures locks the account.

    What the person at the login learns (docs/rules.md, Operators): an unknown username, a wrong
    password and a locked account all get one and the same message (and the same scrypt cost),
    so nobody without the password can tell whether a username exists or is locked; a disabled
    account is told only after its right password. The password is checked before the write
    transaction (scrypt takes about half a second); the failure is committed before the refusal
    is raised, so counting cannot be undone by it.
    """
    username, password = (username or "").strip(), password or ""
    row = store.operator_by_username(desk.db, username)
    matches = password_matches(password, row["password_hash"]) if row else _spend_time(password)
    new_hash = hash_password(password) if row and matches and needs_rehash(row["password_hash"]) else None
    with desk.transaction():
        outcome = _attempt(desk, username, password, row, matches, new_hash)
    if isinstance(outcome, LoginFailed):
        raise outcome
    return outcome


def _attempt(desk: Desk, username: str, password: str, seen: dict | None, matches: bool,
             new_hash: str | None) -> Operator | LoginFailed:
    row = store.operator_by_username(desk.db, username)
    if row is not None and (seen is None or row["id"] != seen["id"] or row["password_hash"] != seen["password_hash"]):
        matches = password_matches(password, row["password_hash"])  # changed meanwhile: check again
        new_hash = hash_password(password) if matches and needs_rehash(row["password_hash"]) else None
    if row is None:
        desk.audit(None, "login.failed", "operator", None, {"username": username, "why": "unknown user"})
        return LoginFailed(_failure_message(desk))
    operator = _operator(row)
    locked = _locked_until(row)
    if locked and locked > desk.now():
        desk.audit(operator, "login.failed", "operator", row["id"], {"why": "locked"}, check_operator=False)
        return LoginFailed(_failure_message(desk))
    if not matches:
        _count_failure(desk, operator, row, "wrong password")
        return LoginFailed(_failure_message(desk))
    if row["disabled"]:
        desk.audit(operator, "login.failed", "operator", row["id"], {"why": "disabled"}, check_operator=False)
        return LoginFailed("该账户已停用，请联系管理员。")
    changes = {"failed_attempts": 0, "locked_until": None}
    if new_hash is not None:
        changes["password_hash"] = new_hash
    store.update_operator(desk.db, row["id"], **changes)
    desk.audit(operator, "login", "operator", row["id"], {"rehashed": True} if new_hash else {})
    return operator


def _count_failure(desk: Desk, operator: Operator, row: dict, why: str) -> bool:
    """One more wrong password on the account's one counter (login and screen lock alike); True
    when it reached the limit and locked the account."""
    failures = row["failed_attempts"] + 1
    limit = int(desk.setting("max_failed_logins"))
    minutes = int(desk.setting("lockout_minutes"))
    detail = {"why": why, "failures": failures}
    if failures >= limit:
        until = (desk.now() + timedelta(minutes=minutes)).isoformat(timespec="seconds")
        store.update_operator(desk.db, row["id"], failed_attempts=0, locked_until=until)
        detail["locked_until"] = until
    else:
        store.update_operator(desk.db, row["id"], failed_attempts=failures)
    desk.audit(operator, "login.failed", "operator", row["id"], detail, check_operator=False)
    return failures >= limit


class UnlockFailed(DeskError):
    """密码不正确。"""

    code = "unlock_failed"
    marks_field = False

    def __init__(self, message: str, *, left: int, logged_out: bool):
        super().__init__(message)
        self.left, self.logged_out = left, logged_out


def unlock(desk: Desk, operator: Operator, password: str) -> Operator:
    """Open the screen lock with the same operator's password.

    A wrong password counts on the account's one failure counter (the login's), is audited as
    `login.failed` (why: screen lock) and, at the limit, locks the account; `UnlockFailed.logged_out`
    then says the session must end. A disabled, removed or changed account ends the session
    (`SessionEnded`) once its right password is given; a locked account ends it at once.
    """
    from desk.services.context import SessionEnded

    password = password if isinstance(password, str) else ""
    row = store.operator_by_id(desk.db, operator.id)
    matches = bool(row) and password_matches(password, row["password_hash"])
    with desk.transaction():
        current = store.operator_by_id(desk.db, operator.id)
        if current is not None and row is not None and current["password_hash"] != row["password_hash"]:
            matches = password_matches(password, current["password_hash"])
        row = current
        if row is None:
            raise SessionEnded(f"找不到{operator.display_name}的操作员账户，请重新登录。")
        locked = _locked_until(row)
        if locked and locked > desk.now():
            desk.audit(operator, "login.failed", "operator", row["id"], {"why": "locked", "at": "screen lock"},
                       check_operator=False)
            outcome = UnlockFailed(f"密码错误次数过多，账户已锁定至 {locked:%H:%M}，本次登录已结束。",
                                   left=0, logged_out=True)
        elif not matches:
            limit = int(desk.setting("max_failed_logins"))
            locked_now = _count_failure(desk, operator, row, "wrong password at screen lock")
            left = 0 if locked_now else limit - row["failed_attempts"] - 1
            outcome = UnlockFailed(
                f"密码连续错误{limit}次，账户已锁定{desk.setting('lockout_minutes')}分钟，本次登录已结束。" if locked_now
                else f"密码不正确。只有{operator.display_name}本人的密码可以解锁（还可尝试{left}次，之后将自动退出登录）。",
                left=left, logged_out=locked_now)
        else:
            outcome = None
    if outcome is not None:
        raise outcome
    with desk.transaction():
        store.update_operator(desk.db, operator.id, failed_attempts=0, locked_until=None)
        desk.audit(operator, "login.unlock", "operator", operator.id, {})  # re-reads the account: SessionEnded
    return operator


def change_password(desk: Desk, operator: Operator, *, old_password: str, new_password: str) -> Operator:
    old_password = inputs.text(old_password, "old_password", "原密码")
    problem = password_problem(new_password)
    if problem:
        raise ValidationError.single("new_password", "weak", problem)
    if old_password == new_password:
        raise ValidationError.single("new_password", "same", "新密码不能与原密码相同。")
    seen = store.operator_by_id(desk.db, operator.id)
    matches = bool(seen) and password_matches(old_password or "", seen["password_hash"])  # scrypt outside the lock
    new_hash = hash_password(new_password)
    with desk.transaction():
        row = store.operator_by_id(desk.db, operator.id)
        if row is not None and (seen is None or row["password_hash"] != seen["password_hash"]):
            matches = password_matches(old_password or "", row["password_hash"])  # changed meanwhile
        if row is None or not matches:
            raise ValidationError.single("old_password", "wrong", "原密码不正确。")
        store.update_operator(desk.db, operator.id, password_hash=new_hash, must_change_password=0)
        desk.audit(operator, "operator.change_password", "operator", operator.id, {})
    return Operator(operator.id, operator.username, operator.display_name, operator.role, False)


def session_problem(desk: Desk, operator: Operator) -> str | None:
    """Why an open session may no longer go on (the account gone, disabled or given another role),
    or None. The main window asks every few seconds, so a disabled operator cannot keep reading
    either; every write checks the same inside its transaction (Desk.acting)."""
    row = store.operator_by_id(desk.db, operator.id)
    if row is None:
        return f"找不到{operator.display_name}的操作员账户，请重新登录。"
    if row["disabled"]:
        return f"该账户已停用（{operator.display_name}），请重新登录；如有疑问请联系管理员。"
    if row["role"] != operator.role:
        return (f"{operator.display_name}的角色已由{operator.role_name}变更为{ROLE_NAMES.get(row['role'], row['role'])}，"
                "请重新登录。")
    return None


def verify_password(desk: Desk, operator: Operator, password: str) -> bool:
    """Whether this is the operator's password and the account may still log in (nothing counted)."""
    row = store.operator_by_id(desk.db, operator.id)
    return bool(row) and not row["disabled"] and password_matches(password or "", row["password_hash"])


@dataclass(frozen=True)
class OperatorAccount:
    """One account as the administrator's list shows it (never its password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    must_change_password: bool
    locked_until: datetime | None  # a lock set at the last failures (it may have run out by now)


def list_operators(desk: Desk, admin: Operator) -> list[OperatorAccount]:
    admin.require("admin.operators")
    return [
        OperatorAccount(row["id"], row["username"], row["display_name"], row["role"], bool(row["disabled"]),
                        bool(row["must_change_password"]), _locked_until(row))
        for row in store.list_operators(desk.db)
    ]


def _other_operator(desk: Desk, admin: Operator, operator_id: int) -> dict:
    admin.require("admin.operators")
    row = store.operator_by_id(desk.db, operator_id)
    if row is None:
        raise ValidationError.single("operator", "unknown", "没有这个操作员。")
    if row["id"] == admin.id:
        raise Refused("不能停用或重置自己的账户，请由另一位管理员办理。", field="operator")
    return row


def set_disabled(desk: Desk, admin: Operator, *, operator_id: int, disabled: bool) -> None:
    """Disable (or enable again) an account; nothing is deleted."""
    with desk.transaction():
        row = _other_operator(desk, admin, operator_id)
        if disabled and row["role"] == "admin" and _active_admins(desk) <= 1:
            raise Refused("这是最后一个可用的管理员账户，不能停用。")
        store.update_operator(desk.db, operator_id, disabled=int(disabled))
        desk.audit(admin, "operator.disable" if disabled else "operator.enable", "operator", operator_id,
                   {"username": row["username"]})


def _active_admins(desk: Desk) -> int:
    return store.count_active_admins(desk.db)


def reset_password(desk: Desk, admin: Operator, *, operator_id: int, temporary_password: str) -> None:
    """A temporary password that must be changed at the next login; clears a lock."""
    problem = password_problem(temporary_password)
    if problem:
        raise ValidationError.single("password", "weak", problem)
    admin.require("admin.operators")
    password_hash = hash_password(temporary_password)  # scrypt outside the write lock
    with desk.transaction():
        row = _other_operator(desk, admin, operator_id)
        store.update_operator(desk.db, operator_id, password_hash=password_hash,
                              must_change_password=1, failed_attempts=0, locked_until=None)
        desk.audit(admin, "operator.reset_password", "operator", operator_id, {"username": row["username"]})
