"""The work queues each role lives in, as querysets scoped by Case.objects.visible_to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongrian.org.choices import Role
from rongrian.org.models import Staff, Unit
from rongrian.sla.choices import Stage
from rongrian.sla.models import StageClock

from . import lifecycle
from .choices import Status
from .models import Case

# A home page shows the oldest few of each queue and links to the whole list.
QUEUE_SIZE = 25
# What a queue row shows (cases/_queues.html): loading only these keeps a home page cheap.
ROW_FIELDS = (
    "organisation_id",
    "receipt_no",
    "received_at",
    "status",
    "category__name",
    "category__name_en",
    "category__name_my",
)
# Cases whose clocks may still run. Saying so lets the overdue and escalated queues use
# the partial index case_live_unit instead of a unit's whole history.
LIVE = sorted(lifecycle.LIVE)


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
    more: str = ""  # the case list's query string for the whole queue


def _queue(
    key: str,
    title: str,
    qs: QuerySet[Case],
    order: str,
    empty: str,
    more: str = "",
) -> Queue:
    items = list(
        with_next_due(qs).select_related("category").only(*ROW_FIELDS).order_by(order)[:QUEUE_SIZE]
    )
    total = len(items) if len(items) < QUEUE_SIZE else qs.count()
    return Queue(key, str(title), items, total, str(empty), more)


def _late_queue(
    key: str,
    title: str,
    staff: Staff,
    visible: QuerySet[Case],
    clocks: QuerySet[StageClock],
    empty: str,
    more: str = "",
) -> Queue:
    """A queue of cases with late clocks, the longest overdue first: read along the
    clocks' (organisation, due) index, so it stops after a screenful instead of sorting
    every late case of the organisation. A running clock belongs to a live case of its
    organisation, so people who see the whole organisation need no look at the cases."""
    whole = _sees_whole_organisation(staff)
    live = visible.filter(status__in=LIVE)
    ordered = clocks if whole else clocks.filter(case__in=live)
    ids: list[int] = []
    for case_id in ordered.order_by("due_at").values_list("case_id", flat=True)[: QUEUE_SIZE * 4]:
        if case_id not in ids:
            ids.append(case_id)
    ids = ids[:QUEUE_SIZE]
    found = {
        c.pk: c
        for c in with_next_due(Case.objects.filter(pk__in=ids))
        .select_related("category")
        .only(*ROW_FIELDS)
    }
    items = [found[pk] for pk in ids if pk in found]
    if len(items) < QUEUE_SIZE:
        total = len(items)
    elif whole:  # from the clocks' own index, which carries the case id
        total = clocks.values("case_id").distinct().count()
    else:
        total = live.filter(pk__in=clocks.values("case_id")).count()
    return Queue(key, str(title), items, total, str(empty), more)


def _sees_whole_organisation(staff: Staff) -> bool:
    return staff.role in (Role.SUPERVISOR, Role.EXECUTIVE)


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
                more="status=received&status=returned&order=oldest",
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
                more="status=forwarded&status=reopened&order=oldest",
            )
        )
        out.append(
            _queue(
                "assign",
                _("To assign"),
                visible.filter(status=Status.ACKNOWLEDGED),
                "received_at",
                _("Nothing waits to be assigned."),
                more="status=acknowledged&order=oldest",
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
                more=f"assignee={staff.pk}&status=assigned&status=in_progress&status=on_hold"
                "&order=oldest",
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
            _late_queue(
                "overdue",
                _("Overdue"),
                staff,
                visible,
                overdue,
                _("Nothing is overdue."),
                more="overdue=1&order=oldest",
            )
        )
    if role == Role.SUPERVISOR:
        escalated = StageClock.objects.filter(
            organisation_id=staff.organisation_id, finished_at__isnull=True, escalation_level__gt=0
        )
        out.append(
            _late_queue(
                "escalated",
                _("Escalated"),
                staff,
                visible,
                escalated,
                _("Nothing has been escalated."),
            )
        )
    return out


def officer_loads(staff: Staff) -> list[Staff]:
    """The people a unit head can assign to, with how many open cases each holds."""
    if staff.unit is None:
        return []
    units = Unit.objects.subtree_ids(staff.unit)
    open_work = (
        Case.objects.filter(
            assignee=OuterRef("pk"),
            status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD],
        )
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Staff.objects.active()
        .filter(
            organisation=staff.organisation,
            unit_id__in=units,
            role__in=[Role.OFFICER, Role.CONTRACTOR, Role.UNIT_HEAD],
        )
        .select_related("user", "unit")
        # One count per person along the (assignee, status) index; a join counted every
        # case the unit ever assigned (a quarter of a second at 1,000,000 cases).
        .annotate(load=Coalesce(Subquery(open_work), 0))
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
