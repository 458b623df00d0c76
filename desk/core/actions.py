"""The one registry of audited actions: every action a service writes to the audit log with
`desk.audit(operator, "x.y", ...)` has its Chinese name here (the 审计日志 page shows it), and
ACTION_GROUPS are the page's action filter (prefixes)."""

from __future__ import annotations

ACTION_GROUPS = (
    ("login", "登录与登录失败"), ("operator.", "操作员账户"), ("settings.", "设置"), ("person.", "参保人信息"),
    ("enrolment.", "参保登记"), ("filing.", "门诊慢特病"), ("settlement.", "报销结算"), ("transfer.", "转移接续"),
    ("voucher.", "凭证打印"), ("certificate.", "参保凭证"), ("calendar.", "节假日安排"), ("backup.", "备份"),
    ("audit.", "审计日志导出"), ("export.", "数据上报"),
)
ACTION_NAMES = {
    "login": "登录", "login.failed": "登录失败", "login.unlock": "解锁屏幕", "operator.create_first_admin": "创建首个管理员",
    "operator.create": "新建操作员", "operator.disable": "停用操作员", "operator.enable": "启用操作员",
    "operator.reset_password": "重置密码", "operator.change_password": "修改密码", "settings.update": "修改设置",
    "person.register": "登记参保人", "person.update": "修改参保人信息", "enrolment.create": "参保登记",
    "enrolment.cancel": "作废参保登记", "enrolment.record_external": "录入外地参保记录",
    "filing.accept": "受理慢特病申请", "filing.approve": "认定慢特病", "filing.reject": "不予认定",
    "filing.terminate": "终止认定", "filing.receive_materials": "补正材料", "settlement.record": "记录报销结算",
    "settlement.reverse": "冲正结算", "transfer.apply": "受理转移接续", "transfer.receive_materials": "转移接续补正材料",
    "transfer.to_out_review": "转出审核", "transfer.to_in_review": "转入审核", "transfer.complete": "转移接续办结",
    "transfer.return": "转移接续退回", "transfer.recompute_due": "重算转移接续办结期限（载入节假日安排后）",
    "voucher.print": "打印凭证", "voucher.reprint": "补打凭证", "report.daily": "出具日报表", "certificate.issue": "出具参保凭证",
    "calendar.load": "载入节假日安排", "backup.create": "备份数据库", "audit.export": "导出审计日志",
    "backup.restore": "从备份恢复数据库", "keys.export": "导出密钥副本", "keys.import": "导入密钥副本",
    "standard.enter": "录入年度标准",
    "enrolment.import": "批量导入参保登记（集中参保名单）",
    "export.batch": "导出上报批次", "export.ack": "登记平台回执", "export.key": "显示上报签名密钥",
}


def action_name(action: str) -> str:
    """The Chinese name of an audited action; an unknown one by its group (or as it is)."""
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    group = next((label for prefix, label in ACTION_GROUPS if action.startswith(prefix)), "")
    return f"{group}：{action.split('.')[-1]}" if group else action
