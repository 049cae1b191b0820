"""Public-form complaints are taken in two steps.

1. **Accepted**, in the citizen's request: the checked fields are numbered and stored as
   one `Submission` row in one statement (`receipts.accept`). The receipt number, the
   tracking code and the time received are fixed there, and nothing later can lose them.
2. **Registered**, by `register_pending` (the `register_complaints` loop, twice a second
   in `make run`), or at once by `register_now` when the citizen opens the tracking page
   first: the Case is built from the row exactly as `services.create_case` builds one
   (fields checked again, Thai words cut for search, the clocks started from the time
   received, the first timeline event, the receipt message), all in one transaction
   that also marks the row registered.

Why two steps: a complaint written whole (four rows, their fifteen index entries, the
word cutting and the business-calendar deadlines) costs several times a one-row insert;
a public form must take a flood of complaints at the rate the web server can answer,
and a citizen needs only the receipt to be certain. Staff see the case about half a
second later. Complaints with photos, and those taken by staff or over LINE, are
written whole at once (`services.create_case`): the photos belong to the first event,
and an officer wants the case on the screen.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from rongrian.catalog.models import Category
from rongrian.common.thaidate import fiscal_year_be, local_date
from rongrian.notify import services as notify_services
from rongrian.org.models import Organisation
from rongrian.sla import clocks as sla_clocks

from . import receipts
from .models import Case, Submission
from .services import CITIZEN_ACTOR, new_case

logger = logging.getLogger(__name__)

BATCH = 200
# A row that failed this often is left for an administrator (admin: submissions), so one
# bad row cannot hold up the loop; its receipt still opens its page.
MAX_ATTEMPTS = 5


def accept(
    *,
    organisation: Organisation,
    channel: str,
    language: str,
    idempotency_key: str,
    fields: dict[str, Any],
    received_at: dt.datetime | None = None,
) -> Submission:
    """Number and store a checked complaint (the fields `services.create_case` takes);
    a repeated idempotency key returns the first submission."""
    received_at = received_at or timezone.now()
    submission = Submission(
        organisation=organisation,
        fiscal_year=fiscal_year_be(local_date(received_at)),
        channel=channel,
        language=language,
        idempotency_key=idempotency_key,
        received_at=received_at,
        fields={name: _stored(value) for name, value in fields.items()},
    )
    # Inside a caller's transaction a savepoint keeps a repeated key from breaking it.
    inside = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if inside else nullcontext():
            receipts.accept(submission)
    except IntegrityError:
        existing = Submission.objects.filter(
            organisation=organisation, idempotency_key=idempotency_key
        ).first()
        if existing is None:
            raise
        return existing
    return submission


def _stored(value: Any) -> Any:
    if isinstance(value, Category):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_case(submission: Submission) -> Case:
    """An unsaved Case with what the receipt shows, for a submission not yet registered."""
    fields = submission.fields
    category = Category.active_for(submission.organisation_id)
    return Case(
        organisation=submission.organisation,
        receipt_no=submission.receipt_no,
        receipt_seq=submission.receipt_seq,
        fiscal_year=submission.fiscal_year,
        tracking_code=submission.tracking_code,
        channel=submission.channel,
        language=submission.language,
        received_at=submission.received_at,
        category=next((c for c in category if c.pk == fields.get("category")), None),
        update_channel=fields.get("update_channel", ""),
        complainant_line_id=fields.get("complainant_line_id", ""),
        complainant_phone=fields.get("complainant_phone", ""),
    )


def pending(receipt_no: str) -> Submission | None:
    """The submission of this receipt number if it is not registered yet."""
    return (
        Submission.objects.select_related("organisation")
        .filter(receipt_no=receipt_no, case__isnull=True)
        .first()
    )


def registered(organisation_id: int, receipt_no: str) -> Case | None:
    """The organisation's case of this receipt number, registered now if it was only
    accepted so far (for a citizen who quotes a receipt a moment after getting it)."""
    cases = Case.objects.filter(organisation_id=organisation_id, receipt_no=receipt_no)
    case = cases.first()
    if case is None and (taken := pending(receipt_no)) is not None:
        if taken.organisation_id == organisation_id:
            return register_now(taken)
        return None
    return case


def register_late(*, older_than: dt.timedelta = dt.timedelta(seconds=30)) -> int:
    """The SLA sweep's fall-back for a registrar that is not running: registers what has
    waited longer than `older_than`. How many it registered."""
    since = timezone.now() - older_than
    if not Submission.objects.filter(case__isnull=True, received_at__lt=since).exists():
        return 0
    logger.warning(
        "accepted complaints waited over %s: is register_complaints running?", older_than
    )
    done = 0
    while registered_now := register_pending():
        done += registered_now
    return done


def register_pending(*, limit: int = BATCH) -> int:
    """Register up to `limit` accepted submissions, each organisation's oldest first; how
    many were. Safe in several processes at once (rows being registered elsewhere are
    skipped). A batch is one transaction; if one of its rows fails, the batch is done
    again one row at a time, and the failing row is kept with its error."""
    try:
        with transaction.atomic():
            return len([_register(s) for s in _claim(limit)])
    except Exception:
        pass  # rolled back whole: again, one at a time, to find the row that fails
    done = 0
    with transaction.atomic():
        for submission in _claim(limit):
            try:
                with transaction.atomic():
                    _register(submission)
                done += 1
            except Exception as exc:  # kept, counted, shown in the admin; never lost
                logger.exception("submission %s not registered", submission.receipt_no)
                Submission.objects.filter(pk=submission.pk).update(
                    attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:2000]
                )
    return done


def _claim(limit: int) -> list[Submission]:
    """The oldest waiting submissions, locked for this transaction (PostgreSQL: those
    another registrar holds are skipped)."""
    return list(
        Submission.objects.filter(case__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .select_related("organisation")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("receipt_no")[:limit]
    )


def register_now(submission: Submission) -> Case:
    """The case of a submission, registered now if the loop has not yet done it."""
    with transaction.atomic():
        locked = (
            Submission.objects.select_related("organisation")
            .select_for_update(of=("self",))
            .get(pk=submission.pk)
        )
        if locked.case_id is None:
            try:
                with transaction.atomic():
                    return _register(locked)
            except IntegrityError:
                pass  # registered meanwhile by a loop that holds no row lock (SQLite)
    return Case.objects.select_related("organisation", "category").get(
        receipt_no=submission.receipt_no
    )


def _register(submission: Submission) -> Case:
    fields = dict(submission.fields)
    try:
        case, event = _build(submission, fields)
    except ValidationError as exc:
        if "category" not in exc.message_dict or fields.get("category") is None:
            raise
        # The category was withdrawn between the form and now: screening will choose one.
        fields["category"] = None
        case, event = _build(submission, fields)
    clocks = sla_clocks.new_case_clocks(case, case.received_at)
    receipts.insert_numbered(case, event, clocks, submission)
    notify_services.on_event(case, event)  # the receipt by SMS, e-mail or LINE
    return case


def _build(submission: Submission, fields: dict[str, Any]) -> tuple[Case, Any]:
    fields = dict(fields)
    category = fields.pop("category", None)
    if category is not None:
        # From the organisation's categories in use (kept per process): a withdrawn one
        # is refused by the case's own checks, as on the form.
        active = {c.pk: c for c in Category.active_for(submission.organisation_id)}
        category = active.get(category, category)
    return new_case(
        organisation=submission.organisation,
        category=category,
        channel=submission.channel,
        actor=CITIZEN_ACTOR,
        language=submission.language,
        received_at=submission.received_at,
        idempotency_key=submission.idempotency_key,
        receipt_no=submission.receipt_no,
        receipt_seq=submission.receipt_seq,
        tracking_code=submission.tracking_code,
        **fields,
    )
