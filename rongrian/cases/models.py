from __future__ import annotations

import functools
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongrian.catalog.models import Category
from rongrian.common.models import QuickDisplay
from rongrian.org.choices import Role
from rongrian.org.models import ExternalAgency, Organisation, Staff, Unit, phone_validator

from .choices import Action, AttachmentKind, Channel, Status
from .lifecycle import LIVE


class ReceiptCounter(models.Model):
    """The last receipt number handed out per organisation and Thai fiscal year.

    Incremented inside the transaction that inserts the case, so a failed
    intake rolls its number back and the sequence stays gapless.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    fiscal_year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year"], name="receipt_counter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.fiscal_year}: {self.last_value}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, staff: Staff) -> CaseQuerySet:
        """The cases a staff member may see: their organisation; unit roles their unit's tree;
        contractors only what is assigned to them."""
        qs = self.filter(organisation_id=staff.organisation_id)
        if staff.role == Role.CONTRACTOR:
            return qs.filter(assignee=staff)
        if staff.role in (Role.UNIT_HEAD, Role.OFFICER):
            if staff.unit_id is None:
                return qs.none()
            return qs.filter(unit_id__in=Unit.objects.subtree_ids(staff.unit))
        return qs


@functools.cache
def _staff_case_prefix() -> str:
    return reverse("cases:case", kwargs={"receipt_no": "_"})[:-2]


TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


def _description_limit() -> list[MaxLengthValidator]:
    return [MaxLengthValidator(settings.RONGRIAN_DESCRIPTION_MAX_CHARS)]


class Case(QuickDisplay, models.Model):
    """One complaint, from receipt to closing. Its status changes only through cases.services."""

    # Indexes: see Meta. Foreign keys index themselves only where no composite or partial
    # index of Meta starts with them: every index is written on every new complaint.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("organisation"),
        db_index=False,
    )
    # Written with the case itself (cases.receipts.record), so every stored case has one;
    # nullable since the second session numbered cases after inserting them.
    receipt_no = models.CharField(  # noqa: DJ001
        _("receipt number"), max_length=32, null=True, editable=False
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"), editable=False)
    receipt_seq = models.PositiveIntegerField(null=True, editable=False)
    # NULL, not "", when absent: the unique constraint must ignore cases without a key.
    # The second factor printed on the receipt: with the receipt number it opens the
    # public tracking page (the last 4 digits of the phone work too).
    tracking_code = models.CharField(
        _("tracking code"), max_length=12, default=new_tracking_code, editable=False
    )
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    description = models.TextField(
        _("description"),
        validators=_description_limit(),
        error_messages={"blank": _("Describe the problem."), "null": _("Describe the problem.")},
    )

    complainant_name = models.CharField(_("complainant's name"), max_length=200, blank=True)
    complainant_phone = models.CharField(
        _("complainant's phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    complainant_email = models.EmailField(_("complainant's e-mail"), blank=True)
    complainant_line_id = models.CharField(_("complainant's LINE id"), max_length=100, blank=True)
    # When the complainant ticked the personal-data consent of the public form (PDPA):
    # the proof that their contact details are kept with their agreement.
    contact_consent_at = models.DateTimeField(
        _("agreed to keep contact details"), null=True, blank=True, editable=False
    )
    wants_updates = models.BooleanField(_("wants to be told of progress"), default=False)
    update_channel = models.CharField(
        _("tell me by"),
        max_length=8,
        blank=True,
        choices=[("sms", "SMS"), ("email", _("E-mail")), ("line", "LINE")],
    )
    language = models.CharField(
        _("complainant's language"),
        max_length=8,
        default="th",
        choices=[("th", "ไทย"), ("en", "English"), ("my", "မြန်မာ")],
    )

    address = models.CharField(_("place (address)"), max_length=500, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    held_from = models.CharField(max_length=16, choices=Status.choices, blank=True, editable=False)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("responsible unit"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
        db_index=False,
    )
    referred_to = models.ForeignKey(
        ExternalAgency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("referred to"),
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
        db_index=False,
    )
    resolution = models.TextField(_("result of the work"), blank=True)
    # Thai words of the description, place and category, for full-text search (search.py).
    search_text = models.TextField(blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Bumped on every change; a write that expected another version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "receipt_seq"],
                name="case_receipt_seq_unique",
            ),
            # A constraint rather than unique=True: no second, pattern-ops index on PostgreSQL
            # (receipt numbers are looked up whole, never by prefix).
            models.UniqueConstraint(fields=["receipt_no"], name="case_receipt_no_unique"),
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="case_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="case_latlon_both_or_none",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "received_at"], name="case_org_status"),
            models.Index(fields=["organisation", "received_at"], name="case_org_received"),
            # Lists in order of the last change (filtering.ORDERS).
            models.Index(fields=["organisation", "updated_at"], name="case_org_updated"),
            # The screening desk's queue, oldest first: small, and always the right one.
            models.Index(
                fields=["organisation", "received_at"],
                condition=models.Q(status__in=["received", "returned"]),
                name="case_screening_queue",
            ),
            # Partial where the column is mostly empty: a new complaint writes none of these.
            models.Index(
                fields=["unit", "status"],
                condition=models.Q(unit__isnull=False),
                name="case_unit_status",
            ),
            # A unit's live cases (the overdue queues): small, and answers without the table.
            models.Index(
                fields=["organisation", "unit"],
                include=["id"],
                condition=models.Q(status__in=sorted(LIVE)),
                name="case_live_unit",
            ),
            models.Index(
                fields=["assignee", "status"],
                condition=models.Q(assignee__isnull=False),
                name="case_assignee_status",
            ),
            models.Index(
                fields=["referred_to"],
                condition=models.Q(referred_to__isnull=False),
                name="case_referred_to",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="case_merged_into",
            ),
            models.Index(fields=["complainant_phone"], name="case_phone"),
        ]

    def __str__(self) -> str:
        return self.receipt_no or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        """The staff case page (a list of 50 rows asks 50 times: the prefix is reversed once)."""
        return f"{_staff_case_prefix()}{self.receipt_no}/"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        org_id = self.organisation_id
        if self.category_id and self.category.organisation_id != org_id:
            errors["category"] = _("This category belongs to another organisation.")
        elif self.category_id and not self.category.is_active:
            errors["category"] = _("This category is no longer in use. Choose another.")
        if self.unit_id and self.unit.organisation_id != org_id:
            errors["unit"] = _("This unit belongs to another organisation.")
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None


class ImmutableEventError(Exception):
    pass


class CaseEventQuerySet(models.QuerySet["CaseEvent"]):
    """Timeline events are written once: bulk edits and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableEventError("case events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("case events cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise ImmutableEventError("case events cannot be changed")

    def _raw_delete(self, using: Any) -> int:
        raise ImmutableEventError("case events cannot be deleted")


class CaseEvent(QuickDisplay, models.Model):
    """One immutable line of a case's timeline: who did what, when, from which status, and why."""

    case = models.ForeignKey(  # indexed by case_event_seq_unique
        Case,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("case"),
        db_index=False,
    )
    seq = models.PositiveIntegerField(_("no."))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("by"),
        db_index=False,
    )
    # A snapshot, so history reads the same after people change role or unit.
    actor_role = models.CharField(_("role"), max_length=20)
    actor_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # Internal notes are for staff only; the public tracking page shows public events.
    is_public = models.BooleanField(_("shown to the complainant"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique"),
        ]
        # Citizens' and the scheduler's events have no actor: they write neither index.
        indexes = [
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="event_actor"
            ),
            models.Index(
                fields=["actor_unit"],
                condition=models.Q(actor_unit__isnull=False),
                name="event_actor_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableEventError("case events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("case events cannot be deleted")


class Attachment(models.Model):
    """A photo or document on a case; its bytes are checked on upload by intake."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("case")
    )
    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return self.original_name


class Submission(models.Model):
    """A complaint taken from the public form: numbered and stored at once, in one row, so
    the citizen has a receipt that no later step can lose; `cases.pending` registers it as
    a Case (its words cut for search, its clocks started from `received_at`, its first
    timeline event, its receipt message) within a second, or on the spot when the
    citizen opens the tracking page first.

    The row stays after registration, its fields emptied: it holds the form's idempotency
    key, so a retried or double-clicked form gets the first receipt however long after
    it comes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, db_index=False)
    fiscal_year = models.PositiveSmallIntegerField()
    receipt_seq = models.PositiveIntegerField(editable=False)
    receipt_no = models.CharField(_("receipt number"), max_length=32, editable=False)
    tracking_code = models.CharField(max_length=12, default=new_tracking_code, editable=False)
    idempotency_key = models.CharField(max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=8, default="th")
    received_at = models.DateTimeField(_("received"))
    # The checked fields of the case, as cases.services.create_case takes them (the
    # category by its id, coordinates as text); emptied once the case is registered.
    fields = models.JSONField()
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("registered as case"),
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("accepted complaint")
        verbose_name_plural = _("accepted complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="submission_idempotency_unique"
            ),
        ]
        indexes = [
            # What is still to register, and the receipt page of such a one: a few rows.
            models.Index(
                fields=["receipt_no"],
                condition=models.Q(case__isnull=True),
                name="submission_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_no
