"""Stage deadlines on the real Thai calendar: set when a stage starts, paused, shifted, recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rongrian.cases import services as s
from rongrian.cases.models import Case
from rongrian.sla.choices import Outcome, ScreeningRule, Stage
from rongrian.sla.clocks import current_deadline, next_report_day
from rongrian.sla.models import SlaPolicy, StageClock

BKK = ZoneInfo("Asia/Bangkok")


def bkk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BKK)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def clock(case: Case, stage: Stage, *, running: bool | None = True) -> StageClock:
    qs = StageClock.objects.filter(case=case, stage=stage)
    if running is not None:
        qs = qs.filter(finished_at__isnull=running)
    return qs.order_by("-started_at", "-pk").first()  # type: ignore[return-value]


def due(case: Case, stage: Stage) -> dt.datetime:
    return clock(case, stage).due_at.astimezone(BKK)


@pytest.fixture
def received(demo: Any, make_case: Any) -> Any:
    """A street-light complaint (2 business days) received Friday 4 Dec 2026 at 11:00."""
    with at(bkk(2026, 12, 4, 11, 0)):
        return make_case()


def test_screening_is_due_in_five_working_minutes(demo: Any, make_case: Any) -> None:
    with at(bkk(2026, 11, 23, 10, 0)):
        case = make_case()
    assert due(case, Stage.SCREENING) == bkk(2026, 11, 23, 10, 5)
    # At 16:28 on the Friday before the 5 Dec holiday and its Monday substitute,
    # the remaining 3 minutes run on Tuesday morning.
    with at(bkk(2026, 12, 4, 16, 28)):
        late = make_case()
    assert due(late, Stage.SCREENING) == bkk(2026, 12, 8, 8, 33)


def test_the_bangkok_rule_gives_screening_one_business_day(demo: Any, make_case: Any) -> None:
    SlaPolicy.objects.create(organisation=demo.org, screening_rule=ScreeningRule.BUSINESS_DAY)
    with at(bkk(2026, 12, 4, 11, 0)):
        case = make_case()
    assert due(case, Stage.SCREENING) == bkk(2026, 12, 8, 16, 30)


def test_forwarding_records_whether_screening_was_on_time(demo: Any, make_case: Any) -> None:
    with at(bkk(2026, 11, 23, 10, 0)):
        fast, slow = make_case(), make_case()
    with at(bkk(2026, 11, 23, 10, 4)):
        s.forward(fast, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    with at(bkk(2026, 11, 23, 10, 6)):
        s.forward(slow, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    assert clock(fast, Stage.SCREENING, running=False).outcome == Outcome.MET
    assert clock(slow, Stage.SCREENING, running=False).outcome == Outcome.MISSED


def test_acknowledgement_is_due_one_business_day_from_the_next_day(
    received: Case, demo: Any
) -> None:
    with at(bkk(2026, 12, 4, 11, 3)):
        case = s.forward(received, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    # Sat 5 Dec is a holiday and Mon 7 Dec its substitution day: due Tuesday evening.
    assert due(case, Stage.ACKNOWLEDGE) == bkk(2026, 12, 8, 16, 30)
    assert clock(case, Stage.ACKNOWLEDGE).unit == demo.unit("ENG-ELEC")


def test_acknowledging_starts_assignment_first_report_and_periodic_clocks(
    received: Case, demo: Any
) -> None:
    with at(bkk(2026, 12, 4, 11, 3)):
        case = s.forward(received, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    with at(bkk(2026, 12, 8, 9, 0)):
        case = s.acknowledge(case, by=demo.head_elec)
    assert clock(case, Stage.ACKNOWLEDGE, running=False).outcome == Outcome.MET
    assert due(case, Stage.ASSIGN) == bkk(2026, 12, 8, 9, 5)
    # 3 business days after Tue 8 Dec: Wed 9, Fri 11 (Thu 10 is Constitution Day), Mon 14.
    assert due(case, Stage.FIRST_PROGRESS) == bkk(2026, 12, 14, 16, 30)
    assert due(case, Stage.PERIODIC) == bkk(2026, 12, 15, 16, 30)
    with at(bkk(2026, 12, 8, 9, 7)):
        case = s.assign(case, to=demo.officer_elec, by=demo.head_elec)
    assert clock(case, Stage.ASSIGN, running=False).outcome == Outcome.MISSED


def test_resolution_follows_the_category_target(demo: Any, make_case: Any, received: Case) -> None:
    # Street light: 2 business days from Fri 4 Dec → Tue 8, Wed 9 Dec.
    assert due(received, Stage.RESOLVE) == bkk(2026, 12, 9, 16, 30)
    with at(bkk(2026, 12, 4, 11, 0)):
        garbage = make_case(category=demo.category("GARBAGE"))  # 1 calendar day
        road = make_case(category=demo.category("ROAD"))  # 7 business days
    assert due(garbage, Stage.RESOLVE) == bkk(2026, 12, 5, 11, 0)
    # Tue 8, Wed 9, Fri 11, Mon 14, Tue 15, Wed 16, Thu 17 December.
    assert due(road, Stage.RESOLVE) == bkk(2026, 12, 17, 16, 30)


def test_the_category_target_is_data_not_code(demo: Any, make_case: Any) -> None:
    category = demo.category("STREETLIGHT")
    category.target_days = 5
    category.save()
    with at(bkk(2026, 11, 23, 10, 0)):  # Monday
        case = make_case()
    assert due(case, Stage.RESOLVE) == bkk(2026, 11, 30, 16, 30)


@pytest.mark.parametrize(
    ("day", "report"),
    [
        (dt.date(2026, 2, 10), dt.date(2026, 2, 15)),
        (dt.date(2026, 2, 15), dt.date(2026, 2, 28)),
        (dt.date(2028, 2, 16), dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 2, 28), dt.date(2026, 3, 15)),
        (dt.date(2026, 1, 20), dt.date(2026, 1, 30)),  # 31-day month: the 30th
        (dt.date(2026, 1, 30), dt.date(2026, 2, 15)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 15)),
        (dt.date(2026, 12, 30), dt.date(2027, 1, 15)),
        (dt.date(2026, 4, 29), dt.date(2026, 4, 30)),
    ],
)
def test_periodic_reports_fall_on_the_15th_and_30th(day: dt.date, report: dt.date) -> None:
    assert next_report_day(day) == report


def test_a_report_restarts_the_periodic_clock(received: Case, demo: Any) -> None:
    with at(bkk(2026, 12, 4, 11, 3)):
        case = s.forward(received, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    with at(bkk(2026, 12, 8, 9, 0)):
        case = s.assign(
            s.acknowledge(case, by=demo.head_elec), to=demo.officer_elec, by=demo.head_elec
        )
    with at(bkk(2026, 12, 11, 10, 0)):
        case = s.report_progress(case, note="รออะไหล่", by=demo.officer_elec)
    assert clock(case, Stage.FIRST_PROGRESS, running=False).outcome == Outcome.MET
    assert clock(case, Stage.PERIODIC, running=False).outcome == Outcome.MET
    # The next report is due on the 15th after the one just given.
    assert due(case, Stage.PERIODIC) == bkk(2026, 12, 15, 16, 30)
    with at(bkk(2026, 12, 16, 10, 0)):
        case = s.report_progress(case, note="เปลี่ยนสายแล้วบางส่วน", by=demo.officer_elec)
    assert clock(case, Stage.PERIODIC, running=False).outcome == Outcome.MISSED
    # 30 Dec 2026 is a Wednesday.
    assert due(case, Stage.PERIODIC) == bkk(2026, 12, 30, 16, 30)


def test_on_hold_pauses_every_clock_and_resuming_shifts_them(demo: Any, make_case: Any) -> None:
    with at(bkk(2026, 11, 23, 9, 0)):  # Monday
        case = make_case(category=demo.category("ROAD"))
        case = s.forward(case, to_unit=demo.unit("ENG-ROAD"), by=demo.intake)
        case = s.acknowledge(case, by=demo.head_road)
        case = s.assign(case, to=demo.officer_road, by=demo.head_road)
    before = {c.stage: c.due_at for c in StageClock.objects.filter(case=case, finished_at=None)}
    with at(bkk(2026, 11, 24, 10, 0)):  # Tuesday
        case = s.hold(case, reason="รอผู้ร้องส่งภาพจุดเกิดเหตุ", by=demo.officer_road)
    assert not StageClock.objects.filter(case=case, finished_at=None, paused_at=None).exists()
    with at(bkk(2026, 11, 25, 10, 0)):  # Wednesday: one working day later
        case = s.resume(case, by=demo.officer_road)
    after = {c.stage: c for c in StageClock.objects.filter(case=case, finished_at=None)}
    # Business clocks move by 480 working minutes: the same time one business day later.
    assert after[Stage.RESOLVE].due_at.astimezone(BKK) == bkk(2026, 12, 3, 16, 30)
    assert before[Stage.RESOLVE].astimezone(BKK) == bkk(2026, 12, 2, 16, 30)
    assert after[Stage.RESOLVE].paused_minutes == 480
    # The periodic report is a calendar date: it moves by the 24 hours paused.
    assert after[Stage.PERIODIC].due_at == before[Stage.PERIODIC] + dt.timedelta(days=1)
    assert all(c.paused_at is None for c in after.values())


def test_reopening_starts_a_new_resolution_clock_and_keeps_the_old_result(
    received: Case, demo: Any
) -> None:
    with at(bkk(2026, 12, 4, 11, 3)):
        case = s.forward(received, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
        case = s.acknowledge(case, by=demo.head_elec)
        case = s.assign(case, to=demo.officer_elec, by=demo.head_elec)
        case = s.resolve(case, result="เปลี่ยนหลอดแล้ว", by=demo.officer_elec)
    assert clock(case, Stage.CONFIRM).due_at.astimezone(BKK) == bkk(2026, 12, 11, 11, 3)
    with at(bkk(2026, 12, 8, 9, 0)):
        case = s.citizen_dispute(case, reason="ไฟยังดับ")
    runs = list(StageClock.objects.filter(case=case, stage=Stage.RESOLVE).order_by("started_at"))
    assert [r.outcome for r in runs] == [Outcome.MET, ""]
    assert runs[1].due_at.astimezone(BKK) == bkk(2026, 12, 11, 16, 30)  # Wed 9, Fri 11
    assert clock(case, Stage.CONFIRM, running=False).outcome == Outcome.CANCELLED
    assert due(case, Stage.ACKNOWLEDGE) == bkk(2026, 12, 9, 16, 30)


def test_a_returned_case_restarts_screening(received: Case, demo: Any) -> None:
    with at(bkk(2026, 12, 4, 11, 3)):
        case = s.forward(received, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    with at(bkk(2026, 12, 8, 9, 0)):
        case = s.return_to_screening(case, reason="เป็นไฟของ กฟภ.", by=demo.head_elec)
    assert clock(case, Stage.ACKNOWLEDGE, running=False).outcome == Outcome.CANCELLED
    assert due(case, Stage.SCREENING) == bkk(2026, 12, 8, 9, 5)
    assert clock(case, Stage.RESOLVE).unit is None  # back with the centre


def test_referral_and_rejection_take_the_case_out_of_the_resolution_kpi(
    demo: Any, make_case: Any
) -> None:
    case = s.reject(make_case(), reason="ไม่ใช่เรื่องร้องเรียน", by=demo.intake)
    assert clock(case, Stage.RESOLVE, running=False).outcome == Outcome.CANCELLED
    assert not StageClock.objects.filter(case=case, finished_at=None).exists()


def test_the_current_deadline_is_the_earliest_running_one(received: Case) -> None:
    current = current_deadline(received)
    assert current is not None and current.stage == Stage.SCREENING


@pytest.mark.parametrize(
    ("field", "value"),
    [("screening_minutes", 0), ("acknowledge_days", 365), ("confirm_days", 0),
     ("escalate_after_minutes", 10**6), ("default_resolution_days", 1000)],
)  # fmt: skip
def test_absurd_policies_are_refused(demo: Any, field: str, value: int) -> None:
    policy = SlaPolicy(organisation=demo.org, **{field: value})
    with pytest.raises(ValidationError) as info:
        policy.full_clean()
    assert field in info.value.message_dict
    with pytest.raises((IntegrityError, ValueError)):
        policy.save()
