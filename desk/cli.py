"""The `desk` command: the GUI by default, plus headless subcommands that call the same services.

Exit statuses: 0 done; 1 a negative answer (invalid ID number, a voucher not genuine, a check
that failed); 2 bad input (one line on stderr naming the field, nothing on stdout).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from datetime import date
from pathlib import Path

from desk.core.errors import DeskError, ValidationError, os_reason


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("desk", appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / "desk.db"


def _print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=None) + "\n")


def _fail_input(message: str) -> int:
    sys.stderr.write(message.replace("\n", " ") + "\n")
    return 2


def _error_line(error: DeskError) -> str:
    if isinstance(error, ValidationError) and error.problems:
        problem = error.problems[0]
        return f"{problem.field}: {problem.message}"
    return f"{error.field}: {error.message}" if error.field else error.message


# ------------------------------------------------------------ subcommands


def cmd_idcard(args) -> int:
    from desk.core.idnumber import IdNumberError, parse_id_number

    try:
        info = parse_id_number(args.number)
    except IdNumberError as error:
        _print_json({"valid": False, "reason": error.message})
        return 1
    _print_json(info.as_json())
    return 0


class _InputError(Exception):
    """The input file could not be read as JSON; the message is the one stderr line."""


def _read_json_input(source: str):
    """At most 20 MB, UTF-8, nesting at most 64 deep, no huge integers, no NaN (desk.cli_input)."""
    from desk.cli_input import InputError, read_json

    try:
        return read_json(source, sys.stdin)
    except InputError as error:
        raise _InputError(str(error)) from None


def _json_command(source: str, compute) -> int:
    """`desk quote` and `desk calc`: JSON in, JSON out; bad input exits 2 with one line on stderr."""
    try:
        result = compute(_read_json_input(source))
    except _InputError as error:
        return _fail_input(str(error))
    except DeskError as error:
        return _fail_input(_error_line(error))
    _print_json(result)
    return 0


def cmd_quote(args) -> int:
    from desk.services.quoting import quote_from_json

    if args.db:
        try:
            packs = _open_desk(args.db, read_only=True).packs
        except DeskError as error:
            return _fail_input(f"--db: {error.message}")
    else:
        packs = _packs()
    return _json_command(args.file, lambda data: quote_from_json(packs, data, date.today()).as_json())


def cmd_calc(args) -> int:
    from desk.services.calculation import calculate_json

    return _json_command(args.file, lambda data: calculate_json(_packs(), data))


def _packs():
    from desk.core.packs import PackRegistry
    from desk.resources import resource_path

    return PackRegistry.load_directory(resource_path("policies"))


def cmd_workdays(args) -> int:
    from desk.core.canonical import ascii_count
    from desk.core.dates import DateError, parse_date

    try:
        start = parse_date(args.start, "start", "起始日期")
    except DateError as error:
        return _fail_input(f"start: {error.message}")
    count = ascii_count(args.count, maximum_digits=4)
    if count is None:
        return _fail_input("count: 工作日天数应为正整数（阿拉伯数字0-9），例如 22。")
    calendar = _calendar(args.db)
    try:
        due = calendar.add_working_days(start, count)
    except DeskError as error:
        return _fail_input(f"count: {error.message}")
    _print_json(due.as_json())
    return 0


def _calendar(db: str | None):
    if db:
        from desk.services.workdays import work_calendar

        return work_calendar(_open_desk(db, read_only=True))
    from desk.services.workdays import shipped_calendar

    return shipped_calendar()


def cmd_print_samples(args) -> int:
    from desk.vouchers.samples import write_samples

    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    for path in write_samples(directory):
        sys.stdout.write(f"{path}\n")
    return 0


def _open_desk(db: str | None, *, read_only: bool = False):
    """The database of a command; a read-only command's is opened read-only (never migrated or written)."""
    from desk.services.context import Desk

    path = Path(db) if db else default_db_path()
    if not path.exists():
        raise DeskError(f"数据库 {path} 不存在。")
    return Desk.open_read_only(path) if read_only else Desk.open(path)


class _AuthFailed(Exception):
    """The operator of a writing command could not be logged in; the message is the one stderr line."""


def _login_from_stdin(desk, username: str | None):
    """A command that writes acts as an operator: `--user NAME`, the password as one line on standard
    input. The login is the GUI's (audited, counted toward the lockout); refusal: `_AuthFailed`."""
    from desk.services.operators import LoginFailed, authenticate

    if not username:
        raise _AuthFailed("请用 --user 指定操作员用户名，密码从标准输入读入（一行）。")
    line = sys.stdin.readline(1024)
    password = line.rstrip("\r\n")
    try:
        return authenticate(desk, username=username, password=password)
    except LoginFailed as error:
        raise _AuthFailed(error.message) from None


def _operator_refused(error: Exception) -> int:
    """A writing command's operator could not log in, or may not do this: one Chinese line, exit 1."""
    sys.stderr.write(f"{getattr(error, 'message', None) or error}\n")
    return 1


def cmd_verify(args) -> int:
    from desk.services import vouchers

    try:
        desk = _open_desk(args.db, read_only=True)
    except DeskError as error:
        return _fail_input(_error_line(error))
    result = vouchers.verify(desk, args.number, args.code)
    _print_json(result.as_json())
    return 0 if result.genuine else 1


def cmd_check(args) -> int:
    from desk.services.faults import CORRUPT, IO, DamagedFile, NotDeskDatabase, kind_of
    from desk.services.integrity import check_database

    try:
        desk = _open_desk(args.db, read_only=True)
    except NotDeskDatabase as error:
        return _fail_input(error.message)
    except DeskError as error:
        if kind_of(error) not in (CORRUPT, IO):
            return _fail_input(_error_line(error))
        _print_json({"sound": False, "database": error.message})  # a damaged file: its JSON, exit 1
        return 1
    try:
        report = check_database(desk)
    except DamagedFile as error:  # damage found part-way through the file
        _print_json({"sound": False, "database": f"数据库文件已损坏，检查中途无法读取：{error}。"})
        return 1
    _print_json(report.as_json())
    return 0 if report.sound else 1


def cmd_backup(args) -> int:
    """`desk backup`: JSON on success; one Chinese line and exit 1 when no backup was made."""
    from desk.services.backup import backup, fault_error
    from desk.services.faults import DatabaseError

    try:
        desk = _open_desk(args.db)
        taken = backup(desk, None, reason="desk backup")
    except DeskError as error:
        sys.stderr.write(_error_line(error).replace("\n", " ") + "\n")
        return 1
    except (DatabaseError, OSError) as error:
        sys.stderr.write(fault_error(error, "备份").message + "\n")
        return 1
    _print_json({"backup": str(taken.path), "taken_at": taken.taken_at.isoformat(), "bytes": taken.size})
    return 0


def _restoring_administrator(path: Path, backup_file: Path, username: str | None):
    """The administrator, logged in on the current file (audited); on a file that does not open, the
    password is checked against the backup itself, read-only."""
    from desk.services.faults import DatabaseError
    from desk.services.restore import administrator_of_backup

    if not username:
        raise _AuthFailed("请用 --user 指定管理员用户名，密码从标准输入读入（一行）。")
    try:
        desk = _open_desk(str(path)) if path.exists() else None
    except (DeskError, DatabaseError, OSError):
        desk = None
    if desk is None:
        return administrator_of_backup(backup_file, username, sys.stdin.readline(1024).rstrip("\r\n"))
    try:
        operator = _login_from_stdin(desk, username)
    finally:
        desk.close()
    operator.require("admin.backup")
    return operator


def cmd_restore(args) -> int:
    """`desk restore FILE --user NAME`: an administrator only (password on stdin); exit 1 and nothing changed on refusal."""
    from desk.services.backup import backup_problem
    from desk.services.restore import restore_database

    path = Path(args.db) if args.db else default_db_path()
    problem = backup_problem(Path(args.file))
    if problem:
        sys.stderr.write(f"{problem}不能用来恢复，请选择另一个备份。\n")
        return 1
    try:
        operator = _restoring_administrator(path, Path(args.file), args.user)
        result = restore_database(path, Path(args.file), operator=operator)
    except _AuthFailed as error:
        sys.stderr.write(f"{error}\n")
        return 1
    except DeskError as error:
        sys.stderr.write(_error_line(error).replace("\n", " ") + "\n")
        return 1
    _print_json({"restored": str(path), "from": args.file, "by": operator.username,
                 "previous_file_kept_at": str(result.aside) if result.aside else None,
                 "voucher_sequences_raised": result.sequences_raised})
    return 0


_REPORT_OPTIONS = {"date": "DATE", "operator": "--operator"}


def cmd_report_daily(args) -> int:
    """`desk report daily`: the 日报表 as PDF (and Excel); exit 0 with the totals, 1 refused, 2 bad input."""
    from desk.core.dates import DateError, parse_date
    from desk.core.errors import PermissionDenied
    from desk.services import reports

    try:
        day = parse_date(args.date, "date", "报表日期")
    except DateError as error:
        return _fail_input(f"DATE: {error.message}")
    for option, target in (("--out", args.out), ("--xlsx", args.xlsx)):
        if target and not Path(target).resolve().parent.is_dir():
            return _fail_input(f"{option}: 文件夹 {Path(target).resolve().parent} 不存在，请先建立或换一个位置。")
    try:
        desk = _open_desk(args.db)
        operator = _login_from_stdin(desk, args.user)
        operator_id = reports.operator_named(desk, args.operator) if args.operator else (
            None if operator.can("report.office") else operator.id)
        report = reports.issue_daily_report(desk, operator, day=day, operator_id=operator_id)
    except (_AuthFailed, PermissionDenied) as error:
        return _operator_refused(error)
    except DeskError as error:
        return _fail_input(f"{_REPORT_OPTIONS[error.field]}: {error.message}" if error.field in _REPORT_OPTIONS
                           else _error_line(error))
    return _write_report(desk, operator, report, args)


def _write_report(desk, operator, report, args) -> int:
    from desk.services import reports, vouchers

    _copy_no, pdf = vouchers.print_copy(desk, operator, report.number)
    for option, write in (("--out", lambda: Path(args.out).write_bytes(pdf)),
                          ("--xlsx", lambda: args.xlsx and reports.write_workbook(
                              report.payload, args.xlsx, number=report.number, code=report.voucher.code))):
        try:
            write()
        except OSError as error:
            return _fail_input(f"{option}: 文件无法写入（{os_reason(error)}），日报表 {report.number} 已出具，可在界面中补打。")
    _print_json({**report.summary(), "pdf": str(args.out), "xlsx": str(args.xlsx) if args.xlsx else None})
    return 0


def cmd_import_template(args) -> int:
    """`desk import template FILE.xlsx`: the 集中参保 list the office hands out (the groups of the database's pack)."""
    from desk.services import batch_import

    target = Path(args.file)
    if not target.resolve().parent.is_dir():
        return _fail_input(f"FILE: 文件夹 {target.resolve().parent} 不存在，请先建立或换一个位置。")
    if target.is_dir():
        return _fail_input(f"FILE: {target} 是一个文件夹，请写出模板的文件名，如 {target / '集中参保名单模板.xlsx'}。")
    if args.db or default_db_path().exists():
        groups = batch_import.template_groups(_open_desk(args.db, read_only=True))
    else:
        from desk.services.context import DEFAULT_SETTINGS

        pack = _packs().get(DEFAULT_SETTINGS["default_pack"])
        groups = {group["code"]: group["name"] for group in pack.section("subsidies")["groups"]}
    try:
        written = batch_import.write_template(target, groups)
    except OSError as error:  # the template's file, not the database: say so
        return _fail_input(f"FILE: 无法写入 {target}（{os_reason(error)}），请换一个文件夹或文件名。")
    _print_json({"template": str(written)})
    return 0


def cmd_import_enrolments(args) -> int:
    """`desk import enrolments FILE --user NAME --report OUT.xlsx`: exit 0 once the list was read (refused rows
    included), 2 when the file cannot be used, 1 when the operator cannot log in or may not enrol, or a fault of
    the database stopped the import part-way (the summary and the report are written all the same)."""
    from desk.core.errors import PermissionDenied
    from desk.services import batch_import

    report = Path(args.report)
    folder = report.resolve().parent
    if not folder.is_dir():
        return _fail_input(f"--report: 文件夹 {folder} 不存在，请先建立或换一个位置。")
    if report.is_dir() or (report.exists() and not os.access(report, os.W_OK)) or not os.access(folder, os.W_OK):
        return _fail_input(f"--report: 无法写入 {report}，请换一个文件夹或文件名。")
    if batch_import.same_file(report, Path(args.file)):
        return _fail_input(f"--report: {batch_import.report_over_list(report).message}")
    try:
        desk = _open_desk(args.db)
        operator = _login_from_stdin(desk, args.user)
        operator.require("enrolment.create")
        operator.require("person.write")
    except (_AuthFailed, PermissionDenied) as error:
        return _operator_refused(error)
    try:
        listing = batch_import.read_list(desk, operator, Path(args.file))
    except batch_import.ImportFileError as error:
        return _fail_input(error.message)
    result = batch_import.import_list(desk, operator, listing)
    try:
        batch_import.write_report(listing, result, report)
    except OSError as error:
        _print_json(result.summary())
        sys.stderr.write(f"--report: 导入结果表无法写入（{os_reason(error)}）；名单已导入，再次导入同一文件会把已参保的行"
                         "显示为“已存在”，可借此重新得到结果表。\n")
        return 1
    _print_json(result.summary())
    if result.stop_reason:  # no 取消 here: a fault of the database or the disk stopped it
        sys.stderr.write(result.stop_reason + "。已导入的行保留，改正后再次导入同一文件即可继续。\n")
        return 1
    return 0


def cmd_demo(args) -> int:
    from desk.demo import DEMO_OPERATORS, create_demo_database

    path = Path(args.db) if args.db else default_data_dir() / "demo.db"
    if path.exists():
        sys.stdout.write(f"使用已有的演示数据库：{path}（要重新生成，请先移走这个文件）\n")
    else:
        summary = create_demo_database(path, persons=args.persons)
        sys.stdout.write(f"演示数据库：{path}\n{summary}\n")
    for username, display_name, role, password in DEMO_OPERATORS:
        sys.stdout.write(f"  {role:9s} {username:10s} 密码 {password}  （{display_name}）\n")
    if args.no_gui:
        return 0
    return _run_gui(path)


def _run_gui(path: Path) -> int:
    from desk.ui.app import run_gui

    path.parent.mkdir(parents=True, exist_ok=True)
    return run_gui(path)


# ------------------------------------------------------------ parser


_STANDARD_OPTIONS = {"pack": "PACK", "year": "YEAR", "individual": "--individual", "subsidy": "--subsidy",
                     "document": "--document"}


def cmd_standard_set(args) -> int:
    """`desk standard set`: an administrator enters a benefit year's standard (exit 0/1/2)."""
    from desk.core.errors import PermissionDenied, ValidationError
    from desk.services import standards

    try:
        desk = _open_desk(args.db)
    except DeskError as error:
        return _fail_input(_error_line(error))
    try:
        operator = _login_from_stdin(desk, args.user)
        subsidies = [tuple(item.split("=", 1)) if "=" in item else (item,) for item in args.subsidy or []]
        result = standards.enter_standard(desk, operator, pack_id=args.pack, year=args.year,
                                          individual=args.individual, subsidies=subsidies, document=args.document)
    except (_AuthFailed, PermissionDenied) as error:
        return _operator_refused(error)
    except ValidationError as error:
        return _fail_input("；".join(f"{_STANDARD_OPTIONS.get(p.field, p.field)}: {p.message}" for p in error.problems))
    _print_json(result.as_json())
    return 0


def cmd_standard_list(args) -> int:
    """`desk standard list PACK`: every year's values with source and status (and, with --db, every entry)."""
    from desk.services import standards

    try:
        desk = _open_desk(args.db, read_only=True) if args.db else None
        pack = (desk.packs if desk else _packs()).get(args.pack)
    except DeskError as error:
        return _fail_input(f"PACK: {error.message}" if error.field == "pack" else _error_line(error))
    entries = standards.standards_history(desk, pack.id) if desk else []
    entered_years = {entry.year for entry in entries}
    years = [standards.values_of_year(pack, year, entered=year in entered_years).as_json()
             for year in standards.years_of(pack)]
    _print_json({"pack": pack.id, "years": years, "entries": [standards.entry_json(entry) for entry in entries]})
    return 0


def _two_lines() -> tuple[str, str]:
    """The administrator's password and the copy's passphrase: two lines on standard input."""
    return sys.stdin.readline(1024).rstrip("\r\n"), sys.stdin.readline(1024).rstrip("\r\n")


def cmd_keys_export(args) -> int:
    """`desk keys export FILE --user NAME`: exit 0 with JSON, 1 refused (authentication), 2 bad input."""
    from desk.core.errors import PermissionDenied
    from desk.services import key_escrow
    from desk.services.operators import LoginFailed, authenticate

    try:
        desk = _open_desk(args.db)
    except DeskError as error:
        return _fail_input(_error_line(error))
    password, passphrase = _two_lines()
    try:
        operator = authenticate(desk, username=args.user, password=password)
        written = key_escrow.export_keys(desk, operator, Path(args.file), passphrase)
    except (LoginFailed, PermissionDenied) as error:
        return _operator_refused(error)
    finally:
        desk.close()
    _print_json({"exported": str(written)})
    return 0


def cmd_keys_import(args) -> int:
    """`desk keys import FILE --user NAME`: the key file put back; exit 0 with JSON, 1 refused."""
    from desk.services import key_escrow

    path = Path(args.db) if args.db else default_db_path()
    if not path.exists():
        return _fail_input(f"--db: 数据库 {path} 不存在。")
    password, passphrase = _two_lines()
    try:
        written = key_escrow.import_keys(path, args.user, password, Path(args.file), passphrase)
    except key_escrow.KeyCopyError as error:
        return _operator_refused(error)
    _print_json({"imported": str(written)})
    return 0


def cmd_export(args) -> int:
    """`desk export --out DIR --user NAME`: the next batch for the provincial platform (JSON; exit 0 also
    when nothing is new), 1 refused (authentication, permission, the folder or disk), 2 bad input."""
    from desk.core.errors import PermissionDenied
    from desk.services import export

    if not args.out:
        return _fail_input("--out: 请用 --out 指定上报批次写入的文件夹。")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        return _fail_input(f"--out: {args.out} 是一个文件，不是文件夹：请指定上报批次写入的文件夹。")
    if not Path(args.out).is_dir():
        return _fail_input(f"--out: 文件夹 {args.out} 不存在，请先建立它或换一个文件夹。")
    try:
        desk = _open_desk(args.db)
    except DeskError as error:
        return _fail_input(_error_line(error))
    try:
        operator = _login_from_stdin(desk, args.user)
        result = export.export_next_batch(desk, operator, Path(args.out))
    except (_AuthFailed, PermissionDenied) as error:
        return _operator_refused(error)
    except export.ExportWriteFailed as error:
        return _operator_refused(error)
    finally:
        desk.close()
    _print_json(result.as_json())
    return 0


def cmd_export_verify(args) -> int:
    """`desk export verify DIR [--db PATH]`: exit 0 sound, 1 with every problem named (JSON), 2 no such folder."""
    from desk.services import export

    try:
        desk = _open_desk(args.db, read_only=True)
    except DeskError as error:
        hint = "" if args.db else "（核验要用导出该批次的数据库的密钥：请用 --db 指定它）"
        return _fail_input(f"--db: {_error_line(error)}{hint}")
    try:
        report = export.verify_batch(desk, Path(args.dir))
    except DeskError as error:
        return _fail_input(f"DIR: {error.message}")
    finally:
        desk.close()
    _print_json(report.as_json())
    if not report.sound:
        sys.stderr.write("；".join(report.problems) + "\n")
    return 0 if report.sound else 1


def cmd_export_ack(args) -> int:
    """`desk export ack FILE --user NAME`: the platform's acknowledgement recorded (JSON); 1 refused
    (authentication, permission), 2 a file that cannot be used (nothing recorded)."""
    from desk.core.errors import PermissionDenied
    from desk.services import export

    try:
        desk = _open_desk(args.db)
    except DeskError as error:
        return _fail_input(_error_line(error))
    try:
        operator = _login_from_stdin(desk, args.user)
        result = export.load_ack(desk, operator, Path(args.file))
    except (_AuthFailed, PermissionDenied) as error:
        return _operator_refused(error)
    except export.AckFileRefused as error:
        return _fail_input(f"FILE: {error.message}")
    finally:
        desk.close()
    _print_json(result.as_json())
    return 0


def cmd_export_key(args) -> int:
    """`desk export key --user NAME`: the export key for the platform (JSON), audited; 1 refused."""
    from desk.core.errors import PermissionDenied
    from desk.services import export

    try:
        desk = _open_desk(args.db)
    except DeskError as error:
        return _fail_input(_error_line(error))
    try:
        operator = _login_from_stdin(desk, args.user)
        shown = export.hand_over_key(desk, operator)
    except (_AuthFailed, PermissionDenied) as error:
        return _operator_refused(error)
    finally:
        desk.close()
    _print_json(shown)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desk", description="医保经办窗口离线桌面应用。不带子命令时打开图形界面。")
    parser.add_argument("--db", help="数据库文件（默认在用户数据目录下）")
    sub = parser.add_subparsers(dest="command")

    idcard = sub.add_parser("idcard", help="校验公民身份号码，输出 JSON")
    idcard.add_argument("number")
    idcard.set_defaults(handler=cmd_idcard)

    quote = sub.add_parser("quote", help="参保缴费测算：读一个 JSON 对象（文件或 - 表示标准输入），输出 JSON")
    quote.add_argument("file")
    quote.add_argument("--db", dest="db_sub", help="同时使用该数据库中管理员录入的年度缴费标准")
    quote.set_defaults(handler=cmd_quote)

    standard = sub.add_parser("standard", help="年度缴费标准：管理员录入（set）或列出（list）")
    standard_sub = standard.add_subparsers(dest="standard_command", required=True)
    standard_set = standard_sub.add_parser("set", help="录入某政策包某待遇年度的个人缴费标准和资助金额（密码从标准输入读入）")
    standard_set.add_argument("pack")
    standard_set.add_argument("year")
    standard_set.add_argument("--individual", required=True, help="个人缴费标准，例如 420.00")
    standard_set.add_argument("--subsidy", action="append", metavar="GROUP=AMOUNT",
                              help="某资助类别的资助金额（可多次），例如 dibao=150.00 或 tekun=全额")
    standard_set.add_argument("--document", help="确定该标准的文件号，例如 云医保〔2026〕88号（不填则为暂定）")
    standard_set.add_argument("--user", required=True, help="管理员用户名")
    standard_set.add_argument("--db", dest="db_sub")
    standard_set.set_defaults(handler=cmd_standard_set)
    standard_list = standard_sub.add_parser("list", help="列出政策包每个年度的缴费标准及其来源和状态")
    standard_list.add_argument("pack")
    standard_list.add_argument("--db", dest="db_sub", help="含该数据库中录入的标准（不填则只列政策包自带的）")
    standard_list.set_defaults(handler=cmd_standard_list)

    calc = sub.add_parser("calc", help="报销计算：读一个 JSON 对象（文件或 - 表示标准输入），输出每笔费用的结果数组")
    calc.add_argument("file")
    calc.set_defaults(handler=cmd_calc)

    workdays = sub.add_parser("workdays", help="START 之后第 N 个工作日（START 当天不计），输出 JSON")
    workdays.add_argument("start")
    workdays.add_argument("count")
    workdays.add_argument("--db", dest="db_sub", help="同时使用该数据库中管理员载入的节假日安排")
    workdays.set_defaults(handler=cmd_workdays)

    samples = sub.add_parser("print-samples", help="把每种凭证的样张渲染到目录")
    samples.add_argument("dir")
    samples.set_defaults(handler=cmd_print_samples)

    verify = sub.add_parser("verify", help="核验一张凭证的编号和核验码")
    verify.add_argument("number")
    verify.add_argument("code")
    verify.add_argument("--db", dest="db_sub")
    verify.set_defaults(handler=cmd_verify)

    check = sub.add_parser("check", help="检查数据库完整性和审计链")
    check.add_argument("--db", dest="db_sub")
    check.set_defaults(handler=cmd_check)

    backup = sub.add_parser("backup", help="在线备份数据库到其旁边的 backups 文件夹（保留最近7天、4周、12个月的）")
    backup.add_argument("--db", dest="db_sub")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser("restore", help="管理员从备份恢复（密码从标准输入读入；先把当前数据库文件另存一旁）")
    restore.add_argument("file")
    restore.add_argument("--user", required=True, help="管理员用户名")
    restore.add_argument("--db", dest="db_sub")
    restore.set_defaults(handler=cmd_restore)

    keys = sub.add_parser("keys", help="密钥副本：管理员导出（export）或在密钥文件丢失时导入（import）")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    for name, handler, help_text in (
            ("export", cmd_keys_export, "把本数据库的密钥导出为口令保护的副本文件（标准输入：第一行管理员密码，第二行保护口令）"),
            ("import", cmd_keys_import, "密钥文件丢失时从副本导入（标准输入：第一行管理员密码，第二行保护口令）")):
        command = keys_sub.add_parser(name, help=help_text)
        command.add_argument("file")
        command.add_argument("--user", required=True, help="管理员用户名")
        command.add_argument("--db", dest="db_sub")
        command.set_defaults(handler=handler)

    report = sub.add_parser("report", help="报表：daily 日报表（PDF，可另出 Excel）")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    daily = report_sub.add_parser("daily", help="某日的业务日报表；经办员只能出本人的（密码从标准输入读入）")
    daily.add_argument("date", metavar="DATE", help="报表日期 YYYY-MM-DD")
    daily.add_argument("--operator", metavar="NAME", help="只统计该经办人（用户名或姓名；审核员、管理员可选）")
    daily.add_argument("--out", required=True, metavar="FILE.pdf", help="日报表 PDF 写到这里")
    daily.add_argument("--xlsx", metavar="FILE.xlsx", help="同时写出 Excel 工作簿（数字与 PDF 相同）")
    daily.add_argument("--user", required=True, help="操作员用户名")
    daily.add_argument("--db", dest="db_sub")
    daily.set_defaults(handler=cmd_report_daily)

    batch = sub.add_parser("import", help="集中参保名单：下载模板（template）或导入参保登记（enrolments）")
    batch_sub = batch.add_subparsers(dest="import_command", required=True)
    batch_template = batch_sub.add_parser("template", help="写出集中参保名单模板（.xlsx，含填写说明和资助类别）")
    batch_template.add_argument("file", metavar="FILE.xlsx")
    batch_template.add_argument("--db", dest="db_sub", help="按该数据库所用政策包列出资助类别")
    batch_template.set_defaults(handler=cmd_import_template)
    batch_enrol = batch_sub.add_parser("enrolments", help="导入集中参保名单并逐行办理参保登记（密码从标准输入读入），输出 JSON")
    batch_enrol.add_argument("file", metavar="FILE.xlsx")
    batch_enrol.add_argument("--report", required=True, metavar="OUT.xlsx", help="导入结果表（名单加“结果”“说明”两列）写到这里")
    batch_enrol.add_argument("--user", required=True, help="操作员用户名")
    batch_enrol.add_argument("--db", dest="db_sub")
    batch_enrol.set_defaults(handler=cmd_import_enrolments)
    export = sub.add_parser("export", help="数据上报：把尚未导出的业务记录写成下一个上报批次（密码从标准输入读入）；"
                                           "verify 核验一个批次，ack 登记平台回执")
    export.add_argument("--out", metavar="DIR", help="上报批次写入的文件夹（须已存在）")
    export.add_argument("--user", help="管理员用户名")
    export.add_argument("--db", dest="db_sub")
    export.set_defaults(handler=cmd_export)
    export_sub = export.add_subparsers(dest="export_command")
    export_verify = export_sub.add_parser("verify", help="核验一个上报批次文件夹（文件、条数、SHA-256、清单 HMAC）")
    export_verify.add_argument("dir", metavar="DIR")
    # SUPPRESS: an option given before the subcommand (desk export --db X verify DIR) is kept
    export_verify.add_argument("--db", dest="db_sub", default=argparse.SUPPRESS, help="导出该批次的数据库（用它的密钥核对 HMAC）")
    export_verify.set_defaults(handler=cmd_export_verify)
    export_ack = export_sub.add_parser("ack", help="登记省平台的回执文件（接收和退回的记录；密码从标准输入读入）")
    export_ack.add_argument("file", metavar="FILE")
    export_ack.add_argument("--user", default=argparse.SUPPRESS, help="管理员用户名")
    export_ack.add_argument("--db", dest="db_sub", default=argparse.SUPPRESS)
    export_ack.set_defaults(handler=cmd_export_ack)
    export_key = export_sub.add_parser("key", help="显示本办公室的上报签名密钥，交省平台核验清单 HMAC 用（密码从标准输入读入；审计）")
    export_key.add_argument("--user", default=argparse.SUPPRESS, help="管理员用户名")
    export_key.add_argument("--db", dest="db_sub", default=argparse.SUPPRESS)
    export_key.set_defaults(handler=cmd_export_key)

    demo = sub.add_parser("demo", help="建立演示数据库并打开")
    demo.add_argument("--no-gui", action="store_true", help="只建库，不打开界面")
    demo.add_argument("--db", dest="db_sub")
    demo.add_argument("--persons", type=int, default=300, help="演示参保人数（默认300）")
    demo.set_defaults(handler=cmd_demo)
    return parser


def use_utf8_streams() -> None:
    """UTF-8 in and out whatever the console code page: piped on a Chinese Windows, Python would
    use the ANSI code page (GBK), and under cp1252 printing Chinese crashes. Input may carry the
    BOM that Windows tools write."""
    for stream, encoding, errors in (
        (sys.stdout, "utf-8", "replace"), (sys.stderr, "utf-8", "backslashreplace"), (sys.stdin, "utf-8-sig", "strict"),
    ):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding=encoding, errors=errors)
            except (ValueError, io.UnsupportedOperation):  # already read from, or not a text file
                pass


_PATH_ARGUMENTS = {"db", "db_sub", "file", "out", "xlsx", "dir", "report"}  # a file name may be any bytes the system allows
_ARGUMENT_NAMES = {"pack": "PACK", "year": "YEAR", "date": "DATE", "user": "--user", "operator": "--operator",
                   "individual": "--individual", "subsidy": "--subsidy", "document": "--document"}


def _unreadable_argument(args) -> str | None:
    """The name of the first text argument that was not UTF-8 (Python hands it over with lone surrogates,
    which no query or record can take), else None."""
    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if dest in _PATH_ARGUMENTS or not all(isinstance(item, str) for item in values):
            continue
        try:
            "".join(values).encode("utf-8")
        except UnicodeEncodeError:
            return _ARGUMENT_NAMES.get(dest, dest)
    return None


def main(argv: list[str] | None = None) -> int:
    use_utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db_sub", None):
        args.db = args.db_sub
    handler = getattr(args, "handler", None)
    if handler is None:
        return _run_gui(Path(args.db) if args.db else default_db_path())
    unreadable = _unreadable_argument(args)
    if unreadable:
        return _fail_input(f"{unreadable}: 含有无法识别的字符（不是 UTF-8 编码），请重新输入。")
    try:
        return handler(args)
    except DeskError as error:
        from desk.services.faults import DatabaseFault

        if isinstance(error, DatabaseFault):  # the disk or the file, not the input: exit 1
            sys.stderr.write(error.message + "\n")
            return 1
        return _fail_input(_error_line(error))
    except Exception as error:
        sqlite3 = sys.modules.get("sqlite3")  # not imported by the light commands: then no SQLite error
        if not isinstance(error, OSError) and not (sqlite3 and isinstance(error, sqlite3.Error)):
            raise
        from desk.services.faults import OTHER, DatabaseFault, kind_of

        if kind_of(error) == OTHER:
            raise
        sys.stderr.write(DatabaseFault.of(error).message + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
