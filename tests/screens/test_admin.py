"""What the administration pages show (desk/screens/admin.py), without Qt: the 年度缴费标准 section,
the 录入年度标准 dialog, the administrator's notice at login, and every other page's screen."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desk.screens import admin as support
from desk.services import calendar, enrolment, persons, settings, standards
from tests.conftest import person_form

PACK = "dali-resident-2025"
DOC = "云医保〔2026〕88号"
CODES = {"confirmed", "provisional", "missing", "full", "individual", "dibao", "tekun"}


@pytest.fixture
def december(clock):
    clock.moment = datetime(2026, 12, 1, 9, 30)
    return clock


@pytest.fixture
def admin(staff):
    return staff["admin"]


def year(desk, number: int) -> support.StandardYear:
    return next(item for item in support.standard_years(desk, PACK) if item.year == number)


def by_code(item: support.StandardYear) -> dict[str, support.StandardValue]:
    return {value.code: value for value in item.values}


def test_the_years_of_a_pack_include_the_year_being_collected_even_when_missing(desk, december):
    years = support.standard_years(desk, PACK)
    assert [item.year for item in years] == [2025, 2026, 2027]
    coming = years[-1]
    assert coming.missing and not coming.entered
    assert (coming.individual.amount, coming.individual.status_name) == ("", "尚未录入")
    assert coming.note == "集中参保中，至 2027-02-28"
    assert years[1].note == "本年度" and years[0].note == "往年"
    assert by_code(years[1])["individual"].status_name == "暂定" and years[1].individual.amount == "400.00"
    assert by_code(years[1])["tekun"].amount == "全额"  # never "full"
    assert all(value.bundled == "" for item in years for value in item.values)  # nothing entered yet
    assert support.collecting_year(desk, PACK) == 2027


def test_before_the_collection_the_current_year_is_the_collected_one(desk):
    assert support.collecting_year(desk, PACK) == 2026  # 2026-03-10
    assert [item.year for item in support.standard_years(desk, PACK)] == [2025, 2026]
    assert support.standard_years(desk, "huaibei-employee-2025") == []  # no contribution at all


def test_an_entry_shows_beside_the_pack_file_value_it_changed(desk, admin, december):
    standards.enter_standard(desk, admin, pack_id=PACK, year=2026, individual="410.00",
                             subsidies=[("城乡低保对象", "130.00"), ("tuopin", "全额")], document=DOC)
    item = year(desk, 2026)
    values = by_code(item)
    assert item.entered
    assert (values["individual"].amount, values["individual"].status_name, values["individual"].source) == (
        "410.00", "已确认", DOC)
    assert values["individual"].bundled == "400.00（暂定）"
    assert (values["dibao"].amount, values["dibao"].bundled) == ("130.00", "120.00（暂定）")
    assert (values["tuopin"].amount, values["tuopin"].bundled) == ("全额", "180.00（暂定）")
    assert values["orphan"].bundled == "" and not values["orphan"].entered  # not entered: the table's own
    assert year(desk, 2025).entered is False


def test_history_rows_name_groups_in_chinese_and_keep_every_version(desk, admin, december):
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00")
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00",
                             subsidies=[("dibao", "150.00"), ("tekun", "full")], document=DOC)
    first, second = support.standard_history(desk, PACK)
    assert (first.year, first.individual, first.document, first.status_name) == (2027, "420.00", "（未填文件号）", "暂定")
    assert first.subsidies == "（未录入，按政策包表内金额）"
    assert second.subsidies == "城乡低保对象 150.00；特困供养人员 全额"
    assert (second.document, second.status_name, second.entered_by, second.entered_at) == (
        DOC, "已确认", "赵管理", "2026-12-01 09:30")
    shown = [first.subsidies, second.subsidies, first.status_name, second.status_name]
    assert not any(code in text for text in shown for code in CODES)


def test_the_dialog_starts_on_the_first_missing_year_else_next_year(desk, admin, december):
    form = support.standard_form(desk, PACK)
    assert (form.default_year, form.refusal) == (2027, "")
    assert [(group.name, group.table_amount) for group in form.groups[:1]] == [("特困供养人员", "全额")]
    assert {group.code: group.table_amount for group in form.groups}["dibao"] == "120.00"
    assert support.standard_prefill(desk, PACK, 2027) is None
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00",
                             subsidies=[("tekun", "full"), ("dibao", "150.00")], document=DOC)
    assert support.standard_form(desk, PACK).default_year == 2027  # nothing missing: next year (2026 + 1)
    prefill = support.standard_prefill(desk, PACK, 2027)
    assert (prefill.individual, prefill.subsidies, prefill.document) == ("420.00", {"tekun": "全额", "dibao": "150.00"}, DOC)
    assert "不收个人缴费" in support.standard_form(desk, "huaibei-employee-2025").refusal


def test_the_notice_names_the_coming_year_and_the_missing_holiday_schedule(desk, admin, december):
    notices = support.admin_notices(desk)
    assert [notice.page for notice in notices] == ["packs", "calendar"]
    assert "2027年度个人缴费标准尚未录入" in notices[0].text and "系统管理 → 政策包 → 录入年度标准…" in notices[0].text
    assert "大理州城乡居民基本医疗保险" in notices[0].text
    assert "2027年的节假日安排尚未载入" in notices[1].text and "系统管理 → 节假日安排" in notices[1].text
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00", document=DOC)
    assert [notice.page for notice in support.admin_notices(desk)] == ["calendar"]


def test_holiday_years_this_year_and_from_october_on_next_year(desk, clock):
    assert support.holiday_years_missing(desk) == []  # 2026-03-10: 2026 ships
    clock.moment = datetime(2026, 9, 30, 17, 0)
    assert support.holiday_years_missing(desk) == []
    clock.moment = datetime(2026, 10, 1, 8, 0)
    assert support.holiday_years_missing(desk) == [2027]
    clock.moment = datetime(2027, 1, 4, 8, 0)
    assert support.holiday_years_missing(desk) == [2027]  # still not loaded in the new year
    assert 2027 not in calendar.published_years(desk)


def test_nothing_to_do_in_march_and_a_coming_year_from_90_days_before_its_collection(desk, clock):
    assert support.admin_notices(desk) == []  # 2026-03-10
    clock.moment = datetime(2026, 6, 3, 9, 0)  # 2026-09-01 less 90 days
    [notice] = support.admin_notices(desk)
    assert "2027年度" in notice.text and "2026-09-01 起集中参保" in notice.text


def test_packs_in_use_are_the_default_and_those_enrolled_under_recently(desk, staff, clerk, admin, clock):
    assert standards.packs_in_use(desk) == [PACK]
    person = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 3, 10))
    assert standards.packs_in_use(desk) == [PACK]  # the same pack once
    settings.update_settings(desk, admin, {"default_pack": "chuxiong-resident-2021"})
    assert standards.packs_in_use(desk) == ["chuxiong-resident-2021", PACK]
    clock.moment = datetime(2026, 12, 1, 9, 30)
    notices = [notice.text for notice in support.admin_notices(desk) if notice.page == "packs"]
    assert len(notices) == 1 and "大理州" in notices[0]  # 楚雄州's 2021 pack is for 2021 only: nothing to enter


# ---------------------------------------------------------------- every other page's screen


def test_importing_the_admin_screens_loads_no_qt():
    import subprocess
    import sys
    from pathlib import Path

    code = "import desk.screens.admin, sys; assert not any(m.startswith('PySide6') for m in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.returncode == 0, result.stderr


def test_operator_rows_name_roles_and_states(desk, staff, clock):
    from desk.services import operators

    operators.set_disabled(desk, staff["admin"], operator_id=staff["reviewer"].id, disabled=True)
    for _ in range(5):  # max_failed_logins
        with pytest.raises(operators.LoginFailed):
            operators.authenticate(desk, username="clerk01", password="wrong-one")
    rows = {row.username: row for row in support.operator_rows(desk, staff["admin"])}
    assert (rows["admin"].role_name, rows["admin"].state, rows["admin"].state_name) == ("管理员", "active", "正常")
    assert (rows["review01"].role_name, rows["review01"].state_name, rows["review01"].disabled) == ("审核员", "已停用", True)
    assert (rows["clerk01"].role_name, rows["clerk01"].state, rows["clerk01"].state_name) == (
        "窗口经办员", "locked", "已锁定（至 09:45）")  # 09:30 and 15 minutes
    clock.moment = datetime(2026, 3, 10, 9, 46)
    assert {row.username: row.state_name for row in support.operator_rows(desk, staff["admin"])}["clerk01"] == "正常"


def test_the_settings_screen_shows_what_is_stored_and_the_packs_offered(desk, admin):
    shown = support.settings_screen(desk)
    assert (shown.values.window, shown.values.paper, shown.values.idle_lock_minutes) == ("1号窗口", "A4", 10)
    assert shown.values.value("default_pack") == PACK
    offered = [pack_id for pack_id, _ in shown.pack_choices]
    assert PACK in offered and "chuxiong-resident-2021" in offered
    assert "huaibei-employee-2025" not in offered  # no contribution: never an office's default
    settings.update_settings(desk, admin, {"window": "3号窗口", "idle_lock_minutes": 5})
    again = support.settings_screen(desk).values
    assert (again.window, again.idle_lock_minutes, again.office_name) == ("3号窗口", 5, "大理州医疗保障事业管理局 经办窗口")
    assert support.SETTING_LABELS["idle_lock_minutes"] == "自动锁屏（分钟）"


def test_the_packs_screen_lists_every_pack_and_selects_the_default(desk):
    shown = support.packs_screen(desk)
    assert [pack.id for pack in shown.overviews] == [
        "chuxiong-resident-2021", PACK, "huaibei-employee-2025", "huaibei-resident-2025"]
    assert shown.default_pack == PACK and shown.problems == []
    dali = next(pack for pack in shown.overviews if pack.id == PACK)
    assert (dali.scheme_name, dali.file_name) == ("城乡居民基本医疗保险", "dali-resident-2025.toml")
    assert dali.region.endswith("（532900）") and 0 < dali.provisional_values < dali.values


def test_every_pack_key_and_section_has_a_chinese_name():
    from desk.core.packs_schema import SCHEMA
    from desk.screens.pack_text import KEY_NAMES

    missing = [f"{section}.{key}" for section, keys in SCHEMA.items() for key in keys
               if key not in KEY_NAMES.get(section, {})]
    assert missing == []
    assert set(SCHEMA) <= set(support.SECTION_NAMES)


def test_pack_values_are_in_words_never_codes_json_or_none(desk):
    import re

    for pack_id in desk.packs.packs:
        for row in support.pack_values(desk, pack_id):
            shown = f"{row.section_name} {row.key_name} {row.value}"
            latin = [word for word in re.findall(r"[A-Za-z_]+[0-9]*", shown) if not re.fullmatch(r"M[0-9]{5}", word)]
            assert latin == [], (pack_id, row.section, row.key, shown)
            assert not any(mark in row.value for mark in ("{", "[", "=", "None", "True", "False")), row.value
            assert row.place == f"政策包文件中的位置：[{row.section}] {row.key}"
            assert not re.search(r"\b(seed|spec)\b", row.source), row.source  # 政策文件 000_….txt, 业务规范 chronic.md


def test_pack_values_say_amounts_rates_levels_and_groups_as_a_clerk_reads_them(desk):
    rows = {(row.section, row.key): row for row in support.pack_values(desk, PACK)}

    def value(section, key):
        return rows[(section, key)].value

    assert rows[("contribution", "individual")].key_name == "个人缴费标准（按待遇年度）"
    assert value("contribution", "individual") == "2025年度 400.00 元；2026年度 400.00 元"
    assert value("collection", "period_start") == "上一年9月1日"
    assert value("collection", "period_end") == "当年2月最后一天"  # Y-02-last: (0, 2, None) in the pack
    assert value("inpatient", "levels") == ("一级医院（起付线：200.00 元，报销比例：85%）；二级医院（起付线：400.00 元，"
                                            "报销比例：75%）；三级医院（起付线：700.00 元，报销比例：60%）")
    assert value("inpatient", "out_of_region_rate_cut") == "10 个百分点"
    assert value("general_outpatient", "rates").startswith("村卫生室：50%；乡镇卫生院：50%；")
    assert value("general_outpatient", "rates").endswith("二级医院：25%")
    assert value("critical_illness", "segments").endswith("100000.00 元至 200000.00 元：80%；200000.00 元以上：85%")
    assert value("critical_illness", "special_groups") == (
        "人群：特困供养人员、城乡低保对象；起付线：5000.00 元；报销比例提高：5 个百分点；不设封顶：是")
    assert value("waiting_period", "exempt_groups") == (
        "特困供养人员、城乡低保对象、已脱贫人口、低收入家庭中60周岁以上老年人、低收入家庭中未成年人")
    assert value("waiting_period", "newborn_days") == "90 天"
    assert value("transfer", "working_days") == "22 个工作日"
    assert "低收入家庭中未成年人（缴费之日未满18周岁） 120.00 元" in value("subsidies", "groups")
    assert value("subsidies", "groups").startswith("特困供养人员 全额资助；孤儿 全额资助；")
    assert value("diseases", "two_diseases") == "M03900 高血压病、M01600 糖尿病"
    assert value("critical_illness", "base") == "住院、门诊特殊病"


def test_a_value_that_is_not_there_reads_as_a_dash(desk):
    from desk.screens import pack_text

    pack = desk.packs.get(PACK)
    assert pack_text.value_text(pack, "inpatient", "annual_cap", None) == "—"
    assert pack_text.value_text(pack, "collection", "period_end", (0, 2, None)) == "当年2月最后一天"
    assert pack_text.value_text(pack, "family_mutual_aid", "same_region_only", False) == "否"


def test_the_standards_panel_names_the_missing_year_and_starts_there(desk, admin, december):
    shown = support.standards_screen(desk, PACK)
    assert [year.year for year in shown.years] == [2025, 2026, 2027]
    assert (shown.first_year, shown.can_enter, shown.history) == (2027, True, [])
    assert shown.summary == "2027年度的个人缴费标准尚未录入：该年度不能办理参保登记。请按文件点“录入年度标准…”。"
    in_force = standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00", document=DOC)
    assert support.entered_message(in_force) == (
        f"已录入2027年度缴费标准：个人缴费 420.00 元，来源 {DOC}（已确认）。已记入审计日志。", False)
    after = support.standards_screen(desk, PACK)
    assert after.first_year == 2027 and [row.year for row in after.history] == [2027]
    assert not after.history[0].provisional
    assert after.summary == ("2025年度、2026年度、2027年度含暂定值（黄色行：在当地文件录入前采用的假定值）；"
                             "文件下达后请录入年度标准并填写文件号。")  # 2027's subsidies are still the table's
    provisional = standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="430.00")
    text, warning = support.entered_message(provisional)
    assert warning and text.endswith("（暂定）。已记入审计日志。未填文件号，数值为暂定；文件下达后请再录入一次并填写文件号。")
    assert support.standards_screen(desk, PACK).history[-1].provisional


def test_a_pack_without_contribution_offers_no_entry(desk):
    shown = support.standards_screen(desk, "huaibei-employee-2025")
    assert (shown.years, shown.history, shown.first_year, shown.can_enter) == ([], [], None, False)
    assert shown.summary == "政策包 huaibei-employee-2025 不收个人缴费（未配置缴费标准），没有年度缴费标准可录入。"


def test_the_calendar_screen_joins_the_years_and_lists_what_was_loaded(desk, admin):
    import json

    shown = support.calendar_screen(desk)
    assert (shown.years, shown.schedules) == ("2010–2026", [])
    text = json.dumps({"format": "desk-holiday-schedule/1", "source": "国务院办公厅关于2028年部分节假日安排的通知（测试）",
                       "years": {"2028": {"days_off": ["2028-10-02"], "workdays": []}}}, ensure_ascii=False)
    calendar.load_schedule(desk, admin, text)
    shown = support.calendar_screen(desk)
    assert shown.years == "2010–2026、2028"
    assert shown.schedules == [support.LoadedSchedule(2028, "国务院办公厅关于2028年部分节假日安排的通知（测试）", "赵管理",
                                                      "2026-03-10 09:30:00")]
    assert support.year_ranges([2020, 2018, 2019, 2022]) == "2018–2020、2022" and support.year_ranges([]) == ""


def test_the_backup_screen_names_the_file_the_folder_and_each_backup(desk, admin):
    from desk.services import backup

    shown = support.backup_screen(desk)
    assert (shown.database, shown.folder, shown.rows) == (desk.path, desk.path.parent / "backups", [])
    assert shown.database_size.endswith(" KB")
    taken = backup.backup(desk, admin)
    [row] = support.backup_screen(desk).rows
    assert (row.name, row.path, row.taken_at) == (taken.path.name, taken.path, "2026-03-10 09:30:00")
    assert support.restore_command(desk) == f'desk restore "备份文件" --db "{desk.path}"'
    assert [support.size_text(size) for size in (0, 1536, 3 * 1024 * 1024)] == ["1 KB", "2 KB", "3.0 MB"]


def test_an_audit_page_names_the_actions_and_keeps_the_page_in_range(desk, staff, clerk):
    from desk.core.errors import PermissionDenied
    from desk.services import audit

    persons.register_person(desk, clerk, person_form())
    admin = staff["admin"]
    page = support.audit_page(desk, admin, audit.AuditFilter(action_prefix="person."), page=3)
    assert (page.total, page.page, page.pages) == (1, 0, 1)
    [row] = page.rows
    assert (row.operator_name, row.action, row.action_name, row.at) == ("李娜", "person.register", "登记参保人",
                                                                        "2026-03-10 09:30:00")
    assert row.record.startswith("参保人 ") and "姓名：" in row.detail and "人员类别：无" in row.detail
    assert not any(mark in row.detail for mark in ('{', '"', "None", "_seal"))  # readable text, not JSON
    everything = support.audit_page(desk, admin, audit.AuditFilter(), page=1, page_size=2)
    assert everything.page == 1 and everything.pages == -(-everything.total // 2) and len(everything.rows) == 2
    assert everything.rows[0].id < support.audit_page(desk, admin, audit.AuditFilter(), page=0, page_size=2).rows[-1].id
    assert support.audit_operator_names(desk, admin) == sorted({"李娜", "赵管理", "杨慧"})  # every account
    first = support.audit_page(desk, admin, audit.AuditFilter(), page=0, page_size=2)
    keyset = support.audit_page(desk, admin, audit.AuditFilter(), page=1, page_size=2, below=first.rows[-1].id)
    assert keyset == everything  # the page after, found by entry number
    assert support.audit_page(desk, admin, audit.AuditFilter(), page=99, page_size=2, below=1).page == everything.pages - 1
    with pytest.raises(PermissionDenied):
        support.audit_page(desk, clerk, audit.AuditFilter(), page=0)


def test_a_damaged_database_is_offered_the_newest_good_backup(desk, admin):
    from desk.services import backup

    folder = desk.path.parent / "backups"
    assert support.backup_offer(desk.path, offers_backup=False) == support.BackupOffer(None, "")  # a locked disk: 重试
    none = support.backup_offer(desk.path, offers_backup=True)
    assert none.candidate is None and none.text == (
        f"没有找到可用的备份（备份文件夹：{folder}）。请退出程序并联系系统管理员或技术支持，不要删除或覆盖现在的数据库文件。")
    taken = backup.backup(desk, admin)
    offer = support.backup_offer(desk.path, offers_backup=True)
    assert offer.candidate.path == taken.path
    assert offer.text.startswith(f"最新的完好备份：{taken.path.name}（2026-03-10 09:30，")
    assert offer.text.endswith("现在的数据库文件不会删除，而是另存为 desk.before-restore-时间.db，请交给技术人员检查。")


def test_the_admin_screens_and_pages_never_reach_the_store():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "desk"

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        return names

    screen = imported(root / "screens" / "admin.py")
    assert not {name for name in screen if name.split(".")[0] in ("PySide6", "sqlite3", "sqlite_utils")
                or name.startswith("desk.store")}
    pages = [*root.glob("ui/admin_*.py"), root / "ui" / "startup.py", root / "ui" / "daily_report_dialog.py",
             root / "ui" / "login.py", root / "ui" / "screen_lock.py"]
    offenders = {path.name: name for path in pages for name in imported(path)
                 if name.startswith("desk.store") or name == "desk.services.admin_queries"}
    assert offenders == {}
    assert any(name.startswith("desk.store") for name in imported(root / "services" / "admin_queries.py"))  # it can fail
