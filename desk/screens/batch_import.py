"""集中参保 import, what the 批量导入 dialog shows (no Qt): the preview of a chosen list and the outcome of
an import, each one call (the dialog runs them off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk.core.money import format_amount
from desk.services import batch_import, vouchers
from desk.services.context import Desk, Operator

TEMPLATE_NAME = "集中参保名单模板.xlsx"


@dataclass(frozen=True)
class PreviewScreen:
    listing: batch_import.ImportList
    heading: str  # 名单 file and sheet
    summary: str  # the counts
    problems: tuple[str, ...]
    more_problems: str  # "……" when the preview lists only the first ones
    can_import: bool


@dataclass(frozen=True)
class ResultScreen:
    listing: batch_import.ImportList
    result: batch_import.ImportResult
    summary: str
    problems: tuple[str, ...]  # the refused rows, first ones
    voucher_number: str | None
    voucher_pdf: bytes | None  # the 导入清单 rendered in the worker, for the preview
    report_name: str  # the suggested file name of the report


def preview_screen(desk: Desk, operator: Operator, path: Path | str, progress=None) -> PreviewScreen:
    """Read the list and judge every row; nothing is written."""
    listing = batch_import.read_list(desk, operator, path, progress=progress)
    shown = batch_import.preview(desk, operator, listing, progress=progress)
    summary = (f"共 {shown.rows} 行：可导入 {shown.to_enrol} 行，已参保（将显示为已存在）{shown.existing} 行，"
               f"有问题不能导入 {shown.refused} 行。")
    more = (f"（只列出前 {len(shown.problems)} 个问题，导入后结果表中有每一行的原因）"
            if shown.refused > len(shown.problems) else "")
    return PreviewScreen(listing, f"名单：{listing.file_name}（工作表“{listing.sheet}”）", summary, shown.problems, more,
                         shown.to_enrol > 0)


def import_screen(desk: Desk, operator: Operator, listing: batch_import.ImportList, progress=None) -> ResultScreen:
    """Import the list row by row, then render its 导入清单 for the preview."""
    result = batch_import.import_list(desk, operator, listing, progress=progress)
    summary = (f"已参保 {result.enrolled} 人，已存在 {result.existing} 人，未导入 {result.refused} 行"
               f"（共 {result.rows} 行），本次应缴合计 {format_amount(result.payable)} 元。")
    if result.stop_reason:
        summary = f"{result.stop_reason}。{summary}"
    problems = tuple(f"第 {outcome.number} 行：{outcome.note}" for outcome in result.outcomes
                     if outcome.result == batch_import.RESULT_REFUSED)[:batch_import.FIRST_PROBLEMS]
    number = result.voucher.number if result.voucher else None
    pdf = vouchers.render(desk, number) if number else None
    stem = Path(listing.file_name).stem
    return ResultScreen(listing, result, summary, problems, number, pdf, f"{stem}-导入结果.xlsx")
