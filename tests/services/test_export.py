"""Issue 14, item 2: the export outbox. A reader that knows only the batch files (never the database)
re-reads every batch and finds every business record of the source database exactly once, across
batches, cancellations, reversals and a restart; verify names a changed byte, a missing file, a
changed count, a wrong HMAC; acknowledgements are recorded and shown; a folder that cannot be
written or a full disk leaves the batch unmarked; a killed export leaves nothing marked or a whole batch."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from desk.core import export_format as fmt
from desk.core.errors import DeskError, PermissionDenied
from desk.demo import create_demo_database
from desk.services import enrolment, export, operators, persons
from desk.services import reimbursement as reimbursement_service
from desk.services.context import Desk
from tests.conftest import person_form

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 10, 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    create_demo_database(folder / "desk.db", persons=24)
    return folder


@pytest.fixture
def office(template, tmp_path):
    """A copy of the demo office (database and keys) and its outbox folder."""
    shutil.copytree(template, tmp_path / "office")
    (tmp_path / "outbox").mkdir()
    return tmp_path / "office" / "desk.db", tmp_path / "outbox"


def _open(path: Path) -> Desk:
    return Desk.open(path, clock=lambda: NOW)


def _login(desk: Desk, username: str, password: str):
    return operators.authenticate(desk, username=username, password=password)


def _admin(desk):
    return _login(desk, "admin", "Admin2026")


def _reviewer(desk):
    return _login(desk, "review01", "Review2026")


# ---------------------------------------------------------------- the database-independent reader


def read_outbox(outbox: Path) -> list[tuple[int, str, dict]]:
    """Every record of every batch folder, as (batch, kind, record), batches in sequence order and the
    files in the manifest's order. Reads only the files: the manifest, then each JSON Lines file."""
    found = []
    for folder in sorted(p for p in outbox.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            data = (folder / entry["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            lines = data.decode("utf-8").splitlines()
            assert len(lines) == entry["records"]
            found.extend((manifest["batch_seq"], entry["kind"], json.loads(text)) for text in lines)
    return sorted(found, key=lambda item: item[0])


def source_records(path: Path) -> set[str]:
    """Every business record of the source database, read with sqlite3 (what the reader must find)."""
    connection = sqlite3.connect(path)
    try:
        queries = {
            "person_version": "SELECT id FROM person_versions", "enrolment": "SELECT id FROM enrolments",
            "enrolment_cancel": "SELECT id FROM enrolments WHERE status = 'cancelled'",
            "filing_event": "SELECT id FROM filing_events",
            "settlement": "SELECT id FROM settlements WHERE entry = 'settlement'",
            "settlement_reversal": "SELECT id FROM settlements WHERE entry = 'reversal'",
            "transfer_event": "SELECT id FROM transfer_events",
        }
        return {f"{kind}:{row[0]}" for kind, sql in queries.items() for row in connection.execute(sql)}
    finally:
        connection.close()


def _fen(connection, sql, params) -> dict:
    connection.row_factory = sqlite3.Row
    return dict(connection.execute(sql, params).fetchone())


def test_every_record_is_found_exactly_once_across_batches_cancellations_reversals_and_a_restart(office):
    path, outbox = office
    desk = _open(path)
    first = export.export_next_batch(desk, _admin(desk), outbox)
    assert first.seq == 1 and first.records > 100
    reviewer = _reviewer(desk)
    settled = desk.db.execute("SELECT id FROM settlements WHERE entry = 'settlement' ORDER BY id LIMIT 2").fetchall()
    active = desk.db.execute("SELECT id FROM enrolments WHERE status = 'active' AND origin = 'local' ORDER BY id LIMIT 2"
                             ).fetchall()
    reimbursement_service.reverse_settlement(desk, reviewer, settlement_id=settled[0][0], reason="发票金额录错")
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=active[0][0], reason="重复登记")
    clerk = _login(desk, "clerk01", "Clerk2026")
    newcomer = persons.register_person(desk, clerk, person_form("11010519491231002X"))
    persons.update_person(desk, clerk, newcomer.id, person_form("11010519491231002X", phone="13908720000"))
    desk.close()

    desk = _open(path)  # a restart between the batches
    second = export.export_next_batch(desk, _admin(desk), outbox)
    assert second.seq == 2
    assert second.counts == {"person_version": 2, "enrolment": 0, "enrolment_cancel": 1, "filing_event": 0,
                             "settlement": 0, "settlement_reversal": 1, "transfer_event": 0}
    assert second.audit_first == first.audit_last + 1
    reviewer = _reviewer(desk)
    reimbursement_service.reverse_settlement(desk, reviewer, settlement_id=settled[1][0], reason="就诊日期录错")
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=active[1][0], reason="证件号码录错")
    desk.close()

    desk = _open(path)
    third = export.export_next_batch(desk, _admin(desk), outbox)
    assert third.seq == 3 and third.records == 2
    assert export.export_next_batch(desk, _admin(desk), outbox).seq is None  # nothing new: no folder
    desk.close()
    assert len([p for p in outbox.iterdir()]) == 3

    found = read_outbox(outbox)
    ids = [record["rec_id"] for _batch, _kind, record in found]
    assert len(ids) == len(set(ids)), "a record was exported twice"
    assert set(ids) == source_records(path)
    assert all(record["kind"] == kind for _batch, kind, record in found)
    # in order: a cancellation or a reversal comes after the record it refers to, never before
    seen: set[str] = set()
    for _batch, kind, record in found:
        if kind in ("enrolment_cancel", "settlement_reversal"):
            assert record["orig_rec_id"] in seen, record
        seen.add(record["rec_id"])
    # the reversal is its own record, the original stays as it was exported in batch 1
    by_id = {record["rec_id"]: (batch, record) for batch, _kind, record in found}
    original_batch, original = by_id[f"settlement:{settled[0][0]}"]
    reversal = next(record for _b, kind, record in found if kind == "settlement_reversal"
                    and record["orig_setl_id"] == str(settled[0][0]))
    assert original_batch == 1 and by_id[reversal["rec_id"]][0] == 2
    connection = sqlite3.connect(path)
    row = _fen(connection, "SELECT * FROM settlements WHERE id = ?", [settled[0][0]])
    connection.close()
    for name in fmt.AMOUNTS:  # fen to two decimals, by hand: 12345 fen is "123.45"
        fen = row[f"{name}_fen"]
        assert original[name] == f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"
        assert Decimal(reversal[name]) == -Decimal(original[name])
    assert original["setl_id"] == str(settled[0][0]) and original["insutype"] in ("390", "310")
    cancel = next(record for _b, kind, record in found if kind == "enrolment_cancel"
                  and record["enrol_id"] == str(active[0][0]))
    assert cancel["cancel_reason"] == "重复登记" and by_id[f"enrolment:{active[0][0]}"][0] == 1
    versions = [record for _b, kind, record in found if kind == "person_version" and record["certno"] == "11010519491231002X"]
    assert [(v["version"], v["tel"]) for v in versions] == [(1, "13908721234"), (2, "13908720000")]
    assert versions[0]["gend"] == "2" and versions[0]["brdy"] == "1949-12-31" and versions[0]["naty"] == "14"  # 白族


def test_amounts_and_codes_by_hand():
    assert fmt.amount(123450) == "1234.50" and fmt.amount(-8000) == "-80.00" and fmt.amount(5) == "0.05"
    assert fmt.amount(0) == "0.00" and fmt.amount(None) is None
    assert fmt.naty("汉族") == "01" and fmt.naty("白族") == "14" and fmt.naty("外星族") is None


def test_the_manifest_names_office_counts_hashes_and_its_hmac_verifies_with_the_derived_key(office):
    path, outbox = office
    desk = _open(path)
    result = export.export_next_batch(desk, _admin(desk), outbox)
    manifest = json.loads((result.directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["office"]["window"] == desk.setting("window") and manifest["batch_seq"] == 1
    assert manifest["audit_first"] == 1 and manifest["audit_last"] == result.audit_last
    assert {entry["kind"]: entry["records"] for entry in manifest["files"]} == result.counts
    installation = manifest["office"]["installation"]
    import hmac as hmac_module
    key = hmac_module.new(desk.keys.audit_key, f"desk-export-key-1|{installation}".encode(), hashlib.sha256).digest()
    body = json.dumps({k: v for k, v in manifest.items() if k != "hmac"}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")
    assert manifest["hmac"] == hmac_module.new(key, body, hashlib.sha256).hexdigest()
    desk.close()


# ---------------------------------------------------------------- verify


@pytest.fixture
def batch(office):
    path, outbox = office
    desk = _open(path)
    result = export.export_next_batch(desk, _admin(desk), outbox)
    yield desk, result.directory
    desk.close()


def _problems(desk, folder) -> str:
    report = export.verify_batch(desk, folder)
    assert not report.sound
    return "\n".join(report.problems)


def test_a_sound_batch_verifies(batch):
    desk, folder = batch
    report = export.verify_batch(desk, folder)
    assert report.sound and report.problems == () and report.seq == 1


def test_a_changed_byte_is_named(batch):
    desk, folder = batch
    data = bytearray((folder / "settlement.jsonl").read_bytes())
    position = data.index(b'"medfee_sumamt":"') + len(b'"medfee_sumamt":"')
    data[position] = ord("9") if data[position] != ord("9") else ord("8")
    (folder / "settlement.jsonl").write_bytes(bytes(data))
    assert "文件 settlement.jsonl 的 SHA-256 与清单不符" in _problems(desk, folder)


def test_a_missing_file_is_named(batch):
    desk, folder = batch
    (folder / "enrolment.jsonl").unlink()
    assert "缺少文件 enrolment.jsonl" in _problems(desk, folder)


def test_a_changed_count_is_named_and_breaks_the_hmac(batch):
    desk, folder = batch
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][1]["records"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    problems = _problems(desk, folder)
    assert "清单的 HMAC 校验值不符" in problems and "清单写的是" in problems


def test_a_wrong_hmac_is_named(batch):
    desk, folder = batch
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["hmac"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert _problems(desk, folder) == "清单的 HMAC 校验值不符：清单在导出后被改动过（或不是用本办公室的密钥签的）。"


def test_a_file_rewritten_with_its_hash_in_the_manifest_is_caught_by_the_hmac(batch):
    desk, folder = batch
    (folder / "transfer_event.jsonl").write_bytes(b"")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["kind"] == "transfer_event":
            entry.update(records=0, sha256=hashlib.sha256(b"").hexdigest())
    manifest["records_total"] = sum(entry["records"] for entry in manifest["files"])
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert _problems(desk, folder).startswith("清单的 HMAC 校验值不符")


def test_a_missing_manifest_and_an_extra_file_are_named(batch):
    desk, folder = batch
    (folder / "extra.jsonl").write_text("{}\n", encoding="utf-8")
    assert "清单未列出的文件：extra.jsonl" in _problems(desk, folder)
    (folder / "manifest.json").unlink()
    assert "缺少清单文件 manifest.json" in _problems(desk, folder)


def test_a_batch_folder_copied_to_another_name_is_named(batch):
    desk, folder = batch
    copy = folder.with_name(folder.name + " - 副本")
    shutil.copytree(folder, copy)
    assert _problems(desk, copy) == (f"文件夹名“{copy.name}”与清单中的批次文件夹名“{folder.name}”不同：文件夹在导出后被改名"
                                     f"或复制过，请把它改回 {folder.name} 再上报或核验。")
    assert export.verify_batch(desk, folder).sound


def test_a_manifest_with_an_unpaired_unicode_escape_is_named_not_a_traceback(batch):
    desk, folder = batch
    text = (folder / "manifest.json").read_text(encoding="utf-8")
    (folder / "manifest.json").write_text(text.replace('"operator": "', '"operator": "\\ud800', 1), encoding="utf-8")
    assert "\\ud800" in (folder / "manifest.json").read_text(encoding="utf-8")
    assert "清单文件 manifest.json 无法读取（有无效的字符" in _problems(desk, folder)


def test_a_folder_that_does_not_exist_is_bad_input(batch):
    desk, folder = batch
    with pytest.raises(DeskError, match="不存在"):
        export.verify_batch(desk, folder.parent / "nothing")
    with pytest.raises(DeskError, match="是一个文件，不是文件夹"):
        export.verify_batch(desk, folder / "manifest.json")


# ---------------------------------------------------------------- acknowledgements


def _ack(tmp_path: Path, name: str, **fields) -> Path:
    target = tmp_path / name
    target.write_text(json.dumps({"format": "desk-export-ack-1", **fields}, ensure_ascii=False), encoding="utf-8")
    return target


def test_an_acknowledgement_is_recorded_and_shown_and_a_second_one_closes_the_batch(batch, tmp_path):
    desk, folder = batch
    admin = _admin(desk)
    ids = [json.loads(line)["rec_id"] for line in (folder / "person_version.jsonl").read_text(encoding="utf-8").splitlines()]
    manifest_sha = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    first = _ack(tmp_path, "ack1.json", batch_seq=1, manifest_sha256=manifest_sha, acked_at="2026-12-02T09:00:00",
                 accepted=ids[1:], refused=[{"rec_id": ids[0], "code": "E0101", "reason": "证件号码与公安人口库不符"}])
    result = export.load_ack(desk, admin, first)
    assert (result.accepted, result.refused, result.already) == (len(ids) - 1, 1, 0)
    status = export.outbox_status(desk, admin)
    line = status.batches[0]
    assert line.state_name == "部分退回" and line.refused == 1 and line.unanswered == line.records - len(ids)
    assert [(r.rec_id, r.code, r.reason) for r in status.refused] == [(ids[0], "E0101", "证件号码与公安人口库不符")]
    assert len(status.refused[0].id_number) == 18 and status.refused[0].person_name
    again = export.load_ack(desk, admin, first)
    assert again.repeated_file and again.accepted == 0
    assert export.outbox_status(desk, admin).batches[0].accepted == len(ids) - 1
    every = [json.loads(text)["rec_id"] for path in sorted(folder.glob("*.jsonl"))
             for text in path.read_text(encoding="utf-8").splitlines()]
    rest = _ack(tmp_path, "ack2.json", batch_seq=1, accepted=[rec for rec in every if rec != ids[0]])
    closing = export.load_ack(desk, admin, rest)
    assert closing.already == len(ids) - 1 and closing.waiting == 0
    assert export.outbox_status(desk, admin).batches[0].state_name == "部分退回"  # the refusal stays told


def test_a_manifest_sha256_written_in_capitals_is_the_same_digest(batch, tmp_path):
    desk, folder = batch
    digest = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest().upper()
    result = export.load_ack(desk, _admin(desk), _ack(tmp_path, "a.json", batch_seq=1, manifest_sha256=digest,
                                                      accepted=["enrolment:1"]))
    assert (result.accepted, result.refused) == (1, 0)


def test_a_fully_accepted_batch_is_confirmed(batch, tmp_path):
    desk, folder = batch
    admin = _admin(desk)
    every = [json.loads(text)["rec_id"] for path in sorted(folder.glob("*.jsonl"))
             for text in path.read_text(encoding="utf-8").splitlines()]
    assert export.outbox_status(desk, admin).batches[0].state_name == "已导出"
    export.load_ack(desk, admin, _ack(tmp_path, "a.json", batch_seq=1, accepted=every[:5]))
    assert export.outbox_status(desk, admin).batches[0].state_name == "部分确认"
    export.load_ack(desk, admin, _ack(tmp_path, "b.json", batch_seq=1, accepted=every))
    assert export.outbox_status(desk, admin).batches[0].state_name == "已确认"
    assert export.outbox_status(desk, admin).unanswered == 0


@pytest.mark.parametrize("fields, named", [
    ({"batch_seq": 9, "accepted": ["enrolment:1"]}, "本数据库没有第 9 批"),
    ({"batch_seq": "1", "accepted": []}, "batch_seq（批次号）应为整数"),
    ({"batch_seq": 1, "accepted": ["enrolment:999999"]}, "记录 enrolment:999999 不属于第 1 批"),
    ({"batch_seq": 1, "refused": [{"rec_id": "enrolment:1", "code": "E1"}]}, "缺少退回原因 reason"),
    ({"batch_seq": 1, "accepted": ["enrolment:1", "enrolment:1"]}, "出现了不止一次"),
    ({"batch_seq": 1, "manifest_sha256": "ab" * 32, "accepted": ["enrolment:1"]}, "manifest_sha256 与本数据库登记的"),
    ({"batch_seq": 1}, "accepted 和 refused 都是空的"),
])
def test_a_bad_acknowledgement_is_refused_naming_the_problem_and_records_nothing(batch, tmp_path, fields, named):
    desk, _folder = batch
    admin = _admin(desk)
    before = desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    with pytest.raises(export.AckFileRefused, match=named):
        export.load_ack(desk, admin, _ack(tmp_path, "bad.json", **fields))
    assert desk.db.execute("SELECT COUNT(*) FROM export_acks").fetchone()[0] == 0
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == before


@pytest.mark.parametrize("content, named", [(b"\xff\xfe not text", "UTF-8"), (b"{not json", "不是有效的 JSON"),
                                            (b"[1, 2]", "JSON 对象"), (b'{"format": "x", "batch_seq": 1,'
                                                                      b' "accepted": ["enrolment:1"]}', "format 应为"),
                                            (b'{"format": "desk-export-ack-1", "batch_seq": 1, "refused": [{"rec_id":'
                                             b' "enrolment:1", "reason": "\\ud800"}]}', "无效的字符")])
def test_an_acknowledgement_that_is_not_one_is_refused(batch, tmp_path, content, named):
    desk, _folder = batch
    (tmp_path / "x.json").write_bytes(content)
    with pytest.raises(export.AckFileRefused, match=named):
        export.load_ack(desk, _admin(desk), tmp_path / "x.json")


def test_an_answer_contradicting_one_recorded_refuses_the_file(batch, tmp_path):
    desk, _folder = batch
    admin = _admin(desk)
    export.load_ack(desk, admin, _ack(tmp_path, "a.json", batch_seq=1, accepted=["enrolment:1"]))
    with pytest.raises(export.AckFileRefused, match="此前已登记为接收，这份回执却写为退回"):
        export.load_ack(desk, admin, _ack(tmp_path, "b.json", batch_seq=1,
                                          refused=[{"rec_id": "enrolment:1", "code": "E9", "reason": "重复参保"}]))
    assert desk.db.execute("SELECT outcome FROM export_acks").fetchall() == [("accepted",)]


def test_exported_facts_are_never_changed_or_deleted(batch):
    desk, _folder = batch
    for sql in ("UPDATE export_batches SET records = 1", "DELETE FROM export_batches", "DELETE FROM export_records",
                "UPDATE export_records SET batch_id = 2"):
        with pytest.raises(sqlite3.IntegrityError):
            desk.db.execute(sql)


def test_only_an_administrator_exports(office):
    path, outbox = office
    desk = _open(path)
    with pytest.raises(PermissionDenied, match="数据上报"):
        export.export_next_batch(desk, _reviewer(desk), outbox)
    desk.close()


def test_records_waiting_are_counted_per_kind(office):
    path, outbox = office
    desk = _open(path)
    admin = _admin(desk)
    waiting = dict(export.outbox_status(desk, admin).waiting)
    connection = sqlite3.connect(path)
    assert waiting["person_version"] == connection.execute("SELECT COUNT(*) FROM person_versions").fetchone()[0]
    connection.close()
    export.export_next_batch(desk, admin, outbox)
    assert export.outbox_status(desk, admin).waiting_total == 0
    desk.close()


def test_the_page_counts_what_waits_only_up_to_its_cap(office, monkeypatch):
    from desk.screens import export as export_screen

    path, _outbox = office
    desk = _open(path)
    admin = _admin(desk)
    assert export.waiting_counts(desk, cap=5)["person_version"] == 6  # stopped after cap + 1
    monkeypatch.setattr(export, "WAITING_CAP", 5)
    shown = export_screen.export_screen(desk, admin)
    assert shown.waiting_text.startswith("待导出 10万条以上：参保人信息（登记及变更） 10万以上、")
    desk.close()


# ---------------------------------------------------------------- faults


def _nothing_marked(desk, outbox: Path) -> None:
    assert desk.db.execute("SELECT COUNT(*) FROM export_batches").fetchone()[0] == 0
    assert desk.db.execute("SELECT COUNT(*) FROM export_records").fetchone()[0] == 0
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'export.batch'").fetchone()[0] == 0
    assert list(outbox.iterdir()) == []


def test_a_full_disk_leaves_the_batch_unmarked_and_names_the_folder(office, monkeypatch):
    path, outbox = office
    desk = _open(path)
    real_open = open

    class FullDisk:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 20_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(export, "open", lambda *a, **k: FullDisk(real_open(*a, **k)), raising=False)
    with pytest.raises(export.ExportWriteFailed) as refused:
        export.export_next_batch(desk, _admin(desk), outbox)
    assert str(outbox) in refused.value.message and "磁盘空间已满" in refused.value.message
    assert "没有登记为已导出" in refused.value.message
    _nothing_marked(desk, outbox)
    monkeypatch.undo()
    assert export.export_next_batch(desk, _admin(desk), outbox).seq == 1  # space freed: the same records go
    desk.close()


def test_a_folder_that_cannot_be_written_leaves_the_batch_unmarked(office, monkeypatch):
    path, outbox = office
    desk = _open(path)

    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)  # as a read-only folder answers (the tests may run as root)
    with pytest.raises(export.ExportWriteFailed, match="没有写入这个文件夹的权限") as refused:
        export.export_next_batch(desk, _admin(desk), outbox)
    assert str(outbox) in refused.value.message
    _nothing_marked(desk, outbox)
    desk.close()


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0),
                    reason="a read-only folder binds only a user without administrator rights")
def test_a_read_only_folder_really(office):
    path, outbox = office
    desk = _open(path)
    outbox.chmod(0o500)
    try:
        with pytest.raises(export.ExportWriteFailed, match="没有写入这个文件夹的权限"):
            export.export_next_batch(desk, _admin(desk), outbox)
    finally:
        outbox.chmod(0o700)
    _nothing_marked(desk, outbox)
    desk.close()


def test_a_failed_rename_or_commit_leaves_no_batch_folder(office, monkeypatch):
    path, outbox = office
    desk = _open(path)

    def fail(*args):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(export.os, "rename", fail)
    with pytest.raises(export.ExportWriteFailed):
        export.export_next_batch(desk, _admin(desk), outbox)
    _nothing_marked(desk, outbox)
    desk.close()


KILLED = """
import os, sys
from datetime import datetime
from pathlib import Path
from desk.services import export, operators
from desk.services.context import Desk
stage = sys.argv[3]
real_fsync_directory = export._fsync_directory
real_write_file = export._write_file
def die_after_rename(folder):
    real_fsync_directory(folder)
    if not folder.name.startswith("."):
        os._exit(9)
def die_writing(path, data):
    os._exit(9)
if stage == "after_rename":
    export._fsync_directory = die_after_rename
else:
    export._write_file = die_writing
desk = Desk.open(sys.argv[1], clock=lambda: datetime(2026, 12, 1, 10, 0))
admin = operators.authenticate(desk, username="admin", password="Admin2026")
export.export_next_batch(desk, admin, Path(sys.argv[2]))
"""


@pytest.mark.parametrize("stage", ["writing", "after_rename"])
def test_a_killed_export_leaves_nothing_marked_and_the_next_one_is_whole(office, stage):
    path, outbox = office
    done = subprocess.run([sys.executable, "-c", KILLED, str(path), str(outbox), stage], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    desk = _open(path)
    assert desk.db.execute("SELECT COUNT(*) FROM export_records").fetchone()[0] == 0
    left = sorted(p.name for p in outbox.iterdir())
    assert len(left) == 1 and (left[0].startswith(".") if stage == "writing" else left[0].endswith("-000001"))
    result = export.export_next_batch(desk, _admin(desk), outbox)
    assert result.seq == 1 and export.verify_batch(desk, result.directory).sound
    if stage == "after_rename":  # the folder the database never registered is moved aside, never reported
        assert result.set_aside is not None and "未登记" in result.set_aside.name
        assert "本数据库没有登记第 1 批" not in "".join(export.verify_batch(desk, result.directory).problems)
    ids = [record["rec_id"] for _b, _k, record in read_outbox_registered(outbox)]
    assert set(ids) == source_records(path) and len(ids) == len(set(ids))
    desk.close()


def read_outbox_registered(outbox: Path):
    """The reader, on the batch folders only (a folder set aside or hidden is not a batch)."""
    clean = outbox.parent / "registered"
    clean.mkdir()
    for folder in outbox.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and "未登记" not in folder.name:
            shutil.copytree(folder, clean / folder.name)
    return read_outbox(clean)


def test_desk_check_names_a_record_marked_exported_behind_the_apps_back(office):
    from desk.services.integrity import check_database

    path, outbox = office
    desk = _open(path)
    export.export_next_batch(desk, _admin(desk), outbox)
    assert check_database(desk).sound
    clerk = _login(desk, "clerk01", "Clerk2026")
    hidden = persons.register_person(desk, clerk, person_form("11010519491231002X"))
    version = desk.db.execute("SELECT id FROM person_versions WHERE person_id = ?", [hidden.id]).fetchone()[0]
    desk.db.execute("INSERT INTO export_records (rec_id, batch_id, kind, source_id) VALUES (?, 1, 'person_version', ?)",
                    [f"person_version:{version}", version])
    desk.db.conn.commit()
    report = check_database(desk)
    assert not report.sound
    assert any("上报批次 1 记有" in problem and "标为在该批导出" in problem for problem in report.record_problems)
    desk.close()


def test_a_big_backlog_goes_in_batches_of_the_size_limit_and_still_each_record_once_in_order(office, monkeypatch):
    path, outbox = office
    monkeypatch.setattr(export, "MAX_BATCH_RECORDS", 37)
    desk = _open(path)
    admin, reviewer = _admin(desk), _reviewer(desk)
    settled = desk.db.execute("SELECT id FROM settlements WHERE entry = 'settlement' ORDER BY id LIMIT 1").fetchone()[0]
    reimbursement_service.reverse_settlement(desk, reviewer, settlement_id=settled, reason="发票金额录错")
    expected = len(source_records(path))
    results = []
    while (result := export.export_next_batch(desk, admin, outbox)).seq is not None:
        results.append(result)
        assert result.records <= 37
    desk.close()
    assert len(results) == -(-expected // 37)  # every batch full but the last
    assert [r.complete for r in results] == [False] * (len(results) - 1) + [True]
    assert "请再导出下一批" in results[0].message
    for before, after in zip(results, results[1:], strict=False):  # a cut batch's audit range goes on in the next
        assert after.audit_first == before.audit_first
    found = read_outbox(outbox)
    ids = [record["rec_id"] for _b, _k, record in found]
    assert len(ids) == len(set(ids)) == expected and set(ids) == source_records(path)
    seen: set[str] = set()
    for _batch, kind, record in found:
        if kind in ("enrolment_cancel", "settlement_reversal"):
            assert record["orig_rec_id"] in seen
        if kind != "person_version":  # every record about a person comes after the person
            assert any(rid.startswith("person_version:") for rid in seen)
        seen.add(record["rec_id"])
    manifests = [json.loads((p / "manifest.json").read_text(encoding="utf-8")) for p in sorted(outbox.iterdir())]
    assert [m["complete"] for m in manifests] == [r.complete for r in results]
    assert all(later["prev_manifest_sha256"] == hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
               for later, folder in zip(manifests[1:], sorted(outbox.iterdir()), strict=False))
