"""Roles and what each may do (operations.md). Enforced in the services, mirrored in the UI."""

from __future__ import annotations

ROLE_NAMES = {"clerk": "窗口经办员", "reviewer": "审核员", "admin": "管理员"}

_CLERK = frozenset(
    {
        "person.search",
        "person.write",
        "enrolment.create",
        "voucher.print",
        "voucher.verify",
        "filing.accept",
        "settlement.record",
        "transfer.accept",
        "report.own",
    }
)
_REVIEWER = _CLERK | {"enrolment.cancel", "filing.review", "settlement.reverse", "transfer.review", "report.office"}
_ADMIN = frozenset(
    {
        "admin.operators",
        "admin.settings",
        "admin.packs",
        "admin.audit",
        "admin.backup",
        "admin.calendar",
        "data.export",
        "voucher.verify",
        "report.office",
    }
)

PERMISSIONS: dict[str, frozenset[str]] = {"clerk": _CLERK, "reviewer": _REVIEWER, "admin": _ADMIN}

PERMISSION_NAMES = {
    "person.search": "查询参保人",
    "person.write": "登记或修改参保人信息",
    "enrolment.create": "办理参保登记",
    "enrolment.cancel": "作废参保登记",
    "voucher.print": "打印凭证",
    "filing.accept": "受理门诊慢特病申请",
    "filing.review": "审核门诊慢特病（认定、不予认定、终止）",
    "settlement.record": "记录报销结算",
    "settlement.reverse": "冲正报销结算",
    "transfer.accept": "受理转移接续申请",
    "transfer.review": "办理转移接续审核、办结、退回",
    "voucher.verify": "核验凭证",
    "admin.operators": "管理操作员",
    "admin.settings": "修改设置",
    "admin.packs": "维护政策包",
    "admin.audit": "查看审计日志",
    "admin.backup": "备份与恢复",
    "admin.calendar": "载入节假日安排",
    "data.export": "数据上报（导出上报批次、登记平台回执）",
    "report.own": "打印本人的日报表",
    "report.office": "打印全部或任一经办人的日报表",
}


def allowed(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
