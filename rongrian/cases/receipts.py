"""Receipt numbers: `LPG-2570-000123`, gapless per organisation and Thai fiscal year.

Gapless means one counter row per organisation and year, locked by whoever takes the
next number until their transaction ends. A new case is therefore numbered last, after
its row, first event and clocks are written: the lock is held for one statement and the
commit instead of the whole intake (concurrent submissions queued on it and left the
processors idle).
"""

from __future__ import annotations

from django.db import connection, transaction

from .models import Case, ReceiptCounter


def format_receipt(code: str, fiscal_year: int, seq: int) -> str:
    return f"{code}-{fiscal_year}-{seq:06d}"


def number(case: Case) -> None:
    """Give a case just inserted in this transaction (receipt_seq and receipt_no empty,
    fiscal_year set) the next number of its organisation and year."""
    assert transaction.get_connection().in_atomic_block, "number inside the case's transaction"
    prefix = format_receipt(case.organisation.code, case.fiscal_year, 0)[:-6]
    numbered = _number(case, prefix)
    if numbered is None:
        # First case of the year: create the row, tolerating a concurrent creator.
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(organisation_id=case.organisation_id, fiscal_year=case.fiscal_year)],
            ignore_conflicts=True,
        )
        numbered = _number(case, prefix)
    assert numbered is not None
    case.receipt_seq, case.receipt_no = numbered
    assert case.receipt_no == format_receipt(case.organisation.code, case.fiscal_year, numbered[0])


def _number(case: Case, prefix: str) -> tuple[int, str] | None:
    if connection.vendor != "postgresql":
        seq = _increment(case.organisation_id, case.fiscal_year)
        if seq is None:
            return None
        receipt_no = f"{prefix}{seq:06d}"
        Case.objects.filter(pk=case.pk).update(receipt_seq=seq, receipt_no=receipt_no)
        return seq, receipt_no
    # One statement takes the counter's lock, counts and numbers the case.
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH n AS (UPDATE {ReceiptCounter._meta.db_table} SET last_value = last_value + 1 "
            "WHERE organisation_id = %s AND fiscal_year = %s RETURNING last_value) "
            f"UPDATE {Case._meta.db_table} SET receipt_seq = n.last_value, receipt_no = %s || "
            "CASE WHEN n.last_value < 1000000 THEN lpad(n.last_value::text, 6, '0') "
            "ELSE n.last_value::text END "
            f"FROM n WHERE {Case._meta.db_table}.id = %s RETURNING receipt_seq, receipt_no",
            [case.organisation_id, case.fiscal_year, prefix, case.pk],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


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
