"""Who may open a case's public page: whoever proved they hold its receipt.

Knowing the receipt number and the tracking code (or the last 4 digits of the phone
given) grants this browser session the case; the QR link on the receipt carries both.
Wrong guesses are counted per client address and per receipt number, and refused
past the limit.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from rongrian.cases.models import Case
from rongrian.common import ratelimit

SESSION_KEY = "tracking_cases"
MAX_GRANTS = 20


def tracking_url(case: Case) -> str:
    path = reverse(
        "tracking:open", kwargs={"receipt_no": case.receipt_no, "code": case.tracking_code}
    )
    return settings.RONGRIAN_PUBLIC_URL.rstrip("/") + path


def grant(request: HttpRequest, case: Case) -> None:
    granted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != case.pk]
    request.session[SESSION_KEY] = [case.pk, *granted][:MAX_GRANTS]


def has_grant(request: HttpRequest, case: Case) -> bool:
    return case.pk in request.session.get(SESSION_KEY, [])


def second_factor_matches(case: Case, answer: str) -> bool:
    answer = (answer or "").strip().upper().replace(" ", "").replace("-", "")
    if not answer:
        return False
    if hmac.compare_digest(answer, case.tracking_code):
        return True
    phone = case.complainant_phone
    return len(answer) == 4 and len(phone) >= 4 and hmac.compare_digest(answer, phone[-4:])


class Throttled(Exception):
    pass


def _keys(request: HttpRequest, receipt_no: str) -> tuple[str, str]:
    return f"track-fail-ip:{ratelimit.client_ip(request)}", f"track-fail-no:{receipt_no.upper()}"


def check_throttle(request: HttpRequest, receipt_no: str) -> None:
    limit = settings.RONGRIAN_TRACK_FAIL_LIMIT
    by_ip, by_receipt = _keys(request, receipt_no)
    if ratelimit.count(by_ip) >= limit or ratelimit.count(by_receipt) >= limit:
        raise Throttled


def record_failure(request: HttpRequest, receipt_no: str) -> None:
    window = settings.RONGRIAN_TRACK_FAIL_WINDOW
    for key in _keys(request, receipt_no):
        ratelimit.hit(key, window=window)


def open_case(request: HttpRequest, receipt_no: str, answer: str) -> Case | None:
    """The case if `answer` proves the receipt; None (and one more failure) if not.
    Raises Throttled when this client or this receipt has failed too often."""
    receipt_no = receipt_no.strip().upper()
    check_throttle(request, receipt_no)
    case = Case.objects.filter(receipt_no=receipt_no).first()
    if case is None or not second_factor_matches(case, answer):
        record_failure(request, receipt_no)
        return None
    grant(request, case)
    return case
