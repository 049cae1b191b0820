"""The work queues each role lives in, as querysets scoped by Case.objects.visible_to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongrian.org.choices import Role
from rongrian.org.models import Staff, Unit
from rongrian.sla.choices import Stage
from rongrian.sla.models import StageClock

from .choices import Status
from .lifecycle import OPEN
from .models import Case

QUEUE_SIZE = 50
# Cases whose clocks may still run. Saying so lets the overdue and escalated queues use
# the (unit, status) and (organisation, status) indexes instead of a unit's whole history.
LIVE = sorted(OPEN | {Status.RESOLVED})


def with_next_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate the earliest running deadline (what the case waits on) and its stage."""
    running = (
        StageClock.objects.filter(
            case=OuterRef("pk"), finished_at__isnull=True, paused_at__isnull=True
        )
        .exclude(stage=Stage.CONFIRM)
        .order_by("due_at")
    )
    return qs.annotate(
        next_due=Subquery(running.values("due_at")[:1]),
        next_stage=Subquery(running.values("stage")[:1]),
    )


@dataclass
class Queue:
    key: str
    title: str
    cases: list[Case]
    count: int
    empty: str


def _queue(
    key: str,
    title: str,
    qs: QuerySet[Case],
    order: str,
    empty: str,
    count: Callable[[], int] | None = None,
) -> Queue:
    items = list(
        with_next_due(qs)
        .select_related("category", "unit", "assignee__user")
        .order_by(order)[:QUEUE_SIZE]
    )
    counter = count or qs.count
    total = len(items) if len(items) < QUEUE_SIZE else counter()
    return Queue(key, str(title), items, total, str(empty))


def _whole_organisation_count(
    staff: Staff, clocks: QuerySet[StageClock]
) -> Callable[[], int] | None:
    """For people who see the whole organisation, count the cases from the clocks' own
    index (organisation, due) that carries the case id, without visiting the cases."""
    if staff.role not in (Role.SUPERVISOR, Role.EXECUTIVE):
        return None
    return lambda: clocks.values("case_id").distinct().count()


def queues_for(staff: Staff) -> list[Queue]:
    visible = Case.objects.visible_to(staff)
    role = staff.role
    out: list[Queue] = []
    if role in (Role.INTAKE, Role.SUPERVISOR, Role.COUNTER):
        out.append(
            _queue(
                "screening",
                _("To screen and forward"),
                visible.filter(status__in=[Status.RECEIVED, Status.RETURNED]),
                "received_at",
                _("Nothing waits for screening."),
            )
        )
    if role == Role.UNIT_HEAD:
        out.append(
            _queue(
                "acknowledge",
                _("To acknowledge"),
                visible.filter(status__in=[Status.FORWARDED, Status.REOPENED]),
                "received_at",
                _("Nothing waits for acknowledgement."),
            )
        )
        out.append(
            _queue(
                "assign",
                _("To assign"),
                visible.filter(status=Status.ACKNOWLEDGED),
                "received_at",
                _("Nothing waits to be assigned."),
            )
        )
    if role in (Role.UNIT_HEAD, Role.OFFICER, Role.CONTRACTOR):
        out.append(
            _queue(
                "mine",
                _("My cases"),
                visible.filter(
                    assignee=staff, status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD]
                ),
                "received_at",
                _("No cases are assigned to you."),
            )
        )
    if role in (Role.SUPERVISOR, Role.UNIT_HEAD, Role.EXECUTIVE):
        overdue = StageClock.objects.filter(
            organisation_id=staff.organisation_id,
            finished_at__isnull=True,
            paused_at__isnull=True,
            due_at__lt=timezone.now(),
        )
        out.append(
            _queue(
                "overdue",
                _("Overdue"),
                visible.filter(status__in=LIVE, pk__in=overdue.values("case_id")),
                "received_at",
                _("Nothing is overdue."),
                count=_whole_organisation_count(staff, overdue),
            )
        )
    if role == Role.SUPERVISOR:
        escalated = StageClock.objects.filter(
            organisation_id=staff.organisation_id, finished_at__isnull=True, escalation_level__gt=0
        )
        out.append(
            _queue(
                "escalated",
                _("Escalated"),
                visible.filter(status__in=LIVE, pk__in=escalated.values("case_id")),
                "received_at",
                _("Nothing has been escalated."),
                count=_whole_organisation_count(staff, escalated),
            )
        )
    return out


def officer_loads(staff: Staff) -> list[Staff]:
    """The people a unit head can assign to, with how many open cases each holds."""
    if staff.unit is None:
        return []
    units = Unit.objects.subtree_ids(staff.unit)
    return list(
        Staff.objects.active()
        .filter(
            organisation=staff.organisation,
            unit_id__in=units,
            role__in=[Role.OFFICER, Role.CONTRACTOR, Role.UNIT_HEAD],
        )
        .select_related("user", "unit")
        .annotate(
            load=Count(
                "assigned_cases",
                filter=Q(
                    assigned_cases__status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD]
                ),
            )
        )
        .order_by("role", "user__first_name")
    )


def due_state(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """'overdue', 'soon' (within 2 hours) or '' for list colours."""
    if due is None:
        return ""
    now = now or timezone.now()
    if due < now:
        return "overdue"
    return "soon" if due - now < dt.timedelta(hours=2) else ""
