from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rongrian.cases.lifecycle import OPEN
from rongrian.org.access import staff_for
from rongrian.org.choices import Role
from rongrian.org.models import Organisation

CHASERS = {Role.SUPERVISOR, Role.INTAKE, Role.EXECUTIVE, Role.UNIT_HEAD}


def home(request: HttpRequest) -> HttpResponse:
    """The front page: who runs this service, how to reach them, how many cases are open."""
    organisations = Organisation.objects.filter(is_active=True).annotate(
        open_cases=Count("cases", filter=Q(cases__status__in=OPEN)),
        categories_count=Count("categories", filter=Q(categories__is_active=True), distinct=True),
    )
    staff = staff_for(request.user)
    return render(
        request,
        "home.html",
        {
            "organisations": organisations,
            "staff": staff,
            "can_chase": staff is not None and staff.role in CHASERS,
        },
    )
