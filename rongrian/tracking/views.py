from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rongrian.cases import pending
from rongrian.cases import services as case_services
from rongrian.cases.choices import Status
from rongrian.cases.exceptions import CaseError, StaleCase
from rongrian.cases.models import Case
from rongrian.cases.views.common import attachment_response
from rongrian.intake.forms import normalise_phone
from rongrian.intake.line import follow_text
from rongrian.intake.models import LineChannel
from rongrian.sla.clocks import current_deadline
from rongrian.surveys.services import rate

from . import access, services


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    receipt_no = (request.POST.get("receipt_no") or request.GET.get("receipt_no") or "").strip()
    error, status = "", 200
    if request.method == "POST":
        try:
            case = access.open_case(request, receipt_no, request.POST.get("code", ""))
        except access.Throttled as exc:
            error, status = _throttled_message(exc), 429
        else:
            if case is not None:
                return redirect("tracking:case", receipt_no=case.receipt_no)
            error, status = _("No complaint matches this number and code. Check the receipt."), 404
    return render(
        request, "tracking/lookup.html", {"receipt_no": receipt_no, "error": error}, status=status
    )


def _throttled_message(exc: access.Throttled) -> str:
    if isinstance(exc, access.PhoneDigitsBlocked):
        return _(
            "Too many wrong tries for this receipt. Use the tracking code printed on the "
            "receipt, or scan its QR code."
        )
    return _("Too many wrong tries. Wait 15 minutes or call the hotline.")


def open_link(request: HttpRequest, receipt_no: str, code: str) -> HttpResponse:
    """The QR code on the receipt lands here."""
    try:
        case = access.open_case(request, receipt_no, code)
    except access.Throttled as exc:
        context = {"receipt_no": receipt_no, "error": _throttled_message(exc)}
        return render(request, "tracking/lookup.html", context, status=429)
    if case is None:
        return redirect(f"{reverse('tracking:lookup')}?receipt_no={receipt_no}")
    return redirect("tracking:case", receipt_no=case.receipt_no)


def _granted_case(request: HttpRequest, receipt_no: str, *also: str) -> Case | None:
    """The case if this browser was granted it; `also` names more relations to read with
    it (the page reads the rating)."""
    cases = Case.objects.select_related("organisation", "category", *also).filter(
        receipt_no=receipt_no
    )
    case = cases.first()
    if case is None and (taken := pending.pending(receipt_no)) is not None:
        # Accepted from the form a moment ago and not registered yet: registered now.
        if access.has_grant(request, pending.as_case(taken)):
            pending.register_now(taken)
        case = cases.first()
    if case is None or not access.has_grant(request, case):
        return None
    return case


def case_page(request: HttpRequest, receipt_no: str) -> HttpResponse:
    case = _granted_case(request, receipt_no, "rating")
    if case is None:
        return redirect(f"{reverse('tracking:lookup')}?receipt_no={receipt_no}")
    return _render_page(request, case)


# What the citizen typed into the page's forms, shown again when one of them is refused.
_TYPED = ("reason", "score", "comment", "channel", "address", "consent")


def _render_page(
    request: HttpRequest, case: Case, *, typed: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    deadline = (
        current_deadline(case)
        if case.status not in (Status.CLOSED, Status.REJECTED, Status.MERGED)
        else None
    )
    own_photos, after_photos = services.citizen_photos(case)
    return render(
        request,
        "tracking/case.html",
        {
            "case": case,
            "sentence": services.STATUS_SENTENCES[Status(case.status)],
            "deadline": deadline,
            "timeline": services.public_timeline(case),
            "after_photos": after_photos,
            "own_photos": own_photos,
            "rating": getattr(case, "rating", None),
            "can_confirm": case.status == Status.RESOLVED,
            "can_rate": case.status in (Status.RESOLVED, Status.CLOSED),
            "line_account": LineChannel.account_of(case.organisation_id) is not None,
            "typed": typed or {},
            # The language switch returns to the case, not to the address of an answer.
            "next_path": reverse("tracking:case", args=[case.receipt_no]),
        },
        status=status,
    )


def photo(request: HttpRequest, receipt_no: str, attachment_id: int) -> HttpResponse:
    """Photos are served only to whoever may see the case (never by a guessable URL)."""
    case = _granted_case(request, receipt_no)
    if case is None:
        raise Http404
    return attachment_response(case, attachment_id, kinds=services.CITIZEN_KINDS)


def act(request: HttpRequest, receipt_no: str, action: str) -> HttpResponse:
    if request.method != "POST":
        # The address of a refused answer's page (a language switch, a reload): the case.
        return redirect("tracking:case", receipt_no=receipt_no)
    case = _granted_case(request, receipt_no, "rating")
    if case is None:
        return redirect(f"{reverse('tracking:lookup')}?receipt_no={receipt_no}")
    try:
        case_services.expect_version(case, request.POST.get("version"))
        if action == "confirm":
            case_services.citizen_confirm(case)
            messages.success(request, _("Thank you. The complaint is closed."))
        elif action == "dispute":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                raise ValidationError(_("Tell us what is still wrong."))
            case_services.citizen_dispute(case, reason=reason)
            messages.success(request, _("We have sent your complaint back to the unit."))
        elif action == "rate":
            rate(
                case,
                score=int(request.POST.get("score") or 0),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Thank you for your rating."))
        elif action == "notify":
            follow = _ask_for_updates(request, case)
            messages.success(request, follow or _("We will tell you when something changes."))
        else:
            raise Http404
    except (CaseError, ValidationError, ValueError) as exc:
        text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        if isinstance(exc, ValueError) and not isinstance(exc, CaseError):
            text = _("Choose a score from 1 to 5.")
        if isinstance(exc, StaleCase):
            # The page shown with this message is the case as it is now: read at the start
            # of this request, or again by the service that lost the race.
            text = _(
                "The complaint changed since you opened the page; here it is as it is now. "
                "Send again if you still want to."
            )
        messages.error(request, text)
        # The page again, with what was typed still in its box (a redirect would lose it).
        typed = {name: request.POST.get(name, "") for name in _TYPED} | {"action": action}
        return _render_page(
            request, case, typed=typed, status=409 if isinstance(exc, StaleCase) else 400
        )
    return redirect("tracking:case", receipt_no=case.receipt_no)


def _ask_for_updates(request: HttpRequest, case: Case) -> str:
    """Record how the complainant wants news; for LINE, what to send to our LINE chat
    (LINE pushes only to people who wrote to the account, not to a typed LINE ID)."""
    channel = request.POST.get("channel", "")
    address = request.POST.get("address", "").strip()
    if channel == "line":
        account = LineChannel.account_of(case.organisation_id)
        if account is None:
            raise ValidationError(_("This municipality has no LINE account yet."))
        if not account:  # the administrator has not written the account's ID down
            return _(
                "Send this message to our LINE account and we will tell you there: %(message)s"
            ) % {"message": follow_text(case)}
        return _(
            "Send this message to our LINE account %(account)s and we will tell you there: "
            "%(message)s"
        ) % {"account": account, "message": follow_text(case)}
    if request.POST.get("consent") != "on":
        raise ValidationError(_("Tick to agree that we use this contact to tell you."))
    if channel == "sms":
        address = normalise_phone(address)
    elif channel == "email":
        from django.core.validators import validate_email

        validate_email(address)
    else:
        raise ValidationError(_("Choose how we should tell you."))
    if not address:
        raise ValidationError(_("Give the phone number, e-mail or LINE ID to use."))
    case_services.set_updates(case, channel=channel, address=address)
    return ""
