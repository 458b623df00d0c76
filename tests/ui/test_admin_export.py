"""The 数据上报 page (issue 14, item 2) driven through real widgets on a fresh database: the records
waiting, 导出下一批 in the background (and 取消), the batch listed with its state, an acknowledgement
loaded and the refused records shown with the platform's reasons."""

from __future__ import annotations

import json
import threading
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desk.core.idnumber import make_id_number, mask_id_number
from desk.services import export, persons
from tests.conftest import person_form

CTRL = Qt.KeyboardModifier.ControlModifier


def texts(table) -> list[list[str]]:
    return [[table.item(row, column).text() for column in range(table.columnCount())] for row in range(table.rowCount())]


def _register(desk, clerk, count: int, first: int = 0) -> list[int]:
    return [persons.register_person(desk, clerk, person_form(make_id_number("532923", date(1980, 1, 1), 100 + n))).id
            for n in range(first, first + count)]


def test_the_page_exports_the_next_batch_and_shows_the_platforms_answer(qtbot, desk, staff, admin_window, tmp_path):
    _register(desk, staff.clerk, 3)
    _window, _panel, page = admin_window("export")
    assert page.waiting.text() == "待导出 3 条：参保人信息（登记及变更） 3。"
    assert page.batches.rowCount() == 0 and page.summary.text() == "还没有导出过上报批次。"
    outbox = tmp_path / "U盘"
    outbox.mkdir()
    page.folder.setText(str(outbox))
    qtbot.keyClick(page.export_button, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: page.job is not None and page.job.done, timeout=20_000)
    assert page.bar.text().startswith("第 1 批已导出：3 条记录")
    row = texts(page.batches)[0]
    assert row[0] == "1" and row[3] == "3" and row[4] == "已导出" and row[5] == "接收 0 · 退回 0 · 待回执 3"
    assert page.waiting.text().startswith("没有待导出的记录") and not page.export_button.isEnabled()
    folder = next(outbox.iterdir())
    ids = [json.loads(line)["rec_id"] for line in (folder / "person_version.jsonl").read_text(encoding="utf-8").splitlines()]
    ack = tmp_path / "回执.json"
    ack.write_text(json.dumps({"format": "desk-export-ack-1", "batch_seq": 1, "accepted": ids[:2],
                               "refused": [{"rec_id": ids[2], "code": "E0101", "reason": "证件号码与公安人口库不符"}]},
                              ensure_ascii=False), encoding="utf-8")
    page.load_ack(ack)
    qtbot.waitUntil(lambda: page.job.done, timeout=20_000)
    assert page.bar.text().startswith("第 1 批的回执已登记：接收 2 条，退回 1 条")
    assert texts(page.batches)[0][4:6] == ["部分退回", "接收 2 · 退回 1 · 待回执 0"]
    masked = mask_id_number(make_id_number("532923", date(1980, 1, 1), 102))  # masked, as on every page
    assert texts(page.refused) == [["1", "参保人信息（登记及变更）", ids[2], f"杨丽华 {masked}",
                                    "E0101", "证件号码与公安人口库不符"]]
    _register(desk, staff.clerk, 1, first=3)
    page.refresh()
    assert page.export_button.isEnabled() and page.waiting.text().startswith("待导出 1 条")


def test_a_bad_acknowledgement_is_named_on_the_bar_and_changes_nothing(qtbot, desk, staff, admin_window, tmp_path):
    _register(desk, staff.clerk, 1)
    export.export_next_batch(desk, staff.admin, tmp_path)
    _window, _panel, page = admin_window("export")
    ack = tmp_path / "ack.json"
    ack.write_text('{"format": "desk-export-ack-1", "batch_seq": 4, "accepted": ["person_version:1"]}', encoding="utf-8")
    page.load_ack(ack)
    qtbot.waitUntil(lambda: page.job.done, timeout=20_000)
    assert "本数据库没有第 4 批" in page.bar.text() and "什么都没有记录" in page.bar.text()
    assert texts(page.batches)[0][4] == "已导出"


def test_an_export_into_a_missing_folder_is_refused_on_the_bar(qtbot, desk, staff, admin_window, tmp_path):
    _register(desk, staff.clerk, 1)
    _window, _panel, page = admin_window("export")
    page.folder.setText(str(tmp_path / "没有这个文件夹"))
    page.export_button.click()
    qtbot.waitUntil(lambda: page.job.done, timeout=20_000)
    assert page.bar.text().startswith("没有导出：文件夹") and "不存在" in page.bar.text()
    assert page.batches.rowCount() == 0 and page.export_button.isEnabled()


def test_cancel_leaves_no_batch(qtbot, desk, staff, admin_window, tmp_path, monkeypatch):
    _register(desk, staff.clerk, 2)
    _window, _panel, page = admin_window("export")
    gate = threading.Event()
    real = export._write_files

    def held(*args):
        gate.wait(10)  # the administrator presses 取消 here
        return real(*args)

    monkeypatch.setattr(export, "_write_files", held)
    page.folder.setText(str(tmp_path))
    page.export_button.click()
    qtbot.mouseClick(page.job.progress.findChild(QPushButton), Qt.MouseButton.LeftButton)  # 取消
    gate.set()
    qtbot.waitUntil(lambda: page.job.done, timeout=20_000)
    assert page.bar.text() == "已取消导出，没有生成批次，记录仍在待导出中。"
    assert not any("000001" in path.name for path in tmp_path.iterdir())  # neither the batch nor its hidden folder
    assert page.batches.rowCount() == 0 and page.waiting.text().startswith("待导出 2 条")
