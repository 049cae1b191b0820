from __future__ import annotations

from collections.abc import Collection

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from rongrian.org.choices import Role
from rongrian.org.models import Staff

from ..models import Attachment, Case

# Everyone who works on or watches cases; the administrator works in the admin pages.
CASE_ROLES = [
    Role.INTAKE,
    Role.UNIT_HEAD,
    Role.OFFICER,
    Role.CONTRACTOR,
    Role.SUPERVISOR,
    Role.EXECUTIVE,
    Role.COUNTER,
]


def staff_of(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined, no-any-return]


def visible_case(request: HttpRequest, receipt_no: str) -> Case:
    """The case if this person may see it; 404 otherwise, so other organisations' and
    units' cases do not even reveal that they exist."""
    case = (
        Case.objects.visible_to(staff_of(request))
        .select_related(
            "organisation",
            "category",
            "category__default_unit",
            "unit",
            "assignee__user",
            "referred_to",
            "merged_into",
        )
        .filter(receipt_no=receipt_no)
        .first()
    )
    if case is None:
        raise Http404
    return case


def attachment_response(
    case: Case, attachment_id: int, kinds: Collection[str] | None = None
) -> FileResponse:
    """A case's photo, for whoever the caller has already allowed to see the case (and
    only of `kinds`, when given)."""
    found = Attachment.objects.filter(pk=attachment_id, case=case)
    attachment = get_object_or_404(found.filter(kind__in=kinds) if kinds is not None else found)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
