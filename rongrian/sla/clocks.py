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

# Stages the unit answers for, and that end or stop counting when the work stops.
UNIT_STAGES = (Stage.ACKNOWLEDGE, Stage.ASSIGN, Stage.FIRST_PROGRESS, Stage.PERIODIC)


def on_event(case: Case, event: CaseEvent) -> None:
    at = event.at
    action = event.action
    if action == Action.RECEIVE:
        _start_screening(case, at)
        _start_resolution(case, at)
    elif action == Action.FORWARD:
        _finish(case, [Stage.SCREENING], at)
        _start_acknowledgement(case, at)
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
        _finish(case, [Stage.ASSIGN], at)
    elif action == Action.RETURN:
        _cancel(case, UNIT_STAGES, at)
        _running(case, [Stage.RESOLVE]).update(unit_id=None)
        _start_screening(case, at)
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
        _start_confirmation(case, at)
    elif action == Action.CLOSE:
        if event.actor_role == SYSTEM:
            # Closed by silence after the window: nobody's deadline, nothing to count.
            _cancel(case, [Stage.CONFIRM], at)
        else:
            _finish(case, [Stage.CONFIRM], at)
        _cancel(case, list(Stage), at)  # a referral closed: nothing else runs
    elif action == Action.REOPEN:
        _cancel(case, [Stage.CONFIRM], at)
        _start(case, Stage.ACKNOWLEDGE, at, _acknowledge_due(case, at), unit_id=case.unit_id)
        _start_resolution(case, at)


# ---------------------------------------------------------------------------
# Deadlines


def _policy(case: Case) -> SlaPolicy:
    return SlaPolicy.for_organisation(case.organisation_id)


def _calendar(case: Case) -> BusinessCalendar:
    return calendar_for(case.organisation_id)


def _local_date(at: dt.datetime) -> dt.date:
    return to_bangkok(at).date()


def _start_screening(case: Case, at: dt.datetime) -> None:
    policy, cal = _policy(case), _calendar(case)
    if policy.screening_rule == ScreeningRule.BUSINESS_DAY:
        due = cal.end_of_business_day(cal.add_business_days(_local_date(at), 1))
    else:
        due = cal.add_working_minutes(at, policy.screening_minutes)
    _start(case, Stage.SCREENING, at, due, unit_id=None)


def _acknowledge_due(case: Case, at: dt.datetime) -> dt.datetime:
    cal = _calendar(case)
    days = _policy(case).acknowledge_days
    return cal.end_of_business_day(cal.add_business_days(_local_date(at), days))


def _start_acknowledgement(case: Case, at: dt.datetime) -> None:
    _start(case, Stage.ACKNOWLEDGE, at, _acknowledge_due(case, at), unit_id=case.unit_id)


def _start_after_acknowledgement(case: Case, at: dt.datetime) -> None:
    policy, cal = _policy(case), _calendar(case)
    _start(
        case, Stage.ASSIGN, at, cal.add_working_minutes(at, policy.assign_minutes),
        unit_id=case.unit_id,
    )  # fmt: skip
    # The first report is due once per case; a run cancelled by a return does not count.
    earlier = StageClock.objects.filter(case=case, stage=Stage.FIRST_PROGRESS)
    if not earlier.exclude(outcome=Outcome.CANCELLED).exists():
        first = cal.add_business_days(_local_date(at), policy.first_progress_days)
        _start(case, Stage.FIRST_PROGRESS, at, cal.end_of_business_day(first), unit_id=case.unit_id)
    if policy.periodic_reports:
        _start_periodic(case, at)


def _start_periodic(case: Case, at: dt.datetime) -> None:
    if not _policy(case).periodic_reports:
        return
    due_day = next_report_day(_local_date(at))
    due = _calendar(case).end_of_business_day(due_day)
    _start(case, Stage.PERIODIC, at, due, unit_id=case.unit_id, business=False)


def next_report_day(day: dt.date) -> dt.date:
    """The next 15th or 30th (the last day of a shorter month) strictly after `day`."""
    year, month = day.year, day.month
    while True:
        last = month_calendar.monthrange(year, month)[1]
        for candidate in (15, min(30, last)):
            if candidate > day.day or (year, month) != (day.year, day.month):
                return dt.date(year, month, candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _start_resolution(case: Case, at: dt.datetime) -> None:
    cal = _calendar(case)
    category = case.category
    if category is not None:
        days, business = category.target_days, category.day_count == DayCount.BUSINESS
    else:
        days, business = _policy(case).default_resolution_days, True
    if business:
        due = cal.end_of_business_day(cal.add_business_days(_local_date(at), days))
    else:
        due = at + dt.timedelta(days=days)
    _start(case, Stage.RESOLVE, at, due, unit_id=case.unit_id, business=business)


def _start_confirmation(case: Case, at: dt.datetime) -> None:
    due = at + dt.timedelta(days=_policy(case).confirm_days)
    _start(case, Stage.CONFIRM, at, due, unit_id=None, business=False)


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
        case_id=case.pk, stage=stage, unit_id=unit_id, started_at=at, due_at=due,
        business_time=business,
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
    cal = _calendar(case)
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
