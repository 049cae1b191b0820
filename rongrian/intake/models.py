"""The LINE Official Account channel: each organisation's credentials, and each LINE
user's conversation with it while they put a complaint together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongrian.common.memo import ShortLived
from rongrian.org.models import Organisation

# How many webhook event ids a conversation remembers to spot LINE's redeliveries;
# LINE redelivers within minutes, long before this many new events arrive.
REMEMBERED_EVENTS = 50
# A draft left this long is started afresh: the next message is likely a new problem.
DRAFT_TTL = dt.timedelta(hours=24)
# Words and photos sent this soon after a complaint was filed in the chat go to it.
ADD_WINDOW = dt.timedelta(minutes=30)


class LineChannel(models.Model):
    """An organisation's LINE Official Account (a Messaging API channel)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="line_channel",
        verbose_name=_("organisation"),
    )
    channel_secret = models.CharField(
        _("channel secret"),
        max_length=64,
        help_text=_(
            "From the LINE Developers console; used to check that messages come from LINE."
        ),
    )
    channel_access_token = models.CharField(
        _("channel access token"),
        max_length=512,
        help_text=_("A long-lived channel access token, used to answer and to fetch photos."),
    )
    basic_id = models.CharField(
        _("LINE account ID"),
        max_length=40,
        blank=True,
        help_text=_(
            "The account's ID as citizens search for it, e.g. @lampangcity; printed on "
            "receipts of citizens who want updates by LINE."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("LINE channel")
        verbose_name_plural = _("LINE channels")

    def __str__(self) -> str:
        return f"LINE · {self.organisation}"

    @classmethod
    def account_of(cls, organisation_id: int) -> str | None:
        """The organisation's LINE account ID ("" if not given), or None without an active
        channel: read by every complaint form, so kept per process (common.memo)."""
        return _accounts.get(
            organisation_id,
            lambda: (
                cls.objects.filter(organisation_id=organisation_id, is_active=True)
                .values_list("basic_id", flat=True)
                .first()
            ),
        )

    def webhook_url(self) -> str:
        """What to paste as the webhook URL in the LINE Developers console."""
        path = reverse("intake:line-webhook", kwargs={"org_code": self.organisation.code})
        return settings.RONGRIAN_PUBLIC_URL.rstrip("/") + path


class ConversationState(models.TextChoices):
    IDLE = "idle", _("Idle")
    DRAFTING = "drafting", _("Writing a complaint")


class LineConversation(models.Model):
    """One LINE user's chat with one organisation: the complaint being put together.

    Photos are checked when they arrive and kept in storage until the complaint is
    filed; `photos` holds their references, one per LINE message id, so a redelivered
    message adds nothing."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    line_user_id = models.CharField(_("LINE user id"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=ConversationState.choices, default=ConversationState.IDLE
    )
    draft_text = models.TextField(_("draft description"), blank=True)
    photos = models.JSONField(_("draft photos"), default=list, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("place (address)"), max_length=500, blank=True)
    # The complaint this chat filed last: words and photos sent soon after its receipt
    # belong to it (see intake.line), not to a new draft.
    last_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last complaint filed"),
    )
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    # The language of the user's last text (th, my or en): replies and news use it.
    language = models.CharField(_("language"), max_length=5, blank=True)
    recent_event_ids = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("LINE conversation")
        verbose_name_plural = _("LINE conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "line_user_id"], name="line_conversation_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.line_user_id

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_ready(self) -> bool:
        """Enough to file: what is wrong and where."""
        return bool(self.draft_text.strip()) and self.has_location

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        return self.state == ConversationState.DRAFTING and (
            (now or timezone.now()) - self.updated_at > DRAFT_TTL
        )

    def has_seen(self, event_id: str) -> bool:
        return event_id in self.recent_event_ids

    def remember(self, event_id: str) -> None:
        self.recent_event_ids = [*self.recent_event_ids, event_id][-REMEMBERED_EVENTS:]

    def has_photo(self, message_id: str) -> bool:
        return any(p.get("message_id") == message_id for p in self.photos)

    @property
    def is_empty(self) -> bool:
        return not (self.draft_text.strip() or self.photos or self.has_location)

    def adds_to(self, now: dt.datetime | None = None) -> Any:
        """The case filed here moments ago that a new message adds to, if any."""
        if self.last_case_id is None or self.filed_at is None or not self.is_empty:
            return None
        if (now or timezone.now()) - self.filed_at > ADD_WINDOW:
            return None
        from rongrian.cases.lifecycle import OPEN

        case = self.last_case
        return case if case is not None and case.status in OPEN else None

    def clear_draft(self) -> list[dict[str, Any]]:
        """Empty the draft; returns the photo references it held, to delete."""
        photos = list(self.photos)
        self.state = ConversationState.IDLE
        self.draft_text = ""
        self.photos = []
        self.latitude = self.longitude = None
        self.address = ""
        return photos


_accounts: ShortLived[str | None] = ShortLived()


@receiver([post_save, post_delete], sender=LineChannel)
def _forget_account(instance: LineChannel, **kwargs: object) -> None:
    _accounts.forget(instance.organisation_id)
    transaction.on_commit(lambda: _accounts.forget(instance.organisation_id))
