"""Screenshots of the administrator's screens, the screen lock and the damaged-database dialog.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_admin_screenshots.py OUT_DIR [--publish]

Builds the demo database (desk.demo) with the clock at 2026-03-10 10:15, opens the
administrator's window at 1366×768 and saves one PNG per view into OUT_DIR (full size): every
page of the panel, the new-operator dialog, the settings refused beside their fields, a pack
that failed validation, a refused holiday schedule, a backup in progress, the screen lock and
the refusal of a damaged database at start. With --publish the same pictures, scaled to at most
1200 px wide and reduced to 256 colours, are written as docs/screenshots/admin-*.png.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ["DESK_NO_PRINTER"] = "1"

from PySide6.QtCore import QDate, QPoint
from PySide6.QtGui import QColor, QPainter
from PySide6.QtTest import QTest

from desk.demo import create_demo_database
from desk.resources import resource_path
from desk.services import backup, operators
from desk.services.context import Desk
from desk.ui import file_choice
from desk.ui.admin_panel import AdminPanel
from desk.ui.app import build_main_window, create_application
from desk.ui.startup import DamagedDatabaseDialog

NOW = datetime(2026, 3, 10, 10, 15)
SMALL = (1366, 768)
PUBLISHED = Path(__file__).resolve().parent


def shot(widget, out: Path, name: str) -> Path:
    QTest.qWait(250)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    return path


def shot_with_dialog(window, dialog, out: Path, name: str) -> Path:
    """The window with its dialog drawn where it sits (centred when the platform puts it elsewhere)."""
    QTest.qWait(250)
    picture = window.grab()
    painter = QPainter(picture)
    offset = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    if offset.x() < 0 or offset.y() < 0 or offset.x() > picture.width() - 50 or offset.y() > picture.height() - 50:
        offset = QPoint((picture.width() - dialog.width()) // 2, (picture.height() - dialog.height()) // 3)
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QColor("#7a8594"))
    painter.drawRect(offset.x(), offset.y(), dialog.width() - 1, dialog.height() - 1)
    painter.end()
    path = out / f"{name}.png"
    picture.save(str(path))
    return path


def panel_pages(desk: Desk, admin, out: Path, work: Path) -> list[Path]:
    window = build_main_window(desk, admin)
    window.resize(*SMALL)
    window.show()
    panel: AdminPanel = window.centralWidget()
    paths = [shot(window, out, "admin-operators")]
    operators_page = panel.page("operators")
    operators_page.create_operator()
    dialog = operators_page.dialog
    dialog.username.setText("clerk03")
    dialog.display_name.setText("杨丽")
    dialog.password.setText("abc")
    dialog.confirm.setText("abd")
    dialog.submit()
    paths.append(shot_with_dialog(window, dialog, out, "admin-new-operator"))
    dialog.reject()

    settings = panel.show_page("settings")
    paths.append(shot(window, out, "admin-settings"))
    settings.fields["idle_lock_minutes"].setText("0")
    settings.fields["lockout_minutes"].setText("半小时")
    settings.save()
    paths.append(shot(window, out, "admin-settings-refused"))
    settings.refresh()

    panel.show_page("packs")
    paths.append(shot(window, out, "admin-packs"))
    audit_page = panel.show_page("audit")
    paths.append(shot(window, out, "admin-audit"))
    audit_page.action.setCurrentIndex(audit_page.action.findData("settlement."))
    audit_page.first.setDate(QDate(2026, 1, 1))
    audit_page.search()
    paths.append(shot(window, out, "admin-audit-filtered"))

    calendar = panel.show_page("calendar")
    wrong = work / "holidays-2027.json"
    wrong.write_text(json.dumps({"format": "desk-holiday-schedule/1", "source": "国办发明电〔2026〕1号", "years": {
        "2027": {"days_off": ["2027-01-01", "2026-10-01", "2027-02-30"], "workdays": ["2027-01-01", "2027-03-03"]}}},
        ensure_ascii=False), encoding="utf-8")
    file_choice.open_path = lambda *args: wrong
    calendar.load_file()
    paths.append(shot(window, out, "admin-calendar-refused"))

    backups = panel.show_page("backups")
    for days in (3, 2, 1):  # the daily backups of the last days
        desk.clock = lambda days=days: NOW - timedelta(days=days, hours=1, minutes=7)
        backup.backup(desk, None, reason="daily")
    desk.clock = lambda: NOW
    backups.refresh()
    quick = backup.backup
    backup.backup = lambda *args, **kwargs: (time.sleep(1.5), quick(*args, **kwargs))[1]  # long enough to be seen
    backups.backup_now()
    paths.append(shot_with_dialog(window, backups.job.progress, out, "admin-backup-running"))
    while not backups.job.done:
        QTest.qWait(50)
    backup.backup = quick
    paths.append(shot(window, out, "admin-backups"))

    from desk.services import export  # 数据上报: one batch exported and partly answered by the platform

    outbox = work / "上报批次"
    outbox.mkdir()
    batch = export.export_next_batch(desk, admin, outbox)
    lines = [json.loads(line) for line in (Path(batch.directory) / "settlement.jsonl").read_text("utf-8").splitlines()]
    ack = {"format": "desk-export-ack-1", "batch_seq": batch.seq, "accepted": [line["rec_id"] for line in lines[1:]],
           "refused": [{"rec_id": lines[0]["rec_id"], "code": "E0102", "reason": "结算时间早于参保登记，请核对后重报"}]}
    (work / "回执.json").write_text(json.dumps(ack, ensure_ascii=False), "utf-8")
    export.load_ack(desk, admin, work / "回执.json")
    exports = panel.show_page("export")
    exports.refresh()
    paths.append(shot(window, out, "admin-export"))
    paths.append(broken_pack(work, admin, out))
    paths.append(lock_screen(desk, out))
    window.hide()
    return paths


def broken_pack(work: Path, admin, out: Path) -> Path:
    packs = work / "packs"
    shutil.copytree(resource_path("policies"), packs)
    broken = packs / "huaibei-resident-2025.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace('status = "confirmed"', 'status = "maybe"', 1),
                      encoding="utf-8")
    other = Desk.open(work / "desk.db", packs_dir=packs, clock=lambda: NOW)
    window = build_main_window(other, admin)
    window.resize(*SMALL)
    window.show()
    page = window.centralWidget().show_page("packs")
    page.only_provisional.setChecked(True)
    path = shot(window, out, "admin-packs-failed-validation")
    window.hide()
    return path


def lock_screen(desk: Desk, out: Path) -> Path:
    clerk = operators.authenticate(desk, username="clerk01", password="Clerk2026")
    window = build_main_window(desk, clerk)
    window.resize(*SMALL)
    window.show()
    QTest.qWait(200)
    window.screen_lock.lock()
    dialog = window.screen_lock.dialog
    dialog.password.setText("wrong2026")
    dialog.try_unlock()
    path = shot(dialog, out, "admin-screen-lock")
    window.hide()
    return path


def damaged_database(work: Path, out: Path) -> Path:
    folder = work / "damaged"
    folder.mkdir()
    path = folder / "desk.db"
    shutil.copy(work / "desk.db", path)
    shutil.copytree(work / "keys", folder / "keys")  # its keys beside it (named after the stem, "desk" in both)
    desk = Desk.open(path, clock=lambda: NOW)
    backup.backup(desk, None, reason="daily")
    desk.close()
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xa5" * 8192)
    from desk.services.startup import check_at_start

    check = check_at_start(path, full_check=True)
    dialog = DamagedDatabaseDialog(path, check.problems)
    dialog.show()
    return shot(dialog, out, "admin-damaged-database")


def publish(paths: list[Path]) -> None:
    from PIL import Image

    for path in paths:
        image = Image.open(path).convert("RGB")
        if image.width > 1200:
            image = image.resize((1200, round(image.height * 1200 / image.width)), Image.LANCZOS)
        image.quantize(256).save(PUBLISHED / path.name, optimize=True)


def main(out: Path, *, publishing: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="desk-admin-shots-"))
    create_demo_database(work / "desk.db", persons=80)
    create_application()
    desk = Desk.open(work / "desk.db", clock=lambda: NOW)
    admin = operators.authenticate(desk, username="admin", password="Admin2026")
    paths = panel_pages(desk, admin, out, work)
    desk.close()
    paths.append(damaged_database(work, out))
    if publishing:
        publish(paths)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--publish"]
    main(Path(arguments[0] if arguments else "screenshots-out"), publishing="--publish" in sys.argv)
