"""门诊慢特病 filing: accept with the materials checklist, one-time notice, four-eyes review,
termination, reminders, and the query the reimbursement needs (chronic.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desk.core import inputs
from desk.core.diseases import KINDS, Catalogue, Disease
from desk.core.errors import NotFound, Problem, Refused, ValidationError
from desk.core.filing import (
    STATE_NAMES,
    FilingFacts,
    blocks_new_filing,
    missing_materials,
    reminder_status,
    target_state,
    valid_on,
    validity_end,
)
from desk.core.idnumber import IdNumberError, parse_id_number
from desk.core.packs import Pack
from desk.core.person import canonical_phone, check_name, check_phone
from desk.services import vouchers
from desk.services.catalogues import catalogue_of
from desk.services.context import Desk, Operator
from desk.services.workdays import bring_by
from desk.store import filings as store
from desk.store import persons as person_store

AGENT_RELATIONS = ("配偶", "父母", "子女", "兄弟姐妹", "其他亲属", "村（社区）工作人员", "其他")
DEFAULT_REMINDER_DAYS = 30


@dataclass(frozen=True)
class Agent:
    """Who brought the application for the applicant (代办人)."""

    name: str
    id_number: str
    phone: str
    relationship: str


@dataclass(frozen=True)
class Filing:
    """A stored filing as the services read it: its state in words, and whether it is valid on the day asked."""

    id: int
    person_id: int
    person_name: str
    person_id_number: str
    person_phone: str | None
    disease_code: str
    disease_name: str
    kind: str
    pack_id: str
    pack_version: str
    state: str
    state_name: str
    application_date: str
    materials: tuple[str, ...]  # the keys of the materials received, in the catalogue's order
    agent: Agent | None
    accepted_by: int
    accepted_by_name: str
    accepted_at: str
    decided_by: int | None
    decided_by_name: str | None
    decided_at: str | None
    effective_from: str | None
    effective_to: str | None
    reason: str | None
    terminated_on: str | None
    window: str | None
    valid_today: bool  # valid on the day asked (today, or the date of the claim)
    lapsed: bool  # approved, and its end date has passed


@dataclass(frozen=True)
class FilingResult:
    filing: Filing
    voucher: vouchers.IssuedVoucher | None


@dataclass(frozen=True)
class FilingEvent:
    """One step of a filing's history (filing_events)."""

    id: int
    filing_id: int
    action: str
    from_state: str | None
    to_state: str
    operator_id: int
    operator_name: str
    at: str
    detail: dict


@dataclass(frozen=True)
class FilingCap:
    """The annual cap of one approval valid on a date (None: the pack sets none)."""

    disease_code: str
    disease_name: str
    kind: str
    annual_cap: Decimal | None


@dataclass(frozen=True)
class Reminder:
    filing: Filing
    status: str  # 'due' or 'lapsed'
    days_left: int  # negative once lapsed


@dataclass(frozen=True)
class Reminders:
    due: tuple[Reminder, ...]  # ending within the next N days, soonest first
    lapsed: tuple[Reminder, ...]


# ------------------------------------------------------------ catalogue


def office_pack(desk: Desk) -> Pack:
    return desk.packs.get(desk.setting("default_pack"))


def catalogue(desk: Desk) -> Catalogue:
    return catalogue_of(office_pack(desk))


def find_diseases(desk: Desk, query: str, kind: str | None = None) -> list[Disease]:
    if kind is not None and kind not in KINDS:
        raise ValidationError.single("kind", "unknown", "病种类别不对。")
    return catalogue(desk).find(inputs.text(query, "disease", "病种查询"), kind)


def disease(desk: Desk, code: str, kind: str) -> Disease:
    code = inputs.text(code, "disease", "病种代码")
    if kind not in KINDS:
        raise ValidationError.single("kind", "unknown", "请选择病种类别：门诊慢性病、门诊特殊病或两病门诊用药保障。")
    found = catalogue(desk).get(code, kind)
    if found is None:
        kinds = catalogue(desk).kinds_of(code)
        if kinds:
            names = "、".join(catalogue(desk).get(code, k).kind_name for k in kinds)
            raise ValidationError.single("disease", "wrong_kind", f"病种 {code} 在本统筹区目录中属于{names}，不属于所选类别。")
        raise ValidationError.single("disease", "unknown", f"病种代码“{code}”不在本统筹区门诊慢特病目录中，请重新查找。")
    return found


# ------------------------------------------------------------ helpers


def _facts(row: dict) -> FilingFacts:
    end = row["effective_to"]
    if row["terminated_on"] and (end is None or row["terminated_on"] < end):
        end = row["terminated_on"]
    return FilingFacts(
        row["disease_code"],
        row["kind"],
        row["state"],
        date.fromisoformat(row["effective_from"]) if row["effective_from"] else None,
        date.fromisoformat(end) if end else None,
    )


def _describe(row: dict, today: date) -> Filing:
    """A stored filing row with its state in words, and whether it is valid on `today`."""
    facts = _facts(row)
    lapsed = row["state"] == "approved" and facts.effective_to is not None and facts.effective_to < today
    agent = json.loads(row["agent_json"]) if row["agent_json"] else None
    return Filing(
        id=row["id"], person_id=row["person_id"], person_name=row["person_name"],
        person_id_number=row["person_id_number"], person_phone=row["person_phone"], disease_code=row["disease_code"],
        disease_name=row["disease_name"], kind=row["kind"], pack_id=row["pack_id"], pack_version=row["pack_version"],
        state=row["state"], state_name="已认定（已过期）" if lapsed else STATE_NAMES[row["state"]],
        application_date=row["application_date"], materials=tuple(json.loads(row["materials_json"])),
        agent=Agent(agent["name"], agent["id_number"], agent["phone"], agent["relationship"]) if agent else None,
        accepted_by=row["accepted_by"],
        accepted_by_name=row["accepted_by_name"], accepted_at=row["accepted_at"], decided_by=row["decided_by"],
        decided_by_name=row["decided_by_name"], decided_at=row["decided_at"], effective_from=row["effective_from"],
        effective_to=row["effective_to"], reason=row["reason"], terminated_on=row["terminated_on"],
        window=row["window"], valid_today=valid_on(facts, today), lapsed=lapsed,
    )


def _check_agent(agent: dict | None, today: date) -> dict | None:
    agent = inputs.mapping(agent, "agent", "代办人信息")
    values = {key: inputs.text(agent.get(key), f"agent_{key}", "代办人信息") for key in ("name", "id_number", "phone", "relationship")}
    if not any(values.values()):
        return None
    agent = values
    problems = []
    name_problem = check_name(agent.get("name"))
    if name_problem:
        problems.append(Problem("agent_name", "name", "代办人" + name_problem))
    try:
        number = parse_id_number(str(agent.get("id_number") or ""), today).id_number
    except IdNumberError as error:
        problems.append(Problem("agent_id_number", error.reason_code, "代办人" + error.message))
        number = None
    phone = canonical_phone(agent.get("phone"))
    if not phone or check_phone(phone):
        problems.append(Problem("agent_phone", "phone", "请填写代办人的联系电话（11位手机号或带区号的固定电话）。"))
    relationship = str(agent.get("relationship") or "").strip()
    if relationship not in AGENT_RELATIONS:
        problems.append(Problem("agent_relationship", "required", "请选择代办人与申请人的关系。"))
    if problems:
        raise ValidationError(problems)
    return {"name": agent["name"].strip(), "id_number": number, "phone": phone, "relationship": relationship}


def _received(disease_: Disease, materials: list[str] | tuple[str, ...]) -> list[str]:
    materials = inputs.text_list(materials, "materials", "已收材料")
    known = {m.key for m in disease_.materials}
    unknown = [key for key in materials if key not in known]
    if unknown:
        raise ValidationError.single("materials", "unknown", f"材料“{unknown[0]}”不属于该病种的申请材料清单。")
    return [m.key for m in disease_.materials if m.key in set(materials)]


def _refuse_conflicts(desk: Desk, person: dict, disease_: Disease, today: date) -> None:
    for row in store.filings_for_disease(desk.db, person["id"], disease_.code):
        if not blocks_new_filing(_facts(row), today):
            continue
        if row["kind"] == disease_.kind:
            raise Refused(
                f"{person['name']}已有{disease_.name}的{STATE_NAMES[row['state']]}申请（受理号 {row['id']}，"
                f"{row['accepted_at'][:10]}受理），同一病种不能同时有两个有效申请。",
                field="disease",
            )
        if {row["kind"], disease_.kind} == {"chronic", "two_diseases"}:
            other = "门诊慢性病" if row["kind"] == "chronic" else "两病门诊用药保障"
            raise Refused(
                f"{person['name']}的{disease_.name}已有{other}的{STATE_NAMES[row['state']]}申请（受理号 {row['id']}），"
                "门诊慢性病与两病保障不能同时享受同一病种，请先终止原申请。",
                field="disease",
            )


# ------------------------------------------------------------ the workflow


def accept_filing(
    desk: Desk,
    operator: Operator,
    *,
    person_id: int,
    disease_code: str,
    kind: str,
    materials: list[str] | tuple[str, ...],
    agent: dict | None = None,
) -> FilingResult:
    """Record an application per disease. With every required material it is 已受理 and the 受理回执
    is issued; otherwise 待补正, and the one-time notice lists everything missing at once."""
    operator.require("filing.accept")
    today = desk.today()
    person_id = inputs.record_id(person_id, "person", "参保人")
    disease_ = disease(desk, disease_code, kind)
    agent_ = _check_agent(agent, today)
    received = _received(disease_, materials)
    with desk.transaction():
        person = person_store.get_person(desk.db, person_id)
        if person is None:
            raise NotFound("没有找到这位参保人。")
        if not store.covered_on(desk.db, person_id, today.isoformat()):
            raise Refused(
                f"{person['name']}在申请日{today.isoformat()}没有有效的基本医疗保险参保登记（或尚在待遇等待期），"
                "不能申请门诊慢特病待遇；请先办理参保登记。",
                field="person",
            )
        _refuse_conflicts(desk, person, disease_, today)
        missing = missing_materials(disease_, set(received))
        state = "awaiting_materials" if missing else "accepted"
        pack = office_pack(desk)
        row = {
            "person_id": person_id, "disease_code": disease_.code, "disease_name": disease_.name, "kind": disease_.kind,
            "pack_id": pack.id, "pack_version": pack.version, "state": state, "application_date": today.isoformat(),
            "materials_json": json.dumps(received), "agent_json": json.dumps(agent_, ensure_ascii=False) if agent_ else None,
            "accepted_by": operator.id, "accepted_at": desk.timestamp(), "window": desk.setting("window"),
            "updated_at": desk.timestamp(),
        }
        filing_id = store.insert_filing(desk.db, row)
        store.insert_event(desk.db, filing_id=filing_id, action="accept", from_state=None, to_state=state,
                           operator_id=operator.id, at=desk.timestamp(), detail={"materials": received, "agent": agent_})
        if missing:
            paper = _issue_notice(desk, operator, filing_id, person, disease_, received, agent_)
        else:
            paper = _issue_receipt(desk, operator, store.get_filing(desk.db, filing_id), person, disease_)
        desk.audit(operator, "filing.accept", "filing", filing_id,
                   {"filing": row, "missing": [m.key for m in missing], "notice": paper.number if missing else None,
                    "receipt": None if missing else paper.number})
    return FilingResult(_describe(store.get_filing(desk.db, filing_id), today), paper)


def receive_materials(desk: Desk, operator: Operator, *, filing_id: int, materials: list[str] | tuple[str, ...]) -> FilingResult:
    """Materials brought later. All there: back to 已受理, with the 受理回执. Still some missing: a new
    notice lists what is left."""
    operator.require("filing.accept")
    today = desk.today()
    with desk.transaction():
        row = _filing(desk, filing_id)
        target_state(row["state"], "receive_materials")
        disease_ = disease(desk, row["disease_code"], row["kind"])
        received = _received(disease_, sorted(set(json.loads(row["materials_json"])) | set(inputs.text_list(materials, "materials", "已收材料"))))
        missing = missing_materials(disease_, set(received))
        state = "awaiting_materials" if missing else "accepted"
        store.update_filing(desk.db, filing_id, state=state, materials_json=json.dumps(received), updated_at=desk.timestamp())
        store.insert_event(desk.db, filing_id=filing_id, action="receive_materials", from_state=row["state"],
                           to_state=state, operator_id=operator.id, at=desk.timestamp(), detail={"materials": received})
        person = person_store.get_person(desk.db, row["person_id"])
        if missing:
            agent_ = json.loads(row["agent_json"]) if row["agent_json"] else None
            paper = _issue_notice(desk, operator, filing_id, person, disease_, received, agent_)
        else:
            paper = _issue_receipt(desk, operator, store.get_filing(desk.db, filing_id), person, disease_)
        desk.audit(operator, "filing.receive_materials", "filing", filing_id,
                   {"materials": received, "state": state, "notice": paper.number if missing else None,
                    "receipt": None if missing else paper.number})
    return FilingResult(_describe(store.get_filing(desk.db, filing_id), today), paper)


def _filing(desk: Desk, filing_id: int) -> dict:
    row = store.get_filing(desk.db, inputs.record_id(filing_id, "filing", "门诊慢特病申请"))
    if row is None:
        raise NotFound(f"没有受理号为 {filing_id} 的门诊慢特病申请。")
    return row


def _four_eyes(operator: Operator, row: dict, action: str) -> None:
    if row["accepted_by"] == operator.id:
        raise Refused(
            f"这笔申请由您（{operator.display_name}）受理，按规定须由另一位审核员{action}（审核与受理不能是同一人）。",
            field="operator",
        )


def approve_filing(desk: Desk, reviewer: Operator, *, filing_id: int) -> FilingResult:
    """Approve: effective from today, ending after the disease's validity; prints the approval notice."""
    reviewer.require("filing.review")
    today = desk.today()
    with desk.transaction():
        row = _filing(desk, filing_id)
        _four_eyes(reviewer, row, "认定")
        target_state(row["state"], "approve")
        disease_ = disease(desk, row["disease_code"], row["kind"])
        missing = missing_materials(disease_, set(json.loads(row["materials_json"])))
        if missing:
            raise Refused("申请材料不全，不能认定：缺少" + "、".join(m.name for m in missing) + "。", field="materials")
        end = validity_end(disease_, today)
        store.update_filing(desk.db, filing_id, state="approved", decided_by=reviewer.id, decided_at=desk.timestamp(),
                            effective_from=today.isoformat(), effective_to=end.isoformat() if end else None,
                            updated_at=desk.timestamp())
        store.insert_event(desk.db, filing_id=filing_id, action="approve", from_state=row["state"], to_state="approved",
                           operator_id=reviewer.id, at=desk.timestamp(),
                           detail={"effective_from": today.isoformat(), "effective_to": end.isoformat() if end else None})
        notice = _issue_decision(desk, reviewer, store.get_filing(desk.db, filing_id), disease_, "filing_approval")
        desk.audit(reviewer, "filing.approve", "filing", filing_id, {"effective_to": end.isoformat() if end else None,
                                                                     "notice": notice.number})
    return FilingResult(_describe(store.get_filing(desk.db, filing_id), today), notice)


def reject_filing(desk: Desk, reviewer: Operator, *, filing_id: int, reason: str) -> FilingResult:
    reviewer.require("filing.review")
    reason = inputs.text(reason, "reason", "不予认定理由")
    if len(reason) < 4:
        raise ValidationError.single("reason", "required", "请选择或填写不予认定的理由（至少4个字），理由会印在通知书上。")
    today = desk.today()
    with desk.transaction():
        row = _filing(desk, filing_id)
        _four_eyes(reviewer, row, "作出不予认定决定")
        target_state(row["state"], "reject")
        disease_ = disease(desk, row["disease_code"], row["kind"])
        store.update_filing(desk.db, filing_id, state="rejected", decided_by=reviewer.id, decided_at=desk.timestamp(),
                            reason=reason, updated_at=desk.timestamp())
        store.insert_event(desk.db, filing_id=filing_id, action="reject", from_state=row["state"], to_state="rejected",
                           operator_id=reviewer.id, at=desk.timestamp(), detail={"reason": reason})
        notice = _issue_decision(desk, reviewer, store.get_filing(desk.db, filing_id), disease_, "filing_rejection")
        desk.audit(reviewer, "filing.reject", "filing", filing_id, {"reason": reason, "notice": notice.number})
    return FilingResult(_describe(store.get_filing(desk.db, filing_id), today), notice)


def terminate_filing(desk: Desk, reviewer: Operator, *, filing_id: int, reason: str, on: date) -> FilingResult:
    """End an approval (death, moving away, no longer applies). `on` is the last day it pays."""
    reviewer.require("filing.review")
    reason = inputs.text(reason, "reason", "终止原因")
    on = inputs.day(on, "terminated_on", "终止日期")
    if len(reason) < 2:
        raise ValidationError.single("reason", "required", "请选择或填写终止原因。")
    today = desk.today()
    with desk.transaction():
        row = _filing(desk, filing_id)
        target_state(row["state"], "terminate")
        if on < date.fromisoformat(row["effective_from"]):
            raise ValidationError.single("terminated_on", "before_start", f"终止日期不能早于认定生效日期{row['effective_from']}。")
        if on > today + timedelta(days=366):
            raise ValidationError.single("terminated_on", "too_late", "终止日期不能晚于一年以后，请核对。")
        store.update_filing(desk.db, filing_id, state="terminated", reason=reason, terminated_on=on.isoformat(),
                            updated_at=desk.timestamp())
        store.insert_event(desk.db, filing_id=filing_id, action="terminate", from_state="approved", to_state="terminated",
                           operator_id=reviewer.id, at=desk.timestamp(), detail={"reason": reason, "on": on.isoformat()})
        desk.audit(reviewer, "filing.terminate", "filing", filing_id, {"reason": reason, "on": on.isoformat()})
    return FilingResult(_describe(store.get_filing(desk.db, filing_id), today), None)


# ------------------------------------------------------------ documents


def _person_block(person: dict) -> dict:
    return {"name": person["name"], "id_type": person["id_type"], "id_number": person["id_number"], "sex": person["sex"]}


def _where(desk: Desk) -> str:
    address = desk.setting("office_address")
    place = f"{desk.setting('office_name')} {desk.setting('window')}"
    return f"{place}（{address}）" if address else place


def _issue_notice(desk, operator, filing_id, person, disease_: Disease, received, agent_) -> vouchers.IssuedVoucher:
    names = {m.key: m.name for m in disease_.materials}
    payload = {
        "business": f"门诊慢特病待遇认定申请：{disease_.code} {disease_.name}（{disease_.kind_name}）",
        "person": _person_block(person),
        "agent": agent_,
        "application_date": desk.today().isoformat(),
        "received": [names[key] for key in received],
        "missing": [m.name for m in missing_materials(disease_, set(received))],
        "where": _where(desk),
        "office_phone": desk.setting("office_phone"),
        "office_hours": desk.setting("office_hours"),
        "note": "请在材料补齐后携带本告知书到上述窗口办理，补齐后即时受理，已收材料不需重复提交。",
        "bring_by": _bring_by(desk),
    }
    return vouchers.issue(desk, operator, doc_type="one_time_notice", record_type="filing", record_id=filing_id, payload=payload)


def _bring_by(desk: Desk) -> dict | None:
    """By when the notice asks for the materials: the pack's `filing.supplement_working_days`."""
    pack = office_pack(desk)
    return bring_by(desk, pack.section("filing").get("supplement_working_days") if pack.has("filing") else None)


def _issue_receipt(desk: Desk, operator: Operator, row: dict, person: dict, disease_: Disease) -> vouchers.IssuedVoucher:
    """The 受理回执 once every required material is in: what was received, what happens next (no
    review time limit in chronic.md, so none is printed), the 受理号 and where to ask."""
    names = {m.key: m.name for m in disease_.materials}
    payload = {
        "person": _person_block(person),
        "agent": json.loads(row["agent_json"]) if row["agent_json"] else None,
        "disease": {"code": disease_.code, "name": disease_.name, "kind": disease_.kind, "kind_name": disease_.kind_name},
        "filing_id": row["id"],
        "application_date": row["application_date"],
        "accepted_on": desk.today().isoformat(),
        "received": [names[key] for key in json.loads(row["materials_json"]) if key in names],
        "where": _where(desk),
        "office_phone": desk.setting("office_phone"),
        "office_hours": desk.setting("office_hours"),
    }
    return vouchers.issue(desk, operator, doc_type="filing_receipt", record_type="filing", record_id=row["id"], payload=payload)


def _rate_note(pack: Pack, disease_: Disease) -> str:
    if disease_.kind == "chronic" and pack.has("chronic_outpatient"):
        section = pack.section("chronic_outpatient")
        return f"政策范围内费用报销{section['rate'] * 100:.0f}%，全部慢性病合计年度限额{section['total_annual_cap']}元"
    if disease_.kind == "special" and pack.has("special_outpatient"):
        section = pack.section("special_outpatient")
        rate = disease_.rate if disease_.rate is not None else section["rate"]
        return f"年度起付线{section['annual_deductible']}元，政策范围内费用报销{rate * 100:.0f}%，与住院共用年度支付限额"
    if disease_.kind == "two_diseases" and pack.has("two_diseases"):
        return f"门诊用药政策范围内费用报销{pack.section('two_diseases')['rate'] * 100:.0f}%起，使用集采药品按机构等级提高"
    return "按本统筹区政策规定报销"


def _issue_decision(desk: Desk, reviewer: Operator, row: dict, disease_: Disease, doc_type: str) -> vouchers.IssuedVoucher:
    person = person_store.get_person(desk.db, row["person_id"])
    pack = desk.packs.get(row["pack_id"])
    payload = {
        "person": _person_block(person),
        "personal_number": person["personal_number"],
        "disease": {"code": disease_.code, "name": disease_.name, "kind": disease_.kind, "kind_name": disease_.kind_name},
        "filing_id": row["id"],
        "application_date": row["application_date"],
        "pack_id": pack.id,
        "pack_version": pack.version,
    }
    if doc_type == "filing_approval":
        payload.update(
            approved_on=row["effective_from"], effective_from=row["effective_from"], effective_to=row["effective_to"],
            annual_cap=str(disease_.annual_cap) if disease_.annual_cap is not None else None,
            rate_note=_rate_note(pack, disease_),
            review_note="认定有效期届满前30日内，请携带相关材料到窗口办理年审。" if row["effective_to"] else "",
            provisional=_provisional_labels(pack, disease_),
        )
    else:
        payload.update(
            decided_on=desk.today().isoformat(), reason=row["reason"],
            appeal={"working_days": pack.section("filing")["appeal_working_days"] if pack.has("filing") else None,
                    "where": _where(desk), "phone": desk.setting("office_phone")},
        )
    return vouchers.issue(desk, reviewer, doc_type=doc_type, record_type="filing", record_id=row["id"], payload=payload)


def _provisional_labels(pack: Pack, disease_: Disease) -> list[str]:
    labels = []
    if disease_.kind == "chronic" and pack.has("chronic_outpatient") and pack.section("chronic_outpatient").is_provisional("disease_annual_cap"):
        labels.append("单病种年度限额")
    if disease_.validity_months and pack.has("disease_defaults") and pack.section("disease_defaults").is_provisional():
        labels.append("认定有效期")
    return labels


# ------------------------------------------------------------ queries


def filings_of(desk: Desk, operator: Operator, person_id: int) -> list[Filing]:
    operator.require("person.search")
    return person_filings(desk, person_id)


def person_filings(desk: Desk, person_id: int) -> list[Filing]:
    """For other services that have checked their own permission. Newest first."""
    today = desk.today()
    return [_describe(row, today) for row in store.filings_of(desk.db, person_id)]


def find_filing(desk: Desk, operator: Operator, filing_id: int) -> Filing | None:
    """One filing by its 受理号, or None."""
    operator.require("person.search")
    row = store.get_filing(desk.db, inputs.record_id(filing_id, "filing", "门诊慢特病申请"))
    return _describe(row, desk.today()) if row else None


def filing_history(desk: Desk, operator: Operator, filing_id: int) -> list[FilingEvent]:
    operator.require("person.search")
    return [
        FilingEvent(id=event["id"], filing_id=event["filing_id"], action=event["action"], from_state=event["from_state"],
                    to_state=event["to_state"], operator_id=event["operator_id"], operator_name=event["operator_name"],
                    at=event["at"], detail=json.loads(event["detail_json"] or "{}"))
        for event in store.events_of(desk.db, filing_id)
    ]


def approved_filing(desk: Desk, *, person_id: int, disease_code: str, kind: str, on: date) -> Filing | None:
    """For the reimbursement: the approval of this disease and kind valid on that date, or None."""
    for row in store.filings_for_disease(desk.db, person_id, (disease_code or "").upper()):
        if row["kind"] == kind and valid_on(_facts(row), on):
            return _describe(row, on)
    return None


def filing_caps(desk: Desk, *, person_id: int, on: date) -> list[FilingCap]:
    """The annual caps of the person's approvals valid on a date (per disease, from the pack)."""
    result = []
    for row in store.filings_of(desk.db, person_id):
        if not valid_on(_facts(row), on):
            continue
        disease_ = catalogue(desk).get(row["disease_code"], row["kind"])
        result.append(FilingCap(disease_code=row["disease_code"], disease_name=row["disease_name"], kind=row["kind"],
                                annual_cap=disease_.annual_cap if disease_ else None))
    return result


def reminders(desk: Desk, operator: Operator, *, within_days: int = DEFAULT_REMINDER_DAYS) -> Reminders:
    """Approvals ending within the next N days ('due', day N included) and those already lapsed."""
    operator.require("person.search")
    if isinstance(within_days, bool) or not isinstance(within_days, int) or not 0 <= within_days <= 366:
        raise ValidationError.single("within_days", "range", "提醒天数应为0到366之间的整数。")
    today = desk.today()
    found: dict[str, list[Reminder]] = {"due": [], "lapsed": []}
    for row in store.approved_ending_by(desk.db, (today + timedelta(days=within_days)).isoformat()):
        status = reminder_status(_facts(row), today, within_days)
        if status:
            days_left = (date.fromisoformat(row["effective_to"]) - today).days
            found[status].append(Reminder(filing=_describe(row, today), status=status, days_left=days_left))
    return Reminders(due=tuple(found["due"]), lapsed=tuple(found["lapsed"]))
