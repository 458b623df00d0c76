"""Office settings an administrator changes (audited)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from desk.core.errors import Problem, ValidationError
from desk.services.context import DEFAULT_SETTINGS, Desk, Operator
from desk.store import settings as store

_CHECKS = {
    "paper": lambda value: value in ("A4", "A5") or "纸张只能是 A4 或 A5。",
    "idle_lock_minutes": lambda value: (isinstance(value, int) and 1 <= value <= 120) or "自动锁屏时间应为1到120分钟。",
    "max_failed_logins": lambda value: (isinstance(value, int) and 3 <= value <= 10) or "密码错误锁定次数应为3到10次。",
    "lockout_minutes": lambda value: (isinstance(value, int) and 5 <= value <= 120) or "锁定时长应为5到120分钟。",
}


@dataclass(frozen=True)
class OfficeSettings:
    """The settings an administrator changes, as they stand (defaults where none was saved)."""

    office_name: str
    window: str
    office_phone: str
    office_hours: str
    office_address: str
    default_pack: str
    paper: str
    idle_lock_minutes: int
    max_failed_logins: int
    lockout_minutes: int

    def value(self, key: str):
        return getattr(self, key)


# each office setting as the settings page and the audit log name it
SETTING_NAMES = {
    "office_name": "经办机构名称",
    "window": "窗口名称",
    "office_phone": "咨询电话",
    "office_hours": "办公时间",
    "office_address": "办公地址",
    "default_pack": "默认政策包",
    "paper": "凭证纸张",
    "idle_lock_minutes": "自动锁屏（分钟）",
    "max_failed_logins": "密码错误锁定次数",
    "lockout_minutes": "账户锁定时长（分钟）",
}
SETTING_KEYS = tuple(field.name for field in fields(OfficeSettings))


def office_settings(desk: Desk) -> OfficeSettings:
    current = desk.settings()
    return OfficeSettings(**{key: current[key] for key in SETTING_KEYS})


def settings_problems(desk: Desk, changes: dict) -> list[Problem]:
    """Every problem of the changes at once, by setting (empty when all may be saved)."""
    problems = []
    for key, value in changes.items():
        if key not in DEFAULT_SETTINGS:
            problems.append(Problem(key, "unknown", f"没有名为 {key} 的设置。"))
            continue
        check = _CHECKS.get(key)
        verdict = check(value) if check else (isinstance(value, str) and len(value) <= 200) or "设置值应为不超过200字的文字。"
        if verdict is not True:
            problems.append(Problem(key, "invalid", verdict))
    if "default_pack" in changes and not any(p.field == "default_pack" for p in problems):
        pack = desk.packs.packs.get(changes["default_pack"])
        if pack is None or pack.scheme != "resident" or not pack.has("contribution"):
            problems.append(Problem("default_pack", "invalid",
                                    f"政策包 {changes['default_pack']} 不能作为本窗口的默认政策包（须为配置了缴费标准的居民医保政策包）。"))
    return problems


def pack_choices(desk: Desk) -> list[tuple[str, str]]:
    """(id, title) of every pack that may be the office's default."""
    return [(pack.id, pack.title) for pack in desk.packs.packs.values()
            if pack.scheme == "resident" and pack.has("contribution")]


def update_settings(desk: Desk, admin: Operator, changes: dict) -> OfficeSettings:
    """Save the changes (audited); every problem is named at once (one ValidationError) and then nothing is saved."""
    admin.require("admin.settings")
    if not isinstance(changes, dict) or not changes:
        raise ValidationError.single("settings", "type", "没有要修改的设置。")
    problems = settings_problems(desk, changes)
    if problems:
        raise ValidationError(problems)
    with desk.transaction():
        before = desk.settings()
        for key, value in changes.items():
            store.put_setting(desk.db, key, value, at=desk.timestamp(), operator_id=admin.id)
        desk.audit(admin, "settings.update", "settings", None, {k: {"old": before.get(k), "new": v} for k, v in changes.items()})
    return office_settings(desk)
