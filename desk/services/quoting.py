"""The enrolment quote as a headless contract (`desk quote`), and the pack and year checks the
enrolment service shares with it. Light on purpose: core only (no database, no Qt, no PDF), so
that `desk quote` without `--db` starts in a fraction of a second (bench/bench_cli.py)."""

from __future__ import annotations

from datetime import date

from desk.core.dates import parse_date
from desk.core.enrolment import Quote, QuoteRequest, quote_enrolment
from desk.core.errors import Problem, ValidationError
from desk.core.idnumber import parse_id_number
from desk.core.packs import Pack, PackRegistry


def resident_pack(packs: PackRegistry, pack_id: str, year: int) -> Pack:
    pack = packs.get(pack_id)
    if pack.scheme != "resident":
        raise ValidationError.single("pack", "scheme", f"政策包 {pack.id} 不是城乡居民医保政策包，不能办理居民参保登记。")
    if not (pack.in_force_on(date(year, 1, 1)) or pack.in_force_on(date(year, 12, 31))):
        raise ValidationError.single("year", "pack_not_in_force", f"政策包 {pack.id} 不适用于{year}年度，请选择该年度的政策包。")
    return pack


def check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError.single("year", "range", "待遇年度应为四位年份，例如 2026。")
    return year


def check_arrears(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.single("arrears_years", "range", "补缴年数应为不小于0的整数。")
    return value


# ------------------------------------------------------------ the headless contract (desk quote)


def quote_from_json(packs: PackRegistry, data, today: date) -> Quote:
    """`desk quote`: one JSON object in; the same core calculation the tab uses."""
    if not isinstance(data, dict):
        raise ValidationError.single("(input)", "type", "输入应为一个 JSON 对象。")
    unknown = set(data) - {
        "pack", "year", "id_number", "groups", "paid_on", "last_enrolled_year", "newborn", "employee_ended_on",
        "arrears_years",
    }
    if unknown:
        raise ValidationError.single(sorted(unknown)[0], "unknown_field", f"未知的字段 {sorted(unknown)[0]}。")
    if not isinstance(data.get("pack"), str):
        raise ValidationError.single("pack", "required", "缺少政策包编号 pack。")
    year = check_year(data.get("year"))
    pack = resident_pack(packs, data["pack"], year)
    info = parse_id_number(data.get("id_number") if isinstance(data.get("id_number"), str) else "", today)
    request = QuoteRequest(
        year=year,
        birth_date=info.birth_date,
        paid_on=parse_date(data.get("paid_on"), "paid_on", "缴费日期"),
        groups=_json_groups(data.get("groups", [])),
        last_enrolled_year=_optional_year(data.get("last_enrolled_year")),
        newborn=_json_bool(data.get("newborn", False), "newborn"),
        employee_ended_on=None if data.get("employee_ended_on") is None
        else parse_date(data["employee_ended_on"], "employee_ended_on", "职工医保中断日期"),
        arrears_years=check_arrears(data.get("arrears_years", 0)),
    )
    return quote_enrolment(pack, request)


def _json_groups(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError([Problem("groups", "type", "groups 应为资助类别代码的列表，例如 [\"dibao\"]。")])
    return tuple(value)


def _optional_year(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1950 <= value <= 2100:
        raise ValidationError.single("last_enrolled_year", "range", "上次参保年度应为四位年份或 null。")
    return value


def _json_bool(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError.single(field, "type", f"{field} 应为 true 或 false。")
    return value
