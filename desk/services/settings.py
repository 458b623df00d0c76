"""Office settings an administrator changes (audited)."""

from __future__ import annotations

from desk.core.errors import ValidationError
from desk.services.context import DEFAULT_SETTINGS, Desk, Operator
from desk.store import settings as store

_CHECKS = {
    "paper": lambda value: value in ("A4", "A5") or "纸张只能是 A4 或 A5。",
    "idle_lock_minutes": lambda value: (isinstance(value, int) and 1 <= value <= 120) or "自动锁屏时间应为1到120分钟。",
    "max_failed_logins": lambda value: (isinstance(value, int) and 3 <= value <= 10) or "密码错误锁定次数应为3到10次。",
    "lockout_minutes": lambda value: (isinstance(value, int) and 5 <= value <= 120) or "锁定时长应为5到120分钟。",
}


def update_settings(desk: Desk, admin: Operator, changes: dict) -> dict:
    admin.require("admin.settings")
    if not isinstance(changes, dict) or not changes:
        raise ValidationError.single("settings", "type", "没有要修改的设置。")
    for key, value in changes.items():
        if key not in DEFAULT_SETTINGS:
            raise ValidationError.single(key, "unknown", f"没有名为 {key} 的设置。")
        check = _CHECKS.get(key)
        verdict = check(value) if check else (isinstance(value, str) and len(value) <= 200) or "设置值应为不超过200字的文字。"
        if verdict is not True:
            raise ValidationError.single(key, "invalid", verdict)
    if "default_pack" in changes:
        pack = desk.packs.get(changes["default_pack"])
        if pack.scheme != "resident" or not pack.has("contribution"):
            raise ValidationError.single("default_pack", "invalid",
                                         f"政策包 {pack.id} 不能作为本窗口的默认政策包（须为配置了缴费标准的居民医保政策包）。")
    with desk.transaction():
        before = desk.settings()
        for key, value in changes.items():
            store.put_setting(desk.db, key, value, at=desk.timestamp(), operator_id=admin.id)
        desk.audit(admin, "settings.update", "settings", None, {k: {"old": before.get(k), "new": v} for k, v in changes.items()})
    return desk.settings()
