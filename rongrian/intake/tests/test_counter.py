"""Counter and hotline entry by intake officers."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from rongrian.cases.models import Case


def officer(username: str = "intake") -> Client:
    client = Client()
    assert client.login(username=username, password="rongrian-demo")
    return client


def call(demo: Any, **extra: Any) -> dict[str, Any]:
    return {
        "channel": "phone",
        "phone": "081-234-5678",
        "name": "ป้าศรี",
        "category": demo.category("STREETLIGHT").pk,
        "description": "ไฟดับทั้งซอย",
        "address": "ซอยวัดป่าขาม",
        "latitude": "18.290100",
        "longitude": "99.491200",
        "idempotency_key": "call-1",
        **extra,
    }


def test_the_form_offers_every_category(demo: Any) -> None:
    html = officer().get("/counter/?channel=phone").content.decode()
    assert html.count("<option") >= 17 + 2  # categories, "not sure", and the two channels
    assert "ไฟฟ้าสาธารณะดับหรือชำรุด" in html


def test_a_phone_call_becomes_a_case_with_its_category_and_receipt(demo: Any) -> None:
    response = officer().post("/counter/", call(demo))
    case = Case.objects.get()
    assert response.status_code == 302 and case.receipt_no in response["Location"]
    assert (case.channel, case.category, case.complainant_phone) == (
        "phone",
        demo.category("STREETLIGHT"),
        "0812345678",
    )
    first = case.events.get()
    assert (first.actor, first.actor_role) == (demo.intake.user, "intake")


def test_a_walk_in_prints_the_receipt(demo: Any) -> None:
    response = officer("counter").post("/counter/", call(demo, channel="walk_in"))
    assert response["Location"].endswith("?print=1")
    case = Case.objects.get()
    assert (case.channel, case.events.get().action) == ("walk_in", "receive")
    assert case.receipt_no in response["Location"]


def test_the_walk_in_slip_is_thai_whatever_language_the_officer_uses(demo: Any) -> None:
    user = demo.counter.user
    user.language = "en"
    user.save(update_fields=["language"])
    client = officer("counter")
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/counter/?channel=walk_in").content.decode()
    slip = client.post("/counter/", call(demo, channel="walk_in"), follow=True)
    html = slip.content.decode()
    assert '<html lang="th">' in html and "เลขที่รับเรื่อง" in html
    assert "Receipt number" not in html


def test_possible_duplicates_are_shown_before_saving(demo: Any) -> None:
    client = officer()
    client.post("/counter/", call(demo))
    first = Case.objects.get()
    response = client.post("/counter/", call(demo, idempotency_key="call-2", phone="0899999999"))
    html = response.content.decode()
    assert first.receipt_no in html and "อาจเป็นปัญหาเดียวกัน" in html
    assert Case.objects.count() == 1  # nothing saved yet
    client.post(
        "/counter/", call(demo, idempotency_key="call-2", phone="0899999999", save_anyway="on")
    )
    assert Case.objects.count() == 2
    panel = client.get("/counter/duplicates/", {"phone": "0812345678"}).content.decode()
    assert first.receipt_no in panel


def test_a_caller_at_the_same_address_is_a_possible_duplicate_without_a_pin(demo: Any) -> None:
    client = officer()
    no_pin = {"latitude": "", "longitude": ""}
    client.post("/counter/", call(demo, **no_pin))
    first = Case.objects.get()
    query = {"category": demo.category("STREETLIGHT").pk, "address": " ซอยวัดป่าขาม  "}
    assert first.receipt_no in client.get("/counter/duplicates/", query).content.decode()
    elsewhere = {**query, "address": "ถนนพหลโยธิน"}
    assert first.receipt_no not in client.get("/counter/duplicates/", elsewhere).content.decode()
    other_kind = {**query, "category": demo.category("ROAD").pk}
    assert first.receipt_no not in client.get("/counter/duplicates/", other_kind).content.decode()


def test_the_counter_has_the_map_pin_that_feeds_the_duplicates_panel(demo: Any) -> None:
    html = officer().get("/counter/?channel=phone").content.decode()
    assert 'id="map"' in html and "rongrian/map.js" in html
    assert "change from:#id_latitude" in html and "#id_address" in html


def test_only_centre_staff_use_the_counter(demo: Any) -> None:
    assert officer("officer_elec").get("/counter/").status_code == 403
    assert Client().get("/counter/").status_code == 302


def test_the_counter_form_leaves_the_public_form_as_it_was(demo: Any, other_org: Any) -> None:
    # Forms share their unchanged fields (intake.forms.SharedFields): the counter's
    # relabelled caller fields and each organisation's categories stay in their own form.
    with translation.override("th"):
        caller = gettext("Caller's phone")
    officer().get("/counter/?channel=phone")
    public = Client().get(f"/complaint/{other_org.code}/").content.decode()
    assert caller not in public and '<select name="category"' not in public
    assert "ถนนชำรุด" in public and "ไฟฟ้าสาธารณะดับหรือชำรุด" not in public
    counter = officer().get("/counter/?channel=phone").content.decode()
    assert caller in counter and '<select name="category"' in counter
    assert "ถนนชำรุด" not in counter
