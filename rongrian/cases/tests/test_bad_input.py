"""Bad input is refused with a message that says what was wrong; nothing half-written remains."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rongrian.cases import services as s
from rongrian.cases.choices import Status
from rongrian.cases.exceptions import InvalidInput, StaleCase
from rongrian.cases.models import Case, CaseEvent, ReceiptCounter
from rongrian.org.models import Unit

from .drive import drive


def assert_nothing_written() -> None:
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert not ReceiptCounter.objects.filter(last_value__gt=0).exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"category": 999_999}, "category", "Unknown category"),
        ({"description": "   "}, "description", "Describe the problem"),
        ({"description": "ก" * 5001}, "description", "at most 5000"),
        ({"latitude": 95, "longitude": 100}, "latitude", "less than or equal to 90"),
        ({"latitude": 18.29, "longitude": 200}, "longitude", "less than or equal to 180"),
        ({"latitude": 18.29}, "latitude", "both latitude and longitude"),
        ({"complainant_phone": "call me maybe"}, "complainant_phone", "phone number"),
        ({"complainant_email": "not-an-email"}, "complainant_email", "email address"),
        ({"complainant_name": "n" * 201}, "complainant_name", "at most 200"),
        ({"channel": "pigeon"}, "channel", "not a valid choice"),
    ],
)
def test_it_refuses_bad_intake_and_says_why(
    kwargs: dict[str, Any], field: str, words: str, make_case: Any
) -> None:
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            make_case(**kwargs)
        messages = " ".join(info.value.message_dict.get(field, []))
        assert words.lower() in messages.lower(), info.value.message_dict
    assert_nothing_written()


def test_it_refuses_a_category_of_another_organisation(make_case: Any, other_org: Any) -> None:
    with pytest.raises(ValidationError) as info:
        make_case(category=other_org.categories.get())
    assert "category" in info.value.message_dict
    assert_nothing_written()


def test_it_explains_in_thai_by_default(make_case: Any) -> None:
    with translation.override("th"):
        with pytest.raises(ValidationError) as info:
            make_case(description="")
        assert info.value.message_dict["description"] == ["กรุณาอธิบายปัญหา"]


def test_it_refuses_to_forward_to_a_unit_of_another_organisation(
    make_case: Any, demo: Any, other_org: Any
) -> None:
    case = make_case()
    foreign = Unit.objects.get(organisation=other_org)
    with pytest.raises(InvalidInput, match="another organisation"):
        s.forward(case, to_unit=foreign, by=demo.intake)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.unit is None
    assert case.events.count() == 1


def test_a_stale_copy_cannot_overwrite_a_newer_change(make_case: Any, demo: Any) -> None:
    case = drive(make_case(), Status.FORWARDED, demo)
    stale = Case.objects.get(pk=case.pk)
    s.acknowledge(case, by=demo.head_elec)
    with pytest.raises(StaleCase, match="Reload"):
        s.return_to_screening(stale, reason="ไม่ใช่งานเรา", by=demo.head_elec)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == Status.ACKNOWLEDGED
    assert list(fresh.events.values_list("action", flat=True)) == [
        "receive",
        "forward",
        "acknowledge",
    ]
