"""The 数据上报 screen without Qt (issue 14, item 2): one call gives the batches as rows, what waits and
the refused records, worded for the administrator."""

from __future__ import annotations

import json
from datetime import date

from desk.core.idnumber import make_id_number, mask_id_number
from desk.screens.export import export_screen
from desk.services import export, persons
from tests.conftest import person_form


def test_the_screen_words_batches_waiting_and_refusals(desk, staff, tmp_path):
    admin, clerk = staff["admin"], staff["clerk"]
    first = make_id_number("532923", date(1985, 6, 1), 452)
    persons.register_person(desk, clerk, person_form(first))
    empty = export_screen(desk, admin)
    assert empty.batches == () and empty.summary == "还没有导出过上报批次。" and empty.folder == ""
    assert empty.waiting_text == "待导出 1 条：参保人信息（登记及变更） 1。"
    result = export.export_next_batch(desk, admin, tmp_path)
    persons.register_person(desk, clerk, person_form(make_id_number("532923", date(1985, 6, 1), 472)))
    ack = tmp_path / "ack.json"
    ack.write_text(json.dumps({"format": "desk-export-ack-1", "batch_seq": 1, "refused": [
        {"rec_id": "person_version:1", "code": 17, "reason": "姓名与公安人口库不符"}]}, ensure_ascii=False), encoding="utf-8")
    export.load_ack(desk, admin, ack)
    shown = export_screen(desk, admin)
    [row] = shown.batches
    assert (row.seq, row.records, row.state_name, row.answers, row.counts, row.folder_name, row.refused) == (
        1, 1, "部分退回", "接收 0 · 退回 1 · 待回执 0", "参保人信息（登记及变更） 1", result.directory.name, True)
    assert row.created_at == "2026-03-10 09:30:00" and row.operator_name == "赵管理"
    [refused] = shown.refused
    assert (refused.seq, refused.kind_name, refused.rec_id, refused.person, refused.code, refused.reason) == (
        1, "参保人信息（登记及变更）", "person_version:1", f"杨丽华 {mask_id_number(first)}", "17", "姓名与公安人口库不符")
    assert shown.waiting_text == "待导出 1 条：参保人信息（登记及变更） 1。"
    assert shown.summary == "已导出 1 批；平台尚未回执的记录 0 条；平台退回的记录 1 条。"
    assert shown.folder == str(tmp_path)
