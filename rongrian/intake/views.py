from __future__ import annotations

import functools
from contextlib import nullcontext
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rongrian.cases import pending
from rongrian.cases.choices import Channel
from rongrian.cases.models import Case
from rongrian.common import ratelimit
from rongrian.notify.services import is_line_user
from rongrian.org.access import staff_required
from rongrian.org.choices import Role
from rongrian.org.models import Organisation
from rongrian.tracking import access
from rongrian.tracking.access import grant, tracking_url

from . import quick, services
from .forms import ComplaintForm, CounterForm
from .line import follow_text
from .models import LineChannel
from .uploads import UploadError, check_photos


def _organisation(code: str | None) -> Organisation | None:
    active = Organisation.active_by_code()
    if code:
        if code.upper() not in active:
            raise Http404
        return active[code.upper()]
    return next(iter(active.values())) if len(active) == 1 else None


def _form_context(organisation: Organisation, form: ComplaintForm, **extra: Any) -> dict[str, Any]:
    """What the public form and the counter form show (both have the map pin)."""
    return {
        "organisation": organisation,
        "form": form,
        "map_tiles": settings.RONGRIAN_MAP_TILES,
        "map_attribution": settings.RONGRIAN_MAP_ATTRIBUTION,
        "max_photos": settings.RONGRIAN_MAX_PHOTOS,
        "max_mb": settings.RONGRIAN_MAX_UPLOAD_BYTES // 1_048_576,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest, org_code: str | None = None) -> HttpResponse:
    """The public complaint form: no sign-in, Thai first, works on a phone."""
    organisation = _organisation(org_code)
    if organisation is None:
        return render(
            request,
            "intake/choose_organisation.html",
            {"organisations": Organisation.objects.filter(is_active=True)},
        )
    if request.method == "GET":
        return render(
            request,
            "intake/form.html",
            _form_context(organisation, ComplaintForm(organisation=organisation)),
        )

    attempts = ratelimit.hit(
        f"submit:{ratelimit.client_ip(request)}", window=settings.RONGRIAN_SUBMIT_WINDOW
    )
    if attempts > settings.RONGRIAN_SUBMIT_LIMIT:
        form = ComplaintForm(request.POST, organisation=organisation)
        form.is_valid()
        context = _form_context(organisation, form, too_many=True)
        return render(request, "intake/form.html", context, status=429)
    language = (get_language() or "th")[:2]
    if not request.FILES and (fields := quick.clean(request.POST, organisation)) is not None:
        # The usual complaint, checked by the form's rules without building the form,
        # numbered and kept in one row; cases.pending registers the case (see there).
        taken = services.accept(organisation=organisation, fields=fields, language=language)
        return redirect(_receipt_path(taken.receipt_no, taken.tracking_code))
    form = ComplaintForm(request.POST, organisation=organisation)
    photos_error = ""
    photos = []
    if form.is_valid():
        try:
            photos = check_photos(request.FILES.getlist("photos"))
        except UploadError as exc:
            photos_error = str(exc)
    if not form.is_valid() or photos_error:
        if photos_error:
            form.add_error("photos", photos_error)
        context = _form_context(organisation, form, photos_dropped=bool(request.FILES))
        return render(request, "intake/form.html", context, status=400)
    if not photos:
        fields = form.case_fields()
        taken = services.accept(organisation=organisation, fields=fields, language=language)
        return redirect(_receipt_path(taken.receipt_no, taken.tracking_code))
    try:
        case = services.submit(
            organisation=organisation,
            form=form,
            photos=photos,
            channel=Channel.WEB,
            language=language,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return render(request, "intake/form.html", _form_context(organisation, form), status=400)
    # The receipt page, opened with the code, grants this browser the tracking page;
    # the submission itself writes no session.
    return redirect(_receipt_path(case.receipt_no, case.tracking_code))


@functools.cache
def _receipt_prefix() -> str:
    return reverse("intake:receipt", kwargs={"receipt_no": "N", "code": "C"})[: -len("N/C/")]


def _receipt_path(receipt_no: str, code: str) -> str:
    """The receipt's address (reversed once: every complaint is redirected to one)."""
    return f"{_receipt_prefix()}{receipt_no}/{code}/"


def receipt(request: HttpRequest, receipt_no: str, code: str) -> HttpResponse:
    """The receipt: number, tracking code and a QR code that opens the tracking page."""
    # Opening the receipt grants the tracking page: wrong codes count like the tracking
    # page's own (tracking.access), from this client.
    try:
        access.check_client(request)
    except access.Throttled:
        raise Http404 from None
    case = _receipt_case(receipt_no, code.upper())
    if case is None:
        access.record_failure(request, receipt_no)
        raise Http404
    # A complaint not registered yet is granted by its receipt number; the tracking page
    # registers it if it is opened first.
    grant(request, case)
    link = tracking_url(case)
    # The slip handed over the counter is in Thai (or the citizen's language), whatever
    # language the officer works in.
    walk_in = case.channel == Channel.WALK_IN
    with translation.override(case.language or "th") if walk_in else nullcontext():
        qr = segno.make(link, error="m").svg_inline(
            scale=4, title=_("Scan to follow your complaint")
        )
        return render(
            request,
            "intake/receipt.html",
            {
                "case": case,
                "qr_svg": qr,
                "tracking_link": link,
                "autoprint": request.GET.get("print") == "1",
                "follow_on_line": follow_on_line(case),
            },
        )


def _receipt_case(receipt_no: str, code: str) -> Case | None:
    """The case of the receipt, or what the receipt shows of a complaint accepted from
    the public form and not registered yet (cases.pending)."""
    cases = Case.objects.select_related("organisation", "category").filter(
        receipt_no=receipt_no, tracking_code=code
    )
    case = cases.first()
    if case is None and (taken := pending.pending(receipt_no)) is not None:
        return pending.as_case(taken) if taken.tracking_code == code else None
    # Registered between the two questions: the case is there now.
    return case or cases.first()


def follow_on_line(case: Case) -> dict[str, str] | None:
    """For a complainant who asked for news by LINE but did not write to us there: the
    message to send to the organisation's LINE account (see intake.line.follow_here)."""
    if case.update_channel != "line" or is_line_user(case.complainant_line_id):
        return None
    account = LineChannel.account_of(case.organisation_id)
    if account is None:
        return None
    return {"account": account, "message": follow_text(case)}


COUNTER_ROLES = [Role.INTAKE, Role.COUNTER, Role.SUPERVISOR]


@staff_required(roles=COUNTER_ROLES)
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Walk-in and hotline entry: one keyboard-driven form that shows possible duplicates
    before saving."""
    staff = request.staff  # type: ignore[attr-defined]
    organisation = staff.organisation
    if request.method == "GET":
        channel = request.GET.get("channel", Channel.PHONE)
        form = CounterForm(organisation=organisation, initial={"channel": channel})
        return render(request, "intake/counter.html", _form_context(organisation, form))
    form = CounterForm(request.POST, organisation=organisation)
    photos, duplicates = [], []
    if form.is_valid():
        try:
            photos = check_photos(request.FILES.getlist("photos"))
        except UploadError as exc:
            form.add_error("photos", str(exc))
    if form.is_valid() and not form.cleaned_data.get("save_anyway"):
        duplicates = services.possible_duplicates(
            organisation=organisation,
            category=form.cleaned_data.get("category"),
            latitude=form.cleaned_data.get("latitude"),
            longitude=form.cleaned_data.get("longitude"),
            phone=form.cleaned_data.get("phone", ""),
            address=form.cleaned_data.get("address", ""),
        )
    if not form.is_valid() or duplicates:
        context = _form_context(organisation, form, duplicates=duplicates)
        return render(request, "intake/counter.html", context, status=200 if duplicates else 400)
    try:
        case = services.submit(
            organisation=organisation,
            form=form,
            photos=photos,
            channel=form.cleaned_data["channel"],
            by=staff,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return render(request, "intake/counter.html", _form_context(organisation, form), status=400)
    url = reverse(
        "intake:receipt", kwargs={"receipt_no": case.receipt_no, "code": case.tracking_code}
    )
    return redirect(f"{url}?print=1" if case.channel == Channel.WALK_IN else url)


@staff_required(roles=COUNTER_ROLES)
def duplicates(request: HttpRequest) -> HttpResponse:
    """The possible-duplicates panel, refreshed while the officer types (htmx)."""
    staff = request.staff  # type: ignore[attr-defined]
    form = CounterForm(request.GET, organisation=staff.organisation)
    form.is_valid()  # only the parts that parse are used
    data = form.cleaned_data
    found = services.possible_duplicates(
        organisation=staff.organisation,
        category=data.get("category"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        phone=data.get("phone", "") if "phone" not in form.errors else "",
        address=data.get("address", ""),
    )
    return render(request, "intake/_duplicates.html", {"duplicates": found})
