"""Read-only helpers for the administrator's screens and the start-up safety checks.

Everything here is a query or a check that writes nothing: the rows the administration
screens show (operators, audit log pages, policy-pack values, loaded holiday schedules,
backups), all problems of a settings form at once, and opening the database at start with
its integrity check. The writes stay in their services (operators, settings, audit, backup,
calendar).
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desk.core.errors import DeskError, Problem
from desk.services import audit, backup, operators, settings
from desk.services.context import DEFAULT_SETTINGS, Desk, Operator
from desk.store import enrolments as enrolment_store
from desk.store.persons import _rows

# ---------------------------------------------------------------- operators

STATE_NAMES = {"active": "正常", "disabled": "已停用", "locked": "已锁定"}


@dataclass(frozen=True)
class OperatorRow:
    id: int
    username: str
    display_name: str
    role: str
    role_name: str
    disabled: bool
    must_change_password: bool
    state: str
    state_name: str


def operator_rows(desk: Desk, admin: Operator) -> list[OperatorRow]:
    """Every account with its role and state (a lock that has run out counts as 正常)."""
    from desk.core.roles import ROLE_NAMES

    rows = []
    for row in operators.list_operators(desk, admin):
        locked = row.locked_until is not None and row.locked_until > desk.now()
        state = "disabled" if row.disabled else "locked" if locked else "active"
        state_name = STATE_NAMES[state]
        if state == "locked":
            state_name += f"（至 {row.locked_until:%H:%M}）"
        rows.append(OperatorRow(row.id, row.username, row.display_name, row.role,
                                ROLE_NAMES.get(row.role, row.role), row.disabled,
                                row.must_change_password, state, state_name))
    return rows


# ---------------------------------------------------------------- settings

SETTING_LABELS = {
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
NUMBER_SETTINGS = ("idle_lock_minutes", "max_failed_logins", "lockout_minutes")


def settings_problems(desk: Desk, changes: dict) -> list[Problem]:
    """Every problem of a settings form at once (update_settings stops at the first)."""
    problems = []
    for key, value in changes.items():
        if key not in DEFAULT_SETTINGS:
            problems.append(Problem(key, "unknown", f"没有名为 {key} 的设置。"))
            continue
        check = settings._CHECKS.get(key)
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


# ---------------------------------------------------------------- policy packs

SECTION_NAMES = {
    "region": "统筹区", "collection": "集中参保期", "contribution": "个人缴费标准", "subsidies": "资助参保",
    "fiscal_subsidy": "财政补助", "waiting_period": "待遇等待期", "general_outpatient": "普通门诊",
    "chronic_outpatient": "门诊慢性病", "special_outpatient": "门诊特殊病", "two_diseases": "两病",
    "inpatient": "住院", "critical_illness": "大病保险", "transfer": "转移接续", "diseases": "病种目录",
    "disease_defaults": "病种默认值", "filing": "慢特病认定", "materials": "申请材料", "family_mutual_aid": "家庭共济",
}
STATUS_NAMES = {"confirmed": "已确认", "provisional": "暂定"}


@dataclass(frozen=True)
class PackOverview:
    id: str
    title: str
    version: str
    scheme_name: str
    region: str
    effective: str
    file_name: str
    values: int
    provisional_values: int


@dataclass(frozen=True)
class PackValueRow:
    section: str
    section_name: str
    key: str
    value: str
    source: str
    status: str
    status_name: str

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"


@dataclass(frozen=True)
class PackProblemRow:
    file: str
    key: str
    problem: str


def pack_overviews(desk: Desk) -> list[PackOverview]:
    from desk.services.enrolment import SCHEME_NAMES

    overviews = []
    for pack in sorted(desk.packs.packs.values(), key=lambda item: item.id):
        rows = pack.provenance_rows()
        until = f"{pack.effective_to:%Y-%m-%d}" if pack.effective_to else "长期"
        overviews.append(PackOverview(
            pack.id, pack.title, pack.version, SCHEME_NAMES.get(pack.scheme, pack.scheme),
            f"{pack.region_name}（{pack.region_code}）", f"{pack.effective_from:%Y-%m-%d} 至 {until}", pack.file_name,
            len(rows), sum(1 for row in rows if row[4] == "provisional")))
    return overviews


def pack_values(desk: Desk, pack_id: str) -> list[PackValueRow]:
    """Every value of one pack, with its source and status (暂定 for provisional ones)."""
    return [PackValueRow(section, SECTION_NAMES.get(section, section), key, value, source, status,
                         STATUS_NAMES.get(status, status))
            for section, key, value, source, status in desk.packs.get(pack_id).provenance_rows()]


def pack_problems(desk: Desk) -> list[PackProblemRow]:
    """The pack files that failed validation and are not used: file, key, problem."""
    return [PackProblemRow(error.file, error.key, error.problem) for error in desk.packs.errors]


# ---------------------------------------------------------------- annual contribution standards
# (the 政策包 page's 年度缴费标准 section, the 录入年度标准 dialog and the administrator's notice at login)

STANDARD_STATUS_NAMES = {"confirmed": "已确认", "provisional": "暂定", "missing": "尚未录入"}
FULL_NAME = "全额"
NOTICE_DAYS = 90  # a benefit year is "coming" when its concentrated period begins within this many days


def amount_name(amount) -> str:
    """An amount as 420.00; the whole individual contribution ("full") as 全额."""
    from decimal import Decimal

    from desk.core.money import format_amount

    if amount == "full":
        return FULL_NAME
    return format_amount(amount) if isinstance(amount, Decimal) else str(amount)


@dataclass(frozen=True)
class StandardValue:
    """One value of a benefit year as it stands, and the pack file's own value when an entry changed it."""

    code: str  # "individual" or a subsidy group's code (never shown alone)
    name: str
    amount: str  # "420.00", "全额", or "" when missing
    source: str
    status: str  # confirmed / provisional / missing
    status_name: str
    entered: bool  # the value in force comes from an administrator's entry
    bundled: str  # the pack file's value for the year, when `entered` ("" otherwise)

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"

    @property
    def missing(self) -> bool:
        return self.status == "missing"


@dataclass(frozen=True)
class StandardYear:
    year: int
    values: tuple[StandardValue, ...]  # the individual contribution first, then every subsidy group
    entered: bool  # an administrator's entry is in force for the year
    note: str  # where the year stands in the collection, e.g. 集中参保中（至 2027-02-28）

    @property
    def individual(self) -> StandardValue:
        return self.values[0]

    @property
    def missing(self) -> bool:
        return self.individual.missing


@dataclass(frozen=True)
class StandardHistoryRow:
    id: int
    year: int
    individual: str
    subsidies: str  # 城乡低保对象 150.00；特困供养人员 全额 (or 无)
    document: str
    status_name: str
    entered_by: str
    entered_at: str


@dataclass(frozen=True)
class StandardGroup:
    code: str
    name: str
    table_amount: str  # the pack's table amount: "120.00" or 全额


@dataclass(frozen=True)
class StandardForm:
    """What the 录入年度标准 dialog needs for one pack; `refusal` when the pack takes no contribution."""

    pack_id: str
    pack_title: str
    default_year: int
    groups: tuple[StandardGroup, ...]
    refusal: str = ""


@dataclass(frozen=True)
class StandardPrefill:
    """The entry in force for a year (a new entry replaces it whole): what the dialog starts from."""

    individual: str
    subsidies: dict[str, str]  # code -> amount or 全额
    document: str
    entered_by: str
    entered_at: str


def _value_text(value) -> str:
    return amount_name(value.amount) if value.status != "missing" else ""


def _bundled_text(value) -> str:
    if value.status == "missing" or not value.amount:
        return "（文件未载该年度）"
    return f"{amount_name(value.amount)}（{STANDARD_STATUS_NAMES.get(value.status, value.status)}）"


def _year_note(pack, year: int, today) -> str:
    from datetime import timedelta

    from desk.core.enrolment import concentrated_period

    if not pack.has("collection"):
        return ""
    start, end = concentrated_period(pack, year)
    if start <= today <= end:
        return f"集中参保中，至 {end:%Y-%m-%d}"
    if start - timedelta(days=NOTICE_DAYS) <= today < start:
        return f"{start:%Y-%m-%d} 起集中参保"
    if year == today.year:
        return "本年度"
    if today < start:
        return "以后年度"
    return "往年"


def _in_effect(pack, year: int) -> bool:
    return pack.effective_from.year <= year and (pack.effective_to is None or year <= pack.effective_to.year)


def collecting_year(desk: Desk, pack_id: str) -> int:
    """The benefit year being collected today under the pack."""
    from desk.core.enrolment import benefit_year_collected

    return benefit_year_collected(desk.packs.get(pack_id), desk.today())


def standard_years(desk: Desk, pack_id: str) -> list[StandardYear]:
    """Every benefit year of the pack (its own years, entered years, the year being collected and any
    coming year still missing), each value with its source and status; oldest first."""
    from desk.core.standards import in_force
    from desk.services import standards

    pack = desk.packs.get(pack_id)
    if not pack.has("contribution"):
        return []
    bundled = desk.packs.bundled.get(pack_id)
    current = in_force(desk.packs.entries(pack_id))
    years = set(standards.years_of(pack)) | set(standards.years_of(bundled)) | set(current)
    years |= set(standards.missing_years(desk, pack_id))
    collecting = collecting_year(desk, pack_id)
    if _in_effect(pack, collecting):
        years.add(collecting)
    today = desk.today()
    shown = []
    for year in sorted(years):
        now = standards.values_of_year(pack, year, entered=year in current)
        original = standards.values_of_year(bundled, year)
        entry = current.get(year)
        entered_codes = {"individual"} | {code for code, _ in entry.subsidies} if entry else set()
        values = []
        for value, file_value in zip((now.individual, *now.subsidies), (original.individual, *original.subsidies), strict=False):
            entered = value.code in entered_codes
            values.append(StandardValue(
                value.code, value.name, _value_text(value), value.source, value.status,
                STANDARD_STATUS_NAMES.get(value.status, value.status), entered,
                _bundled_text(file_value) if entered else ""))
        shown.append(StandardYear(year, tuple(values), entry is not None, _year_note(pack, year, today)))
    return shown


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def standard_history(desk: Desk, pack_id: str) -> list[StandardHistoryRow]:
    """Every entry of the pack, oldest first, as the page lists them (never edited)."""
    from desk.core.money import format_amount
    from desk.services import standards

    pack = desk.packs.get(pack_id)
    names = {group["code"]: group["name"] for group in (pack.section("subsidies")["groups"] if pack.has("subsidies") else [])}
    rows = []
    for entry in standards.standards_history(desk, pack_id):
        subsidies = "；".join(f"{names.get(code, code)} {FULL_NAME if amount == 'full' else format_amount(amount)}"
                             for code, amount in entry.subsidies)
        rows.append(StandardHistoryRow(
            entry.id, entry.year, format_amount(entry.individual), subsidies or "（未录入，按政策包表内金额）",
            entry.document or "（未填文件号）", STANDARD_STATUS_NAMES[entry.status], entry.entered_by,
            _when(entry.entered_at)))
    return rows


def standard_form(desk: Desk, pack_id: str) -> StandardForm:
    """The dialog's pack, default year (the first missing year, else next year) and subsidy groups."""
    from desk.services import standards

    pack = desk.packs.get(pack_id)
    groups = tuple(StandardGroup(group["code"], group["name"], amount_name(group["amount"]))
                   for group in (pack.section("subsidies")["groups"] if pack.has("subsidies") else []))
    missing = standards.missing_years(desk, pack_id)
    year = missing[0] if missing else desk.today().year + 1
    refusal = "" if pack.has("contribution") else f"政策包 {pack.id} 不收个人缴费（未配置缴费标准），没有年度缴费标准可录入。"
    return StandardForm(pack.id, pack.title, year, groups, refusal)


def standard_prefill(desk: Desk, pack_id: str, year: int) -> StandardPrefill | None:
    """The entry in force for the year, if any: a new entry for the year replaces it whole."""
    from desk.core.money import format_amount
    from desk.core.standards import in_force

    entry = in_force(desk.packs.entries(pack_id)).get(year)
    if entry is None:
        return None
    return StandardPrefill(format_amount(entry.individual),
                           {code: FULL_NAME if amount == "full" else format_amount(amount) for code, amount in entry.subsidies},
                           entry.document, entry.entered_by, _when(entry.entered_at))


# ---------------------------------------------------------------- the administrator's notice at login


@dataclass(frozen=True)
class AdminNotice:
    page: str  # the administration page where it is done: "packs" or "calendar"
    text: str


def packs_in_use(desk: Desk) -> list[str]:
    """The office's default pack, then every pack with an enrolment of last year or later (still loadable)."""
    chosen = [desk.setting("default_pack")]
    for pack_id in enrolment_store.packs_enrolled_since(desk.db, desk.today().year - 1):
        if pack_id not in chosen:
            chosen.append(pack_id)
    return [pack_id for pack_id in chosen if pack_id in desk.packs.packs]


def holiday_years_missing(desk: Desk) -> list[int]:
    """This year and, from October on, next year, when their official holiday schedule is not loaded."""
    from desk.services import calendar

    today = desk.today()
    wanted = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    published = set(calendar.published_years(desk))
    return [year for year in wanted if year not in published]


def admin_notices(desk: Desk) -> list[AdminNotice]:
    """What an administrator should do soon: coming benefit years with no contribution standard, and
    years whose holiday schedule is not loaded, each saying where it is done."""
    from desk.services import standards

    notices = []
    today = desk.today()
    for pack_id in packs_in_use(desk):
        pack = desk.packs.get(pack_id)
        for year in standards.missing_years(desk, pack_id):
            if not _in_effect(pack, year):
                continue
            notices.append(AdminNotice("packs", (
                f"{pack.title} {year}年度个人缴费标准尚未录入（{_year_note(pack, year, today)}），暂不能办理该年度参保登记："
                f"请在 系统管理 → 政策包 → 录入年度标准… 中录入。")))
    years = holiday_years_missing(desk)
    if years:
        named = "、".join(f"{year}年" for year in years)
        notices.append(AdminNotice("calendar", (
            f"{named}的节假日安排尚未载入，办结日期暂按周末和法定节假日推算（暂定）：国务院办公厅公布后，"
            f"请在 系统管理 → 节假日安排 中载入。")))
    return notices


# ---------------------------------------------------------------- audit log

ACTION_GROUPS = (
    ("login", "登录与登录失败"), ("operator.", "操作员账户"), ("settings.", "设置"), ("person.", "参保人信息"),
    ("enrolment.", "参保登记"), ("filing.", "门诊慢特病"), ("settlement.", "报销结算"), ("transfer.", "转移接续"),
    ("voucher.", "凭证打印"), ("certificate.", "参保凭证"), ("calendar.", "节假日安排"), ("backup.", "备份"),
    ("audit.", "审计日志导出"),
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
}


def action_name(action: str) -> str:
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    group = next((label for prefix, label in ACTION_GROUPS if action.startswith(prefix)), "")
    return f"{group}：{action.split('.')[-1]}" if group else action


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    operator_name: str
    window: str
    action: str
    action_name: str
    record: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_page(desk: Desk, admin: Operator, filters: audit.AuditFilter, *, page: int, page_size: int = audit.PAGE) -> AuditPage:
    """One page of the filtered log, newest first; `page` counts from 0 and is kept in range."""
    total = audit_count(desk, admin, filters)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    entries = audit.entries(desk, admin, filters, limit=page_size, offset=page * page_size)
    return AuditPage([_audit_row(entry) for entry in entries], total, page, pages)


def audit_count(desk: Desk, admin: Operator, filters: audit.AuditFilter) -> int:
    admin.require("admin.audit")
    where, params = audit._where(filters)
    return desk.db.execute(f"SELECT COUNT(*) FROM audit_log{where}", params).fetchone()[0]


def audit_operator_names(desk: Desk, admin: Operator) -> list[str]:
    """The names that appear in the log, for the operator filter."""
    admin.require("admin.audit")
    rows = desk.db.execute("SELECT DISTINCT operator_name FROM audit_log WHERE operator_name IS NOT NULL ORDER BY operator_name")
    return [row[0] for row in rows.fetchall()]


def _audit_row(entry: audit.AuditEntry) -> AuditRow:
    record = " ".join(str(part) for part in (entry.record_type, entry.record_id) if part not in (None, ""))
    try:
        detail = json.dumps(json.loads(entry.detail_json), ensure_ascii=False)
    except (TypeError, ValueError):
        detail = str(entry.detail_json)
    return AuditRow(entry.id, str(entry.at).replace("T", " "), entry.operator_name or "（系统）",
                    entry.window or "", entry.action, action_name(entry.action), record, detail)


# ---------------------------------------------------------------- holiday schedules


@dataclass(frozen=True)
class LoadedSchedule:
    year: int
    source: str
    loaded_by: str
    loaded_at: str


def loaded_schedules(desk: Desk) -> list[LoadedSchedule]:
    """The schedules administrators loaded after release, newest first (the latest per year applies)."""
    rows = _rows(desk.db, "SELECT h.year, h.source, o.display_name AS loaded_by, h.loaded_at FROM holiday_schedules h"
                          " LEFT JOIN operators o ON o.id = h.loaded_by ORDER BY h.id DESC", [])
    return [LoadedSchedule(row["year"], row["source"], row["loaded_by"] or "", str(row["loaded_at"]).replace("T", " "))
            for row in rows]


def year_ranges(years: list[int]) -> str:
    """2010–2026、2028: consecutive years joined."""
    parts, start = [], None
    for index, year in enumerate(sorted(years)):
        start = year if start is None else start
        following = sorted(years)[index + 1] if index + 1 < len(years) else None
        if following != year + 1:
            parts.append(f"{start}" if start == year else f"{start}–{year}")
            start = None
    return "、".join(parts)


# ---------------------------------------------------------------- backups


@dataclass(frozen=True)
class BackupRow:
    taken_at: str
    name: str
    size: str
    path: Path


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def backup_rows(desk: Desk) -> list[BackupRow]:
    if desk.path is None:
        return []
    return [BackupRow(f"{item.taken_at:%Y-%m-%d %H:%M:%S}", item.path.name, size_text(item.size), item.path)
            for item in backup.list_backups(desk.path)]


def backups_folder(desk: Desk) -> Path | None:
    return backup.backups_dir(desk.path) if desk.path is not None else None


def restore_command(desk: Desk) -> str:
    db = str(desk.path) if desk.path is not None else "数据库文件"
    return f'desk restore "备份文件" --db "{db}"'


# ---------------------------------------------------------------- start-up and background work


@contextmanager
def separate_connection(desk: Desk) -> Iterator[Desk]:
    """The same database on a connection of its own, for work in a background thread."""
    if desk.path is None:
        yield desk
        return
    from desk.store.db import connect

    other = Desk(db=connect(desk.path, migrate=False), packs=desk.packs, path=desk.path, clock=desk.clock,
                 session_listeners=desk.session_listeners)  # a refused operator ends the session from here too
    try:
        yield other
    finally:
        other.close()


@dataclass
class StartCheck:
    """Opening the database at start: the open desk, or the problems that refuse it."""

    desk: Desk | None
    problems: list[str]
    checked: bool  # the full check (integrity and audit chain) ran

    @property
    def sound(self) -> bool:
        return not self.problems


def database_problems(desk: Desk) -> list[str]:
    """The full check (integrity_check and the audit chain) as sentences; empty when sound."""
    from desk.services.integrity import check_database

    try:
        report = check_database(desk, records=False)  # the rows one by one: `desk check` on request
    except sqlite3.DatabaseError as error:
        return [f"数据库文件已损坏，无法读取（SQLite 报告：{error}）。"]
    problems = [f"数据库完整性检查：{problem}" for problem in report.database_problems[:10]]
    if report.first_break is not None:
        problems.append(f"审计日志第{report.first_break.entry_id}条：{report.first_break.problem}")
    if not problems:
        from desk.services.integrity import mark_verified

        mark_verified(desk, report)
    return problems


def open_at_start(db_path: Path, *, full_check: bool, clock=None) -> StartCheck:
    """Open the database; with `full_check`, refuse it when the full check finds a problem."""
    failure = None
    try:
        desk = Desk.open(db_path, clock=clock)
    except DeskError as error:
        failure = error.message
    except sqlite3.DatabaseError as error:
        failure = f"数据库文件已损坏，无法读取（SQLite 报告：{error}）。"
    if failure is not None:
        gc.collect()  # a connection the failed open left behind must let go of the file before a restore
        return StartCheck(None, [failure], False)
    if not full_check:
        return StartCheck(desk, [], False)
    problems = database_problems(desk)
    if problems:
        desk.close()
        return StartCheck(None, problems, True)
    return StartCheck(desk, [], True)


def database_size(db_path: Path, *, with_wal: bool = False) -> int:
    """The database file's size in bytes (0 when missing); `with_wal` adds its write-ahead log."""
    total = 0
    for path in (Path(db_path), Path(f"{db_path}-wal")) if with_wal else (Path(db_path),):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total
