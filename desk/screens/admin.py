"""What the administration pages show, without Qt: operators, settings, policy packs and their
annual standards, the administrator's notices, audit log pages, loaded holiday schedules, backups,
and the backup a damaged database is offered at start.

One call per page (or panel) refresh returns everything it displays; the writes stay in their
services (operators, settings, standards, audit, backup, calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk.core.actions import ACTION_GROUPS, action_name  # noqa: F401 (ACTION_GROUPS: the audit page's action filter)
from desk.services import admin_queries, audit, backup, operators, settings, standards
from desk.services.admin_queries import LoadedSchedule
from desk.services.context import Desk, Operator
from desk.services.settings import SETTING_NAMES, OfficeSettings
from desk.services.startup import database_size

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

SETTING_LABELS = SETTING_NAMES


@dataclass(frozen=True)
class SettingsScreen:
    values: OfficeSettings
    pack_choices: tuple[tuple[str, str], ...]  # (id, title) of every pack that may be the office's default


def settings_screen(desk: Desk) -> SettingsScreen:
    """What the 系统设置 page shows: the settings as stored and the packs it offers."""
    return SettingsScreen(settings.office_settings(desk), tuple(settings.pack_choices(desk)))


# ---------------------------------------------------------------- policy packs

SECTION_NAMES = {
    "region": "统筹区", "collection": "集中参保期", "contribution": "个人缴费标准", "subsidies": "资助参保",
    "fiscal_subsidy": "财政补助", "waiting_period": "待遇等待期", "general_outpatient": "普通门诊",
    "chronic_outpatient": "门诊慢性病", "special_outpatient": "门诊特殊病", "two_diseases": "两病",
    "inpatient": "住院", "critical_illness": "大病保险", "transfer": "转移接续", "diseases": "病种目录",
    "disease_defaults": "病种默认值", "filing": "慢特病认定", "materials": "申请材料", "family_mutual_aid": "家庭共济",
    "medical_assistance": "医疗救助",
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
    value: str  # in words (desk.screens.pack_text): 400.00 元, 85%, 村卫生室：50%, — for none
    source: str
    status: str
    status_name: str
    key_name: str = ""  # the key's Chinese name
    place: str = ""  # where it is in the pack file, for the tooltip: [inpatient] levels

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"


@dataclass(frozen=True)
class PackProblemRow:
    file: str
    key: str
    problem: str


def pack_overviews(desk: Desk) -> list[PackOverview]:
    from desk.core.enrolment import SCHEME_NAMES

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
    """Every value of one pack in words, with its source and status (暂定 for provisional ones)."""
    from desk.screens import pack_text

    pack = desk.packs.get(pack_id)
    rows = []
    for section in pack.sections.values():
        for key, value in section.values.items():
            provenance = section.provenance_of(key)
            rows.append(PackValueRow(
                section.name, SECTION_NAMES.get(section.name, section.name), key,
                pack_text.value_text(pack, section.name, key, value), pack_text.source_text(provenance.source),
                provenance.status,
                STATUS_NAMES.get(provenance.status, provenance.status), pack_text.key_name(section.name, key),
                pack_text.file_place(section.name, key)))
    return rows


def pack_problems(desk: Desk) -> list[PackProblemRow]:
    """The pack files that failed validation and are not used: file, key, problem."""
    return [PackProblemRow(error.file, error.key, error.problem) for error in desk.packs.errors]


@dataclass(frozen=True)
class PacksScreen:
    overviews: list[PackOverview]
    problems: list[PackProblemRow]
    default_pack: str  # the office's default: the row selected first


def packs_screen(desk: Desk) -> PacksScreen:
    """The 政策包 page's list of packs and the files that failed validation."""
    return PacksScreen(pack_overviews(desk), pack_problems(desk), desk.setting("default_pack"))


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

    @property
    def provisional(self) -> bool:
        return self.status_name == STANDARD_STATUS_NAMES["provisional"]


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
                value.code, value.name, _value_text(value), source_text(value.source), value.status,
                STANDARD_STATUS_NAMES.get(value.status, value.status), entered,
                _bundled_text(file_value) if entered else ""))
        shown.append(StandardYear(year, tuple(values), entry is not None, _year_note(pack, year, today)))
    return shown


def source_text(source: str) -> str:
    from desk.screens.pack_text import source_text as in_words

    return in_words(source)


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def standard_history(desk: Desk, pack_id: str) -> list[StandardHistoryRow]:
    """Every entry of the pack, oldest first, as the page lists them (never edited)."""
    from desk.core.money import format_amount
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


@dataclass(frozen=True)
class StandardsScreen:
    """The 政策包 page's 年度缴费标准 panel for the selected pack."""

    years: list[StandardYear]
    history: list[StandardHistoryRow]  # empty when the pack has no years
    form: StandardForm
    summary: str  # what stands out: years missing, years with provisional values, or all confirmed
    first_year: int | None  # the year selected first: the first missing one, else the newest

    @property
    def can_enter(self) -> bool:
        return not self.form.refusal


def _standards_summary(form: StandardForm, years: list[StandardYear]) -> str:
    if form.refusal:
        return form.refusal
    missing = [year.year for year in years if year.missing]
    if missing:
        return "{years}的个人缴费标准尚未录入：该年度不能办理参保登记。请按文件点“录入年度标准…”。".format(
            years="、".join(f"{year}年度" for year in missing))
    provisional = [year.year for year in years if any(value.provisional for value in year.values)]
    if provisional:
        return "{years}含暂定值（黄色行：在当地文件录入前采用的假定值）；文件下达后请录入年度标准并填写文件号。".format(
            years="、".join(f"{year}年度" for year in provisional))
    return "各待遇年度的缴费标准均已按文件确认。"


def standards_screen(desk: Desk, pack_id: str) -> StandardsScreen:
    """Every benefit year of the pack, every entry, the entry dialog's form and the panel's summary."""
    years = standard_years(desk, pack_id)
    form = standard_form(desk, pack_id)
    missing = [year.year for year in years if year.missing]
    first = missing[0] if missing else years[-1].year if years else None
    return StandardsScreen(years, standard_history(desk, pack_id) if years else [], form,
                           _standards_summary(form, years), first)


def entered_message(in_force: standards.YearInForce) -> tuple[str, bool]:
    """What the page says after an entry, and whether it is a warning (no document: provisional)."""
    individual = in_force.individual
    status = STANDARD_STATUS_NAMES[individual.status]
    text = (f"已录入{in_force.year}年度缴费标准：个人缴费 {individual.amount} 元，来源 {individual.source}（{status}）。"
            "已记入审计日志。")
    if individual.status == "provisional":
        return text + "未填文件号，数值为暂定；文件下达后请再录入一次并填写文件号。", True
    return text, False


# ---------------------------------------------------------------- the administrator's notice at login


@dataclass(frozen=True)
class AdminNotice:
    page: str  # the administration page where it is done: "packs" or "calendar"
    text: str


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
    notices = []
    today = desk.today()
    for pack_id in standards.packs_in_use(desk):
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

@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    operator_name: str
    window: str
    action: str
    action_name: str
    record: str
    detail: str  # readable text (名称：值；...), never JSON


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_page(desk: Desk, admin: Operator, filters: audit.AuditFilter, *, page: int, page_size: int = audit.PAGE,
               below: int | None = None) -> AuditPage:
    """One page of the filtered log, newest first; `page` counts from 0 and is kept in range. With
    `below` (the last entry number of the page before, or the first of the page after plus one
    page) the page is found by entry number, as fast at the millionth entry as at the first;
    without it, by counting `page` pages in."""
    total = admin_queries.audit_count(desk, admin, filters)
    pages = max(1, -(-total // page_size))
    wanted = min(max(page, 0), pages - 1)
    if below is not None and wanted == page:
        entries = audit.entries(desk, admin, filters, limit=page_size, below=below)
    else:
        entries = audit.entries(desk, admin, filters, limit=page_size, offset=wanted * page_size)
    names = audit.pack_value_names(desk)
    return AuditPage([_audit_row(entry, names) for entry in entries], total, wanted, pages)


def audit_operator_names(desk: Desk, admin: Operator) -> list[str]:
    """The names that appear in the log, for the operator filter."""
    return admin_queries.audit_operator_names(desk, admin)


def _audit_row(entry: audit.AuditEntry, names: dict) -> AuditRow:
    record = " ".join(part for part in (audit.record_type_name(entry.record_type), entry.record_id or "") if part)
    return AuditRow(entry.id, str(entry.at).replace("T", " "), entry.operator_name or "（系统）",
                    entry.window or "", entry.action, action_name(entry.action), record,
                    audit.detail_text(entry.detail_json, names))


# ---------------------------------------------------------------- holiday schedules


@dataclass(frozen=True)
class CalendarScreen:
    years: str  # the years with an official schedule, e.g. 2010–2026、2028 (无 when none)
    schedules: list[LoadedSchedule]  # what administrators loaded, newest first (the latest per year applies)


def calendar_screen(desk: Desk) -> CalendarScreen:
    """The 节假日安排 page: which years have a schedule and every schedule loaded after release."""
    from desk.services import calendar

    return CalendarScreen(year_ranges(calendar.published_years(desk)) or "无", admin_queries.loaded_schedules(desk))


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


@dataclass(frozen=True)
class BackupScreen:
    database: Path | None  # None: an in-memory database (no backups)
    database_size: str  # with its write-ahead log, e.g. 1.2 MB ("" in memory)
    folder: Path | None
    rows: list[BackupRow]  # newest first


def backup_rows(desk: Desk) -> list[BackupRow]:
    if desk.path is None:
        return []
    return [BackupRow(f"{item.taken_at:%Y-%m-%d %H:%M:%S}", item.path.name, size_text(item.size), item.path)
            for item in backup.list_backups(desk.path)]


def backup_screen(desk: Desk) -> BackupScreen:
    """The 备份与恢复 page: the database, its size, the backups folder and every backup in it."""
    if desk.path is None:
        return BackupScreen(None, "", None, [])
    return BackupScreen(desk.path, size_text(database_size(desk.path, with_wal=True)), backup.backups_dir(desk.path),
                        backup_rows(desk))


def restore_command(desk: Desk) -> str:
    db = str(desk.path) if desk.path is not None else "数据库文件"
    return f'desk restore "备份文件" --db "{db}"'


# ---------------------------------------------------------------- the damaged database at start


@dataclass(frozen=True)
class BackupOffer:
    """What the dialog of a damaged database offers: the newest good backup (None: none), and says so."""

    candidate: backup.BackupFile | None
    text: str


def backup_offer(db_path: Path, *, offers_backup: bool) -> BackupOffer:
    """Only damage offers a backup (a locked or full disk offers 重试); the text names it and what a restore costs."""
    if not offers_backup:
        return BackupOffer(None, "")
    db_path = Path(db_path)
    candidate = backup.newest_good_backup(db_path)
    if candidate is None:
        return BackupOffer(None, f"没有找到可用的备份（备份文件夹：{backup.backups_dir(db_path)}）。请退出程序并联系系统管理员或技术支持，"
                                 "不要删除或覆盖现在的数据库文件。")
    return BackupOffer(candidate, (
        f"最新的完好备份：{candidate.path.name}（{candidate.taken_at:%Y-%m-%d %H:%M}，{size_text(candidate.size)}）。\n"
        "恢复后，这个备份时间之后办理的业务需要重新录入；"
        f"现在的数据库文件不会删除，而是另存为 {db_path.stem}.before-restore-时间{db_path.suffix}，请交给技术人员检查。"))
