"""The rules of a case's life. Pages, the API, the scheduler and tests all call these.

Each status change: finds its row in the lifecycle table (or refuses with a
reason), checks the actor's organisation and unit, writes the new state with a
conditional update on the case's version (so of two people acting at once only
one wins, and the other is told to reload), and appends one immutable timeline
event, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rongrian.catalog.models import Category
from rongrian.common.thaidate import fiscal_year_be, local_date
from rongrian.notify import services as notify_services
from rongrian.org.choices import Role
from rongrian.org.models import ExternalAgency, Organisation, Staff, Unit
from rongrian.sla import clocks as sla_clocks

from . import receipts, search
from .choices import Action, AttachmentKind, Channel, Status
from .exceptions import IllegalTransition, InvalidInput, NotPermitted, StaleCase
from .lifecycle import CITIZEN, OPEN, SYSTEM, TERMINAL, actions_from, find_transition
from .models import Attachment, Case, CaseEvent


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, the complainant, or the scheduler."""

    role: str
    staff: Staff | None = None

    @classmethod
    def of(cls, staff: Staff) -> Actor:
        return cls(role=staff.role, staff=staff)

    @property
    def user_id(self) -> int | None:
        return self.staff.user_id if self.staff else None


@dataclass(frozen=True)
class NewFile:
    """A checked upload (see intake.uploads) to store with a timeline event."""

    name: str
    content_type: str
    data: bytes
    kind: str = AttachmentKind.PHOTO


CITIZEN_ACTOR = Actor(role=CITIZEN)
DISPUTE_MAX_CHARS = 2000  # the tracking page's box says so too
SYSTEM_ACTOR = Actor(role=SYSTEM)

# ---------------------------------------------------------------------------
# Intake


def create_case(
    *,
    organisation: Organisation,
    channel: Channel | str,
    description: str,
    category: Category | int | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_line_id: str = "",
    wants_updates: bool = False,
    update_channel: str = "",
    language: str = "th",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    received_at: dt.datetime | None = None,
    by: Staff | None = None,
    idempotency_key: str | None = None,
    files: Sequence[NewFile] = (),
    contact_consent: bool = False,
) -> Case:
    """Record a new complaint with its receipt number and first timeline event.

    `by` is the officer who took it at the counter or on the phone; None means the
    complainant filed it themselves. A repeated `idempotency_key` returns the case
    the first attempt created instead of a second one (the database's unique index
    decides, so two retries racing each other also get one case). Raises
    ValidationError with a message per wrong field; nothing is stored then.
    `contact_consent` records that the complainant agreed, on the form, to their contact
    details being kept.
    """
    actor = Actor.of(by) if by is not None else CITIZEN_ACTOR
    if by is not None:
        _check_member(by, organisation)
    case, event = new_case(
        organisation=organisation,
        channel=channel,
        actor=actor,
        description=description,
        category=category,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        complainant_email=complainant_email,
        complainant_line_id=complainant_line_id,
        wants_updates=wants_updates,
        update_channel=update_channel,
        language=language,
        address=address,
        latitude=latitude,
        longitude=longitude,
        received_at=received_at,
        idempotency_key=idempotency_key,
        contact_consent=contact_consent,
    )
    # The case, numbered, with its first event and clocks is one statement on PostgreSQL
    # (see receipts), a transaction of its own; photos and a receipt message add rows,
    # and inside a caller's transaction a savepoint keeps a refused insert from
    # breaking it.
    alone = (
        receipts.one_statement()
        and not transaction.get_connection().in_atomic_block
        and not files
        and not notify_services.receipt_contact(case)
    )
    try:
        with (
            _removing_files_on_error() as stored,
            nullcontext() if alone else transaction.atomic(),
        ):
            attachments = _write_files(files, event.actor_id, stored)
            # The clocks stand for sla.clocks.on_event(RECEIVE).
            receipts.record(case, event, sla_clocks.new_case_clocks(case, case.received_at))
            _attach(case, event, attachments)
            notify_services.on_event(case, event)  # the receipt by SMS, e-mail or LINE
    except IntegrityError:
        if idempotency_key:
            existing = Case.objects.filter(
                organisation=organisation, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing
        raise
    return case


def new_case(
    *,
    organisation: Organisation,
    channel: Channel | str,
    actor: Actor,
    description: str,
    category: Category | int | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_line_id: str = "",
    wants_updates: bool = False,
    update_channel: str = "",
    language: str = "th",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    received_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    contact_consent: bool = False,
    **numbered: Any,
) -> tuple[Case, CaseEvent]:
    """A new case and its first event, checked and not yet written (see create_case);
    `numbered` are the receipt fields of a case numbered before (cases.pending)."""
    case = Case(
        organisation=organisation,
        channel=channel,
        category=_resolve_category(organisation, category),
        description=(description or "").strip(),
        complainant_name=complainant_name.strip(),
        complainant_phone=complainant_phone.strip(),
        complainant_email=complainant_email.strip(),
        complainant_line_id=complainant_line_id.strip(),
        wants_updates=wants_updates,
        update_channel=update_channel,
        language=language,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        received_at=received_at or timezone.now(),
        idempotency_key=idempotency_key or None,
        **numbered,
    )
    if contact_consent:
        case.contact_consent_at = case.received_at
    # Constraints are left to the database (the insert below); the field rules and
    # clean() run here so a refusal names the field. FKs arrive as checked objects.
    case.full_clean(
        exclude=["receipt_no", "fiscal_year", "receipt_seq", "organisation", "category"],
        validate_constraints=False,
    )
    case.search_text = search.index_text(
        case.description, case.address, case.category.name if case.category else ""
    )
    case.fiscal_year = fiscal_year_be(local_date(case.received_at))
    event = _new_event(
        case,
        seq=1,
        action=Action.RECEIVE,
        from_status="",
        to_status=Status.RECEIVED,
        actor=actor,
        at=case.received_at,
        data={"channel": str(channel)},
    )
    return case, event


def _resolve_category(
    organisation: Organisation, category: Category | int | None
) -> Category | None:
    if category is None or isinstance(category, Category):
        return category
    found = Category.objects.filter(organisation=organisation, pk=category).first()
    if found is None:
        raise ValidationError({"category": _("Unknown category. Choose one from the list.")})
    return found


# ---------------------------------------------------------------------------
# Screening (the centre)


def forward(case: Case, *, to_unit: Unit, by: Staff, note: str = "") -> Case:
    _check_same_org(case, to_unit.organisation_id, _("This unit belongs to another organisation."))
    if not to_unit.is_active:
        raise InvalidInput(_("The unit %(unit)s is no longer active.") % {"unit": to_unit})
    now = timezone.now()
    return _transition(
        case,
        Action.FORWARD,
        Actor.of(by),
        note=note,
        changes={"unit": to_unit, "assignee": None, "forwarded_at": now},
        data={"unit": to_unit.pk, "unit_name": to_unit.name},
        at=now,
    )


def refer(
    case: Case, *, agency: ExternalAgency, by: Staff, urgent: bool = False, note: str = ""
) -> Case:
    """Pass a matter outside our powers to its agency: by its hotline at once when urgent,
    by official letter otherwise (seed 004, rule 1). The case stays open until answered."""
    _check_same_org(case, agency.organisation_id, _("This agency belongs to another organisation."))
    return _transition(
        case,
        Action.REFER,
        Actor.of(by),
        note=note,
        changes={"referred_to": agency},
        data={
            "agency": agency.pk,
            "agency_name": agency.name,
            "hotline": agency.hotline,
            "urgent": urgent,
        },
    )


def reject(case: Case, *, reason: str, by: Staff) -> Case:
    return _transition(case, Action.REJECT, Actor.of(by), reason=reason)


def merge(case: Case, *, into: Case, by: Staff, note: str = "") -> Case:
    """Close a duplicate by merging it into the case that carries the work."""
    _check_same_org(case, into.organisation_id, _("That case belongs to another organisation."))
    if into.pk == case.pk:
        raise InvalidInput(_("A case cannot be merged into itself."))
    if into.status in TERMINAL:
        raise InvalidInput(
            _("Case %(receipt)s is “%(status)s”; merge into an open case instead.")
            % {"receipt": into.receipt_no, "status": into.get_status_display()}
        )
    with transaction.atomic():
        merged = _transition(
            case,
            Action.MERGE,
            Actor.of(by),
            note=note,
            changes={"merged_into": into},
            data={"into": into.receipt_no},
        )
        _record(into, Actor.of(by), note=note, data={"merged_from": case.receipt_no})
    return merged


# ---------------------------------------------------------------------------
# The unit


def acknowledge(case: Case, *, by: Staff, note: str = "") -> Case:
    now = timezone.now()
    return _transition(
        case, Action.ACKNOWLEDGE, Actor.of(by), note=note, changes={"acknowledged_at": now}, at=now
    )


def assign(case: Case, *, to: Staff, by: Staff, note: str = "") -> Case:
    """Give the work to an officer or contractor of the case's unit (no approval step)."""
    if to.organisation_id != case.organisation_id:
        raise InvalidInput(_("This person belongs to another organisation."))
    if to.role not in (Role.OFFICER, Role.CONTRACTOR, Role.UNIT_HEAD) or not to.is_active:
        raise InvalidInput(
            _("%(person)s cannot take work: only active officers and contractors can.")
            % {"person": to.display_name}
        )
    if case.unit_id is None or to.unit_id is None or not case.unit.contains(to.unit):
        raise InvalidInput(
            _("%(person)s does not work in %(unit)s.")
            % {"person": to.display_name, "unit": case.unit}
        )
    now = timezone.now()
    return _transition(
        case,
        Action.ASSIGN,
        Actor.of(by),
        note=note,
        changes={"assignee": to, "assigned_at": now},
        data={"assignee": to.pk, "assignee_name": to.display_name},
        at=now,
    )


def return_to_screening(case: Case, *, reason: str, by: Staff) -> Case:
    """The unit says the case is not theirs: it goes back to the centre's screening desk."""
    return _transition(
        case,
        Action.RETURN,
        Actor.of(by),
        reason=reason,
        changes={"unit": None, "assignee": None},
        data={"from_unit": case.unit_id},
    )


def start_work(case: Case, *, by: Staff, note: str = "") -> Case:
    return _transition(case, Action.START, Actor.of(by), note=note)


def report_progress(
    case: Case, *, note: str, by: Staff, public: bool = True, files: Sequence[NewFile] = ()
) -> Case:
    if not note.strip():
        raise InvalidInput(_("Write what was done so far."))
    # The staff's own photos: never shown to the complainant as theirs.
    photos = [NewFile(f.name, f.content_type, f.data, AttachmentKind.PROGRESS) for f in files]
    return _transition(
        case, Action.PROGRESS, Actor.of(by), note=note, is_public=public, files=photos
    )


def hold(case: Case, *, reason: str, by: Staff) -> Case:
    """Wait for the complainant (e.g. for more details); the clocks pause."""
    return _transition(case, Action.HOLD, Actor.of(by), reason=reason)


def resume(case: Case, *, by: Staff, note: str = "") -> Case:
    return _transition(case, Action.RESUME, Actor.of(by), note=note)


def resolve(case: Case, *, result: str, by: Staff, files: Sequence[NewFile] = ()) -> Case:
    """The work is done; `files` are the after-photos the complainant will see."""
    now = timezone.now()
    return _transition(
        case,
        Action.RESOLVE,
        Actor.of(by),
        reason=result,
        changes={"resolution": result.strip(), "resolved_at": now},
        at=now,
        files=[NewFile(f.name, f.content_type, f.data, AttachmentKind.AFTER) for f in files],
    )


# ---------------------------------------------------------------------------
# Closing and reopening


def close(case: Case, *, by: Staff, reason: str = "") -> Case:
    now = timezone.now()
    return _transition(
        case, Action.CLOSE, Actor.of(by), reason=reason, changes={"closed_at": now}, at=now
    )


def citizen_confirm(case: Case, *, note: str = "") -> Case:
    """The complainant confirms the fix."""
    now = timezone.now()
    return _transition(
        case, Action.CLOSE, CITIZEN_ACTOR, note=note, changes={"closed_at": now}, at=now
    )


def auto_close(case: Case) -> Case:
    """The confirmation window passed without a dispute."""
    now = timezone.now()
    return _transition(case, Action.CLOSE, SYSTEM_ACTOR, changes={"closed_at": now}, at=now)


def reopen(case: Case, *, reason: str, by: Staff) -> Case:
    return _reopen(case, reason=reason, actor=Actor.of(by))


def citizen_dispute(case: Case, *, reason: str) -> Case:
    """The complainant says the fix is not done or not good enough (seed 004, rule 5)."""
    if len(reason) > DISPUTE_MAX_CHARS:
        raise InvalidInput(_("Keep the reason under 2,000 characters."))
    return _reopen(case, reason=reason, actor=CITIZEN_ACTOR)


def _reopen(case: Case, *, reason: str, actor: Actor) -> Case:
    return _transition(
        case,
        Action.REOPEN,
        actor,
        reason=reason,
        changes={
            "reopen_count": F("reopen_count") + 1,
            "resolved_at": None,
            "closed_at": None,
        },
        data={"previous_result": case.resolution},
    )


def add_note(case: Case, *, text: str, by: Staff, public: bool = False) -> Case:
    """An internal note (or a public message) on the timeline without a status change."""
    if not text.strip():
        raise InvalidInput(_("The note is empty."))
    actor = Actor.of(by)
    _check_scope(case, actor)
    return _record(case, actor, note=text, is_public=public)


def citizen_adds(
    case: Case,
    *,
    text: str = "",
    files: Sequence[NewFile] = (),
    place: tuple[Decimal, Decimal, str] | None = None,
) -> Case:
    """More words, photos or the place (latitude, longitude, address) from the complainant
    for a case still open (a LINE chat that goes on after the receipt): on the staff's
    timeline, not a status change. A place becomes the case's own when it had no map pin;
    otherwise it is only noted, and the first pin stays."""
    if case.status not in OPEN:
        raise IllegalTransition(_("This complaint is finished; report a new one instead."))
    if not text.strip() and not files and place is None:
        raise InvalidInput(_("The note is empty."))
    data: dict[str, Any] = {"from": "complainant"}
    fields: dict[str, Any] = {}
    with translation.override(settings.LANGUAGE_CODE):  # for the staff, whoever wrote
        note = text.strip() or _("The complainant sent more photos.")
        if place is not None:
            latitude, longitude, address = place[0], place[1], place[2].strip()[:500]
            data |= {"latitude": str(latitude), "longitude": str(longitude)}
            where = (
                f"{address} ({latitude}, {longitude})" if address else f"{latitude}, {longitude}"
            )
            if case.latitude is None or case.longitude is None:
                fields = {"latitude": latitude, "longitude": longitude}
                if address and not case.address:
                    fields |= {
                        "address": address,
                        "search_text": search.index_text(
                            case.description, address, case.category.name if case.category else ""
                        ),
                    }
                note = _("The complainant sent the place: %(place)s.") % {"place": where}
            else:
                note = _(
                    "The complainant sent another place: %(place)s. The case keeps its first pin."
                ) % {"place": where}
    return _record(case, CITIZEN_ACTOR, note=note, data=data, fields=fields, files=files)


def set_updates(case: Case, *, channel: str, address: str) -> Case:
    """The complainant asks to be told of progress, by SMS, e-mail or LINE."""
    field = {
        "sms": "complainant_phone",
        "email": "complainant_email",
        "line": "complainant_line_id",
    }
    if channel not in field:
        raise InvalidInput(_("Choose how we should tell you."))
    if len(address) > (Case._meta.get_field(field[channel]).max_length or 0):
        raise InvalidInput(_("That is too long for a phone number, e-mail or LINE ID."))
    with translation.override(settings.LANGUAGE_CODE):  # for the staff, whoever asked
        note = _("The complainant asked to be told of progress.")
    return _record(
        case,
        CITIZEN_ACTOR,
        note=note,
        data={"updates_by": channel},
        fields={"wants_updates": True, "update_channel": channel, field[channel]: address},
    )


def expect_version(case: Case, version: str | int | None) -> None:
    """A page acts on the case as it showed it: if it changed since, say so before anything
    else (the table's refusal for the new status would only confuse)."""
    if version in (None, ""):
        return
    try:
        shown = int(version)
    except (TypeError, ValueError):
        raise StaleCase() from None
    if shown != case.version:
        raise StaleCase()


# ---------------------------------------------------------------------------
# What a person may do now


def available_actions(case: Case, staff: Staff) -> list[Action]:
    """The transitions `staff` may take on `case` now: what a page may offer."""
    actor = Actor.of(staff)
    try:
        _check_scope(case, actor)
    except NotPermitted:
        return []
    return actions_from(case.status, staff.role)


# ---------------------------------------------------------------------------
# Machinery


def _transition(
    case: Case,
    action: Action,
    actor: Actor,
    *,
    reason: str = "",
    note: str = "",
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    is_public: bool = True,
    at: dt.datetime | None = None,
    files: Sequence[NewFile] = (),
) -> Case:
    row = find_transition(action, case.status, actor.role)
    if row.needs_reason and not reason.strip():
        raise InvalidInput(_("Give a reason to “%(action)s” this case.") % {"action": action.label})
    if actor.staff is not None:
        _check_scope(case, actor)
    target = row.target if row.target is not None else Status(case.held_from)
    fields: dict[str, Any] = {"status": target, **(changes or {})}
    if target == Status.ON_HOLD:
        fields["held_from"] = case.status
    elif case.status == Status.ON_HOLD:
        fields["held_from"] = ""
    with _reloading(case), _removing_files_on_error() as stored, transaction.atomic():
        _write(case, fields)
        case.refresh_from_db()
        event = _append_event(
            case,
            action=action,
            from_status=row.source,
            to_status=target,
            actor=actor,
            reason=reason.strip(),
            note=note.strip(),
            data=data or {},
            is_public=is_public,
            at=at,
        )
        _store_files(case, event, files, stored)
        _after_event(case, event)
    return case


def _record(
    case: Case,
    actor: Actor,
    *,
    note: str,
    data: dict[str, Any] | None = None,
    is_public: bool = False,
    fields: dict[str, Any] | None = None,
    files: Sequence[NewFile] = (),
) -> Case:
    """A timeline event that does not change the status (still bumps the version);
    `fields` are other changes to the case that the event records."""
    with _reloading(case), _removing_files_on_error() as stored, transaction.atomic():
        _write(case, fields or {})
        case.refresh_from_db()
        event = _append_event(
            case,
            action=Action.NOTE,
            from_status=case.status,
            to_status=case.status,
            actor=actor,
            note=note.strip(),
            data=data or {},
            is_public=is_public,
        )
        _store_files(case, event, files, stored)
        _after_event(case, event)
    return case


@contextmanager
def _reloading(case: Case) -> Iterator[None]:
    """If the change rolls back, the caller's copy of the case shows the stored state again."""
    try:
        yield
    except BaseException:
        with suppress(Case.DoesNotExist):
            case.refresh_from_db()
        raise


@contextmanager
def _removing_files_on_error() -> Iterator[list[Attachment]]:
    """Bytes written to storage are not part of the database transaction: if the change
    fails after they were written, delete them again so no orphan outlives it."""
    stored: list[Attachment] = []
    try:
        yield stored
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise


def _store_files(
    case: Case, event: CaseEvent, files: Sequence[NewFile], stored: list[Attachment]
) -> None:
    _attach(case, event, _write_files(files, event.actor_id, stored))


def _write_files(
    files: Sequence[NewFile], uploaded_by: int | None, stored: list[Attachment]
) -> list[Attachment]:
    """Write the bytes to storage; the rows follow with `_attach`."""
    written = []
    for new in files:
        attachment = Attachment(
            kind=new.kind,
            original_name=new.name[:255],
            content_type=new.content_type,
            size=len(new.data),
            sha256=hashlib.sha256(new.data).hexdigest(),
            uploaded_by_id=uploaded_by,
        )
        attachment.file.save(new.name, ContentFile(new.data), save=False)
        stored.append(attachment)
        written.append(attachment)
    return written


def _attach(case: Case, event: CaseEvent, attachments: list[Attachment]) -> None:
    for attachment in attachments:
        attachment.case, attachment.event = case, event
    Attachment.objects.bulk_create(attachments)


def _after_event(case: Case, event: CaseEvent) -> None:
    """What other apps do about a timeline event, inside the same transaction."""
    sla_clocks.on_event(case, event)
    notify_services.on_event(case, event)


def _write(case: Case, fields: dict[str, Any]) -> None:
    """Apply `fields` only if nobody changed the case since it was read."""
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise StaleCase()


def _append_event(case: Case, *, seq: int | None = None, **fields: Any) -> CaseEvent:
    """Write the next event of the timeline (the fields of `_new_event`)."""
    # The case row was written first in this transaction, so no one else can
    # append to this timeline until we commit: max + 1 is safe.
    if seq is None:
        seq = (CaseEvent.objects.filter(case_id=case.pk).aggregate(m=Max("seq"))["m"] or 0) + 1
    event = _new_event(case, seq=seq, **fields)
    event.save(force_insert=True)
    return event


def _new_event(
    case: Case,
    *,
    seq: int,
    action: Action,
    from_status: str,
    to_status: str,
    actor: Actor,
    reason: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    is_public: bool = True,
    at: dt.datetime | None = None,
) -> CaseEvent:
    return CaseEvent(
        case_id=case.pk,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.user_id,
        actor_role=actor.role,
        actor_unit_id=actor.staff.unit_id if actor.staff else None,
        reason=reason,
        note=note,
        data=data or {},
        is_public=is_public,
        at=at or timezone.now(),
    )


def _check_member(staff: Staff, organisation: Organisation) -> None:
    if staff.organisation_id != organisation.pk or not staff.is_active:
        raise NotPermitted(_("You are not a member of this organisation."))


def _check_same_org(case: Case, other_org_id: int, message: str) -> None:
    if other_org_id != case.organisation_id:
        raise InvalidInput(message)


def _check_scope(case: Case, actor: Actor) -> None:
    """Staff act only inside their organisation; unit roles only on their unit's cases;
    officers and contractors only on cases assigned to them."""
    staff = actor.staff
    if staff is None:
        return
    _check_member(staff, case.organisation)
    if staff.role == Role.UNIT_HEAD:
        if case.unit_id is None or staff.unit is None or not staff.unit.contains(case.unit):
            raise NotPermitted(_("This case belongs to another unit."))
    elif staff.role in (Role.OFFICER, Role.CONTRACTOR) and case.assignee_id != staff.pk:
        raise NotPermitted(_("This case is not assigned to you."))
