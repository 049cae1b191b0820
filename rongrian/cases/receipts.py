"""Receipt numbers: `LPG-2570-000123`, gapless per organisation and Thai fiscal year."""

import datetime as dt

from django.db import connection, transaction

from rongrian.common.thaidate import fiscal_year_be, local_date
from rongrian.org.models import Organisation

from .models import ReceiptCounter


def format_receipt(code: str, fiscal_year: int, seq: int) -> str:
    return f"{code}-{fiscal_year}-{seq:06d}"


def allocate(organisation: Organisation, at: dt.datetime) -> tuple[int, int, str]:
    """The next number for the fiscal year containing `at`: (fiscal year B.E., seq, receipt).

    Must run inside the transaction that stores the case: the counter row stays
    locked until that transaction ends, so concurrent intakes queue here and a
    rolled-back intake gives its number back.
    """
    assert transaction.get_connection().in_atomic_block, "allocate inside the case's transaction"
    year = fiscal_year_be(local_date(at))
    seq = _increment(organisation.pk, year)
    if seq is None:
        # First case of the year: create the row, tolerating a concurrent creator.
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(organisation=organisation, fiscal_year=year)], ignore_conflicts=True
        )
        seq = _increment(organisation.pk, year)
    assert seq is not None
    return year, seq, format_receipt(organisation.code, year, seq)


def _increment(organisation_id: int, year: int) -> int | None:
    # One statement takes the row lock and reads the new value (PostgreSQL, SQLite >= 3.35).
    table = ReceiptCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 "
            "WHERE organisation_id = %s AND fiscal_year = %s RETURNING last_value",
            [organisation_id, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None
