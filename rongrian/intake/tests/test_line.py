"""The LINE Official Account channel: signed webhooks in, a conversation that files a
case, replies and photos through a local stand-in for LINE's API (no network)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone, translation
from PIL import Image

from rongrian.cases import search
from rongrian.cases import services as case_services
from rongrian.cases.choices import Status
from rongrian.cases.models import Attachment, Case
from rongrian.intake import line
from rongrian.intake.models import ConversationState, LineChannel, LineConversation
from rongrian.notify import services as notify
from rongrian.notify.models import Notification
from rongrian.notify.transports import reset_transports
from rongrian.org.models import User
from rongrian.tracking.access import tracking_url
from rongrian.tracking.services import STATUS_SENTENCES

from .images import GPS_IFD, jpeg_with_gps, pdf_named_jpg

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "channel-access-token"
USER = "U4af4980629ffffffffffffffffffffff"
OTHER_USER = "U11111111111111111111111111111111"
WEBHOOK = "/line/LPG/webhook/"
HERE = {"latitude": 18.2901, "longitude": 99.4912, "address": "ถนนบุญวาทย์ ลำปาง"}


# ---------------------------------------------------------------------------
# A stand-in for LINE's API hosts


class FakeLine:
    """Records replies and pushes; serves message content by message id."""

    def __init__(self) -> None:
        self.replies: list[dict[str, Any]] = []
        self.pushes: list[dict[str, Any]] = []
        self.content: dict[str, bytes] = {}
        self.fetched: list[str] = []
        self.base = ""

    def reply_texts(self, index: int = -1) -> list[str]:
        return [m["text"] for m in self.replies[index]["messages"]]

    def last_reply(self) -> str:
        return "\n".join(self.reply_texts())


def _handler(fake: FakeLine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            record = {**body, "authorization": self.headers["Authorization"]}
            if self.path == "/v2/bot/message/reply":
                fake.replies.append(record)
                self._answer(200, b'{"sentMessages": [{"id": "1"}]}', "application/json")
            elif self.path == "/v2/bot/message/push":
                fake.pushes.append(record)
                self._answer(200, b"{}", "application/json")
            else:
                self._answer(404, b"{}", "application/json")

        def do_GET(self) -> None:
            # The data host lives under /data, so a call to the wrong host fails.
            match = re.fullmatch(r"/data/v2/bot/message/(\w+)/content", self.path)
            if match and match[1] in fake.content:
                fake.fetched.append(match[1])
                self._answer(200, fake.content[match[1]], "image/jpeg")
            else:
                self._answer(404, b'{"message": "Not found"}', "application/json")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def line_api(settings: Any) -> Iterator[FakeLine]:
    fake = FakeLine()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_port}"
    settings.LINE_API_BASE = fake.base
    settings.LINE_DATA_API_BASE = f"{fake.base}/data"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def channel(demo: Any, line_api: FakeLine, media: Path) -> LineChannel:
    return LineChannel.objects.create(
        organisation=demo.org, channel_secret=SECRET, channel_access_token=TOKEN
    )


# ---------------------------------------------------------------------------
# Signed webhook payloads

_ids = itertools.count(1)


def event(kind: str, *, user: str = USER, **fields: Any) -> dict[str, Any]:
    n = next(_ids)
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1_700_000_000_000 + n,
        "source": {"type": "user", "userId": user},
        "webhookEventId": f"01HEVENT{n:018d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"reply-{n}",
        **fields,
    }


def text(words: str, **kw: Any) -> dict[str, Any]:
    message = {"type": "text", "id": str(next(_ids)), "text": words, "quoteToken": "q"}
    return event("message", message=message, **kw)


def image(message_id: str, **kw: Any) -> dict[str, Any]:
    message = {
        "type": "image",
        "id": message_id,
        "contentProvider": {"type": "line"},
        "quoteToken": "q",
    }
    return event("message", message=message, **kw)


def location(place: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    message = {
        "type": "location",
        "id": str(next(_ids)),
        "title": "จุดที่แจ้ง",
        **HERE,
        **(place or {}),
    }
    return event("message", message=message, **kw)


def redelivered(original: dict[str, Any]) -> dict[str, Any]:
    return {**original, "deliveryContext": {"isRedelivery": True}}


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def post(
    client: Client,
    *events: dict[str, Any],
    url: str = WEBHOOK,
    signature: str | None = None,
) -> Any:
    body = json.dumps({"destination": "Ubot", "events": list(events)}, ensure_ascii=False).encode()
    headers = {"HTTP_X_LINE_SIGNATURE": sign(body) if signature is None else signature}
    return client.post(url, data=body, content_type="application/json", **headers)


def jpeg_bytes() -> bytes:
    return jpeg_with_gps().read()


def has_thai(value: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in value)


def draft_files(media: Path) -> list[Path]:
    return [p for p in (media / "line-drafts").rglob("*") if p.is_file()]


# ---------------------------------------------------------------------------
# Filing a complaint


def test_it_files_a_text_and_location_conversation(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    first = text("ไฟถนนหน้าวัดดับมาสามคืนแล้ว")
    assert post(client, first).status_code == 200
    assert not Case.objects.exists()
    assert line_api.replies[0]["replyToken"] == first["replyToken"]
    assert line_api.replies[0]["authorization"] == f"Bearer {TOKEN}"

    place = location()
    assert post(client, place).status_code == 200
    case = Case.objects.get()
    assert case.channel == "line" and case.receipt_no == "LPG-2570-000001"
    assert case.description == "ไฟถนนหน้าวัดดับมาสามคืนแล้ว"
    assert (str(case.latitude), str(case.longitude)) == ("18.290100", "99.491200")
    assert case.address == HERE["address"]
    assert case.complainant_line_id == USER
    assert (case.wants_updates, case.update_channel) == (True, "line")
    assert case.idempotency_key == f"line:{place['webhookEventId']}"
    receive = case.events.get()
    assert (receive.action, receive.actor_role, receive.actor) == ("receive", "citizen", None)

    answer = line_api.last_reply()
    assert line_api.replies[-1]["replyToken"] == place["replyToken"]
    assert case.receipt_no in answer and case.tracking_code in answer
    assert tracking_url(case) in answer
    assert "รหัสติดตาม" in answer  # Thai, whatever language the request came in
    conversation = LineConversation.objects.get()
    assert conversation.state == ConversationState.IDLE and conversation.draft_text == ""


def test_a_location_first_then_text_files_too(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, location())
    assert not Case.objects.exists()
    post(client, text("ขยะกองข้างถนน"), text("ส่งกลิ่นเหม็นมาก"))
    case = Case.objects.get()
    assert case.description == "ขยะกองข้างถนน"
    assert case.has_location
    # The second text, right after the receipt, belongs to the complaint just filed.
    assert LineConversation.objects.get().draft_text == ""
    added = case.events.get(action="note")
    assert (added.note, added.actor_role, added.is_public) == ("ส่งกลิ่นเหม็นมาก", "citizen", False)
    assert case.receipt_no in line_api.last_reply()


def test_a_photo_after_the_receipt_is_added_to_that_complaint(
    client: Client, channel: LineChannel, line_api: FakeLine, media: Path
) -> None:
    post(client, text("ท่อแตก น้ำไหลนอง"), location())
    case = Case.objects.get()
    line_api.content["9100"] = jpeg_bytes()
    post(client, image("9100"))
    photo = case.attachments.get()
    assert (photo.kind, photo.event.actor_role) == ("photo", "citizen")
    assert case.receipt_no in line_api.last_reply() and draft_files(media) == []
    assert Case.objects.count() == 1


def test_new_or_half_an_hour_later_starts_another_complaint(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, text("ไฟดับ"), location())
    post(client, text("ใหม่"), text("ต้นไม้ล้มขวางถนน"))
    assert LineConversation.objects.get().draft_text == "ต้นไม้ล้มขวางถนน"
    post(client, location())
    second = Case.objects.order_by("-pk").first()
    assert second.description == "ต้นไม้ล้มขวางถนน" and Case.objects.count() == 2
    LineConversation.objects.update(filed_at=timezone.now() - dt.timedelta(minutes=31))
    post(client, text("สุนัขจรจัดกัดคน"))
    assert LineConversation.objects.get().draft_text == "สุนัขจรจัดกัดคน"
    assert not second.events.filter(action="note").exists()


def test_words_for_a_complaint_already_turned_down_start_a_new_one(
    client: Client, channel: LineChannel, line_api: FakeLine, demo: Any
) -> None:
    post(client, text("ไฟดับ"), location())
    case_services.reject(Case.objects.get(), reason="ซ้ำกับเรื่องเดิม", by=demo.intake)
    post(client, text("ถนนเป็นหลุม"))
    assert LineConversation.objects.get().draft_text == "ถนนเป็นหลุม"
    assert not Case.objects.get().events.filter(action="note").exists()


def test_send_files_without_a_place(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, text("send"))
    assert not Case.objects.exists()  # nothing to send yet
    post(client, text("ท่อระบายน้ำอุดตัน"), text("หน้าตลาดเก่า"))
    assert not Case.objects.exists()
    post(client, text("ส่ง"))
    case = Case.objects.get()
    assert case.description == "ท่อระบายน้ำอุดตัน\nหน้าตลาดเก่า"
    assert not case.has_location
    assert case.receipt_no in line_api.last_reply()


def test_a_place_sent_after_the_receipt_becomes_that_complaints_place(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, text("ท่อระบายน้ำอุดตัน"), text("ส่ง"))
    case = Case.objects.get()
    assert not case.has_location
    post(client, location())
    case.refresh_from_db()
    assert Case.objects.count() == 1 and LineConversation.objects.get().is_empty
    assert (str(case.latitude), str(case.longitude)) == ("18.290100", "99.491200")
    assert case.address == HERE["address"]
    assert case in search.matching(Case.objects.all(), "บุญวาทย์")  # the place is indexed
    noted = case.events.get(action="note")
    assert noted.actor_role == "citizen" and not noted.is_public
    assert HERE["address"] in noted.note and "ตำแหน่ง" in noted.note  # Thai, for the staff
    assert f"เพิ่มตำแหน่งในเรื่อง {case.receipt_no}" in line_api.last_reply()
    assert "ใหม่" in line_api.last_reply()  # how to report another problem instead

    # A second place does not move the pin the unit may already be driving to.
    post(client, location({"latitude": 18.3, "longitude": 99.5, "address": "ที่อื่น"}))
    case.refresh_from_db()
    assert (str(case.latitude), case.address) == ("18.290100", HERE["address"])
    assert "ที่อื่น" in case.events.filter(action="note").last().note
    assert Case.objects.count() == 1
    assert "ตำแหน่งแรก" in line_api.last_reply()  # says the first place is kept


def test_a_place_is_not_lost_when_staff_change_the_case_at_that_moment(
    client: Client, channel: LineChannel, line_api: FakeLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    post(client, text("ท่อระบายน้ำอุดตัน"), text("ส่ง"))
    adds, calls = line.citizen_adds, []

    def raced(case: Any, **kwargs: Any) -> Any:
        calls.append(case.version)
        if len(calls) == 1:  # an officer's change landed between reading and writing
            raise case_services.StaleCase()
        return adds(case, **kwargs)

    monkeypatch.setattr(line, "citizen_adds", raced)
    post(client, location())
    case = Case.objects.get()
    assert case.has_location and len(calls) == 2
    assert f"เพิ่มตำแหน่งในเรื่อง {case.receipt_no}" in line_api.last_reply()


def test_cancel_discards_the_draft(
    client: Client, channel: LineChannel, line_api: FakeLine, media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    line_api.content["9001"] = jpeg_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, text("ถนนเป็นหลุม"), image("9001"))
        assert len(draft_files(media)) == 1
        post(client, text("ยกเลิก"))
    conversation = LineConversation.objects.get()
    assert conversation.draft_text == "" and conversation.photos == []
    assert draft_files(media) == []
    post(client, location())
    assert not Case.objects.exists()


def test_a_day_old_draft_is_started_afresh(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    with time_machine.travel(timezone.now() - timezone.timedelta(days=2)):
        post(client, text("เรื่องเก่าที่ไม่ได้ส่ง"))
    post(client, text("ไฟดับหน้าบ้าน"), location())
    assert Case.objects.get().description == "ไฟดับหน้าบ้าน"


def test_a_place_outside_thailand_is_refused(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, text("น้ำท่วมขัง"))
    far = location()
    far["message"] |= {"latitude": 35.68, "longitude": 139.69}
    post(client, far)
    assert not Case.objects.exists()
    assert has_thai(line_api.last_reply())
    assert not LineConversation.objects.get().has_location


# ---------------------------------------------------------------------------
# Photos


def test_a_photo_becomes_an_attachment_without_exif(
    client: Client, channel: LineChannel, line_api: FakeLine, media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    line_api.content["7001"] = jpeg_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, text("ป้ายจราจรล้ม"), image("7001"))
        assert line_api.fetched == ["7001"]
        assert len(draft_files(media)) == 1
        post(client, location())
    case = Case.objects.get()
    photo = Attachment.objects.get(case=case)
    assert photo.kind == "photo" and photo.content_type == "image/jpeg"
    assert photo.event == case.events.get()
    stored = Image.open(io.BytesIO(photo.file.read()))
    assert stored.format == "JPEG"
    assert not stored.getexif().get_ifd(GPS_IFD)  # the phone's position is gone
    assert 0x010F not in stored.getexif()  # and the camera make
    assert draft_files(media) == []  # the draft copy is cleaned up


def test_a_pdf_sent_as_an_image_is_refused_in_thai(
    client: Client, channel: LineChannel, line_api: FakeLine, media: Path
) -> None:
    line_api.content["7002"] = pdf_named_jpg().read()
    post(client, text("มีคนทิ้งขยะ"), image("7002"))
    refusal = line_api.last_reply()
    with translation.override("th"):
        assert "ไม่ใช่รูปภาพที่ระบบอ่านได้" in refusal
    assert LineConversation.objects.get().photos == []
    assert not (media / "line-drafts").exists() or draft_files(media) == []
    post(client, location())
    assert not Attachment.objects.exists()


def test_a_photo_line_cannot_deliver_asks_again(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, image("missing"))
    assert LineConversation.objects.get().photos == []
    assert line_api.replies and line_api.fetched == []


def test_it_takes_at_most_the_photo_limit(
    client: Client, channel: LineChannel, line_api: FakeLine, settings: Any
) -> None:
    settings.RONGRIAN_MAX_PHOTOS = 2
    for n in ("1", "2", "3"):
        line_api.content[n] = jpeg_bytes()
    post(client, image("1"), image("2"), image("3"))
    assert [p["message_id"] for p in LineConversation.objects.get().photos] == ["1", "2"]
    assert line_api.fetched == ["1", "2"]


# ---------------------------------------------------------------------------
# Redelivery


def test_a_redelivered_event_files_one_case(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, text("ไฟกะพริบทั้งคืน"))
    place = location()
    post(client, place)
    replies = len(line_api.replies)
    assert post(client, redelivered(place)).status_code == 200
    assert Case.objects.count() == 1
    assert len(line_api.replies) == replies  # the same event is not answered twice
    assert LineConversation.objects.get().draft_text == ""


def test_a_redelivered_photo_is_added_once(
    client: Client, channel: LineChannel, line_api: FakeLine, media: Path
) -> None:
    line_api.content["8001"] = jpeg_bytes()
    photo = image("8001")
    post(client, photo)
    post(client, redelivered(photo))
    post(client, {**image("8001")})  # a new event id for the same message, too
    assert len(LineConversation.objects.get().photos) == 1
    assert line_api.fetched == ["8001"]
    post(client, text("ทางเท้าพัง"), location())
    assert Attachment.objects.count() == 1


def test_the_idempotency_key_holds_when_the_conversation_forgot(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    post(client, text("ไฟดับ"))
    place = location()
    post(client, place)
    # Even if the remembered ids were lost, the same event cannot file twice.
    LineConversation.objects.update(recent_event_ids=[], draft_text="ไฟดับ")
    post(client, redelivered(place))
    assert Case.objects.count() == 1
    assert Case.objects.get().receipt_no in line_api.last_reply()


# ---------------------------------------------------------------------------
# Status


def test_status_lists_only_this_users_cases_here(
    client: Client, channel: LineChannel, line_api: FakeLine, make_case: Callable[..., Any],
    demo: Any, other_org: Any,
) -> None:  # fmt: skip
    mine = make_case(channel="line", complainant_line_id=USER)
    forwarded = case_services.forward(
        make_case(channel="line", complainant_line_id=USER),
        to_unit=demo.unit("ENG-ELEC"),
        by=demo.intake,
    )
    theirs = make_case(channel="line", complainant_line_id=OTHER_USER)
    rejected = case_services.reject(
        make_case(channel="line", complainant_line_id=USER), reason="ซ้ำ", by=demo.intake
    )
    elsewhere = case_services.create_case(
        organisation=other_org, channel="line", description="ถนนพัง", complainant_line_id=USER
    )
    post(client, text("สถานะ"))
    answer = line_api.last_reply()
    assert mine.receipt_no in answer and forwarded.receipt_no in answer
    assert answer.index(forwarded.receipt_no) < answer.index(mine.receipt_no)  # newest first
    assert theirs.receipt_no not in answer
    assert rejected.receipt_no not in answer
    assert elsewhere.receipt_no not in answer
    with translation.override("th"):
        assert str(Status.FORWARDED.label) in answer
        assert str(STATUS_SENTENCES[Status.RECEIVED]) in answer
    assert tracking_url(mine) in answer
    assert not LineConversation.objects.filter(draft_text__contains="สถานะ").exists()


def test_status_with_no_cases_says_so(
    client: Client, channel: LineChannel, line_api: FakeLine, make_case: Callable[..., Any]
) -> None:
    make_case(channel="line", complainant_line_id=OTHER_USER)
    post(client, text("Status"))
    assert "LPG-" not in line_api.last_reply()


def test_status_shows_at_most_five(
    client: Client, channel: LineChannel, line_api: FakeLine, make_case: Callable[..., Any]
) -> None:
    cases = [make_case(channel="line", complainant_line_id=USER) for _ in range(6)]
    post(client, text("สถานะ"))
    answer = line_api.last_reply()
    assert sum(case.receipt_no in answer for case in cases) == 5


# ---------------------------------------------------------------------------
# Refusals and other events


def test_a_wrong_or_missing_signature_is_refused(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    forged = text("ไฟดับ")
    body = json.dumps({"events": [forged]}).encode()
    assert post(client, forged, signature=sign(body, "another-secret")).status_code == 400
    assert post(client, forged, signature="").status_code == 400
    assert post(client, location(), signature="bm90IGEgc2lnbmF0dXJl").status_code == 400
    assert not LineConversation.objects.exists()
    assert not Case.objects.exists()
    assert line_api.replies == []


def test_a_signed_body_that_is_not_json_is_refused(client: Client, channel: LineChannel) -> None:
    body = b"not json"
    response = client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_X_LINE_SIGNATURE=sign(body)
    )
    assert response.status_code == 400


def test_an_unknown_or_inactive_organisation_is_404(
    client: Client, channel: LineChannel, other_org: Any, line_api: FakeLine
) -> None:
    assert post(client, text("ไฟดับ"), url="/line/NOPE/webhook/").status_code == 404
    # An organisation without a LINE channel.
    assert post(client, text("ไฟดับ"), url="/line/OTH/webhook/").status_code == 404
    LineChannel.objects.filter(pk=channel.pk).update(is_active=False)
    assert post(client, text("ไฟดับ")).status_code == 404
    assert not LineConversation.objects.exists()
    assert client.get(WEBHOOK).status_code == 405


def test_postbacks_unknown_events_and_group_chats_are_ignored(
    client: Client, channel: LineChannel, line_api: FakeLine
) -> None:
    in_group = text("ไฟดับ")
    in_group["source"] = {"type": "group", "groupId": "G1", "userId": USER}
    sticker = event(
        "message",
        message={"type": "sticker", "id": "5", "packageId": "1", "stickerId": "1",
                 "stickerResourceType": "STATIC", "quoteToken": "q"},
    )  # fmt: skip
    response = post(
        client,
        event("postback", postback={"data": "action=buy"}),
        event("somethingNew", payload={"x": 1}),
        {"type": "message", "broken": True},
        event("unfollow"),
        in_group,
        {**text("ไฟดับ"), "mode": "standby"},
        sticker,
    )
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert not LineConversation.objects.exclude(draft_text="").exists()
    assert len(line_api.replies) == 1  # only the sticker is answered: what we can read
    assert line_api.replies[0]["replyToken"] == sticker["replyToken"]


def test_a_new_friend_is_welcomed(client: Client, channel: LineChannel, line_api: FakeLine) -> None:
    post(client, event("follow", follow={"isUnblocked": False}))
    assert channel.organisation.name in line_api.last_reply()


def test_an_empty_verification_call_is_accepted(client: Client, channel: LineChannel) -> None:
    assert post(client).status_code == 200


# ---------------------------------------------------------------------------
# Progress is pushed back to LINE


def test_status_changes_are_pushed_to_the_line_user(
    client: Client, channel: LineChannel, line_api: FakeLine, demo: Any, settings: Any
) -> None:
    settings.NOTIFY_TRANSPORTS = {
        **settings.NOTIFY_TRANSPORTS,
        "line": "rongrian.notify.transports.http.LinePushTransport",
    }
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    reset_transports()
    try:
        post(client, text("ไฟถนนดับทั้งซอย"), location())
        case = Case.objects.get()
        case_services.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
        news = Notification.objects.get(case=case, kind="status")
        assert (news.channel, news.address) == ("line", USER)
        assert notify.deliver([news.pk]) == {"sent": 1, "retry": 0, "failed": 0, "skipped": 0}
    finally:
        reset_transports()
    assert line_api.pushes[-1]["to"] == USER
    assert case.receipt_no in line_api.pushes[-1]["messages"][0]["text"]


def test_a_web_complaint_is_followed_in_the_chat_after_sending_its_receipt(
    client: Client, channel: LineChannel, line_api: FakeLine, make_case: Callable[..., Any],
    demo: Any,
) -> None:  # fmt: skip
    # The web form asked for news by LINE: only a chat with the account gives a user id.
    case = make_case(wants_updates=True, update_channel="line", complainant_line_id="somchai99")
    assert notify.complainant_contact(case) is None  # a typed LINE ID cannot be pushed to
    post(client, text(f"{case.receipt_no} WRONG123"))
    assert "LPG-" not in line_api.last_reply() and has_thai(line_api.last_reply())
    post(client, text(f"ติดตาม {tracking_url(case)}"))  # the receipt's link, pasted whole
    case.refresh_from_db()
    assert (case.complainant_line_id, case.update_channel, case.wants_updates) == (
        USER, "line", True,
    )  # fmt: skip
    assert case.receipt_no in line_api.last_reply()
    post(client, text(f"{case.receipt_no} {case.tracking_code}"))  # again: nothing new
    assert case.events.filter(data__updates_by="line").count() == 1
    post(client, text("สถานะ"))
    assert case.receipt_no in line_api.last_reply()
    case_services.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    news = Notification.objects.get(case=case, kind="status")
    assert (news.channel, news.address) == ("line", USER)


def test_guessing_receipts_in_the_chat_is_throttled(
    client: Client, channel: LineChannel, line_api: FakeLine, make_case: Callable[..., Any],
    settings: Any,
) -> None:  # fmt: skip
    settings.RONGRIAN_TRACK_FAIL_LIMIT = 3
    case = make_case()
    for n in range(3):
        post(client, text(f"{case.receipt_no} WRONG00{n}"))
    post(client, text(f"{case.receipt_no} {case.tracking_code}"))
    case.refresh_from_db()
    assert case.complainant_line_id == "" and "15" in line_api.last_reply()


def test_the_web_receipt_says_what_to_send_to_the_line_account(
    client: Client, channel: LineChannel, make_case: Callable[..., Any]
) -> None:
    channel.basic_id = "@lampangcity"
    channel.save()
    case = make_case(wants_updates=True, update_channel="line")
    html = client.get(f"/receipt/{case.receipt_no}/{case.tracking_code}/").content.decode()
    printed = re.search(r'<strong class="big-number">([^<]+)</strong>', html)[1]
    assert "@lampangcity" in html and printed == f"{case.receipt_no} {case.tracking_code}"
    post(client, text(printed))  # what the slip says to send is what the chat reads
    case.refresh_from_db()
    assert case.complainant_line_id == USER
    by_sms = make_case(wants_updates=True, update_channel="sms", complainant_phone="0812345678")
    html = client.get(f"/receipt/{by_sms.receipt_no}/{by_sms.tracking_code}/").content.decode()
    assert "@lampangcity" not in html


def test_asking_for_line_news_on_the_tracking_page_shows_what_to_send(
    client: Client, channel: LineChannel, make_case: Callable[..., Any]
) -> None:
    channel.basic_id = "@lampangcity"
    channel.save()
    case = make_case()
    client.post("/track/", {"receipt_no": case.receipt_no, "code": case.tracking_code})
    page = client.post(
        f"/track/{case.receipt_no}/notify/", {"channel": "line", "address": ""}, follow=True
    ).content.decode()
    assert "@lampangcity" in page and f"{case.receipt_no} {case.tracking_code}" in page
    channel.basic_id = ""  # not written down in the admin: no blank where the ID would be
    channel.save()
    page = client.post(
        f"/track/{case.receipt_no}/notify/", {"channel": "line", "address": ""}, follow=True
    ).content.decode()
    assert "LINE  " not in page and f"{case.receipt_no} {case.tracking_code}" in page


def test_a_burmese_writer_is_answered_and_told_in_burmese(
    client: Client, channel: LineChannel, line_api: FakeLine, demo: Any
) -> None:
    post(client, text("လမ်းမီး ပျက်နေသည်"))
    assert has_thai(line_api.last_reply()) is False
    post(client, location())  # no words in it: the chat's language holds
    case = Case.objects.get()
    assert case.language == "my" and case.receipt_no in line_api.last_reply()
    assert "တိုင်ကြားချက်" in line_api.last_reply()
    post(client, text("အခြေအနေ"))  # "status", in Burmese
    assert case.receipt_no in line_api.last_reply() and not has_thai(line_api.last_reply())
    line_api.content["9200"] = jpeg_bytes()
    post(client, image("9200"))  # the note staff read is in their language
    assert case.events.get(action="note").note == "ผู้ร้องส่งรูปภาพเพิ่มเติม"
    case.refresh_from_db()
    case_services.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    news = Notification.objects.get(case=case, kind="status")
    assert not has_thai(news.subject)


def test_the_language_is_read_from_the_script() -> None:
    from rongrian.intake.line import written_language

    texts = ["ไฟดับ", "လမ်းမီး", "light is out", "0812", "LPG-2570-000123 K7PX2QMA",
             "https://rongrian.example/t/LPG-2570-000123/K7PX2QMA/"]  # fmt: skip
    assert [written_language(t) for t in texts] == ["th", "my", "en", "", "", ""]


def test_the_webhook_url_is_shown_for_the_console(channel: LineChannel, settings: Any) -> None:
    settings.RONGRIAN_PUBLIC_URL = "https://rongrian.example/"
    assert channel.webhook_url() == "https://rongrian.example/line/LPG/webhook/"


# ---------------------------------------------------------------------------
# Keeping drafts tidy


def test_stale_drafts_are_emptied_with_their_photos(
    client: Client, channel: LineChannel, line_api: FakeLine, media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    line_api.content["6001"] = jpeg_bytes()
    with time_machine.travel(timezone.now() - timezone.timedelta(days=2)):
        post(client, text("ต้นไม้ล้มขวางทาง"), image("6001"))
    post(client, text("ไฟดับ", user=OTHER_USER))  # fresh: kept
    assert len(draft_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert line.discard_stale_drafts() == 1
    assert draft_files(media) == []
    stale, fresh = (LineConversation.objects.get(line_user_id=u) for u in (USER, OTHER_USER))
    assert (stale.state, stale.draft_text, stale.photos) == ("idle", "", [])
    assert fresh.draft_text == "ไฟดับ"


# ---------------------------------------------------------------------------
# Administration


def test_the_secrets_are_write_only_in_the_admin(client: Client, channel: LineChannel) -> None:
    User.objects.create_superuser("root", password="x")
    client.login(username="root", password="x")
    listing = client.get("/admin/intake/linechannel/").content.decode()
    assert channel.organisation.name in listing
    url = f"/admin/intake/linechannel/{channel.pk}/change/"
    page = client.get(url).content.decode()
    assert SECRET not in listing and SECRET not in page
    assert TOKEN not in listing and TOKEN not in page
    assert "/line/LPG/webhook/" in page
    data = {"organisation": channel.organisation_id, "channel_secret": "", "is_active": "on"}
    data["channel_access_token"] = "new-token"
    assert client.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert (channel.channel_secret, channel.channel_access_token) == (SECRET, "new-token")
    assert client.get("/admin/intake/lineconversation/").status_code == 200


def test_an_administrator_sees_only_their_organisations_channel(
    client: Client, channel: LineChannel, other_org: Any, demo: Any
) -> None:
    foreign = LineChannel.objects.create(
        organisation=other_org, channel_secret="s" * 32, channel_access_token="t"
    )
    perms = Permission.objects.filter(content_type__app_label="intake")
    demo.admin.user.user_permissions.add(*perms)
    assert client.login(username="admin", password="rongrian-demo")
    listing = client.get("/admin/intake/linechannel/").content.decode()
    assert demo.org.name in listing and other_org.name not in listing
    foreign_url = f"/admin/intake/linechannel/{foreign.pk}/change/"
    assert client.get(foreign_url).status_code in (302, 404)


def test_a_receipt_sent_to_the_chat_before_its_complaint_is_registered_is_followed(
    client: Client, channel: LineChannel, demo: Any
) -> None:
    from rongrian.cases import pending

    channel.basic_id = "@lampangcity"
    channel.save()
    taken = pending.accept(
        organisation=demo.org,
        channel="web",
        language="th",
        idempotency_key="line-1",
        fields={"description": "ไฟดับ", "wants_updates": True, "update_channel": "line"},
    )
    html = client.get(f"/receipt/{taken.receipt_no}/{taken.tracking_code}/").content.decode()
    printed = re.search(r'<strong class="big-number">([^<]+)</strong>', html)[1]
    assert "@lampangcity" in html and printed == f"{taken.receipt_no} {taken.tracking_code}"
    post(client, text(printed))  # a moment later, before the registrar got to it
    case = Case.objects.get(receipt_no=taken.receipt_no)
    assert (case.complainant_line_id, case.update_channel) == (USER, "line")
