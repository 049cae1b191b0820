"""Who is told what, and the outbox that delivers it.

Messages are written as Notification rows inside the transaction of the change they
report, and a delivery task is enqueued only once that transaction commits: a change
that rolls back tells nobody, and a committed change is never silently dropped
(the SLA sweep re-enqueues anything still waiting, see `enqueue_due`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import Channel, DeliveryStatus, Kind
from .models import Notification
from .transports import Message, TransportError, transport_for

if TYPE_CHECKING:
    from rongrian.cases.models import Case, CaseEvent
    from rongrian.org.models import Staff, User

log = logging.getLogger("rongrian.notify")

# Statuses a complainant who asked for updates hears about. Internal steps
# (acknowledged, assigned, returned) are not news to them.
CITIZEN_NEWS = frozenset(
    {
        "forwarded",
        "in_progress",
        "on_hold",
        "resolved",
        "closed",
        "referred",
        "rejected",
        "merged",
        "reopened",
    }
)
LINE_USER_ID = re.compile(r"U[0-9a-f]{32}")
# A worker holding the message gives it back after this long (crashed worker).
LEASE = dt.timedelta(minutes=10)


# ---------------------------------------------------------------------------
# Addresses


def is_line_user(address: str) -> bool:
    """Whether LINE can push to `address`: a user id from our LINE chat ("U" and 32 hex
    digits), not the LINE ID a person types into a form (LINE pushes to no such handle;
    the receipt tells them how to follow the case in our chat instead)."""
    return LINE_USER_ID.fullmatch(address) is not None


def complainant_contact(case: Case) -> tuple[str, str] | None:
    """The channel and address the complainant chose, else the first one they gave."""
    line = case.complainant_line_id
    options = {
        Channel.LINE: line if is_line_user(line) else "",
        Channel.SMS: case.complainant_phone,
        Channel.EMAIL: case.complainant_email,
    }
    preferred = case.update_channel
    if preferred and options.get(preferred):
        return preferred, options[preferred]
    for channel in (Channel.SMS, Channel.EMAIL, Channel.LINE):
        if options[channel]:
            return channel, options[channel]
    return None


def staff_contact(user: User, phone: str = "") -> tuple[str, str] | None:
    if user.email:
        return Channel.EMAIL, user.email
    if phone:
        return Channel.SMS, phone
    return None


# ---------------------------------------------------------------------------
# What happened → who is told


def on_event(case: Case, event: CaseEvent) -> None:
    """Called by cases.services for every timeline event, inside its transaction."""
    from rongrian.cases.choices import Action

    if event.action == Action.RECEIVE:
        send_receipt(case)
        return
    if event.action == Action.ASSIGN and case.assignee_id is not None:
        tell_assignee(case, case.assignee)
    if (
        case.wants_updates
        and event.is_public
        and event.to_status in CITIZEN_NEWS
        and (event.from_status != event.to_status or event.action == Action.PROGRESS)
    ):
        tell_complainant(case, event)


def receipt_contact(case: Case) -> tuple[str, str] | None:
    """Where the receipt goes, if anywhere."""
    contact = complainant_contact(case)
    if contact is None or (case.channel == "line" and contact[0] == Channel.LINE):
        return None  # the LINE conversation already answered with the receipt, for free
    return contact


def send_receipt(case: Case) -> Notification | None:
    """The receipt number and tracking link, wherever the complainant gave a contact."""
    contact = receipt_contact(case)
    if contact is None:
        return None
    from rongrian.tracking.access import tracking_url

    with translation.override(case.language or settings.LANGUAGE_CODE):
        subject = _("Complaint received: %(receipt)s") % {"receipt": case.receipt_no}
        body = "\n".join(
            [
                str(subject),
                str(_("Tracking code: %(code)s") % {"code": case.tracking_code}),
                str(_("Follow it here: %(url)s") % {"url": tracking_url(case)}),
            ]
        )
    return queue(
        organisation_id=case.organisation_id,
        case=case,
        kind=Kind.RECEIPT,
        channel=contact[0],
        address=contact[1],
        subject=str(subject),
        body=body,
    )


def tell_complainant(case: Case, event: CaseEvent) -> Notification | None:
    contact = complainant_contact(case)
    if contact is None:
        return None
    channel, address = contact
    from rongrian.cases.choices import Status
    from rongrian.tracking.services import public_text

    with translation.override(case.language or settings.LANGUAGE_CODE):
        status = Status(event.to_status).label
        subject = _("Your complaint %(receipt)s: %(status)s") % {
            "receipt": case.receipt_no,
            "status": status,
        }
        lines = [subject]
        detail = public_text(event)
        if detail:
            lines.append(detail)
        if event.to_status == Status.RESOLVED:
            lines.append(_("If the problem is not fixed, tell us through the tracking page."))
        if case.organisation.hotline:
            lines.append(_("Hotline: %(hotline)s") % {"hotline": case.organisation.hotline})
        body = "\n".join(str(line) for line in lines)
    return queue(
        organisation_id=case.organisation_id,
        case=case,
        kind=Kind.STATUS,
        channel=channel,
        address=address,
        subject=str(subject),
        body=body,
    )


def tell_assignee(case: Case, staff: Staff) -> Notification | None:
    contact = staff_contact(staff.user, staff.phone)
    if contact is None:
        return None
    with translation.override(staff.user.language or settings.LANGUAGE_CODE):
        subject = _("New work for you: %(receipt)s") % {"receipt": case.receipt_no}
        category = case.category.localized_name() if case.category_id else ""
        body = f"{subject}\n{category}\n{case.address}\n{case.description[:300]}".strip()
    return queue(
        organisation_id=case.organisation_id,
        case=case,
        kind=Kind.ASSIGNMENT,
        channel=contact[0],
        address=contact[1],
        subject=str(subject),
        body=body,
        recipient_id=staff.user_id,
    )


# ---------------------------------------------------------------------------
# The outbox


def queue(
    *,
    organisation_id: int,
    kind: str,
    channel: str,
    address: str,
    subject: str,
    body: str,
    case: Case | None = None,
    recipient_id: int | None = None,
) -> Notification:
    notification = Notification.objects.create(
        organisation_id=organisation_id,
        case=case,
        kind=kind,
        channel=channel,
        address=address,
        subject=subject[:200],
        body=body,
        recipient_id=recipient_id,
    )
    _enqueue_on_commit([notification.pk])
    return notification


def queue_many(notifications: list[Notification]) -> list[Notification]:
    """Write many messages at once (the sweep's escalations) and deliver them in one task."""
    created = Notification.objects.bulk_create(notifications)
    # PostgreSQL and SQLite >= 3.35 return the new ids from a bulk insert.
    _enqueue_on_commit([n.pk for n in created])
    return created


def _enqueue_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int], run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver

    task = deliver
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    try:
        task.enqueue(ids)
    except Exception:
        # The rows stay pending; the sweep's enqueue_due picks them up again.
        log.exception("could not enqueue notifications %s", ids)


def deliver(ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[str, int]:
    """Send each due message once; failures are retried with backoff, then marked failed."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    for pk in ids:
        counts[_deliver_one(pk, now or timezone.now())] += 1
    return counts


def _deliver_one(pk: int, now: dt.datetime) -> str:
    claimed = Notification.objects.filter(
        Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING),
        pk=pk,
        next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return "skipped"  # sent already, not due yet, or another worker holds it
    notification = Notification.objects.get(pk=pk)
    try:
        transport_for(notification.channel).send(
            Message(
                notification.address,
                notification.subject,
                notification.body,
                organisation_id=notification.organisation_id,
            )
        )
    except TransportError as exc:
        return _record_failure(notification, str(exc), now)
    Notification.objects.filter(pk=pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _record_failure(notification: Notification, error: str, now: dt.datetime) -> str:
    if notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            status=DeliveryStatus.FAILED, last_error=error[:2000]
        )
        log.error("notification %s failed for good: %s", notification.pk, error)
        return "failed"
    retry_at = now + backoff(notification.attempts)
    Notification.objects.filter(pk=notification.pk).update(
        status=DeliveryStatus.PENDING, last_error=error[:2000], next_attempt_at=retry_at
    )
    _enqueue([notification.pk], run_after=retry_at)
    return "retry"


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def enqueue_due(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Re-enqueue messages whose time has come but that no task is delivering
    (a lost task, a crashed worker, a backend without deferred tasks)."""
    ids = list(
        Notification.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
            next_attempt_at__lte=now or timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(ids), 100):
        _enqueue(ids[start : start + 100])
    return len(ids)
