"""Complaints through an organisation's LINE Official Account.

A citizen chats with the account: text messages describe the problem, photos are
checked like web uploads, a shared location says where. Once the draft has a
description and a place (or the citizen types “send”), the case is filed and the
answer carries the receipt number and tracking link. “status” lists the citizen's
open cases. Progress updates later go out as LINE pushes through notify.

LINE delivers each event at least once: a redelivered event carries the same
webhook event id, which the conversation remembers in the same transaction as the
change it made, so nothing is added twice; the case's idempotency key guards the
filing itself.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from linebot.v3 import SignatureValidator
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    OpenApiException,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import (
    Event,
    EventMode,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    TextMessageContent,
    UserSource,
)

from rongrian.cases import pending
from rongrian.cases.choices import AttachmentKind, Channel, Status
from rongrian.cases.exceptions import CaseError, StaleCase
from rongrian.cases.lifecycle import OPEN
from rongrian.cases.models import Case
from rongrian.cases.services import NewFile, citizen_adds, create_case, set_updates
from rongrian.common import ratelimit
from rongrian.org.models import Organisation
from rongrian.tracking.access import tracking_url
from rongrian.tracking.services import STATUS_SENTENCES

from .forms import LAT_RANGE, LON_RANGE
from .models import DRAFT_TTL, ConversationState, LineChannel, LineConversation
from .uploads import UploadError, check_photo

log = logging.getLogger("rongrian.intake.line")

# "LPG-2570-000123 K7PX2QMA", or the receipt's tracking link pasted whole.
RECEIPT_AND_CODE = re.compile(
    r"(?P<receipt>\b[A-Za-z0-9]+-\d{4}-\d{6,})(?:\s+|/)(?P<code>[A-Za-z0-9]{8})\b"
)
SEND_WORDS = frozenset({"ส่ง", "send", "ပို့"})
STATUS_WORDS = frozenset({"สถานะ", "status", "အခြေအနေ"})
CANCEL_WORDS = frozenset({"ยกเลิก", "cancel", "ပယ်ဖျက်"})
NEW_WORDS = frozenset({"ใหม่", "new", "အသစ်"})
LINK = re.compile(r"https?://\S+")
BURMESE = re.compile(r"[\u1000-\u109F]")
THAI = re.compile(r"[\u0E00-\u0E7F]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Cases a citizen still follows: open ones, and resolved ones awaiting their word.
FOLLOWED = OPEN | {Status.RESOLVED}
STATUS_LIMIT = 5
# LINE allows 5 messages per reply and 5,000 characters per text message.
MAX_REPLY_MESSAGES = 5
MAX_TEXT = 5000
# Seconds per LINE API call: the webhook answers while LINE waits.
API_TIMEOUT = 5.0
DRAFT_PHOTO_DIR = "line-drafts"


class InvalidWebhook(Exception):
    """The request is not a genuine LINE webhook for this channel."""


class LineApiError(Exception):
    """LINE's API could not be reached or refused the call."""


# ---------------------------------------------------------------------------
# Receiving


def active_channel(*, org_code: str) -> LineChannel | None:
    return (
        LineChannel.objects.select_related("organisation")
        .filter(
            organisation__code=org_code.upper(),
            organisation__is_active=True,
            is_active=True,
        )
        .first()
    )


def parse_events(*, channel: LineChannel, body: bytes, signature: str) -> list[Event]:
    """The events of a webhook body whose X-Line-Signature matches the channel secret.

    Events of types this SDK does not know are skipped, not fatal: LINE adds new ones."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook("body is not UTF-8") from exc
    validator = SignatureValidator(channel.channel_secret)
    if not signature or not validator.validate(text, signature):
        raise InvalidWebhook("signature does not match")
    try:
        payload = json.loads(text)
        raw_events = payload["events"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidWebhook("body is not a webhook payload") from exc
    if not isinstance(raw_events, list):
        raise InvalidWebhook("events is not a list")
    events = []
    for raw in raw_events:
        try:
            events.append(Event.from_dict(raw))
        except (ValueError, TypeError, KeyError):
            log.info("ignored a LINE event the SDK cannot read: %r", _event_type(raw))
    return events


def _event_type(raw: Any) -> str:
    return str(raw.get("type")) if isinstance(raw, dict) else type(raw).__name__


def handle_events(*, channel: LineChannel, events: Sequence[Event]) -> None:
    with LineClient(channel) as client:
        for event in events:
            handle_event(channel=channel, event=event, client=client)


def handle_event(*, channel: LineChannel, event: Event, client: LineClient) -> None:
    """Act on one event and answer it; events that are not a user's chat are ignored."""
    if event.mode == EventMode.STANDBY:
        return  # another module holds the chat and answers it
    source = event.source
    if not isinstance(source, UserSource) or not source.user_id:
        return  # group chats and rooms are not a complaint desk
    organisation = channel.organisation
    user_id = source.user_id
    event_id = event.webhook_event_id
    with translation.override(_language(organisation, user_id, event)):
        if isinstance(event, FollowEvent):
            texts = [welcome_text(organisation=organisation)]
        elif isinstance(event, MessageEvent):
            texts = _on_message(
                organisation=organisation,
                line_user_id=user_id,
                event_id=event_id,
                message=event.message,
                fetch=client.content,
            )
        else:
            return  # postbacks, unfollows and the like need no answer
    reply_token = getattr(event, "reply_token", None)
    if texts and reply_token:
        client.reply(reply_token=reply_token, texts=texts)


def _language(organisation: Organisation, line_user_id: str, event: Event) -> str:
    """Answer in the language the user writes in (Thai, Burmese or English), remembered
    for their photos, places and the news pushed later; Thai until they write."""
    message = getattr(event, "message", None)
    if isinstance(message, TextMessageContent):
        written = written_language(message.text)
        if written:
            # A queryset update leaves updated_at alone: it dates the draft (DRAFT_TTL).
            mine = LineConversation.objects.filter(
                organisation=organisation, line_user_id=line_user_id
            )
            if not mine.update(language=written):
                mine.get_or_create(
                    organisation=organisation,
                    line_user_id=line_user_id,
                    defaults={"language": written},
                )
            return written
    known = LineConversation.objects.filter(
        organisation=organisation, line_user_id=line_user_id
    ).values_list("language", flat=True)
    return next(iter(known), "") or settings.LANGUAGE_CODE


def written_language(text: str) -> str:
    """The language of `text` by its script: "my", "th" or "en"; "" when it tells
    nothing (a number, a receipt number and code, a link)."""
    text = RECEIPT_AND_CODE.sub(" ", LINK.sub(" ", text))
    if BURMESE.search(text):
        return "my"
    if THAI.search(text):
        return "th"
    return "en" if LATIN_WORD.search(text) else ""


def _on_message(
    *,
    organisation: Organisation,
    line_user_id: str,
    event_id: str,
    message: Any,
    fetch: Callable[[str], bytes],
) -> list[str]:
    who = {"organisation": organisation, "line_user_id": line_user_id, "event_id": event_id}
    if isinstance(message, TextMessageContent):
        return receive_text(text=message.text, **who)
    if isinstance(message, ImageMessageContent):
        return receive_photo(message_id=message.id, fetch=fetch, **who)
    if isinstance(message, LocationMessageContent):
        return receive_location(
            latitude=message.latitude,
            longitude=message.longitude,
            address=message.address or message.title or "",
            **who,
        )
    return [_("We can read text, photos and locations. Describe the problem in a message.")]


# ---------------------------------------------------------------------------
# The conversation


def receive_text(
    *, organisation: Organisation, line_user_id: str, event_id: str, text: str
) -> list[str]:
    """A text: a keyword (status, send, cancel) or more of the description."""
    word = text.strip().casefold()
    if word in STATUS_WORDS:
        return [status_text(organisation=organisation, line_user_id=line_user_id)]
    if (found := RECEIPT_AND_CODE.search(text)) is not None:
        return [
            follow_here(
                organisation=organisation,
                line_user_id=line_user_id,
                receipt_no=found["receipt"],
                code=found["code"],
            )
        ]
    conversation = _conversation(organisation, line_user_id)
    if conversation.has_seen(event_id):
        return []
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.has_seen(event_id):
            return []
        conversation.remember(event_id)
        _restart_if_stale(conversation)
        if word in NEW_WORDS:
            conversation.last_case = None
            discard_photos(conversation.clear_draft())
            conversation.save()
            return [_("Describe the new problem in a message.")]
        if word in CANCEL_WORDS:
            discard_photos(conversation.clear_draft())
            conversation.save()
            return [_("Your draft complaint was discarded.")]
        if (case := conversation.adds_to()) is not None and word not in SEND_WORDS:
            return [_add_to_case(conversation, case, text=text)]
        if word in SEND_WORDS:
            if not conversation.draft_text.strip():
                conversation.save()
                return [_("Describe the problem first, then type “send”.")]
            return [_file(conversation, event_id)]
        description = f"{conversation.draft_text}\n{text.strip()}".strip()
        limit = settings.RONGRIAN_DESCRIPTION_MAX_CHARS
        if len(description) > limit:
            conversation.save()
            return [
                _("The description is too long: at most %(max)s characters in all.")
                % {"max": limit}
            ]
        conversation.draft_text = description
        conversation.state = ConversationState.DRAFTING
        if conversation.is_ready:
            return [_file(conversation, event_id)]
        conversation.save()
        return [_("Noted."), _next_step(conversation)]


def receive_photo(
    *,
    organisation: Organisation,
    line_user_id: str,
    event_id: str,
    message_id: str,
    fetch: Callable[[str], bytes],
) -> list[str]:
    """A photo: fetched from LINE, checked like a web upload, kept with the draft."""
    conversation = _conversation(organisation, line_user_id)
    if conversation.has_seen(event_id) or conversation.has_photo(message_id):
        return []
    limit = settings.RONGRIAN_MAX_PHOTOS
    if len(conversation.photos) >= limit and not conversation.is_stale():
        return [_too_many_photos(limit)]
    try:
        raw = fetch(message_id)
    except LineApiError:
        log.warning("could not fetch LINE message %s content", message_id, exc_info=True)
        return [_("We could not get your photo from LINE. Please send it again.")]
    try:
        photo = check_photo(SimpleUploadedFile("photo.jpg", raw))
    except UploadError as exc:
        return [str(exc)]
    if conversation.adds_to() is not None:
        with transaction.atomic():
            locked = _locked(conversation)
            if locked.has_seen(event_id):
                return []
            if (case := locked.adds_to()) is not None:
                locked.remember(event_id)
                new = NewFile(photo.name, photo.content_type, photo.data)
                return [_add_to_case(locked, case, files=[new])]
        # The half hour ran out meanwhile: the photo starts a draft after all.
    extension = photo.name.rsplit(".", 1)[-1]
    path = default_storage.save(
        f"{DRAFT_PHOTO_DIR}/{organisation.pk}/{uuid.uuid4().hex}.{extension}",
        ContentFile(photo.data),
    )
    kept = False
    try:
        with transaction.atomic():
            conversation = _locked(conversation)
            if conversation.has_seen(event_id) or conversation.has_photo(message_id):
                return []
            conversation.remember(event_id)
            _restart_if_stale(conversation)
            if len(conversation.photos) >= limit:
                conversation.save()
                return [_too_many_photos(limit)]
            ref = {
                "message_id": message_id,
                "path": path,
                "name": photo.name,
                "content_type": photo.content_type,
            }
            conversation.photos = [*conversation.photos, ref]
            conversation.state = ConversationState.DRAFTING
            conversation.save()
            kept = True
    finally:
        if not kept:
            default_storage.delete(path)
    received = _("Photo received (%(n)s of at most %(max)s).") % {
        "n": len(conversation.photos),
        "max": limit,
    }
    return [received, _next_step(conversation)]


def receive_location(
    *,
    organisation: Organisation,
    line_user_id: str,
    event_id: str,
    latitude: float,
    longitude: float,
    address: str,
) -> list[str]:
    """A shared location: where the problem is. With a description, the case is filed."""
    lat, lon = _coordinate(latitude), _coordinate(longitude)
    if (
        lat is None
        or lon is None
        or not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1])
    ):
        return [_("The map pin is outside Thailand. Move it to the place of the problem.")]
    conversation = _conversation(organisation, line_user_id)
    if conversation.has_seen(event_id):
        return []
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.has_seen(event_id):
            return []
        conversation.remember(event_id)
        _restart_if_stale(conversation)
        if (case := conversation.adds_to()) is not None:
            # Right after a receipt ("send" before the place): the place of that problem.
            return [_add_to_case(conversation, case, place=(lat, lon, address))]
        conversation.latitude, conversation.longitude = lat, lon
        conversation.address = address.strip()[:500]
        conversation.state = ConversationState.DRAFTING
        if conversation.is_ready:
            return [_file(conversation, event_id)]
        conversation.save()
        return [_("Place noted."), _next_step(conversation)]


def follow_text(case: Case) -> str:
    """What a citizen sends to the LINE account to follow `case` there: printed on the
    receipt and the tracking page, read back by RECEIPT_AND_CODE."""
    return f"{case.receipt_no} {case.tracking_code}"


def follow_here(
    *, organisation: Organisation, line_user_id: str, receipt_no: str, code: str
) -> str:
    """A complaint filed on the web or at the counter, followed from now on in this LINE
    chat: its receipt number and tracking code prove it is the sender's (wrong guesses
    are throttled per LINE user)."""
    key = f"line-follow:{organisation.pk}:{line_user_id}"
    if ratelimit.count(key) >= settings.RONGRIAN_TRACK_FAIL_LIMIT:
        return _("Too many wrong tries. Wait 15 minutes or call the hotline.")
    case = pending.registered(organisation.pk, receipt_no.upper())
    if case is None or not hmac.compare_digest(code.upper(), case.tracking_code):
        ratelimit.hit(key, window=settings.RONGRIAN_TRACK_FAIL_WINDOW)
        return _("No complaint matches this number and code. Check the receipt.")
    linked = case.complainant_line_id == line_user_id and case.update_channel == Channel.LINE
    if not (linked and case.wants_updates):  # a message LINE delivered twice: once
        set_updates(case, channel=Channel.LINE, address=line_user_id)
    return _(
        "We will tell you here when complaint %(receipt)s moves on. Type “status” to see it now."
    ) % {"receipt": case.receipt_no}


def status_text(*, organisation: Organisation, line_user_id: str) -> str:
    """The citizen's followed cases here, newest first: status in words, and the link."""
    cases = list(
        Case.objects.filter(
            organisation=organisation,
            complainant_line_id=line_user_id,
            status__in=FOLLOWED,
        ).order_by("-received_at")[:STATUS_LIMIT]
    )
    name = organisation.localized_name()
    if not cases:
        return _(
            "You have no open complaints with %(organisation)s. "
            "Describe a problem in a message to report one."
        ) % {"organisation": name}
    blocks = [_("Your complaints with %(organisation)s:") % {"organisation": name}]
    for case in cases:
        status = Status(case.status)
        blocks.append(
            "\n".join(
                [
                    f"{case.receipt_no}: {status.label}",
                    str(STATUS_SENTENCES[status]),
                    tracking_url(case),
                ]
            )
        )
    return "\n\n".join(blocks)


def welcome_text(*, organisation: Organisation) -> str:
    return _(
        "Welcome to %(organisation)s. To report a problem, describe it in a message, "
        "send photos if you have any, and share the place (tap + then Location). "
        "Type “status” to follow your complaints."
    ) % {"organisation": organisation.localized_name()}


def _next_step(conversation: LineConversation) -> str:
    if not conversation.draft_text.strip():
        return _("Now describe the problem in a message.")
    return _(
        "Send photos if you have any, then share the place: tap + and choose Location. "
        "Or type “send” to report it without a place."
    )


def _too_many_photos(limit: int) -> str:
    return _("You have sent %(max)s photos, the most one complaint can take.") % {"max": limit}


def _file(conversation: LineConversation, event_id: str) -> str:
    """File the draft as a case (inside the caller's transaction); the receipt text."""
    files = _load_photos(conversation.photos)
    try:
        case = create_case(
            organisation=conversation.organisation,
            channel=Channel.LINE,
            description=conversation.draft_text,
            address=conversation.address,
            latitude=conversation.latitude,
            longitude=conversation.longitude,
            complainant_line_id=conversation.line_user_id,
            wants_updates=True,
            update_channel="line",
            language=conversation.language or settings.LANGUAGE_CODE,
            idempotency_key=f"line:{event_id}",
            files=files,
        )
    except ValidationError as exc:
        conversation.save()
        return " ".join(exc.messages)
    discard_photos(conversation.clear_draft())
    conversation.last_case, conversation.filed_at = case, timezone.now()
    conversation.save()
    return "\n".join(
        [
            _("Thank you. Your complaint is recorded."),
            _("Receipt number: %(receipt)s") % {"receipt": case.receipt_no},
            _("Tracking code: %(code)s") % {"code": case.tracking_code},
            _("Follow it here: %(url)s") % {"url": tracking_url(case)},
            _("We will tell you here as it progresses. Type “status” at any time."),
            _(
                "More words, photos or the place sent in the next 30 minutes are added to this "
                "complaint; type “new” to report another problem."
            ),
        ]
    )


def _add_to_case(
    conversation: LineConversation,
    case: Case,
    *,
    text: str = "",
    files: Sequence[NewFile] = (),
    place: tuple[Decimal, Decimal, str] | None = None,
) -> str:
    """Words, a photo or the place for the complaint just filed (inside the caller's
    transaction)."""
    limit = settings.RONGRIAN_MAX_PHOTOS
    if files and case.attachments.filter(kind=AttachmentKind.PHOTO).count() >= limit:
        conversation.save()
        return _too_many_photos(limit)
    try:
        try:
            citizen_adds(case, text=text, files=files, place=place)
        except StaleCase:  # staff changed the case at that very moment: once more
            case.refresh_from_db()
            citizen_adds(case, text=text, files=files, place=place)
    except CaseError as exc:
        conversation.last_case = None
        conversation.save()
        return str(exc)
    conversation.save()
    if files:
        return _("Photo added to complaint %(receipt)s.") % {"receipt": case.receipt_no}
    if place is not None and (case.latitude, case.longitude) == place[:2]:
        return _("Place added to complaint %(receipt)s. Type “new” to report another problem.") % {
            "receipt": case.receipt_no
        }
    if place is not None:
        return _(
            "Noted for complaint %(receipt)s; it keeps the first place you sent. "
            "Type “new” to report another problem."
        ) % {"receipt": case.receipt_no}
    return _("Added to complaint %(receipt)s. Type “new” to report another problem.") % {
        "receipt": case.receipt_no
    }


def _conversation(organisation: Organisation, line_user_id: str) -> LineConversation:
    conversation, _created = LineConversation.objects.get_or_create(
        organisation=organisation, line_user_id=line_user_id
    )
    return conversation


def _locked(conversation: LineConversation) -> LineConversation:
    """The row again, locked: one event per conversation at a time. (No join here:
    PostgreSQL would lock the organisation row too.)"""
    return LineConversation.objects.select_for_update().get(pk=conversation.pk)


def _restart_if_stale(conversation: LineConversation) -> None:
    if conversation.is_stale():
        discard_photos(conversation.clear_draft())


def _coordinate(value: float) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None


def _load_photos(refs: Sequence[dict[str, Any]]) -> list[NewFile]:
    files = []
    for ref in refs:
        try:
            with default_storage.open(ref["path"], "rb") as handle:
                data = handle.read()
        except OSError:
            log.warning("draft photo %s is gone; filing without it", ref.get("path"))
            continue
        files.append(NewFile(ref["name"], ref["content_type"], data))
    return files


def discard_photos(refs: Sequence[dict[str, Any]]) -> None:
    """Delete draft photos from storage once the current transaction commits."""
    paths = [ref["path"] for ref in refs if ref.get("path")]
    if paths:
        transaction.on_commit(lambda: _delete(paths))


def _delete(paths: Sequence[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            log.warning("could not delete draft photo %s", path, exc_info=True)


def discard_stale_drafts(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Empty drafts left untouched for DRAFT_TTL and delete their photos: a citizen's
    unsent photos and words are not kept longer than needed. For the scheduler;
    safe to run in several copies at once. Returns how many drafts were emptied."""
    cutoff = (now or timezone.now()) - DRAFT_TTL
    stale = LineConversation.objects.filter(state=ConversationState.DRAFTING, updated_at__lt=cutoff)
    emptied = 0
    for pk in stale.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            # Checked again under the lock: the citizen may have written meanwhile.
            conversation = stale.select_for_update().filter(pk=pk).first()
            if conversation is None:
                continue
            discard_photos(conversation.clear_draft())
            conversation.save()
            emptied += 1
    return emptied


# ---------------------------------------------------------------------------
# Calling LINE


class LineClient:
    """The two LINE hosts one webhook request talks to, with the channel's token.

    Replies go to the API host (settings.LINE_API_BASE), message content comes from
    the data host (settings.LINE_DATA_API_BASE)."""

    def __init__(self, channel: LineChannel) -> None:
        self._token = channel.channel_access_token
        self._clients: dict[str, ApiClient] = {}

    def __enter__(self) -> LineClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _client(self, host: str) -> ApiClient:
        host = host.rstrip("/")
        if host not in self._clients:
            config = Configuration(host=host, access_token=self._token)
            self._clients[host] = ApiClient(config)
        return self._clients[host]

    def reply(self, *, reply_token: str, texts: Sequence[str]) -> None:
        """Answer an event. A failed answer is logged, not raised: the event's change
        is already stored, and LINE would only redeliver it."""
        messages = [TextMessage(text=text[:MAX_TEXT]) for text in texts[:MAX_REPLY_MESSAGES]]
        api = MessagingApi(self._client(settings.LINE_API_BASE))
        try:
            api.reply_message(
                ReplyMessageRequest(reply_token=reply_token, messages=messages),
                _request_timeout=API_TIMEOUT,
            )
        except (OpenApiException, urllib3.exceptions.HTTPError, OSError, ValueError):
            log.warning("LINE reply failed", exc_info=True)

    def content(self, message_id: str) -> bytes:
        api = MessagingApiBlob(self._client(settings.LINE_DATA_API_BASE))
        try:
            return bytes(api.get_message_content(message_id, _request_timeout=API_TIMEOUT))
        except (OpenApiException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            raise LineApiError(str(exc)) from exc
