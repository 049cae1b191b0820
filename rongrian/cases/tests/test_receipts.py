"""Receipt numbers: unique, gapless per organisation and Thai fiscal year, safe in parallel."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from rongrian.cases.models import Case, ReceiptCounter
from rongrian.cases.receipts import format_receipt
from rongrian.cases.services import create_case
from rongrian.common.testing import run_together
from rongrian.common.thaidate import fiscal_year, fiscal_year_be

BKK = ZoneInfo("Asia/Bangkok")


def test_it_formats_a_human_friendly_receipt(make_case: Any) -> None:
    case = make_case(received_at=dt.datetime(2026, 11, 22, 9, 0, tzinfo=BKK))
    assert case.receipt_no == "LPG-2570-000001"
    assert format_receipt("LPG", 2570, 123) == "LPG-2570-000123"


def test_a_millionth_complaint_gets_seven_digits(make_case: Any) -> None:
    first = make_case(received_at=dt.datetime(2026, 11, 22, 9, 0, tzinfo=BKK))
    counter = ReceiptCounter.objects.filter(organisation=first.organisation, fiscal_year=2570)
    assert counter.update(last_value=999_998) == 1
    at = dt.datetime(2026, 11, 22, 9, 5, tzinfo=BKK)
    numbers = [make_case(received_at=at).receipt_no for _ in range(2)]
    assert numbers == ["LPG-2570-999999", "LPG-2570-1000000"]
    stored = Case.objects.filter(receipt_seq__gte=999_999).order_by("receipt_seq")
    assert [c.receipt_no for c in stored] == numbers  # what the database wrote, too


def test_it_numbers_without_gaps_per_organisation(make_case: Any, other_org: Any) -> None:
    numbers = [make_case().receipt_seq for _ in range(5)]
    other = create_case(organisation=other_org, channel="web", description="ถนนพัง")
    assert numbers == [1, 2, 3, 4, 5]
    assert other.receipt_no.startswith("OTH-") and other.receipt_seq == 1


def test_it_rolls_over_on_the_first_of_october_bangkok_time(make_case: Any) -> None:
    last_of_year = make_case(received_at=dt.datetime(2026, 9, 30, 23, 59, tzinfo=BKK))
    also_2569 = make_case(received_at=dt.datetime(2026, 9, 30, 12, 0, tzinfo=BKK))
    # 1 October 00:30 in Bangkok is still 30 September in UTC: Bangkok time decides.
    first_of_year = make_case(received_at=dt.datetime(2026, 9, 30, 17, 30, tzinfo=dt.UTC))
    assert last_of_year.receipt_no == "LPG-2569-000001"
    assert also_2569.receipt_no == "LPG-2569-000002"
    assert first_of_year.receipt_no == "LPG-2570-000001"
    assert first_of_year.fiscal_year == 2570


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (dt.date(2026, 9, 30), 2026),
        (dt.date(2026, 10, 1), 2027),
        (dt.date(2026, 12, 31), 2027),
        (dt.date(2027, 1, 1), 2027),
    ],
)
def test_the_fiscal_year_starts_on_the_first_of_october(day: dt.date, fy: int) -> None:
    assert fiscal_year(day) == fy
    assert fiscal_year_be(day) == fy + 543


def test_a_refused_intake_does_not_use_up_a_number(make_case: Any, demo: Any) -> None:
    make_case()
    with pytest.raises(ValidationError):
        make_case(description="")
    with pytest.raises(ValidationError):
        make_case(latitude=95, longitude=100)
    assert make_case().receipt_seq == 2
    assert ReceiptCounter.objects.get(organisation=demo.org).last_value == 2


def test_a_retried_submission_is_recorded_once(make_case: Any) -> None:
    first = make_case(idempotency_key="form-7f3a")
    again = make_case(idempotency_key="form-7f3a", description="ส่งซ้ำ")
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert make_case(idempotency_key="form-other").receipt_seq == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_it_hands_out_unique_gapless_numbers_under_parallel_intake() -> None:
    from rongrian.org.demo import load_demo

    org, _ = load_demo()
    threads, per_thread = 8, 15

    def intake() -> int:
        with connections["default"].cursor() as cursor:
            cursor.execute("select pg_backend_pid()")
            backend = cursor.fetchone()[0]
        for i in range(per_thread):
            create_case(organisation=org, channel="phone", description=f"เรื่องที่ {i}")
        return int(backend)

    backends = run_together(*[intake] * threads)
    assert len(set(backends)) == threads  # each thread had its own database session
    seqs = sorted(Case.objects.filter(organisation=org).values_list("receipt_seq", flat=True))
    assert seqs == list(range(1, threads * per_thread + 1))
    assert Case.objects.values("receipt_no").distinct().count() == threads * per_thread


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_of_one_submission_make_one_case() -> None:
    from rongrian.org.demo import load_demo

    org, _ = load_demo()

    def retry() -> int:
        case = create_case(
            organisation=org, channel="web", description="กดส่งซ้ำ", idempotency_key="k-1"
        )
        return case.pk

    results = run_together(*[retry] * 6)
    assert len(set(results)) == 1
    assert Case.objects.count() == 1
    assert ReceiptCounter.objects.get(organisation=org).last_value == 1


def test_the_database_holds_the_case_event_and_clocks_as_the_application_built_them(
    demo: Any,
) -> None:
    # On PostgreSQL one statement writes the three (receipts.record): every column must
    # come out as the model's own save would have written it.
    from rongrian.cases.models import CaseEvent
    from rongrian.sla.models import StageClock

    officer = demo.counter
    case = create_case(
        organisation=demo.org,
        channel="walk_in",
        description="ไฟถนน <b>ดับ</b> หน้าบ้าน 'เลขที่ 5'",
        category=demo.category("STREETLIGHT"),
        complainant_name="สมชาย ใจดี",
        complainant_phone="0812345678",
        complainant_email="somchai@example.com",
        complainant_line_id="U1234",
        wants_updates=True,
        update_channel="email",
        language="my",
        address="ถนนบุญวาทย์",
        latitude="18.290123",
        longitude="99.491234",
        received_at=dt.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=BKK),
        by=officer,
        idempotency_key="k-columns",
    )
    stored = Case.objects.get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        expected = getattr(case, field.attname)
        if field.name == "latitude" or field.name == "longitude":
            expected = type(getattr(stored, field.attname))(expected)
        assert getattr(stored, field.attname) == expected, field.name
    assert stored.received_at == dt.datetime(2026, 11, 23, 2, 30, 15, 123456, tzinfo=dt.UTC)
    assert stored.receipt_no == "LPG-2570-000001" and stored.version == 1

    event = CaseEvent.objects.get(case=case)
    assert (event.seq, event.action, event.to_status, event.actor_id, event.data) == (
        1,
        "receive",
        "received",
        officer.user_id,
        {"channel": "walk_in"},
    )
    assert event.actor_unit_id == officer.unit_id and event.at == stored.received_at
    clocks = StageClock.objects.filter(case=case).order_by("stage")
    assert [(c.stage, c.organisation_id, c.started_at) for c in clocks] == [
        ("resolve", demo.org.pk, stored.received_at),
        ("screening", demo.org.pk, stored.received_at),
    ]
    assert all(c.due_at > c.started_at and c.finished_at is None for c in clocks)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements of PostgreSQL")
def test_postgresql_plans_the_numbering_statement_once_per_connection(make_case: Any) -> None:
    # Parsing and planning the statement was a third of the database's work per
    # complaint; Django's connections prepare nothing unless asked in a way psycopg obeys.
    for _ in range(3):
        make_case()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["WITH n AS (UPDATE cases_receiptcounter%"],
        )
        assert cursor.fetchone()[0] == 1
    assert [c.receipt_seq for c in Case.objects.order_by("receipt_seq")] == [1, 2, 3]
