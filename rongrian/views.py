from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rongrian.catalog.models import Category
from rongrian.org.access import staff_for
from rongrian.org.choices import Role
from rongrian.org.models import Organisation

CHASERS = {Role.SUPERVISOR, Role.INTAKE, Role.EXECUTIVE, Role.UNIT_HEAD}


def home(request: HttpRequest) -> HttpResponse:
    """The front page: who runs this service, how to reach them, how many cases are open."""
    # The front page counts nothing over the case table: it is the first thing anyone
    # opens, and at a million cases any count of them costs more than the page.
    active_categories = (
        Category.objects.filter(organisation=OuterRef("pk"), is_active=True)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    organisations = Organisation.objects.filter(is_active=True).annotate(
        categories_count=Coalesce(Subquery(active_categories), 0),
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
