"""Who may open a case's public page: whoever proved they hold its receipt.

Knowing the receipt number and the tracking code (or the last 4 digits of the phone
given) grants this browser the case; the QR link on the receipt carries both. The
grants live in a signed cookie (no session row: following a complaint writes nothing
to the database), up to MAX_GRANTS cases, newest first. Wrong guesses are counted per
client address and per receipt number, and refused past the limit.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from rongrian.cases import pending
from rongrian.cases.models import Case
from rongrian.common import ratelimit

COOKIE = "rongrian_track"
SALT = "rongrian.tracking.grants"
MAX_GRANTS = 20


def tracking_url(case: Case) -> str:
    path = reverse(
        "tracking:open", kwargs={"receipt_no": case.receipt_no, "code": case.tracking_code}
    )
    return settings.RONGRIAN_PUBLIC_URL.rstrip("/") + path


def granted(request: HttpRequest) -> list[str]:
    """What this browser has proved it may follow: case ids, and the receipt numbers of
    complaints accepted but not yet registered when the browser got them (cases.pending)."""
    held = getattr(request, "_tracking_grants", None)
    if held is not None:
        return held
    value = request.get_signed_cookie(
        COOKIE, default="", salt=SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    return [token for token in value.split(".") if token][:MAX_GRANTS]


def _token(case: Case) -> str:
    return str(case.pk) if case.pk is not None else case.receipt_no


def grant(request: HttpRequest, case: Case) -> None:
    """Remember the case for this browser; GrantsMiddleware writes the cookie."""
    token = _token(case)
    others = [t for t in granted(request) if t not in (token, case.receipt_no)]
    request._tracking_grants = [token, *others][:MAX_GRANTS]  # type: ignore[attr-defined]


def has_grant(request: HttpRequest, case: Case) -> bool:
    tokens = granted(request)
    return str(case.pk) in tokens or case.receipt_no in tokens


class GrantsMiddleware:
    """Writes the grants cookie on the responses of requests that granted a case."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        held = getattr(request, "_tracking_grants", None)
        if held is not None:
            response.set_signed_cookie(
                COOKIE,
                ".".join(held),
                salt=SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def second_factor_matches(case: Case, answer: str) -> bool:
    answer = (answer or "").strip().upper().replace(" ", "").replace("-", "")
    if not answer:
        return False
    if hmac.compare_digest(answer, case.tracking_code):
        return True
    phone = case.complainant_phone
    return len(answer) == 4 and len(phone) >= 4 and hmac.compare_digest(answer, phone[-4:])


class Throttled(Exception):
    """This client has guessed wrong too often."""


class PhoneDigitsBlocked(Throttled):
    """This receipt has had too many wrong guesses: only its tracking code opens it now."""


def _keys(request: HttpRequest, receipt_no: str) -> tuple[str, str]:
    return f"track-fail-ip:{ratelimit.client_ip(request)}", f"track-fail-no:{receipt_no.upper()}"


def check_client(request: HttpRequest) -> None:
    """Raises Throttled when this client has guessed wrong too often."""
    by_ip, _by_receipt = _keys(request, "")
    if ratelimit.count(by_ip) >= settings.RONGRIAN_TRACK_FAIL_LIMIT:
        raise Throttled


def record_failure(request: HttpRequest, receipt_no: str) -> None:
    window = settings.RONGRIAN_TRACK_FAIL_WINDOW
    for key in _keys(request, receipt_no):
        ratelimit.hit(key, window=window)


def open_case(request: HttpRequest, receipt_no: str, answer: str) -> Case | None:
    """The case if `answer` proves the receipt; None (and one more failure) if not.

    Raises Throttled when this client has failed too often. Failures are also counted per
    receipt, from any client: past the limit the receipt no longer opens with the last
    four digits of the phone (10,000 guesses), while its 8-character tracking code and
    the QR link still do, so nobody can lock a citizen out of their own case."""
    receipt_no = receipt_no.strip().upper()
    check_client(request)
    _by_ip, by_receipt = _keys(request, receipt_no)
    if (
        len(answer.strip()) == 4
        and ratelimit.count(by_receipt) >= settings.RONGRIAN_TRACK_FAIL_LIMIT
    ):
        raise PhoneDigitsBlocked
    # The receipt number is unique; only what the check needs is read (the QR link is
    # the most frequent public request after the form).
    found = Case.objects.filter(receipt_no=receipt_no).only(
        "pk", "receipt_no", "tracking_code", "complainant_phone"
    )[:1]
    case = next(iter(found), None)
    if case is None and (taken := pending.pending(receipt_no)) is not None:
        # Accepted from the public form and not registered yet: registered now, once the
        # answer is right (the citizen wants the page; the loop would do it in a moment).
        phone = taken.fields.get("complainant_phone", "")
        probe = Case(tracking_code=taken.tracking_code, complainant_phone=phone)
        if second_factor_matches(probe, answer):
            case = pending.register_now(taken)
    if case is None or not second_factor_matches(case, answer):
        record_failure(request, receipt_no)
        return None
    grant(request, case)
    return case
