"""Every legal transition succeeds for every role the table allows; illegal ones are refused."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from rongrian.cases import services as s
from rongrian.cases.choices import Action, Status
from rongrian.cases.exceptions import IllegalTransition, InvalidInput, NotPermitted
from rongrian.cases.lifecycle import CITIZEN, SYSTEM, TRANSITIONS, Transition, find_transition
from rongrian.cases.models import Case, CaseEvent
from rongrian.org.choices import Role

from .drive import drive

# The demo user who holds each role where a case of the electrical section is concerned.
ACTOR_FOR_ROLE = {
    Role.INTAKE: "intake",
    Role.SUPERVISOR: "supervisor",
    Role.UNIT_HEAD: "head_elec",
    Role.OFFICER: "officer_elec",
    Role.CONTRACTOR: "contractor_elec",
}


def run(action: Action, case: Case, role: str, cast: Any) -> Case:
    """Take `action` on `case` as a holder of `role`, giving the input the action needs."""
    if role == CITIZEN:
        return (
            s.citizen_confirm(case)
            if action == Action.CLOSE
            else s.citizen_dispute(case, reason="ยังไม่เรียบร้อย")
        )
    if role == SYSTEM:
        return s.auto_close(case)
    by = getattr(cast, ACTOR_FOR_ROLE[role])
    match action:
        case Action.FORWARD:
            return s.forward(case, to_unit=cast.unit("ENG-ELEC"), by=by)
        case Action.REFER:
            return s.refer(case, agency=cast.org.agencies.first(), by=by)
        case Action.REJECT:
            return s.reject(case, reason="ข้อมูลไม่พอ ติดต่อผู้ร้องไม่ได้", by=by)
        case Action.MERGE:
            into = s.create_case(organisation=cast.org, channel="web", description="เรื่องหลัก")
            return s.merge(case, into=into, by=by)
        case Action.ACKNOWLEDGE:
            return s.acknowledge(case, by=by)
        case Action.ASSIGN:
            return s.assign(case, to=cast.officer_elec, by=by)
        case Action.RETURN:
            return s.return_to_screening(case, reason="เป็นงานของกองสาธารณสุข", by=by)
        case Action.START:
            return s.start_work(case, by=by)
        case Action.PROGRESS:
            return s.report_progress(case, note="สั่งซื้ออุปกรณ์แล้ว", by=by)
        case Action.HOLD:
            return s.hold(case, reason="รอผู้ร้องยืนยันจุดเกิดเหตุ", by=by)
        case Action.RESUME:
            return s.resume(case, by=by)
        case Action.RESOLVE:
            return s.resolve(case, result="ซ่อมเสร็จแล้ว", by=by)
        case Action.CLOSE:
            return s.close(case, reason="หน่วยงานภายนอกแจ้งผลแล้ว", by=by)
        case Action.REOPEN:
            return s.reopen(case, reason="ตรวจแล้วยังไม่เรียบร้อย", by=by)
    raise AssertionError(action)


LEGAL = [(row, role) for row in TRANSITIONS for role in sorted(row.roles)]


@pytest.mark.parametrize(
    ("row", "role"), LEGAL, ids=[f"{r.action}:{r.source}:{role}" for r, role in LEGAL]
)
def test_it_allows_every_legal_transition(
    row: Transition, role: str, demo: Any, make_case: Any
) -> None:
    # Officers and contractors act only on work assigned to them.
    worker = "contractor_elec" if role == Role.CONTRACTOR else "officer_elec"
    case = drive(make_case(), row.source, demo, worker)
    events_before = case.events.count()
    version_before = case.version

    case = run(row.action, case, role, demo)

    expected = row.target or Status.IN_PROGRESS  # on_hold in drive() was entered from in_progress
    assert case.status == expected
    assert case.version > version_before
    last = case.events.order_by("-seq").first()
    assert last is not None and last.action == row.action
    assert (last.from_status, last.to_status) == (row.source, expected)
    assert last.actor_role == role
    assert case.events.count() > events_before


ILLEGAL = [
    (Status.RECEIVED, Action.ACKNOWLEDGE),
    (Status.RECEIVED, Action.RESOLVE),
    (Status.FORWARDED, Action.FORWARD),
    (Status.FORWARDED, Action.RESOLVE),
    (Status.IN_PROGRESS, Action.REOPEN),
    (Status.CLOSED, Action.FORWARD),
    (Status.CLOSED, Action.RESOLVE),
    (Status.REJECTED, Action.FORWARD),
    (Status.REJECTED, Action.REOPEN),
    (Status.MERGED, Action.ACKNOWLEDGE),
    (Status.ON_HOLD, Action.RESOLVE),
    (Status.REFERRED, Action.ACKNOWLEDGE),
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_it_refuses_illegal_transitions_and_changes_nothing(
    status: Status, action: Action, demo: Any, make_case: Any
) -> None:
    case = drive(make_case(), status, demo)
    events = case.events.count()
    with pytest.raises(IllegalTransition) as info:
        find_transition(action, case.status, Role.SUPERVISOR)
    assert str(action.label) in str(info.value)
    with pytest.raises((IllegalTransition, NotPermitted)):
        run(action, case, Role.UNIT_HEAD if action != Action.FORWARD else Role.INTAKE, demo)
    case.refresh_from_db()
    assert case.status == status
    assert case.events.count() == events


def test_it_refuses_the_wrong_role_with_a_reason(demo: Any, make_case: Any) -> None:
    case = make_case()
    with pytest.raises(NotPermitted, match="Officer"):
        s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.officer_elec)
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    with pytest.raises(NotPermitted):
        s.acknowledge(case, by=demo.intake)
    with pytest.raises(NotPermitted):
        s.acknowledge(case, by=demo.executive)


def test_it_refuses_a_unit_head_of_another_unit(demo: Any, make_case: Any) -> None:
    case = s.forward(make_case(), to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    with pytest.raises(NotPermitted, match="another unit"):
        s.acknowledge(case, by=demo.head_road)


def test_it_refuses_an_officer_on_a_case_not_assigned_to_them(demo: Any, make_case: Any) -> None:
    case = drive(make_case(), Status.ASSIGNED, demo)
    with pytest.raises(NotPermitted, match="not assigned to you"):
        s.start_work(case, by=demo.officer_road)
    with pytest.raises(NotPermitted):
        s.resolve(case, result="เสร็จ", by=demo.contractor_elec)


def test_it_refuses_staff_of_another_organisation(
    demo: Any, other_org: Any, make_case: Any
) -> None:
    outsider = other_org.staff.get()
    case = make_case()
    with pytest.raises(NotPermitted):
        s.reject(case, reason="ไม่ใช่", by=outsider)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_it_requires_a_reason_where_the_table_says_so(demo: Any, make_case: Any) -> None:
    case = make_case()
    with pytest.raises(InvalidInput, match="reason"):
        s.reject(case, reason="   ", by=demo.intake)
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_it_resumes_to_the_status_held_from(demo: Any, make_case: Any) -> None:
    case = drive(make_case(), Status.ACKNOWLEDGED, demo)
    case = s.hold(case, reason="รอเอกสารจากผู้ร้อง", by=demo.head_elec)
    assert case.held_from == Status.ACKNOWLEDGED
    case = s.resume(case, by=demo.head_elec)
    assert case.status == Status.ACKNOWLEDGED
    assert case.held_from == ""


def test_it_counts_reopens_and_keeps_the_old_result(demo: Any, make_case: Any) -> None:
    case = drive(make_case(), Status.REOPENED, demo)
    assert case.reopen_count == 1
    assert case.resolved_at is None
    dispute = case.events.get(action=Action.REOPEN)
    assert dispute.data["previous_result"] == "เปลี่ยนหลอดไฟแล้ว"
    assert dispute.reason == "ไฟยังดับอยู่"
    case = s.acknowledge(case, by=demo.head_elec)
    case = s.assign(case, to=demo.officer_elec, by=demo.head_elec)
    case = s.resolve(case, result="เปลี่ยนสายไฟใหม่", by=demo.officer_elec)
    case = s.close(case, by=demo.supervisor)
    case = s.reopen(case, reason="สุ่มตรวจพบว่ายังดับ", by=demo.supervisor)
    assert case.reopen_count == 2


def test_it_keeps_the_timeline_in_order_with_who_and_why(demo: Any, make_case: Any) -> None:
    case = drive(make_case(by=demo.intake, channel="phone"), Status.CLOSED, demo)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.action for e in events] == [
        "receive",
        "forward",
        "acknowledge",
        "assign",
        "start",
        "resolve",
        "close",
    ]
    assert events[0].actor == demo.intake.user
    assert events[0].data == {"channel": "phone"}
    for before, after in itertools.pairwise(events):
        assert after.from_status == before.to_status
        assert after.at >= before.at


def test_it_assigns_only_people_of_the_case_unit(demo: Any, make_case: Any) -> None:
    case = drive(make_case(), Status.ACKNOWLEDGED, demo)
    with pytest.raises(InvalidInput, match="does not work in"):
        s.assign(case, to=demo.officer_road, by=demo.head_elec)
    with pytest.raises(InvalidInput, match="cannot take work"):
        s.assign(case, to=demo.intake, by=demo.head_elec)
    case = s.assign(case, to=demo.contractor_elec, by=demo.head_elec)
    assert case.assignee == demo.contractor_elec


def test_a_division_head_may_act_on_a_section_case(demo: Any, make_case: Any) -> None:
    from rongrian.org.models import Staff, User

    user = User.objects.create_user("head_eng")
    division_head = Staff.objects.create(
        user=user, organisation=demo.org, role=Role.UNIT_HEAD, unit=demo.unit("ENG")
    )
    case = s.forward(make_case(), to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    assert s.acknowledge(case, by=division_head).status == Status.ACKNOWLEDGED


def test_available_actions_match_what_the_server_accepts(demo: Any, make_case: Any) -> None:
    case = drive(make_case(), Status.FORWARDED, demo)
    assert s.available_actions(case, demo.head_elec) == [Action.ACKNOWLEDGE, Action.RETURN]
    assert s.available_actions(case, demo.head_road) == []
    assert s.available_actions(case, demo.intake) == []
    assert Action.FORWARD in s.available_actions(make_case(), demo.intake)


def test_merge_and_referral_record_their_targets(demo: Any, make_case: Any) -> None:
    main = make_case()
    dup = s.merge(make_case(), into=main, by=demo.intake)
    assert dup.merged_into == main
    assert main.events.filter(data__merged_from=dup.receipt_no).exists()
    with pytest.raises(InvalidInput, match="itself"):
        s.merge(main, into=main, by=demo.intake)
    with pytest.raises(InvalidInput, match="open case"):
        s.merge(make_case(), into=dup, by=demo.intake)

    agency = demo.org.agencies.get(hotline="1662")
    referred = s.refer(make_case(), agency=agency, by=demo.intake, urgent=True)
    event = referred.events.get(action=Action.REFER)
    assert event.data["urgent"] is True and event.data["hotline"] == "1662"
    closed = s.close(referred, reason="กปภ. ซ่อมท่อแล้ว", by=demo.intake)
    assert closed.status == Status.CLOSED
