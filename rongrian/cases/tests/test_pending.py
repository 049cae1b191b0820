"""Public-form complaints taken in two steps: accepted (numbered, one row) in the citizen's
request, registered as a case by the registrar. Nothing accepted is lost or doubled, and
the case is the one a single step would have written."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from rongrian.cases import pending
from rongrian.cases.models import Case, ReceiptCounter, Submission
from rongrian.notify.models import Notification
from rongrian.sla.models import StageClock

FIELDS = {
    "description": "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าบ้าน",
    "address": "ซอยพหลโยธิน 7",
    "latitude": Decimal("18.290100"),
    "longitude": Decimal("99.491200"),
}


def accept(demo: Any, key: str = "k-1", **fields: Any) -> Submission:
    return pending.accept(
        organisation=demo.org,
        channel="web",
        language="th",
        idempotency_key=key,
        fields={**FIELDS, "category": demo.category("DRAINBLOCK"), **fields},
    )


def test_it_numbers_at_once_and_registers_the_case_a_single_step_would_write(
    demo: Any, make_case: Any
) -> None:
    taken = accept(demo, complainant_phone="0812345678", wants_updates=True, update_channel="sms")
    assert taken.receipt_no == "LPG-2570-000001" and len(taken.tracking_code) == 8
    assert not Case.objects.exists()  # staff see it once registered

    assert pending.register_pending() == 1
    case = Case.objects.get()
    assert (case.receipt_no, case.tracking_code) == (taken.receipt_no, taken.tracking_code)
    assert case.received_at == taken.received_at and case.channel == "web"
    assert case.category == demo.category("DRAINBLOCK") and case.latitude == Decimal("18.290100")
    assert "ท่อ" in case.search_text.split()  # searchable like any case
    first = case.events.get()
    assert (first.action, first.actor_role, first.at) == ("receive", "citizen", taken.received_at)
    # The clocks run from when the citizen sent it, not from the registration.
    single = make_case(category=demo.category("DRAINBLOCK"), received_at=taken.received_at)
    due = lambda c: sorted(StageClock.objects.filter(case=c).values_list("stage", "due_at"))  # noqa: E731
    assert due(case) == due(single)
    # The receipt went out by SMS, as with a single step.
    assert Notification.objects.filter(case=case, channel="sms").count() == 1
    kept = Submission.objects.get(pk=taken.pk)
    # Only the key and the number stay: the citizen's contacts are the case's alone now.
    assert kept.case == case and kept.fields == {} and kept.idempotency_key == "k-1"
    assert pending.register_pending() == 0


def test_a_retried_submission_gets_the_first_receipt_before_and_after_registration(
    demo: Any,
) -> None:
    first = accept(demo)
    assert accept(demo).receipt_no == first.receipt_no
    pending.register_pending()
    again = accept(demo)
    assert again.receipt_no == first.receipt_no and again.case_id is not None
    assert Submission.objects.count() == 1 and Case.objects.count() == 1
    # The refused retries took no number: the next complaint's follows without a gap.
    assert accept(demo, key="k-2").receipt_no == "LPG-2570-000002"
    assert ReceiptCounter.objects.get().last_value == 2


def test_the_receipt_shows_before_registration_and_the_tracking_link_registers_it(
    demo: Any,
) -> None:
    taken = accept(demo)
    client = Client()
    html = client.get(f"/receipt/{taken.receipt_no}/{taken.tracking_code}/").content.decode()
    assert taken.receipt_no in html and taken.tracking_code in html and "<svg" in html
    assert "ท่อระบายน้ำ" in html  # the category and its target
    assert client.get(f"/receipt/{taken.receipt_no}/WRONG234/").status_code == 404
    # This browser was granted the receipt: the page registers the case and shows it.
    page = client.get(f"/track/{taken.receipt_no}/")
    assert page.status_code == 200 and "เราได้รับเรื่องของท่านแล้ว" in page.content.decode()
    assert Case.objects.get().receipt_no == taken.receipt_no
    assert pending.register_pending() == 0  # nothing left for the registrar


def test_the_qr_link_registers_a_pending_complaint_only_with_the_right_code(demo: Any) -> None:
    taken = accept(demo)
    stranger = Client()
    wrong = stranger.get(f"/t/{taken.receipt_no}/WRONG234/")
    assert wrong.status_code == 302 and "/track/?" in wrong["Location"]
    assert not Case.objects.exists()
    other = Client()
    assert stranger.get(f"/track/{taken.receipt_no}/").status_code == 302  # no grant
    opened = other.get(f"/t/{taken.receipt_no}/{taken.tracking_code}/", follow=True)
    assert opened.status_code == 200 and taken.receipt_no in opened.content.decode()
    assert Case.objects.count() == 1


def test_a_category_withdrawn_before_registration_leaves_the_choice_to_screening(
    demo: Any,
) -> None:
    taken = accept(demo)
    demo.category("DRAINBLOCK").__class__.objects.filter(pk=demo.category("DRAINBLOCK").pk).update(
        is_active=False
    )
    assert pending.register_pending() == 1
    case = Case.objects.get(receipt_no=taken.receipt_no)
    assert case.category is None and case.status == "received"


def test_a_row_that_cannot_be_registered_is_kept_with_its_error_and_holds_up_no_other(
    demo: Any,
) -> None:
    broken = accept(demo, key="k-broken")
    Submission.objects.filter(pk=broken.pk).update(fields={**broken.fields, "latitude": "x"})
    fine = accept(demo, key="k-fine")
    for _attempt in range(pending.MAX_ATTEMPTS + 1):
        pending.register_pending()
    assert Case.objects.get().receipt_no == fine.receipt_no
    kept = Submission.objects.get(pk=broken.pk)
    assert kept.case is None and kept.attempts == pending.MAX_ATTEMPTS and kept.error
    # Its receipt still opens, so the citizen's number is never a dead end.
    assert Client().get(f"/receipt/{kept.receipt_no}/{kept.tracking_code}/").status_code == 200


def test_the_registrar_command_registers_what_is_waiting(demo: Any, capsys: Any) -> None:
    accept(demo, key="a")
    accept(demo, key="b")
    call_command("register_complaints")
    assert Case.objects.count() == 2
    assert "2 registered" in capsys.readouterr().out


def test_a_complaint_accepted_on_the_last_day_of_a_fiscal_year_keeps_that_year(demo: Any) -> None:
    late = timezone.make_aware(dt.datetime(2026, 9, 30, 23, 59), dt.timezone(dt.timedelta(hours=7)))
    taken = pending.accept(
        organisation=demo.org,
        channel="web",
        language="th",
        idempotency_key="late",
        fields={**FIELDS, "category": demo.category("DRAINBLOCK")},
        received_at=late,
    )
    assert taken.receipt_no == "LPG-2569-000001"
    pending.register_pending()
    assert Case.objects.get().fiscal_year == 2569


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel registrars need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_registrars_at_once_register_each_complaint_once() -> None:
    from rongrian.conftest import Cast
    from rongrian.org.demo import load_demo

    org, _ = load_demo()
    cast = Cast(org)
    taken = [accept(cast, key=f"k-{n}") for n in range(60)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            while pending.register_pending(limit=7):
                pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def citizen() -> None:  # opens the tracking page of every tenth meanwhile
        try:
            barrier.wait()
            for submission in taken[::10]:
                pending.register_now(submission)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run), threading.Thread(target=run)]
    threads.append(threading.Thread(target=citizen))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Case.objects.filter(organisation=org).count() == 60
    assert not Submission.objects.filter(case__isnull=True).exists()
    assert not Submission.objects.exclude(attempts=0).exists()


def test_the_lookup_form_opens_a_pending_complaint_with_the_phones_last_digits(
    demo: Any,
) -> None:
    taken = accept(demo, complainant_phone="0812345678", contact_consent=True)
    client = Client()
    wrong = client.post("/track/", {"receipt_no": taken.receipt_no, "code": "9999"})
    assert wrong.status_code == 404 and not Case.objects.exists()
    opened = client.post("/track/", {"receipt_no": taken.receipt_no, "code": "5678"})
    assert opened.status_code == 302 and opened["Location"] == f"/track/{taken.receipt_no}/"
    assert Case.objects.get().complainant_phone == "0812345678"


def test_the_sweep_registers_what_a_stopped_registrar_left_waiting(demo: Any) -> None:
    from rongrian.sla.sweep import sweep

    fresh = accept(demo, key="fresh")
    old = accept(demo, key="old")
    Submission.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=5)
    )
    result = sweep()
    # Anything waits too long once one does: all of it is registered.
    assert result.registered_late == 2 and "registered late: 2" in str(result)
    assert set(Case.objects.values_list("receipt_no", flat=True)) == {
        fresh.receipt_no,
        old.receipt_no,
    }
    assert sweep().registered_late == 0


def test_a_receipt_quoted_in_another_organisations_chat_opens_nothing(
    demo: Any, other_org: Any
) -> None:
    taken = accept(demo)
    assert pending.registered(other_org.pk, taken.receipt_no) is None
    assert not Case.objects.exists()
    case = pending.registered(demo.org.pk, taken.receipt_no)
    assert case is not None and case.receipt_no == taken.receipt_no
