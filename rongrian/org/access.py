"""Who the signed-in person is in an organisation, and page guards built on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Staff


def staff_for(user: Any) -> Staff | None:
    """The person's active membership (the first, when they belong to several)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    staff = (
        Staff.objects.filter(user=user, is_active=True)
        .select_related("organisation", "unit")
        .order_by("pk")
        .first()
    )
    if staff is not None:
        staff.user = user  # already loaded by the sign-in
    return staff


def staff_required(
    roles: Iterable[str] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Sign-in required; the view gets `request.staff`; other roles are refused (403)."""
    allowed = frozenset(roles) if roles is not None else None

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            staff = staff_for(request.user)
            if staff is None or (allowed is not None and staff.role not in allowed):
                raise PermissionDenied
            request.staff = staff  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
