"""Who is told what, and delivery that retries and never drops a message."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rongrian.cases import services as s
from rongrian.cases.exceptions import StaleCase
from rongrian.notify import services as notify
from rongrian.notify.choices import DeliveryStatus
from rongrian.notify.models import Notification
from rongrian.notify.transports import Message, TransportError, reset_transports

LOG = "rongrian.notify.transports.logging.LoggingTransport"
EMAIL = "rongrian.notify.transports.email.EmailTransport"


@pytest.fixture(autouse=True)
def _transports(settings: Any) -> Iterator[None]:
    settings.NOTIFY_TRANSPORTS = {"email": EMAIL, "sms": LOG, "line": LOG}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    reset_transports()
    yield
    reset_transports()


class Failing:
    calls = 0

    def send(self, message: Message) -> None:
        Failing.calls += 1
        raise TransportError("gateway down")


def test_it_tells_a_complainant_who_asked_in_their_language(
    demo: Any, make_case: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(
        complainant_phone="0812345678", wants_updates=True, update_channel="sms", language="th"
    )
    with django_capture_on_commit_callbacks(execute=True):
        s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    sms = Notification.objects.get(channel="sms", kind="status")
    assert sms.address == "0812345678"
    assert sms.subject == f"เรื่องร้องเรียน {case.receipt_no} ของท่าน: ส่งต่อหน่วยงานแล้ว"
    assert "1132" in sms.body
    assert sms.status == DeliveryStatus.SENT


def test_it_says_nothing_to_a_complainant_who_did_not_ask(demo: Any, make_case: Any) -> None:
    case = make_case(complainant_phone="0812345678", wants_updates=False)
    s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    # The receipt goes where a contact was given; progress news only on request.
    assert list(Notification.objects.filter(recipient=None).values_list("kind", flat=True)) == [
        "receipt"
    ]


def test_internal_steps_are_not_news_to_the_complainant(demo: Any, make_case: Any) -> None:
    case = make_case(complainant_email="a@example.com", wants_updates=True, language="en")
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    s.acknowledge(case, by=demo.head_elec)
    assert list(Notification.objects.filter(kind="status").values_list("subject", flat=True)) == [
        f"Your complaint {case.receipt_no}: Forwarded to unit"
    ]


def test_the_complainant_is_never_sent_a_note_staff_wrote_for_each_other(
    demo: Any, make_case: Any
) -> None:
    case = make_case(complainant_phone="0812345678", wants_updates=True, update_channel="sms")
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake, note="ผู้ร้องรายนี้ร้องบ่อย")
    case = s.assign(s.acknowledge(case, by=demo.head_elec), to=demo.officer_elec, by=demo.head_elec)
    case = s.start_work(case, by=demo.officer_elec, note="ภายใน: ใช้รถกระเช้าคันเก่า")
    s.hold(case, reason="ขอทราบบ้านเลขที่", by=demo.officer_elec)
    news = Notification.objects.filter(kind="status").order_by("pk")
    bodies = list(news.values_list("body", flat=True))
    assert len(bodies) == 3  # forwarded, in progress, on hold
    assert not any("ร้องบ่อย" in b or "รถกระเช้า" in b for b in bodies)
    assert "ขอทราบบ้านเลขที่" in bodies[-1]  # what the complainant is asked, they are told


def test_the_officer_hears_of_new_work_by_email(
    demo: Any, make_case: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = s.acknowledge(
        s.forward(make_case(), to_unit=demo.unit("ENG-ELEC"), by=demo.intake), by=demo.head_elec
    )
    with django_capture_on_commit_callbacks(execute=True):
        s.assign(case, to=demo.officer_elec, by=demo.head_elec)
    assert [m.to for m in mail.outbox] == [["officer_elec@lampang.example"]]
    assert case.receipt_no in mail.outbox[0].subject
    assert "ไฟถนน" in mail.outbox[0].body


def test_a_rolled_back_change_tells_nobody(demo: Any, make_case: Any) -> None:
    case = make_case(complainant_phone="0812345678", wants_updates=True)
    stale = type(case).objects.get(pk=case.pk)
    s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    before = Notification.objects.count()
    with pytest.raises(StaleCase):
        s.reject(stale, reason="ซ้ำ", by=demo.intake)
    assert Notification.objects.count() == before


def test_a_failed_send_is_retried_with_backoff_then_marked_failed(demo: Any, settings: Any) -> None:
    settings.NOTIFY_TRANSPORTS = {"email": EMAIL, "sms": f"{__name__}.Failing", "line": LOG}
    settings.NOTIFY_MAX_ATTEMPTS = 3
    reset_transports()
    n = notify.queue(
        organisation_id=demo.org.pk, kind="status", channel="sms", address="0812345678",
        subject="ทดสอบ", body="ทดสอบ",
    )  # fmt: skip
    start = timezone.now()
    assert notify.deliver([n.pk], now=start) == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    n.refresh_from_db()
    assert (n.status, n.attempts, n.last_error) == ("pending", 1, "gateway down")
    assert n.next_attempt_at == start + dt.timedelta(minutes=1)
    # Not due yet: nothing is sent twice.
    assert notify.deliver([n.pk], now=start)["skipped"] == 1
    later = start + dt.timedelta(minutes=1)
    notify.deliver([n.pk], now=later)
    n.refresh_from_db()
    assert n.next_attempt_at == later + dt.timedelta(minutes=2)
    notify.deliver([n.pk], now=later + dt.timedelta(minutes=2))
    n.refresh_from_db()
    assert (n.status, n.attempts) == ("failed", 3)


def test_the_sweep_re_enqueues_what_no_task_is_delivering(demo: Any) -> None:
    n = Notification.objects.create(
        organisation=demo.org, kind="status", channel="sms", address="0812345678",
        subject="ค้าง", body="ค้าง", next_attempt_at=timezone.now() - dt.timedelta(minutes=5),
    )  # fmt: skip
    assert notify.enqueue_due() == 1
    n.refresh_from_db()
    assert n.status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_queued_messages(settings: Any) -> None:
    # A real worker closes its connections between tasks: committed data, as in production.
    from rongrian.conftest import Cast
    from rongrian.org.demo import load_demo

    demo = Cast(load_demo()[0])
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    n = notify.queue(
        organisation_id=demo.org.pk, kind="status", channel="email", address="c@example.com",
        subject="เรื่องของท่าน", body="ดำเนินการแล้ว",
    )  # fmt: skip
    notify._enqueue([n.pk])
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    n.refresh_from_db()
    assert n.status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["c@example.com"]


class _Recorder(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
    answer = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Recorder.requests.append((self.path, dict(self.headers), body))
        self.send_response(_Recorder.answer)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.requests, _Recorder.answer = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_sms_gateway_transport_posts_to_the_gateway(settings: Any, gateway: str) -> None:
    from rongrian.notify.transports.http import SmsGatewayTransport

    settings.NOTIFY_SMS_URL, settings.NOTIFY_SMS_TOKEN = f"{gateway}/sms", "secret"
    SmsGatewayTransport().send(Message("0812345678", "หัวเรื่อง", "ข้อความภาษาไทย"))
    path, headers, body = _Recorder.requests[0]
    assert path == "/sms" and headers["Authorization"] == "Bearer secret"
    assert body == {"sender": "rongrian", "to": "0812345678", "message": "ข้อความภาษาไทย"}
    _Recorder.answer = 503
    with pytest.raises(TransportError, match="503"):
        SmsGatewayTransport().send(Message("0812345678", "x", "y"))


def test_the_line_transport_pushes_to_the_user(settings: Any, gateway: str) -> None:
    from rongrian.notify.transports.http import LinePushTransport

    settings.LINE_API_BASE, settings.LINE_CHANNEL_ACCESS_TOKEN = gateway, "tok"
    LinePushTransport().send(Message("U1234", "s", "เรื่องของท่านเสร็จแล้ว"))
    path, headers, body = _Recorder.requests[0]
    assert path == "/v2/bot/message/push" and headers["Authorization"] == "Bearer tok"
    assert body == {"to": "U1234", "messages": [{"type": "text", "text": "เรื่องของท่านเสร็จแล้ว"}]}
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    with pytest.raises(TransportError, match="no LINE channel access token"):
        LinePushTransport().send(Message("U1234", "s", "b"))


def test_line_pushes_go_through_the_organisations_own_channel(
    settings: Any, gateway: str, demo: Any
) -> None:
    from rongrian.intake.models import LineChannel
    from rongrian.notify.transports.http import LinePushTransport

    settings.LINE_API_BASE, settings.LINE_CHANNEL_ACCESS_TOKEN = gateway, "global"
    LineChannel.objects.create(
        organisation=demo.org, channel_secret="s", channel_access_token="lampang-token"
    )
    LinePushTransport().send(Message("U1", "s", "b", organisation_id=demo.org.pk))
    assert _Recorder.requests[0][1]["Authorization"] == "Bearer lampang-token"


def test_a_line_complaint_gets_its_receipt_in_the_chat_not_as_a_push(
    demo: Any, make_case: Any
) -> None:
    make_case(
        channel="line",
        complainant_line_id="U42424242424242424242424242424242",
        wants_updates=True,
        update_channel="line",
    )
    assert not Notification.objects.filter(kind="receipt").exists()
    make_case(
        channel="web",
        complainant_line_id="U43434343434343434343434343434343",
        wants_updates=True,
        update_channel="line",
    )
    assert Notification.objects.filter(
        kind="receipt", address="U43434343434343434343434343434343"
    ).exists()


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_the_rq_backend_delivers_through_redis(demo: Any, settings: Any) -> None:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    queue = django_rq.get_queue("default")
    queue.empty()
    n = notify.queue(
        organisation_id=demo.org.pk, kind="status", channel="email", address="r@example.com",
        subject="ผ่าน Redis", body="ข้อความ",
    )  # fmt: skip
    notify._enqueue([n.pk])
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    n.refresh_from_db()
    assert n.status == DeliveryStatus.SENT
    assert mail.outbox[-1].to == ["r@example.com"]
