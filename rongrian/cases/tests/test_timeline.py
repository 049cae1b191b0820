"""Timeline events are immutable through the ORM's ordinary paths."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import ProtectedError

from rongrian.cases.models import Case, CaseEvent, ImmutableEventError


@pytest.fixture
def event(make_case: Any) -> CaseEvent:
    return make_case().events.get()


def test_it_refuses_to_save_a_changed_event(event: CaseEvent) -> None:
    event.reason = "แก้ไขย้อนหลัง"
    with pytest.raises(ImmutableEventError):
        event.save()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_it_refuses_to_delete_an_event(event: CaseEvent) -> None:
    with pytest.raises(ImmutableEventError):
        event.delete()
    with pytest.raises(ImmutableEventError):
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_bulk_changes(event: CaseEvent) -> None:
    with pytest.raises(ImmutableEventError):
        CaseEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ImmutableEventError):
        CaseEvent.objects.all().update(note="x")
    event.note = "x"
    with pytest.raises(ImmutableEventError):
        CaseEvent.objects.bulk_update([event], ["note"])
    with pytest.raises(ImmutableEventError):
        event.case.events.update(note="x")
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_deleting_the_case_does_not_take_its_timeline(event: CaseEvent) -> None:
    with pytest.raises((ProtectedError, ImmutableEventError)):
        event.case.delete()
    with pytest.raises((ProtectedError, ImmutableEventError)):
        Case.objects.filter(pk=event.case_id).delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()
