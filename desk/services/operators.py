"""Operators: first start, login with lockout, password changes, accounts (operations.md)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from desk.core import inputs
from desk.core.errors import DeskError, Problem, Refused, ValidationError
from desk.core.roles import ROLE_NAMES
from desk.services.context import Desk, Operator
from desk.store import operators as store

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class LoginFailed(DeskError):
    """用户名或密码不正确。"""

    code = "login_failed"


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt_hex, digest_hex = stored.split("$")
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


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
    with desk.transaction():
        if not needs_first_administrator(desk):
            raise Refused("管理员账户已经存在，请直接登录。")
        row = {
            "username": username,
            "display_name": display_name.strip(),
            "role": "admin",
            "password_hash": hash_password(password),
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
    with desk.transaction():
        if store.operator_by_username(desk.db, username):
            raise ValidationError.single("username", "taken", f"用户名 {username} 已被使用，请换一个。")
        row = {
            "username": username,
            "display_name": display_name.strip(),
            "role": role,
            "password_hash": hash_password(temporary_password),
            "must_change_password": 1 if require_change else 0,
            "created_at": desk.timestamp(),
            "created_by": admin.id,
        }
        row["id"] = store.insert_operator(desk.db, row)
        desk.audit(admin, "operator.create", "operator", row["id"], {"username": username, "role": role})
    return _operator(row)


def _locked_until(row: dict) -> datetime | None:
    return datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None


def authenticate(desk: Desk, *, username: str, password: str) -> Operator:
    """Log in. Every attempt is audited; the configured number of failures locks the account.

    The failure is committed before the refusal is raised, so counting cannot be undone by it.
    """
    with desk.transaction():
        outcome = _attempt(desk, (username or "").strip(), password or "")
    if isinstance(outcome, LoginFailed):
        raise outcome
    return outcome


def _attempt(desk: Desk, username: str, password: str) -> Operator | LoginFailed:
    row = store.operator_by_username(desk.db, username)
    if row is None:
        desk.audit(None, "login.failed", "operator", None, {"username": username, "why": "unknown user"})
        return LoginFailed("用户名或密码不正确，请重新输入。")
    operator = _operator(row)
    if row["disabled"]:
        desk.audit(operator, "login.failed", "operator", row["id"], {"why": "disabled"})
        return LoginFailed("该账户已停用，请联系管理员。")
    locked = _locked_until(row)
    if locked and locked > desk.now():
        desk.audit(operator, "login.failed", "operator", row["id"], {"why": "locked"})
        return LoginFailed(f"密码错误次数过多，账户已锁定至 {locked:%H:%M}，请稍后再试或联系管理员。")
    if not password_matches(password, row["password_hash"]):
        return _count_failure(desk, operator, row)
    store.update_operator(desk.db, row["id"], failed_attempts=0, locked_until=None)
    desk.audit(operator, "login", "operator", row["id"], {})
    return operator


def _count_failure(desk: Desk, operator: Operator, row: dict) -> LoginFailed:
    failures = row["failed_attempts"] + 1
    limit = int(desk.setting("max_failed_logins"))
    minutes = int(desk.setting("lockout_minutes"))
    desk.audit(operator, "login.failed", "operator", row["id"], {"why": "wrong password", "failures": failures})
    if failures >= limit:
        until = (desk.now() + timedelta(minutes=minutes)).isoformat(timespec="seconds")
        store.update_operator(desk.db, row["id"], failed_attempts=0, locked_until=until)
        return LoginFailed(f"密码连续错误{limit}次，账户已锁定{minutes}分钟。")
    store.update_operator(desk.db, row["id"], failed_attempts=failures)
    return LoginFailed(f"用户名或密码不正确，还可尝试{limit - failures}次。")


def change_password(desk: Desk, operator: Operator, *, old_password: str, new_password: str) -> Operator:
    old_password = inputs.text(old_password, "old_password", "原密码")
    problem = password_problem(new_password)
    if problem:
        raise ValidationError.single("new_password", "weak", problem)
    if old_password == new_password:
        raise ValidationError.single("new_password", "same", "新密码不能与原密码相同。")
    with desk.transaction():
        row = store.operator_by_id(desk.db, operator.id)
        if not password_matches(old_password or "", row["password_hash"]):
            raise ValidationError.single("old_password", "wrong", "原密码不正确。")
        store.update_operator(desk.db, operator.id, password_hash=hash_password(new_password), must_change_password=0)
        desk.audit(operator, "operator.change_password", "operator", operator.id, {})
    return Operator(operator.id, operator.username, operator.display_name, operator.role, False)


def verify_password(desk: Desk, operator: Operator, password: str) -> bool:
    """For unlocking the screen: only the same operator's password opens it."""
    row = store.operator_by_id(desk.db, operator.id)
    return bool(row) and not row["disabled"] and password_matches(password or "", row["password_hash"])


def list_operators(desk: Desk, admin: Operator) -> list[dict]:
    admin.require("admin.operators")
    return [
        {key: row[key] for key in ("id", "username", "display_name", "role", "disabled", "must_change_password", "locked_until")}
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
    return desk.db.execute("SELECT COUNT(*) FROM operators WHERE role = 'admin' AND disabled = 0").fetchone()[0]


def reset_password(desk: Desk, admin: Operator, *, operator_id: int, temporary_password: str) -> None:
    """A temporary password that must be changed at the next login; clears a lock."""
    problem = password_problem(temporary_password)
    if problem:
        raise ValidationError.single("password", "weak", problem)
    with desk.transaction():
        row = _other_operator(desk, admin, operator_id)
        store.update_operator(desk.db, operator_id, password_hash=hash_password(temporary_password),
                              must_change_password=1, failed_attempts=0, locked_until=None)
        desk.audit(admin, "operator.reset_password", "operator", operator_id, {"username": row["username"]})
