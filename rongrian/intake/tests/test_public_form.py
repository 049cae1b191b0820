"""The public complaint form: every field, every refusal, nothing lost, nothing doubled."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from PIL import Image

from rongrian.cases.models import Attachment, Case, ReceiptCounter
from rongrian.cases.pending import register_pending
from rongrian.notify.models import Notification

from .images import GPS_IFD, jpeg_with_gps, pdf_named_jpg


@pytest.fixture
def form_data(demo: Any) -> dict[str, Any]:
    return {
        "category": demo.category("STREETLIGHT").pk,
        "description": "ไฟถนนหน้าวัดดับมาสามคืนแล้ว มืดมาก",
        "address": "ถนนบุญวาทย์ หน้าวัดเชียงราย",
        "latitude": "18.290100",
        "longitude": "99.491200",
        "idempotency_key": "k-1",
    }


def post(client: Client, data: dict[str, Any], **extra: Any) -> Any:
    """Send the form, then let the registrar run (cases.pending; `make run` runs it twice
    a second) so the complaint is a case."""
    response = client.post("/complaint/", data, **extra)
    register_pending()
    return response


def test_the_form_is_thai_with_categories_explained_and_a_map(client: Client, demo: Any) -> None:
    html = client.get("/complaint/").content.decode()
    assert "แจ้งเรื่องร้องเรียน" in html
    assert "ไฟฟ้าสาธารณะดับหรือชำรุด" in html and "ไฟถนนดับ ไฟกะพริบ เสาไฟเอียง" in html
    assert 'id="map"' in html and "vendor/leaflet/leaflet.js" in html
    assert "พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล" in html  # PDPA consent text
    assert 'name="idempotency_key"' in html


def test_a_complaint_with_a_photo_gets_a_receipt(client: Client, form_data: dict[str, Any]) -> None:
    response = post(client, {**form_data, "photos": [jpeg_with_gps()]})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/receipt/{case.receipt_no}/{case.tracking_code}/"
    assert case.channel == "web" and case.receipt_no == "LPG-2570-000001"
    first = case.events.get()
    assert (first.action, first.actor_role, first.actor) == ("receive", "citizen", None)
    photo = Attachment.objects.get(case=case)
    stored = Image.open(io.BytesIO(photo.file.read()))
    assert not stored.getexif().get_ifd(GPS_IFD)  # the phone's GPS position is gone
    assert photo.event == first


def test_the_receipt_shows_the_number_code_and_qr(
    client: Client, form_data: dict[str, Any]
) -> None:
    response = post(client, form_data, follow=True)
    case = Case.objects.get()
    html = response.content.decode()
    assert case.receipt_no in html and case.tracking_code in html
    assert "<svg" in html and f"/t/{case.receipt_no}/{case.tracking_code}/" in html
    assert client.get(f"/receipt/{case.receipt_no}/WRONGCODE/").status_code == 404


def test_guessing_receipt_codes_is_throttled_like_the_tracking_page(
    client: Client, form_data: dict[str, Any], settings: Any
) -> None:
    settings.RONGRIAN_TRACK_FAIL_LIMIT = 3
    post(client, form_data)
    case = Case.objects.get()
    guesser = Client(REMOTE_ADDR="10.6.6.6")
    for n in range(3):
        assert guesser.get(f"/receipt/{case.receipt_no}/WRONG00{n}/").status_code == 404
    right = f"/receipt/{case.receipt_no}/{case.tracking_code}/"
    assert guesser.get(right).status_code == 404  # this client is stopped for a while
    assert Client(REMOTE_ADDR="10.7.7.7").get(right).status_code == 200


def test_a_double_click_records_one_case(client: Client, form_data: dict[str, Any]) -> None:
    first = post(client, form_data)
    second = post(client, form_data)
    assert Case.objects.count() == 1
    assert Case.objects.get().contact_consent_at is None  # anonymous: nothing to consent to
    assert first["Location"] == second["Location"]


def test_a_form_sent_again_with_other_words_is_another_complaint(
    client: Client, form_data: dict[str, Any]
) -> None:
    # Back, edit, send: the page still holds the first render's key.
    first = post(client, form_data)
    second = post(client, {**form_data, "description": "ท่อระบายน้ำอุดตัน น้ำท่วมขัง"})
    again = post(client, {**form_data, "description": "ท่อระบายน้ำอุดตัน น้ำท่วมขัง"})
    assert Case.objects.count() == 2
    assert first["Location"] != second["Location"] == again["Location"]


BAD = [
    ({"description": ""}, "กรุณาอธิบายปัญหา"),
    ({"description": "ก" * 20_000}, "ไม่เกิน 5000 ตัวอักษร"),
    ({"latitude": "13.0", "longitude": "120.5"}, "นอกประเทศไทย"),
    ({"phone": "12ab"}, "ไม่ใช่หมายเลขโทรศัพท์"),
    ({"phone": "0812345678"}, "ติ๊กเพื่อยินยอม"),  # contact details without consent
    ({"wants_updates": "on"}, "เบอร์โทรศัพท์ อีเมล หรือ LINE ID"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_is_refused_in_thai_and_the_rest_is_kept(
    client: Client, form_data: dict[str, Any], change: dict[str, str], message: str
) -> None:
    response = post(client, {**form_data, **change})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "ถนนบุญวาทย์ หน้าวัดเชียงราย" in html  # the citizen's other input is still there
    assert Case.objects.count() == 0 and not ReceiptCounter.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [(pdf_named_jpg, "ไม่ใช่รูปภาพที่ระบบอ่านได้"), (lambda: jpeg_with_gps("x.jpg"), None)],
)
def test_a_pdf_renamed_jpg_is_refused(
    client: Client, form_data: dict[str, Any], upload: Any, message: str | None
) -> None:
    response = post(client, {**form_data, "photos": [upload()]})
    if message is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400 and message in response.content.decode()
    assert Case.objects.count() == 0 and not Attachment.objects.exists()


def test_a_50_mb_image_is_refused(client: Client, form_data: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.jpg", bytes(50 * 1024 * 1024), content_type="image/jpeg")
    response = post(client, {**form_data, "photos": [big]})
    assert response.status_code == 400 and "ใหญ่เกินไป" in response.content.decode()
    assert Case.objects.count() == 0


def test_more_than_five_photos_are_refused(client: Client, form_data: dict[str, Any]) -> None:
    response = post(client, {**form_data, "photos": [jpeg_with_gps(f"{i}.jpg") for i in range(6)]})
    assert response.status_code == 400 and "ไม่เกิน 5 รูป" in response.content.decode()


def test_scripts_are_stored_as_written_and_shown_escaped(
    client: Client, form_data: dict[str, Any]
) -> None:
    text = '<script>alert("x")</script> ไฟดับ'
    html = post(client, {**form_data, "description": text}, follow=True).content.decode()
    case = Case.objects.get()
    assert case.description == text
    page = client.get(f"/track/{case.receipt_no}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<script>alert" not in html


def test_the_form_speaks_burmese(client: Client, form_data: dict[str, Any]) -> None:
    client.post("/i18n/setlang/", {"language": "my", "next": "/complaint/"})
    html = post(client, {**form_data, "description": ""}).content.decode()
    assert '<html lang="my">' in html
    assert "ပြဿနာကို ဖော်ပြပါ" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "somchai@", "consent": "on"}, "မှန်ကန်သော အီးမေးလ်လိပ်စာ"),
        ({"description": "က" * 20_000}, "စာလုံး 5000"),
        ({"update_channel": "fax", "wants_updates": "on"}, "ရွေးချယ်စရာများထဲတွင် မပါ"),
    ],
)
def test_django_own_refusals_speak_burmese_too(
    client: Client, form_data: dict[str, Any], change: dict[str, str], message: str
) -> None:
    client.post("/i18n/setlang/", {"language": "my", "next": "/complaint/"})
    html = post(client, {**form_data, **change}).content.decode()
    assert message in html
    assert "Ensure" not in html and "Enter a" not in html and "Select a" not in html


def test_a_long_paste_is_not_cut_short_by_the_browser(client: Client, demo: Any) -> None:
    html = client.get("/complaint/").content.decode()
    textarea = html[html.index("<textarea") : html.index(">", html.index("<textarea"))]
    assert 'name="description"' in textarea and "maxlength" not in textarea


def test_contact_details_bring_the_receipt_by_email(
    client: Client,
    form_data: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    data = {**form_data, "email": "somchai@example.com", "consent": "on", "wants_updates": "on",
            "update_channel": "email"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(client, data)
    case = Case.objects.get()
    assert case.wants_updates and case.update_channel == "email"
    assert case.contact_consent_at == case.received_at  # the PDPA consent, on record
    receipt = Notification.objects.get(kind="receipt")
    assert receipt.address == "somchai@example.com" and case.tracking_code in receipt.body
    assert mail.outbox and case.receipt_no in mail.outbox[0].subject


def test_submissions_are_rate_limited_per_client(
    client: Client, form_data: dict[str, Any], settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.RONGRIAN_SUBMIT_LIMIT = 2
    for i in range(2):
        assert post(client, {**form_data, "idempotency_key": f"k{i}"}).status_code == 302
    response = post(client, {**form_data, "idempotency_key": "k9"})
    assert response.status_code == 429
    assert "ถนนบุญวาทย์" in response.content.decode()
    assert Case.objects.count() == 2
    cache.clear()


def test_a_bot_filling_the_hidden_field_files_nothing(
    client: Client, form_data: dict[str, Any]
) -> None:
    response = post(client, {**form_data, "website": "http://spam.example"})
    assert response.status_code == 400 and Case.objects.count() == 0
    # A person whose browser filled it is told, and the page sends cleanly next time.
    html = response.content.decode()
    assert "ช่องที่ต้องเว้นว่าง" in html and "http://spam.example" not in html


def test_a_category_withdrawn_by_the_administrator_leaves_the_form_at_once(
    client: Client, demo: Any, form_data: dict[str, Any]
) -> None:
    # The form's organisation and categories are kept per process (common.memo);
    # saving a category must not leave citizens choosing one that no longer exists.
    assert "ไฟฟ้าสาธารณะดับหรือชำรุด" in client.get("/complaint/").content.decode()
    streetlight = demo.category("STREETLIGHT")
    streetlight.is_active = False
    streetlight.save()
    assert "ไฟฟ้าสาธารณะดับหรือชำรุด" not in client.get("/complaint/").content.decode()
    response = post(client, form_data)
    assert response.status_code == 400
    assert "เรื่องประเภทนี้ไม่มีในรายการแล้ว" in response.content.decode()
    assert not Case.objects.exists()


def test_an_organisation_switched_off_stops_taking_complaints(
    client: Client, demo: Any, form_data: dict[str, Any]
) -> None:
    assert client.get("/complaint/LPG/").status_code == 200
    demo.org.is_active = False
    demo.org.save()
    assert client.get("/complaint/LPG/").status_code == 404
    assert post(client, form_data).status_code != 302
    assert not Case.objects.exists()


def test_staff_see_when_the_complainant_agreed_to_keep_their_contacts(
    client: Client, form_data: dict[str, Any]
) -> None:
    post(client, {**form_data, "phone": "0812345678", "consent": "on"})
    case = Case.objects.get()
    staff = Client()
    assert staff.login(username="supervisor", password="rongrian-demo")
    html = staff.get(f"/work/case/{case.receipt_no}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Consent (PDPA)" in html or "ความยินยอม (PDPA)" in html


def test_the_organisations_thai_privacy_notice_is_explained_to_other_readers(
    client: Client, demo: Any
) -> None:
    demo.org.privacy_notice = "ข้าพเจ้ายินยอมให้เทศบาลเก็บข้อมูลเพื่อติดต่อกลับเท่านั้น"
    demo.org.save()
    thai = client.get("/complaint/").content.decode()
    assert "ข้าพเจ้ายินยอมให้เทศบาล" in thai and "(in Thai)" not in thai
    client.post("/i18n/setlang/", {"language": "my", "next": "/complaint/"})
    burmese = client.get("/complaint/").content.decode()
    consent = burmese[
        burmese.index('for="id_consent"') : burmese.index(
            "</label>", burmese.index('for="id_consent"')
        )
    ]
    assert "ข้าพเจ้า" not in consent and "PDPA" not in consent  # their own language
    assert '<p lang="th">ข้าพเจ้ายินยอมให้เทศบาล' in burmese  # and the notice itself beside it


def test_line_news_is_offered_only_where_there_is_a_line_account(client: Client, demo: Any) -> None:
    from rongrian.intake.models import LineChannel

    radio = 'name="update_channel" value="line"'
    assert radio not in client.get("/complaint/").content.decode()
    LineChannel.objects.create(organisation=demo.org, channel_secret="s", channel_access_token="t")
    assert radio in client.get("/complaint/").content.decode()  # seen at once (signals)
