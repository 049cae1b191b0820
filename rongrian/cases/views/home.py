from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rongrian.org.access import staff_required
from rongrian.org.choices import Role

from ..queues import due_state, officer_loads, queues_for
from .common import CASE_ROLES, staff_of


@staff_required(roles=CASE_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home: its queues oldest first, clocks and colours; refreshes itself."""
    staff = staff_of(request)
    now = timezone.now()
    queues = queues_for(staff)
    for queue in queues:
        for case in queue.cases:
            case.due_state = due_state(case.next_due, now)
    context = {
        "staff": staff,
        "queues": queues,
        "loads": officer_loads(staff) if staff.role == Role.UNIT_HEAD else [],
        "now": now,
    }
    template = "cases/_queues.html" if request.headers.get("HX-Request") else "cases/home.html"
    return render(request, template, context)
