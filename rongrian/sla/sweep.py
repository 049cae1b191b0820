"""The sweep: find overdue stages, escalate each once per level, auto-close unconfirmed fixes.

Shaped like a loop of small steps (healthchecks' sendalerts): each step claims a batch
of overdue clocks and, in the same transaction, raises their escalation level, records
the Escalation rows and writes the notifications. Two sweeps may run at once: on
PostgreSQL each claims rows with FOR UPDATE SKIP LOCKED, so they take different
batches; on SQLite the write transaction is taken at BEGIN, so they queue. Either way
the level is raised only from the level that was read, and (clock, level) is unique,
so a stage is never escalated twice at the same level. A crash rolls back the whole
batch, and the next run picks it up again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rongrian.cases.exceptions import CaseError
from rongrian.common.thaidate import format_date
from rongrian.notify import services as notify
from rongrian.notify.choices import Kind
from rongrian.notify.models import Notification
from rongrian.org.choices import Role
from rongrian.org.models import Staff, Unit

from .calendar import calendar_for
from .choices import Stage
from .models import Escalation, SlaPolicy, StageClock

log = logging.getLogger("rongrian.sla")

BATCH = 500


@dataclass
class SweepResult:
    level1: int = 0
    level2: int = 0
    auto_closed: int = 0
    notifications_requeued: int = 0
    drafts_discarded: int = 0
    registered_late: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"escalated to unit heads: {self.level1}, to supervisors: {self.level2}, "
            f"auto-closed: {self.auto_closed}, notifications re-queued: "
            f"{self.notifications_requeued}"
            + (
                f", complaints registered late: {self.registered_late}"
                if self.registered_late
                else ""
            )
        )


def sweep(*, now: dt.datetime | None = None, batch: int = BATCH) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    # First, so that a late complaint's clocks are swept with the others.
    result.registered_late = _register_late()
    while (n := _escalate_batch(level=1, now=now, batch=batch)) > 0:
        result.level1 += n
    while (n := _escalate_batch(level=2, now=now, batch=batch)) > 0:
        result.level2 += n
    result.auto_closed = _auto_close(now=now, batch=batch, skipped=result.skipped)
    result.notifications_requeued = notify.enqueue_due(now=now)
    result.drafts_discarded = _discard_stale_line_drafts(now)
    return result


def _register_late() -> int:
    """Public-form complaints left waiting by a registrar that is not running."""
    from rongrian.cases.pending import register_late

    return register_late()


def _discard_stale_line_drafts(now: dt.datetime) -> int:
    """Unsent LINE drafts are personal data too: not kept past their time."""
    from rongrian.intake.line import discard_stale_drafts

    return discard_stale_drafts(now=now)


def overdue(now: dt.datetime | None = None) -> Q:
    """Running, unpaused clocks past their deadline: one range scan of clock_running_due."""
    return Q(finished_at__isnull=True, paused_at__isnull=True, due_at__lt=now or timezone.now())


def _escalate_batch(*, level: int, now: dt.datetime, batch: int) -> int:
    if level == 1:
        due = overdue(now) & Q(escalation_level=0) & ~Q(stage=Stage.CONFIRM)
    else:
        due = Q(
            finished_at__isnull=True,
            paused_at__isnull=True,
            escalation_level=1,
            next_escalation_at__lt=now,
        )
    with transaction.atomic():
        clocks = list(
            StageClock.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due)
            .select_related("case", "case__organisation", "unit")
            .order_by("due_at")[:batch]
        )
        if not clocks:
            return 0
        ids = [c.pk for c in clocks]
        # Raise the level only from the level we read: a concurrent sweep that got here
        # first (possible on backends without SKIP LOCKED) leaves nothing to raise.
        claimed = StageClock.objects.filter(pk__in=ids, escalation_level=level - 1)
        if level == 1:
            _set_next_escalation(clocks, now)
        else:
            claimed.update(escalation_level=2, next_escalation_at=None)
        recipients = _recipients(clocks, level)
        escalations, messages = [], []
        for clock in clocks:
            people = recipients.get(clock.pk, [])
            escalations.append(
                Escalation(
                    clock=clock,
                    case=clock.case,
                    level=level,
                    created_at=now,
                    recipients=", ".join(p.display_name for p in people),
                )
            )
            messages.extend(_messages(clock, level, people))
        Escalation.objects.bulk_create(escalations, ignore_conflicts=True)
        notify.queue_many(messages)
    log.info("escalated %s stage(s) to level %s", len(clocks), level)
    return len(clocks)


def _set_next_escalation(clocks: list[StageClock], now: dt.datetime) -> None:
    """Level 1 reached; level 2 follows after the organisation's delay in working time."""
    policies: dict[int, SlaPolicy] = {}
    by_time: dict[dt.datetime, list[int]] = defaultdict(list)
    for clock in clocks:
        org_id = clock.case.organisation_id
        if org_id not in policies:
            policies[org_id] = SlaPolicy.for_organisation(org_id)
        delay = policies[org_id].escalate_after_minutes
        by_time[calendar_for(org_id).add_working_minutes(now, delay)].append(clock.pk)
    for when, ids in by_time.items():
        StageClock.objects.filter(pk__in=ids, escalation_level=0).update(
            escalation_level=1, next_escalation_at=when
        )


def _recipients(clocks: list[StageClock], level: int) -> dict[int, list[Staff]]:
    """Level 1: the heads of the unit answerable (the supervisors for the centre's own
    screening); level 2: the centre supervisors."""
    org_ids = {c.case.organisation_id for c in clocks}
    staff = list(
        Staff.objects.active()
        .filter(organisation_id__in=org_ids, role__in=[Role.UNIT_HEAD, Role.SUPERVISOR])
        .select_related("user", "unit")
    )
    supervisors: dict[int, list[Staff]] = defaultdict(list)
    heads: dict[int, list[Staff]] = defaultdict(list)
    for person in staff:
        if person.role == Role.SUPERVISOR:
            supervisors[person.organisation_id].append(person)
        elif person.unit_id:
            heads[person.unit_id].append(person)
    parents = dict(Unit.objects.filter(organisation_id__in=org_ids).values_list("pk", "parent_id"))
    found: dict[int, list[Staff]] = {}
    for clock in clocks:
        org_id = clock.case.organisation_id
        people: list[Staff] = []
        if level == 1 and clock.unit_id is not None:
            unit_id: int | None = clock.unit_id
            while unit_id is not None and not people:  # nearest head up the tree
                people = heads.get(unit_id, [])
                unit_id = parents.get(unit_id)
        found[clock.pk] = people or supervisors.get(org_id, [])
    return found


def _messages(clock: StageClock, level: int, people: list[Staff]) -> list[Notification]:
    case = clock.case
    out = []
    for person in people:
        contact = notify.staff_contact(person.user, person.phone)
        if contact is None:
            continue
        with translation.override(person.user.language or "th"):
            subject = _("Overdue: %(receipt)s, %(stage)s") % {
                "receipt": case.receipt_no,
                "stage": Stage(clock.stage).label,
            }
            body = _(
                "Case %(receipt)s is past its deadline for %(stage)s (due %(due)s). "
                "Unit: %(unit)s. Escalation level %(level)s."
            ) % {
                "receipt": case.receipt_no,
                "stage": Stage(clock.stage).label,
                "due": format_date(clock.due_at),
                "unit": clock.unit.localized_name() if clock.unit else _("complaint centre"),
                "level": level,
            }
        out.append(
            Notification(
                organisation_id=case.organisation_id,
                case=case,
                kind=Kind.ESCALATION,
                channel=contact[0],
                address=contact[1],
                subject=str(subject)[:200],
                body=str(body),
                recipient_id=person.user_id,
            )
        )
    return out


def _auto_close(*, now: dt.datetime, batch: int, skipped: list[str]) -> int:
    """Resolved cases whose confirmation window passed without a dispute close themselves."""
    from rongrian.cases import services as case_services
    from rongrian.cases.models import Case

    closed = 0
    while True:
        case_ids = list(
            StageClock.objects.filter(overdue(now), stage=Stage.CONFIRM)
            .order_by("due_at")
            .values_list("case_id", flat=True)[:batch]
        )
        if not case_ids:
            return closed
        progressed = 0
        for case in Case.objects.filter(pk__in=case_ids):
            try:
                case_services.auto_close(case)
                closed += 1
                progressed += 1
            except CaseError as exc:
                # Changed meanwhile (disputed, or closed by another sweep): the clock was
                # or will be finished by that change; note it and move on.
                skipped.append(f"{case.receipt_no}: {exc}")
                StageClock.objects.filter(case=case, stage=Stage.CONFIRM, finished_at=None).exclude(
                    case__status="resolved"
                ).update(finished_at=now, outcome="cancelled")
        if progressed == 0:
            return closed
