"""intake.quick checks the usual public-form post without a Django form: whatever it takes,
ComplaintForm takes with the same case fields and retry key; what it leaves, the form
decides (with its messages)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongrian.cases.models import Submission
from rongrian.catalog.models import Category
from rongrian.intake import quick
from rongrian.intake.forms import ComplaintForm
from rongrian.intake.models import LineChannel

ODD = {
    "category": [" 1", "9999", "abc", ""],
    "description": ["", " ", "\x00", "ก" * 20_001, "<script>x</script>", "ถนน\r\nชำรุด"],
    "address": ["\x00", "a" * 501, " ซอย 3 "],
    "latitude": [
        "",
        "-18.29",
        "1e1",
        " 18.29",
        "18.2901001",
        "NaN",
        "4.1",
        "20.7",
        "018.290",
        "18.",
        ".5",
        "18",
    ],
    "longitude": ["", "105.8", "100.0000000", "0x10", "99,5", "99"],
    "name": ["\x00", "a" * 201, " "],
    "phone": ["12345", "0" * 21, "081-234-5678", "+66812345678", " 054237200 ", ""],
    "email": ["not-an-email", "a@b", " b@example.org ", ""],
    "line_id": ["a" * 101, "somchai99", ""],
    "wants_updates": ["false", "False", "0", "true", ""],
    "update_channel": [" sms", "fax", "line", "", "email"],
    "consent": ["false", "0", ""],
    "idempotency_key": ["", "  k-2 ", "x" * 65],
    "website": [" ", "http://spam"],
}


def posts(category_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A post as the form sends it (most are valid), then up to two fields changed to a
    doubtful value or left out: every rule is met now and then, and most posts pass."""
    place = st.sampled_from(
        [
            {},
            {"latitude": "18.290100", "longitude": "99.491200"},
            {"latitude": "18.2901", "longitude": "99.49"},
        ]
    )
    contact = st.sampled_from(
        [
            {},
            {"phone": "0812345678", "consent": "on"},
            {
                "phone": "081 234 5678",
                "wants_updates": "on",
                "update_channel": "sms",
                "consent": "on",
            },
            {"email": "a@example.com", "wants_updates": "on", "consent": "on"},
            {
                "name": "สมชาย",
                "line_id": "somchai99",
                "consent": "on",
                "wants_updates": "on",
                "update_channel": "line",
            },
        ]
    )
    base = st.fixed_dictionaries(
        {
            "category": st.sampled_from(["", *category_ids]),
            "description": st.sampled_from(["ไฟถนนดับ", "  ไฟดับหน้าบ้าน  "]),
            "address": st.sampled_from(["", "ถนนบุญวาทย์", " ซอย 3"]),
            "idempotency_key": st.sampled_from(["k-1", "k-2"]),
            "website": st.just(""),
        }
    )
    change = st.tuples(
        st.sampled_from(sorted(ODD)), st.integers(min_value=0, max_value=20), st.booleans()
    )

    def build(parts: tuple[dict[str, Any], ...], changes: list[tuple[str, int, bool]]) -> Any:
        post = {k: v for part in parts for k, v in part.items()}
        for name, pick, drop in changes:
            if drop:
                post.pop(name, None)
            else:
                post[name] = ODD[name][pick % len(ODD[name])]
        return post

    return st.builds(build, st.tuples(base, place, contact), st.lists(change, max_size=2))


def as_post(data: dict[str, Any]) -> QueryDict:
    post = QueryDict(mutable=True)
    for key, value in data.items():
        post.appendlist(key, value)
    return post


@pytest.fixture(params=[False, True], ids=["no LINE account", "LINE account"])
def line_account(request: Any, demo: Any) -> bool:
    if request.param:
        LineChannel.objects.create(
            organisation=demo.org, channel_secret="s", channel_access_token="t", basic_id="@x"
        )
    return request.param


def test_whatever_it_takes_the_form_takes_with_the_same_fields(
    demo: Any, line_account: bool
) -> None:
    ids = [str(c.pk) for c in Category.active_for(demo.org.pk)[:3]]
    taken = {"quick": 0, "form": 0}

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(posts(ids))
    def check(data: dict[str, Any]) -> None:
        post = as_post(data)
        fields = quick.clean(post, demo.org)
        form = ComplaintForm(post, organisation=demo.org)
        valid = form.is_valid()
        taken["form"] += valid
        if fields is not None:
            taken["quick"] += 1
            assert valid, form.errors
            assert fields == form.case_fields()

    check()
    # The comparison means something only if both kinds of post came up.
    assert taken["quick"] > 100 and taken["form"] >= taken["quick"]


def test_it_takes_the_form_as_a_browser_sends_it(demo: Any) -> None:
    post = as_post(
        {
            "category": str(demo.category("STREETLIGHT").pk),
            "description": "ไฟถนนหน้าวัดดับ",
            "address": "ถนนบุญวาทย์",
            "latitude": "18.290100",
            "longitude": "99.491200",
            "name": "",
            "phone": "081 234 5678",
            "email": "",
            "line_id": "",
            "wants_updates": "on",
            "update_channel": "sms",
            "consent": "on",
            "idempotency_key": "k-1",
            "website": "",
            "photos": "",
            "csrfmiddlewaretoken": "x",
        }
    )
    fields = quick.clean(post, demo.org)
    assert fields is not None and fields["complainant_phone"] == "0812345678"
    assert fields["update_channel"] == "sms" and fields["contact_consent"] is True


def test_what_it_leaves_the_form_refuses_with_its_message_and_keeps_the_text(
    client: Client, demo: Any
) -> None:
    response = client.post(
        "/complaint/",
        {
            "description": "ไฟดับหน้าบ้าน",
            "phone": "12345",
            "idempotency_key": "k-1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "ไฟดับหน้าบ้าน" in html
    assert "0812345678" in html  # the phone message, in Thai, says how to write it
    assert not Submission.objects.exists()
