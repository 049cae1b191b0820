from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rongrian.cases.models import Case
from rongrian.notify.choices import DeliveryStatus
from rongrian.notify.models import Notification
from rongrian.org.access import staff_required
from rongrian.org.choices import Role

from .calendar import calendar_for, to_bangkok
from .models import StageClock

CHASE_LIMIT = 500


@staff_required(roles=[Role.SUPERVISOR, Role.INTAKE, Role.EXECUTIVE, Role.UNIT_HEAD])
def chase_list(request: HttpRequest) -> HttpResponse:
    """The daily chase list (seed 004, rule 4): every overdue stage, oldest first, by unit,
    with whom to call; and what falls due before the end of the next business day."""
    staff = request.staff  # type: ignore[attr-defined]
    now = timezone.now()
    cal = calendar_for(staff.organisation_id)
    horizon = cal.end_of_business_day(cal.add_business_days(to_bangkok(now).date(), 1))
    visible = Case.objects.visible_to(staff).values("pk")
    running = (
        StageClock.objects.filter(finished_at=None, paused_at=None, case__in=visible)
        .select_related("case", "case__category", "unit", "unit__parent")
        .order_by("due_at")
    )
    overdue = list(running.filter(due_at__lt=now)[:CHASE_LIMIT])
    soon = list(running.filter(due_at__gte=now, due_at__lte=horizon)[:CHASE_LIMIT])
    today = to_bangkok(now).date()
    for clock in overdue:
        clock.days_late = cal.business_days_between(to_bangkok(clock.due_at).date(), today)
    failed = Notification.objects.filter(
        Q(organisation_id=staff.organisation_id), status=DeliveryStatus.FAILED
    ).count()
    return render(
        request,
        "sla/chase_list.html",
        {
            "staff": staff,
            "overdue": overdue,
            "soon": soon,
            "limit": CHASE_LIMIT,
            "failed_notifications": failed,
            "now": now,
            "horizon": horizon,
        },
    )
