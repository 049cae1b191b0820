"""The sweep escalates each overdue stage once per level, in order, and closes unconfirmed fixes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from rongrian.cases import services as s
from rongrian.cases.choices import Status
from rongrian.common.testing import run_together
from rongrian.notify.models import Notification
from rongrian.sla.choices import Stage
from rongrian.sla.models import Escalation, SlaPolicy, StageClock
from rongrian.sla.sweep import sweep

from .test_clocks import at, bkk


@pytest.fixture(autouse=True)
def _log_transports(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def forwarded_case(demo: Any, make_case: Any) -> Any:
    """A 7-business-day case forwarded on Monday 23 Nov 2026 at 09:03."""
    with at(bkk(2026, 11, 23, 9, 0)):
        case = make_case(category=demo.category("BUILDING"))
    with at(bkk(2026, 11, 23, 9, 3)):
        return s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)


def escalations(case: Any) -> list[tuple[str, int, str]]:
    return [
        (e.clock.stage, e.level, e.recipients)
        for e in Escalation.objects.filter(case=case).select_related("clock").order_by("pk")
    ]


def test_an_overdue_screening_goes_to_the_supervisor(demo: Any, make_case: Any) -> None:
    with at(bkk(2026, 11, 23, 9, 0)):
        case = make_case()
    result = sweep(now=bkk(2026, 11, 23, 9, 4))
    assert result.level1 == 0
    result = sweep(now=bkk(2026, 11, 23, 9, 6))
    assert result.level1 == 1
    assert escalations(case) == [(Stage.SCREENING, 1, "วิไล หัวหน้าศูนย์")]
    message = Notification.objects.get(kind="escalation")
    assert message.address == "supervisor@lampang.example"
    assert case.receipt_no in message.subject


def test_an_unacknowledged_case_goes_to_the_unit_head_then_the_supervisor(
    demo: Any, make_case: Any
) -> None:
    case = forwarded_case(demo, make_case)
    # Due Tuesday 24 Nov 16:30 (one business day from the next day).
    assert sweep(now=bkk(2026, 11, 24, 16, 29)).level1 == 0
    assert sweep(now=bkk(2026, 11, 24, 16, 31)).level1 == 1
    assert escalations(case) == [(Stage.ACKNOWLEDGE, 1, "ประเสริฐ ไฟสว่าง")]
    # The supervisor hears 480 working minutes later: Tuesday 16:31 is after hours,
    # so the delay runs from Wednesday's opening to its closing at 16:30.
    assert sweep(now=bkk(2026, 11, 25, 16, 30)).level2 == 0
    assert sweep(now=bkk(2026, 11, 25, 16, 32)).level2 == 1
    assert escalations(case)[-1] == (Stage.ACKNOWLEDGE, 2, "วิไล หัวหน้าศูนย์")
    assert sorted(Notification.objects.values_list("address", flat=True)) == [
        "head_elec@lampang.example",
        "supervisor@lampang.example",
    ]


def test_sweeping_again_escalates_nothing_twice(demo: Any, make_case: Any) -> None:
    case = forwarded_case(demo, make_case)
    late = bkk(2026, 11, 30, 9, 0)
    first = sweep(now=late)
    second = sweep(now=late)
    third = sweep(now=late + dt.timedelta(days=1))
    assert first.level1 >= 1 and second.level1 == second.level2 == 0
    assert third.level1 == 0
    pairs = [(stage, level) for stage, level, _ in escalations(case)]
    assert len(pairs) == len(set(pairs))


def test_finished_and_paused_stages_are_not_escalated(demo: Any, make_case: Any) -> None:
    case = forwarded_case(demo, make_case)
    with at(bkk(2026, 11, 24, 9, 0)):
        case = s.acknowledge(case, by=demo.head_elec)
    with at(bkk(2026, 11, 24, 9, 1)):
        case = s.hold(case, reason="รอผู้ร้องแจ้งเสาไฟที่ถูกต้อง", by=demo.head_elec)
    assert sweep(now=bkk(2026, 12, 31, 9, 0)).level1 == 0
    assert Escalation.objects.count() == 0


def test_an_unconfirmed_fix_closes_itself_after_the_window(demo: Any, make_case: Any) -> None:
    case = forwarded_case(demo, make_case)
    with at(bkk(2026, 11, 23, 10, 0)):
        case = s.acknowledge(case, by=demo.head_elec)
        case = s.assign(case, to=demo.officer_elec, by=demo.head_elec)
        case = s.resolve(case, result="เปลี่ยนหลอดไฟแล้ว", by=demo.officer_elec)
    with time_machine.travel(bkk(2026, 11, 30, 10, 1), tick=False):
        result = sweep()
    assert result.auto_closed == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    last = case.events.order_by("-seq").first()
    assert (last.action, last.actor_role) == ("close", "system")
    # Closed by silence: the window was nobody's deadline, so it is not counted.
    assert StageClock.objects.get(case=case, stage=Stage.CONFIRM).outcome == "cancelled"


def test_the_command_sweeps_and_reports(demo: Any, make_case: Any, capsys: Any) -> None:
    with at(bkk(2026, 11, 23, 9, 0)):
        make_case()
    with time_machine.travel(bkk(2026, 11, 23, 11, 0), tick=False):
        call_command("sla_sweep")
    assert "escalated to unit heads: 1" in capsys.readouterr().out


def test_the_escalation_delay_is_policy(demo: Any, make_case: Any) -> None:
    SlaPolicy.objects.create(organisation=demo.org, escalate_after_minutes=60)
    case = forwarded_case(demo, make_case)
    sweep(now=bkk(2026, 11, 24, 16, 31))
    clock = StageClock.objects.get(case=case, stage=Stage.ACKNOWLEDGE)
    # Tuesday 16:31 is after hours: 60 working minutes from Wednesday's 08:30 opening.
    assert clock.next_escalation_at == bkk(2026, 11, 25, 9, 30)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel sweeps need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_escalate_each_stage_once() -> None:
    from rongrian.conftest import Cast
    from rongrian.org.demo import load_demo

    org, _ = load_demo()
    cast = Cast(org)
    with at(bkk(2026, 11, 23, 9, 0)):
        for i in range(120):
            case = s.create_case(organisation=org, channel="phone", description=f"ไฟดับ {i}")
            if i % 2:
                s.forward(case, to_unit=cast.unit("ENG-ELEC"), by=cast.intake)
    overdue_clocks = StageClock.objects.filter(finished_at=None).exclude(stage=Stage.RESOLVE)
    expected = overdue_clocks.count()
    results = run_together(*[lambda: sweep(now=bkk(2026, 11, 25, 9, 0), batch=7)] * 2)
    level1 = Escalation.objects.filter(level=1)
    assert level1.count() == expected == sum(r.level1 for r in results)
    assert level1.values("clock").distinct().count() == expected
    assert all(r.level1 > 0 for r in results), "both sweeps should have found work"
    assert Notification.objects.filter(kind="escalation").count() == expected


def test_a_sweep_that_dies_halfway_leaves_nothing_half_done(
    demo: Any, make_case: Any, monkeypatch: Any
) -> None:
    from rongrian.notify import services as notify

    with at(bkk(2026, 11, 23, 9, 0)):
        cases = [make_case() for _ in range(3)]
    real = notify.queue_many

    def crash(messages: Any) -> Any:
        raise RuntimeError("power cut")

    monkeypatch.setattr(notify, "queue_many", crash)
    with pytest.raises(RuntimeError):
        sweep(now=bkk(2026, 11, 23, 10, 0))
    assert Escalation.objects.count() == 0
    assert not StageClock.objects.filter(escalation_level__gt=0).exists()

    monkeypatch.setattr(notify, "queue_many", real)
    assert sweep(now=bkk(2026, 11, 23, 10, 0)).level1 == 3
    assert Escalation.objects.filter(case__in=cases).count() == 3
