"""Starting, stopping, pausing and shifting stage clocks as a case moves.

`on_event` is called by cases.services inside the transaction of every timeline event,
so a clock never disagrees with the status it times. Each deadline is computed once,
when its stage starts, on the organisation's business calendar.

The stages and their deadlines (policy values in brackets, see SlaPolicy):
- screening: from receipt (or return) to forward/refer/reject/merge, [5] working minutes,
  or 1 business day under the Bangkok rule;
- acknowledge: from forwarding (or reopening), by the end of the [1]st business day
  counted from the day after;
- assign: from acknowledgement, [5] working minutes;
- first progress: from acknowledgement, by the end of the [3]rd business day after;
- periodic: reports due on the 15th and the 30th (last day of February) until resolved;
- resolve: from receipt (or reopening), the category's 1/2/3/7 days, business or calendar;
- confirm: from resolution, [7] calendar days for the complainant, then auto-close.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet
from django.utils import timezone

from rongrian.cases.choices import Action
from rongrian.cases.lifecycle import SYSTEM
from rongrian.catalog.choices import DayCount

from .calendar import BusinessCalendar, calendar_for, to_bangkok
from .choices import Outcome, ScreeningRule, Stage
from .models import SlaPolicy, StageClock

if TYPE_CHECKING:
    from rongrian.cases.models import Case, CaseEvent
    from rongrian.catalog.models import Category

# Stages the unit answers for, and that end or stop counting when the work stops.
UNIT_STAGES = (Stage.ACKNOWLEDGE, Stage.ASSIGN, Stage.FIRST_PROGRESS, Stage.PERIODIC)


def on_event(case: Case, event: CaseEvent) -> None:
    at = event.at
    action = event.action
    if action == Action.RECEIVE:
        _begin_new_case(case, at)
    elif action == Action.FORWARD:
        _finish(case, [Stage.SCREENING], at)
        _begin(case, Stage.ACKNOWLEDGE, at, unit_id=case.unit_id)
        # The resolution target now counts against the unit that holds the case.
        _running(case, [Stage.RESOLVE]).update(unit_id=case.unit_id)
    elif action in (Action.REFER, Action.REJECT, Action.MERGE):
        _finish(case, [Stage.SCREENING], at)
        # Outside our powers or not a case: the resolution target does not count.
        _cancel(case, [Stage.RESOLVE], at)
    elif action == Action.ACKNOWLEDGE:
        _finish(case, [Stage.ACKNOWLEDGE], at)
        _start_after_acknowledgement(case, at)
    elif action == Action.ASSIGN:
        # Assigning straight from "reopened" also answers the acknowledgement due then.
        _finish(case, [Stage.ASSIGN, Stage.ACKNOWLEDGE], at)
    elif action == Action.RETURN:
        _cancel(case, UNIT_STAGES, at)
        _running(case, [Stage.RESOLVE]).update(unit_id=None)
        _begin(case, Stage.SCREENING, at, unit_id=None)
    elif action == Action.PROGRESS:
        _finish(case, [Stage.FIRST_PROGRESS], at)
        if _finish(case, [Stage.PERIODIC], at):
            _start_periodic(case, at)
    elif action == Action.HOLD:
        pause(case, at)
    elif action == Action.RESUME:
        resume(case, at)
    elif action == Action.RESOLVE:
        # Resolving is also the report that was due; an open assignment clock closes too.
        _finish(case, [Stage.RESOLVE, Stage.FIRST_PROGRESS, Stage.PERIODIC, Stage.ASSIGN], at)
        _begin(case, Stage.CONFIRM, at, unit_id=None)
    elif action == Action.CLOSE:
        if event.actor_role == SYSTEM:
            # Closed by silence after the window: nobody's deadline, nothing to count.
            _cancel(case, [Stage.CONFIRM], at)
        else:
            _finish(case, [Stage.CONFIRM], at)
        _cancel(case, list(Stage), at)  # a referral closed: nothing else runs
    elif action == Action.REOPEN:
        _cancel(case, [Stage.CONFIRM], at)
        _begin(case, Stage.ACKNOWLEDGE, at, unit_id=case.unit_id)
        _begin(case, Stage.RESOLVE, at, unit_id=case.unit_id)


# ---------------------------------------------------------------------------
# Deadlines


def deadline(
    stage: Stage,
    at: dt.datetime,
    *,
    cal: BusinessCalendar,
    policy: SlaPolicy,
    category: Category | None = None,
) -> tuple[dt.datetime, bool]:
    """When a run of `stage` starting at `at` is due, and whether it counts business time.

    Pure: the one place the deadline rules live, shared by the clocks and the data
    generator."""
    day = to_bangkok(at).date()
    if stage == Stage.SCREENING:
        if policy.screening_rule == ScreeningRule.BUSINESS_DAY:
            return cal.end_of_business_day(cal.add_business_days(day, 1)), True
        return cal.add_working_minutes(at, policy.screening_minutes), True
    if stage == Stage.ACKNOWLEDGE:
        return cal.end_of_business_day(cal.add_business_days(day, policy.acknowledge_days)), True
    if stage == Stage.ASSIGN:
        return cal.add_working_minutes(at, policy.assign_minutes), True
    if stage == Stage.FIRST_PROGRESS:
        return cal.end_of_business_day(cal.add_business_days(day, policy.first_progress_days)), True
    if stage == Stage.PERIODIC:
        # A calendar date: a pause moves it by calendar time.
        return cal.end_of_business_day(next_report_day(day)), False
    if stage == Stage.RESOLVE:
        if category is not None:
            days, business = category.target_days, category.day_count == DayCount.BUSINESS
        else:
            days, business = policy.default_resolution_days, True
        if business:
            return cal.end_of_business_day(cal.add_business_days(day, days)), True
        return at + dt.timedelta(days=days), False
    if stage == Stage.CONFIRM:
        return at + dt.timedelta(days=policy.confirm_days), False
    raise ValueError(stage)


def next_report_day(day: dt.date) -> dt.date:
    """The next 15th or 30th (the last day of a shorter month) strictly after `day`."""
    year, month = day.year, day.month
    while True:
        last = month_calendar.monthrange(year, month)[1]
        for candidate in (15, min(30, last)):
            if candidate > day.day or (year, month) != (day.year, day.month):
                return dt.date(year, month, candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _begin(case: Case, stage: Stage, at: dt.datetime, *, unit_id: int | None) -> StageClock:
    due, business = deadline(
        stage,
        at,
        cal=calendar_for(case.organisation_id),
        policy=SlaPolicy.for_organisation(case.organisation_id),
        category=case.category if stage == Stage.RESOLVE else None,
    )
    return _start(case, stage, at, due, unit_id=unit_id, business=business)


def _begin_new_case(case: Case, at: dt.datetime) -> None:
    StageClock.objects.bulk_create(new_case_clocks(case, at))


def new_case_clocks(case: Case, at: dt.datetime) -> list[StageClock]:
    """A new case's screening and resolution clocks, not yet saved: cases.services writes
    them with the case itself (nothing to end at receipt)."""
    cal = calendar_for(case.organisation_id)
    policy = SlaPolicy.for_organisation(case.organisation_id)
    clocks = []
    for stage in (Stage.SCREENING, Stage.RESOLVE):
        due, business = deadline(
            stage,
            at,
            cal=cal,
            policy=policy,
            category=case.category if stage == Stage.RESOLVE else None,
        )
        clocks.append(
            StageClock(
                case_id=case.pk,
                organisation_id=case.organisation_id,
                stage=stage,
                started_at=at,
                due_at=due,
                business_time=business,
            )
        )
    return clocks


def _start_after_acknowledgement(case: Case, at: dt.datetime) -> None:
    _begin(case, Stage.ASSIGN, at, unit_id=case.unit_id)
    # The first report is due once per case; a run cancelled by a return does not count.
    earlier = StageClock.objects.filter(case=case, stage=Stage.FIRST_PROGRESS)
    if not earlier.exclude(outcome=Outcome.CANCELLED).exists():
        _begin(case, Stage.FIRST_PROGRESS, at, unit_id=case.unit_id)
    _start_periodic(case, at)


def _start_periodic(case: Case, at: dt.datetime) -> None:
    if SlaPolicy.for_organisation(case.organisation_id).periodic_reports:
        _begin(case, Stage.PERIODIC, at, unit_id=case.unit_id)


# ---------------------------------------------------------------------------
# Clock rows


def _start(
    case: Case,
    stage: Stage,
    at: dt.datetime,
    due: dt.datetime,
    *,
    unit_id: int | None,
    business: bool = True,
) -> StageClock:
    # A stage runs once at a time: a restart (return, reopen) ends the previous run.
    _cancel(case, [stage], at)
    return StageClock.objects.create(
        case_id=case.pk, organisation_id=case.organisation_id, stage=stage, unit_id=unit_id,
        started_at=at, due_at=due, business_time=business,
    )  # fmt: skip


def _running(case: Case, stages: list[Stage] | tuple[Stage, ...]) -> QuerySet[StageClock]:
    return StageClock.objects.filter(case_id=case.pk, stage__in=stages, finished_at=None)


def _finish(case: Case, stages: list[Stage] | tuple[Stage, ...], at: dt.datetime) -> int:
    """End running clocks of `stages`, recording whether each met its deadline."""
    running = _running(case, stages)
    met = running.filter(due_at__gte=at).update(finished_at=at, outcome=Outcome.MET, paused_at=None)
    missed = running.update(finished_at=at, outcome=Outcome.MISSED, paused_at=None)
    return met + missed


def _cancel(case: Case, stages: list[Stage] | tuple[Stage, ...], at: dt.datetime) -> int:
    return _running(case, stages).update(finished_at=at, outcome=Outcome.CANCELLED, paused_at=None)


def pause(case: Case, at: dt.datetime) -> int:
    """Waiting for the complainant: every running clock of the case stops counting."""
    return StageClock.objects.filter(case_id=case.pk, finished_at=None, paused_at=None).update(
        paused_at=at
    )


def resume(case: Case, at: dt.datetime) -> None:
    """Deadlines move later by the time paused: working time for business clocks."""
    cal = calendar_for(case.organisation_id)
    for clock in StageClock.objects.filter(
        case_id=case.pk, finished_at=None, paused_at__isnull=False
    ):
        paused_from = clock.paused_at
        assert paused_from is not None
        if clock.business_time:
            minutes = cal.working_minutes_between(paused_from, at)
            due = cal.add_working_minutes(clock.due_at, minutes) if minutes else clock.due_at
            nxt = clock.next_escalation_at
            if nxt is not None and minutes:
                nxt = cal.add_working_minutes(nxt, minutes)
        else:
            shift = at - paused_from
            minutes = int(shift.total_seconds() // 60)
            due = clock.due_at + shift
            nxt = clock.next_escalation_at + shift if clock.next_escalation_at else None
        StageClock.objects.filter(pk=clock.pk).update(
            due_at=due,
            next_escalation_at=nxt,
            paused_at=None,
            paused_minutes=F("paused_minutes") + minutes,
        )


# ---------------------------------------------------------------------------
# Reading


def running_clocks(case: Case) -> list[StageClock]:
    return list(StageClock.objects.filter(case=case, finished_at=None).order_by("due_at"))


def current_deadline(case: Case) -> StageClock | None:
    """The earliest running deadline: what the case is waiting on next."""
    return (
        StageClock.objects.filter(case=case, finished_at=None)
        .exclude(stage=Stage.CONFIRM)
        .order_by("due_at")
        .first()
    )


def is_overdue(clock: StageClock, now: dt.datetime | None = None) -> bool:
    return (
        clock.finished_at is None
        and clock.paused_at is None
        and clock.due_at < (now or timezone.now())
    )
