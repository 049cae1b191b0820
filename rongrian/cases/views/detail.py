from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongrian.audit.services import contact_access, log_access, mask
from rongrian.intake.uploads import UploadError, check_photos
from rongrian.org.access import staff_required
from rongrian.org.choices import Role
from rongrian.org.models import ExternalAgency, Staff, Unit
from rongrian.sla.models import StageClock

from .. import services as s
from ..choices import Action, Status
from ..exceptions import CaseError, InvalidInput, StaleCase
from ..lifecycle import SCREENING
from ..models import Case
from ..queues import due_state, officer_loads
from .common import CASE_ROLES, attachment_response, staff_of, visible_case


@staff_required(roles=CASE_ROLES)
def case_page(request: HttpRequest, receipt_no: str) -> HttpResponse:
    staff = staff_of(request)
    case = visible_case(request, receipt_no)
    access = contact_access(staff)
    has_contacts = any(
        [
            case.complainant_name,
            case.complainant_phone,
            case.complainant_email,
            case.complainant_line_id,
        ]
    )
    if access == "shown" and has_contacts:
        log_access(staff=staff, case_id=case.pk, how="view")
    actions = s.available_actions(case, staff)
    since = int(request.GET["since"]) if request.GET.get("since", "").isdigit() else None
    clocks = list(
        StageClock.objects.filter(case=case).select_related("unit").order_by("started_at", "pk")
    )
    for clock in clocks:
        clock.due_state = (
            due_state(clock.due_at) if clock.finished_at is None and clock.paused_at is None else ""
        )
    context: dict[str, Any] = {
        "staff": staff,
        "case": case,
        "actions": [a.value for a in actions],
        "events": list(case.events.select_related("actor", "actor_unit").order_by("seq")),
        "since": since,
        "clocks": clocks,
        "attachments": list(case.attachments.all()),
        "contacts": _contacts(case, access),
        "access": access,
        "units": Unit.objects.filter(organisation=case.organisation, is_active=True).select_related(
            "parent"
        ),
        "agencies": ExternalAgency.objects.filter(organisation=case.organisation, is_active=True),
        "loads": officer_loads(staff) if Action.ASSIGN in actions else [],
        "suggested_unit": case.category.default_unit if case.category_id else None,
        # Only on the screening desk: elsewhere nobody needs it and it is not free.
        "next_in_queue": _next_in_queue(staff, case) if case.status in SCREENING else None,
        "map_tiles": settings.RONGRIAN_MAP_TILES,
        "map_attribution": settings.RONGRIAN_MAP_ATTRIBUTION,
        "can_note": staff.role != Role.EXECUTIVE,
    }
    return render(request, "cases/case.html", context)


def _contacts(case: Case, access: str) -> dict[str, str]:
    values = {
        "name": case.complainant_name,
        "phone": case.complainant_phone,
        "email": case.complainant_email,
        "line_id": case.complainant_line_id,
    }
    if access == "shown":
        return values
    if access == "masked":
        return {
            k: mask(v) if k != "name" else (v[:1] + "•••" if v else "") for k, v in values.items()
        }
    return {k: "" for k in values}


def _next_in_queue(staff: Staff, case: Case) -> Case | None:
    """The next case waiting for screening after this one (the officer's 'next' key)."""
    if staff.role not in (Role.INTAKE, Role.SUPERVISOR, Role.COUNTER):
        return None
    return (
        Case.objects.visible_to(staff)
        .filter(status__in=SCREENING)
        .exclude(pk=case.pk)
        .order_by("received_at", "pk")
        .only("receipt_no")
        .first()
    )


@require_POST
@staff_required(roles=[Role.UNIT_HEAD, Role.OFFICER, Role.EXECUTIVE])
def reveal(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """Show a masked complainant's contact details once, and log who asked."""
    staff = staff_of(request)
    case = visible_case(request, receipt_no)
    log_access(staff=staff, case_id=case.pk, how="reveal")
    return render(
        request,
        "cases/_contacts.html",
        {"contacts": _contacts(case, "shown"), "access": "shown", "case": case},
    )


@staff_required(roles=CASE_ROLES)
def photo(request: HttpRequest, receipt_no: str, attachment_id: int) -> HttpResponse:
    return attachment_response(visible_case(request, receipt_no), attachment_id)


# ---------------------------------------------------------------------------
# Actions: parse the form, call the service, report in the officer's language.


def _text(post: Any, name: str) -> str:
    return (post.get(name) or "").strip()


def _photos(request: HttpRequest) -> list[s.NewFile]:
    try:
        return [p.as_new_file() for p in check_photos(request.FILES.getlist("photos"))]
    except UploadError as exc:
        raise InvalidInput(str(exc)) from exc


def _unit(case: Case, post: Any) -> Unit:
    unit = Unit.objects.filter(organisation=case.organisation, pk=post.get("unit") or 0).first()
    if unit is None:
        raise InvalidInput(_("Choose a unit of this organisation."))
    return unit


def _person(case: Case, post: Any) -> Staff:
    person = (
        Staff.objects.filter(organisation=case.organisation, pk=post.get("assignee") or 0)
        .select_related("user", "unit")
        .first()
    )
    if person is None:
        raise InvalidInput(_("Choose who will do the work."))
    return person


def _agency(case: Case, post: Any) -> ExternalAgency:
    agency = ExternalAgency.objects.filter(
        organisation=case.organisation, pk=post.get("agency") or 0
    ).first()
    if agency is None:
        raise InvalidInput(_("Choose the agency to refer to."))
    return agency


def _merge_target(request: HttpRequest, post: Any) -> Case:
    target = (
        Case.objects.visible_to(staff_of(request))
        .filter(receipt_no=_text(post, "into").upper())
        .first()
    )
    if target is None:
        raise InvalidInput(_("No case with that receipt number in your organisation."))
    return target


Handler = Callable[[HttpRequest, Case, Staff], Case]
HANDLERS: dict[str, Handler] = {
    "forward": lambda r, c, b: s.forward(
        c, to_unit=_unit(c, r.POST), by=b, note=_text(r.POST, "note")
    ),
    "refer": lambda r, c, b: s.refer(
        c,
        agency=_agency(c, r.POST),
        by=b,
        urgent=r.POST.get("urgent") == "on",
        note=_text(r.POST, "note"),
    ),
    "reject": lambda r, c, b: s.reject(c, reason=_text(r.POST, "reason"), by=b),
    "merge": lambda r, c, b: s.merge(
        c, into=_merge_target(r, r.POST), by=b, note=_text(r.POST, "note")
    ),
    "acknowledge": lambda r, c, b: s.acknowledge(c, by=b, note=_text(r.POST, "note")),
    "assign": lambda r, c, b: s.assign(c, to=_person(c, r.POST), by=b, note=_text(r.POST, "note")),
    "return": lambda r, c, b: s.return_to_screening(c, reason=_text(r.POST, "reason"), by=b),
    "start": lambda r, c, b: s.start_work(c, by=b, note=_text(r.POST, "note")),
    "progress": lambda r, c, b: s.report_progress(
        c, note=_text(r.POST, "note"), by=b, public=r.POST.get("public") == "on", files=_photos(r)
    ),
    "hold": lambda r, c, b: s.hold(c, reason=_text(r.POST, "reason"), by=b),
    "resume": lambda r, c, b: s.resume(c, by=b, note=_text(r.POST, "note")),
    "resolve": lambda r, c, b: s.resolve(c, result=_text(r.POST, "result"), by=b, files=_photos(r)),
    "close": lambda r, c, b: s.close(c, by=b, reason=_text(r.POST, "reason")),
    "reopen": lambda r, c, b: s.reopen(c, reason=_text(r.POST, "reason"), by=b),
    "note": lambda r, c, b: s.add_note(
        c, text=_text(r.POST, "note"), by=b, public=r.POST.get("public") == "on"
    ),
}


@require_POST
@staff_required(roles=CASE_ROLES)
def act(request: HttpRequest, receipt_no: str, action: str) -> HttpResponse:
    staff = staff_of(request)
    case = visible_case(request, receipt_no)
    handler = HANDLERS.get(action)
    if handler is None:
        raise Http404
    shown_seq = request.POST.get("seq", "")
    url = reverse("cases:case", kwargs={"receipt_no": case.receipt_no})
    try:
        s.expect_version(case, request.POST.get("version"))
        case = handler(request, case, staff)
    except StaleCase as exc:
        messages.error(request, str(exc))
        return redirect(f"{url}?since={shown_seq}" if shown_seq.isdigit() else url)
    except (CaseError, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect(url)
    after = request.POST.get("then")
    done = str(Action(action).label)
    if after == "next":
        # The message shows on the next case's page: say which case was acted on.
        done = f"{done} {case.receipt_no}"
    messages.success(request, _("Done: %(action)s.") % {"action": done})
    if after == "next":
        nxt = _next_in_queue(staff, case)
        if nxt is not None:
            return redirect("cases:case", receipt_no=nxt.receipt_no)
        return redirect("cases:home")
    if case.status in (Status.CLOSED, Status.REJECTED, Status.MERGED) or not s.available_actions(
        case, staff
    ):
        # Nothing left for this person here: back to their queues.
        if Case.objects.visible_to(staff).filter(pk=case.pk).exists() and staff.role not in (
            Role.INTAKE,
            Role.COUNTER,
        ):
            return redirect(url)
        return redirect("cases:home")
    return redirect(url)
