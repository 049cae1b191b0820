"""The complainant's own page: opened with the receipt, throttled, and free of anyone's data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from rongrian.cases import services as s
from rongrian.cases.choices import Status
from rongrian.cases.services import NewFile
from rongrian.intake.tests.images import jpeg_with_gps
from rongrian.surveys.models import Rating
from rongrian.tracking import access


@pytest.fixture(autouse=True)
def _clear_throttles() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(make_case: Any) -> Any:
    return make_case(
        complainant_name="สมหญิง ใจงาม",
        complainant_phone="0891234567",
        complainant_email="somying@example.com",
        complainant_line_id="somying.line",
        address="ซอยสุขใจ 3",
    )


def open_page(client: Client, case: Any, code: str | None = None) -> Any:
    return client.post(
        "/track/", {"receipt_no": case.receipt_no, "code": code or case.tracking_code}, follow=True
    )


def test_the_receipt_and_code_open_the_page(client: Client, case: Any) -> None:
    response = open_page(client, case)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/track/{case.receipt_no}/"
    assert "รับเรื่องแล้ว" in html and "ซอยสุขใจ 3" in html
    assert "คัดกรองและส่งต่อ" in html  # the stage it waits for, with its deadline


def test_the_last_four_digits_of_the_phone_also_work(client: Client, case: Any) -> None:
    assert open_page(client, case, "4567").redirect_chain[-1][0] == f"/track/{case.receipt_no}/"


def test_the_qr_link_opens_the_page(client: Client, case: Any) -> None:
    response = client.get(f"/t/{case.receipt_no}/{case.tracking_code}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/track/{case.receipt_no}/"


def test_following_a_case_writes_no_session_and_a_forged_grant_opens_nothing(
    client: Client, case: Any, make_case: Any
) -> None:
    other = make_case(description="ถนนหน้าโรงเรียนเป็นหลุม")
    response = client.get(f"/t/{case.receipt_no}/{case.tracking_code}/")
    assert response.status_code == 302 and Session.objects.count() == 0
    assert access.COOKIE in response.cookies and response.cookies[access.COOKIE]["httponly"]
    assert client.get(f"/track/{case.receipt_no}/").status_code == 200
    # The cookie is signed: naming another case in it does not open that case.
    client.cookies[access.COOKIE] = f"{other.pk}.{case.pk}"
    assert client.get(f"/track/{other.receipt_no}/").status_code == 302
    assert client.get(f"/track/{case.receipt_no}/").status_code == 302


def test_without_the_code_there_is_no_page(client: Client, case: Any) -> None:
    response = client.get(f"/track/{case.receipt_no}/")
    assert response.status_code == 302 and response["Location"].startswith("/track/?receipt_no=")


def test_wrong_guesses_are_throttled(client: Client, case: Any, settings: Any) -> None:
    settings.RONGRIAN_TRACK_FAIL_LIMIT = 5
    for guess in range(5):
        assert open_page(client, case, f"WRONG{guess}").status_code == 404
    response = open_page(client, case)  # even the right code is refused now
    assert response.status_code == 429
    assert "ลองผิดหลายครั้งเกินไป" in response.content.decode()


def test_guesses_from_many_addresses_cannot_lock_the_citizen_out(case: Any, settings: Any) -> None:
    settings.RONGRIAN_TRACK_FAIL_LIMIT = 5
    for n in range(5):  # a different client each time: no per-address limit is reached
        guesser = Client(REMOTE_ADDR=f"10.9.0.{n}")
        assert open_page(guesser, case, f"{1000 + n}").status_code == 404
    # Past the receipt's limit its phone digits no longer open it, from anyone ...
    citizen = Client(REMOTE_ADDR="10.1.1.1")
    refused = open_page(citizen, case, "4567")
    assert refused.status_code == 429 and "รหัสติดตาม" in refused.content.decode()
    # ... but the receipt's own tracking code and its QR link still do.
    assert open_page(citizen, case).redirect_chain[-1][0] == f"/track/{case.receipt_no}/"
    qr = Client(REMOTE_ADDR="10.1.1.2").get(f"/t/{case.receipt_no}/{case.tracking_code}/")
    assert qr["Location"] == f"/track/{case.receipt_no}/"


def test_a_throttled_qr_link_says_why(client: Client, case: Any, settings: Any) -> None:
    settings.RONGRIAN_TRACK_FAIL_LIMIT = 2
    for guess in range(2):
        open_page(client, case, f"WRONG{guess}")
    response = client.get(f"/t/{case.receipt_no}/{case.tracking_code}/")
    assert response.status_code == 429 and "ลองผิดหลายครั้งเกินไป" in response.content.decode()


def test_the_page_shows_no_personal_data_staff_names_or_internal_notes(
    client: Client, case: Any, demo: Any
) -> None:
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    s.add_note(case, text="ผู้ร้องเคยร้องเรื่องนี้หลายครั้ง โทรตามยาก", by=demo.supervisor)
    case = s.acknowledge(case, by=demo.head_elec)
    case = s.assign(case, to=demo.officer_elec, by=demo.head_elec)
    case = s.report_progress(
        case, note="ภายใน: รอเบิกหลอดจากคลัง", by=demo.officer_elec, public=False
    )
    case = s.report_progress(case, note="สั่งอุปกรณ์แล้ว จะเข้าซ่อมพรุ่งนี้", by=demo.officer_elec)
    html = open_page(client, case).content.decode()
    for secret in [
        "สมหญิง", "0891234567", "somying@example.com", "somying.line",  # the complainant
        "โทรตามยาก", "รอเบิกหลอด",  # internal notes
        "สมชาย", "officer_elec", "ประเสริฐ", "head_elec", "สมใจ",  # staff
    ]:  # fmt: skip
        assert secret not in html, secret
    assert "สั่งอุปกรณ์แล้ว จะเข้าซ่อมพรุ่งนี้" in html  # the public progress note


def _resolved(case: Any, demo: Any) -> Any:
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    case = s.assign(s.acknowledge(case, by=demo.head_elec), to=demo.officer_elec, by=demo.head_elec)
    photo = jpeg_with_gps("after.jpg")
    return s.resolve(
        case, result="เปลี่ยนหลอดไฟใหม่แล้ว", by=demo.officer_elec,
        files=[NewFile("after.jpg", "image/jpeg", photo.read())],
    )  # fmt: skip


def test_the_after_photo_is_shown_to_the_complainant_only(
    client: Client, case: Any, demo: Any
) -> None:
    case = _resolved(case, demo)
    html = open_page(client, case).content.decode()
    after = case.attachments.get(kind="after")
    url = f"/track/{case.receipt_no}/photo/{after.pk}/"
    assert url in html and "เปลี่ยนหลอดไฟใหม่แล้ว" in html
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404  # another browser without the code


def test_the_page_with_photos_and_a_rating_reads_the_database_four_times(
    client: Client, make_case: Any, demo: Any, django_assert_max_num_queries: Any
) -> None:
    # The case with its organisation, category and rating; its public events; the photos
    # the citizen may see; the running clock. Many citizens follow their case at once.
    own = jpeg_with_gps("mine.jpg").read()
    case = _resolved(make_case(files=[NewFile("mine.jpg", "image/jpeg", own)]), demo)
    open_page(client, case)
    client.post(f"/track/{case.receipt_no}/rate/", {"score": "4", "comment": "เร็วดี"})
    with django_assert_max_num_queries(4):
        html = client.get(f"/track/{case.receipt_no}/").content.decode()
    for attachment in case.attachments.all():
        assert f"/track/{case.receipt_no}/photo/{attachment.pk}/" in html
    assert 'value="4" required checked' in html  # the rating read with the case


def test_staff_progress_photos_are_neither_shown_nor_served_to_the_complainant(
    client: Client, make_case: Any, demo: Any
) -> None:
    own = jpeg_with_gps("mine.jpg").read()
    case = make_case(files=[NewFile("mine.jpg", "image/jpeg", own)])
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    case = s.assign(s.acknowledge(case, by=demo.head_elec), to=demo.officer_elec, by=demo.head_elec)
    for public in (False, True):
        case = s.report_progress(
            case, note="หน้างาน", by=demo.officer_elec, public=public,
            files=[NewFile("site.jpg", "image/jpeg", jpeg_with_gps("site.jpg").read())],
        )  # fmt: skip
    html = open_page(client, case).content.decode()
    mine = case.attachments.get(kind="photo")
    assert client.get(f"/track/{case.receipt_no}/photo/{mine.pk}/").status_code == 200
    for site in case.attachments.exclude(pk=mine.pk):
        assert site.kind == "progress"
        url = f"/track/{case.receipt_no}/photo/{site.pk}/"
        assert url not in html and client.get(url).status_code == 404


def test_the_complainant_confirms_the_fix(client: Client, case: Any, demo: Any) -> None:
    case = _resolved(case, demo)
    open_page(client, case)
    client.post(f"/track/{case.receipt_no}/confirm/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_the_complainant_disputes_the_fix(client: Client, case: Any, demo: Any) -> None:
    case = _resolved(case, demo)
    open_page(client, case)
    response = client.post(f"/track/{case.receipt_no}/dispute/", {"reason": ""}, follow=True)
    assert "บอกเราว่ายังมีอะไรไม่เรียบร้อย" in response.content.decode()
    client.post(
        f"/track/{case.receipt_no}/dispute/", {"reason": "ไฟยังดับอยู่", "version": case.version}
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.reopen_count == 1
    assert case.events.get(action="reopen").reason == "ไฟยังดับอยู่"


def test_the_complainant_rates_the_service(client: Client, case: Any, demo: Any) -> None:
    case = _resolved(case, demo)
    open_page(client, case)
    response = client.post(f"/track/{case.receipt_no}/rate/", {"score": "9"}, follow=True)
    assert "1 ถึง 5" in response.content.decode() and not Rating.objects.exists()
    client.post(f"/track/{case.receipt_no}/rate/", {"score": "4", "comment": "รวดเร็ว"})
    assert Rating.objects.get(case=case).score == 4


def test_rating_before_the_work_is_done_is_refused(client: Client, case: Any) -> None:
    open_page(client, case)
    client.post(f"/track/{case.receipt_no}/rate/", {"score": "5"})
    assert not Rating.objects.exists()


def test_the_complainant_asks_to_be_told(client: Client, make_case: Any) -> None:
    case = make_case()
    open_page(client, case)
    response = client.post(
        f"/track/{case.receipt_no}/notify/",
        {"channel": "sms", "address": "081-234-5678", "consent": "on"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.wants_updates and case.complainant_phone == "0812345678"
    assert "แจ้งให้ท่านทราบ" in response.content.decode()


def test_a_stale_page_cannot_confirm_after_a_dispute(client: Client, case: Any, demo: Any) -> None:
    case = _resolved(case, demo)
    open_page(client, case)
    old_version = case.version
    client.post(f"/track/{case.receipt_no}/dispute/", {"reason": "ยังดับ", "version": old_version})
    response = client.post(
        f"/track/{case.receipt_no}/confirm/", {"version": old_version}, follow=True
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED and response.status_code == 409
    assert "ส่งอีกครั้ง" in response.content.decode()  # this page is the case as it is now


def test_overlong_answers_are_refused_with_a_message_not_an_error(
    client: Client, case: Any, demo: Any
) -> None:
    # The server's limits, with a message (the boxes have no maxlength to cut a paste).
    case = _resolved(case, demo)
    open_page(client, case)
    dispute = client.post(
        f"/track/{case.receipt_no}/dispute/",
        {"reason": "ไฟยังดับ" * 300, "version": case.version},
        follow=True,
    )
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com"  # valid, 310 characters
    email = client.post(
        f"/track/{case.receipt_no}/notify/",
        {"channel": "email", "address": long_email, "consent": "on"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.complainant_email == "somying@example.com"
    assert "2,000" in dispute.content.decode() and dispute.status_code == 400
    assert "ยาวเกินไป" in email.content.decode() and email.status_code == 400


def test_a_refused_answer_stays_in_its_box(client: Client, case: Any, demo: Any) -> None:
    # A redirect after a refusal would empty the box: the citizen would type it all again.
    case = _resolved(case, demo)
    open_page(client, case)
    long_reason = "ไฟยังดับ <b>ทั้งซอย</b> " * 200
    page = client.post(
        f"/track/{case.receipt_no}/dispute/", {"reason": long_reason, "version": case.version}
    )
    html = page.content.decode()
    assert page.status_code == 400 and "2,000" in html
    assert "ไฟยังดับ &lt;b&gt;ทั้งซอย&lt;/b&gt;" in html and "<b>ทั้งซอย" not in html
    assert 'maxlength="2000"' not in html  # the browser would have cut the paste silently
    reason_box = html.split('id="reason"')[1].split("</textarea>")[0]
    assert "autofocus" in reason_box and reason_box.count("ไฟยังดับ") == 200

    page = client.post(
        f"/track/{case.receipt_no}/rate/", {"score": "4", "comment": "ช้า" * 600}
    ).content.decode()
    assert 'value="4" required checked' in page and "ช้า" * 600 in page
    page = client.post(
        f"/track/{case.receipt_no}/notify/",
        {"channel": "sms", "address": "081-234", "consent": "on"},
    ).content.decode()
    assert 'value="sms" required checked' in page and 'value="081-234"' in page
    assert 'id="consent" name="consent" checked' in page

    # A page older than the case (someone acted meanwhile): refused, the text kept, and
    # the page carries the current version so that sending it again works.
    page = client.post(
        f"/track/{case.receipt_no}/dispute/", {"reason": "ยังดับ", "version": case.version - 1}
    )
    html = page.content.decode()
    assert page.status_code == 409
    assert "ยังดับ</textarea>" in html and f'name="version" value="{case.version}"' in html
    # Switching the language there returns to the case, not to the answer's address.
    assert f'name="next" type="hidden" value="/track/{case.receipt_no}/"' in html
    assert client.get(f"/track/{case.receipt_no}/dispute/").url == f"/track/{case.receipt_no}/"

    # Confirmed in another tab meanwhile: the dispute box is gone, what was typed is not.
    client.post(f"/track/{case.receipt_no}/confirm/", {"version": case.version})
    page = client.post(
        f"/track/{case.receipt_no}/dispute/", {"reason": "ยังดับทั้งซอย", "version": case.version}
    ).content.decode()
    assert 'id="reason"' not in page and "ยังดับทั้งซอย" in page
