"""Receipt numbers: `LPG-2570-000123`, gapless per organisation and Thai fiscal year.

Gapless means one counter row per organisation and year, locked by whoever takes the
next number until their transaction ends. `record` writes a new case already numbered,
with its first event and clocks:

- on PostgreSQL in one statement, which takes the number and inserts the rows, so the
  counter stays locked for that statement and the commit only, never across a round
  trip to the application (concurrent submissions queued on it and left the processors
  idle), and the case row is written once, not inserted and then numbered;
- elsewhere (SQLite, one writer at a time anyway) with the ORM, number first.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from rongrian.sla.models import StageClock

from .models import Case, CaseEvent, ReceiptCounter, Submission


def one_statement() -> bool:
    """Whether `record` writes in one statement (PostgreSQL), needing no transaction."""
    return connection.vendor == "postgresql"


def format_receipt(code: str, fiscal_year: int, seq: int) -> str:
    return f"{code}-{fiscal_year}-{seq:06d}"


def record(case: Case, event: CaseEvent, clocks: Sequence[StageClock]) -> None:
    """Insert a new case (fiscal_year set, receipt fields empty) with the next number of
    its organisation and year, then its first event and its clocks, inside the caller's
    transaction (on PostgreSQL the statement may be a transaction of its own). Sets the
    primary keys and the receipt fields on the objects."""
    assert one_statement() or transaction.get_connection().in_atomic_block, "in a transaction"
    for _attempt in range(2):
        if one_statement():
            if _insert_numbered(case, event, clocks):
                break
        elif (seq := _increment(case)) is not None:
            _orm_insert(case, event, clocks, seq)
            break
        _create_counter(case)
    else:  # pragma: no cover - the counter row exists after the first attempt
        raise RuntimeError("no receipt counter")
    assert case.receipt_no == format_receipt(
        case.organisation.code, case.fiscal_year, case.receipt_seq
    )


def accept(submission: Submission) -> None:
    """Insert a public form's submission (fiscal_year set, receipt fields empty) with the
    next number of its organisation and year: on PostgreSQL one statement, its own
    transaction unless the caller has one. A repeated idempotency key raises
    IntegrityError and leaves the counter as it was. Sets the primary key and the
    receipt fields on the object."""
    for _attempt in range(2):
        if one_statement():
            prefix = format_receipt(submission.organisation.code, submission.fiscal_year, 0)[:-6]
            params = [
                submission.organisation_id,
                submission.fiscal_year,
                prefix,
                _json_row(submission, _SUBMISSION_SKIP),
            ]
            row = _execute_prepared(_accept_statement(), params)
            if row is not None:
                submission.pk, submission.receipt_seq, submission.receipt_no = row
                submission._state.adding, submission._state.db = False, connection.alias
                break
        else:
            with transaction.atomic():
                if (seq := _increment(submission)) is not None:
                    submission.receipt_seq = seq
                    submission.receipt_no = format_receipt(
                        submission.organisation.code, submission.fiscal_year, seq
                    )
                    submission.save(force_insert=True)
                    break
        _create_counter(submission)
    else:  # pragma: no cover - the counter row exists after the first attempt
        raise RuntimeError("no receipt counter")


def _create_counter(numbered: Case | Submission) -> None:
    """First number of the year: create the row, tolerating a concurrent creator."""
    ReceiptCounter.objects.bulk_create(
        [
            ReceiptCounter(
                organisation_id=numbered.organisation_id, fiscal_year=numbered.fiscal_year
            )
        ],
        ignore_conflicts=True,
    )


def insert_numbered(
    case: Case, event: CaseEvent, clocks: Sequence[StageClock], submission: Submission
) -> None:
    """Insert the case of an accepted submission, already numbered, with its first event
    and clocks, and mark the submission registered, its fields emptied (the case holds
    them now, and the citizen's contacts are kept once), inside the caller's transaction
    (on PostgreSQL in one statement). Raises IntegrityError if it was registered already."""
    assert case.receipt_no and transaction.get_connection().in_atomic_block
    if one_statement():
        params = [
            _json_row(case, _NUMBERED_CASE_SKIP),
            _json_row(event, _EVENT_SKIP),
            "[" + ",".join(_json_row(c, _CLOCK_SKIP) for c in clocks) + "]",
            submission.pk,
        ]
        row = _execute_prepared(_register_statement(), params)
        assert row is not None
        case.pk, event.pk, marked = row
        event.case = case
        for clock in clocks:
            clock.case = case
        for obj in (case, event):
            obj._state.adding, obj._state.db = False, connection.alias
    else:
        _orm_insert(case, event, clocks, case.receipt_seq)
        marked = Submission.objects.filter(pk=submission.pk, case__isnull=True).update(
            case=case, fields={}
        )
    if marked != 1:
        raise IntegrityError(f"{submission.receipt_no} was registered already")
    submission.case = case


def _increment(case: Case | Submission) -> int | None:
    # One statement takes the row lock and reads the new value (SQLite >= 3.35).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ReceiptCounter._meta.db_table} SET last_value = last_value + 1 "
            "WHERE organisation_id = %s AND fiscal_year = %s RETURNING last_value",
            [case.organisation_id, case.fiscal_year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _orm_insert(
    case: Case, event: CaseEvent, clocks: Sequence[StageClock], seq: int | None
) -> None:
    case.receipt_seq = seq
    case.receipt_no = format_receipt(case.organisation.code, case.fiscal_year, seq)
    case.save(force_insert=True)
    event.case = case
    event.save(force_insert=True)
    for clock in clocks:
        clock.case = case
    StageClock.objects.bulk_create(clocks)


# ---------------------------------------------------------------------------
# PostgreSQL: one statement


def _insert_numbered(case: Case, event: CaseEvent, clocks: Sequence[StageClock]) -> bool:
    """False when the organisation has no counter row for the year yet (nothing written)."""
    prefix = format_receipt(case.organisation.code, case.fiscal_year, 0)[:-6]
    params = [
        case.organisation_id,
        case.fiscal_year,
        prefix,
        _json_row(case, _CASE_SKIP),
        _json_row(event, _EVENT_SKIP),
        "[" + ",".join(_json_row(c, _CLOCK_SKIP) for c in clocks) + "]",
    ]
    row = _execute_prepared(_statement(), params)
    if row is None:
        return False
    case.pk, case.receipt_seq, case.receipt_no, event.pk = row
    event.case = case
    for clock in clocks:
        clock.case = case
    for obj in (case, event):
        obj._state.adding, obj._state.db = False, connection.alias
    return True


NEVER_BY_COUNT = 2**31 - 1

# Written by the statement itself rather than taken from the row.
_CASE_SKIP = frozenset({"id", "receipt_seq", "receipt_no"})
_EVENT_SKIP = frozenset({"id", "case_id"})
_CLOCK_SKIP = frozenset({"id", "case_id"})
_SUBMISSION_SKIP = frozenset({"id", "receipt_seq", "receipt_no"})
_NUMBERED_CASE_SKIP = frozenset({"id"})


def _execute_prepared(statement: str, params: list[Any]) -> tuple[Any, ...] | None:
    """Run one of this module's statements, prepared once per connection; its first row."""
    # Django's cursors bind parameters into the text, so PostgreSQL parses and plans the
    # statement every time; a cursor binding on the server lets psycopg prepare it once
    # per connection (about a third of the database's work per complaint).
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django opens connections with preparing switched off (prepare_threshold None),
        # which makes psycopg ignore prepare=True. A threshold no count reaches prepares
        # these statements and still nothing of Django's.
        raw.prepare_threshold = NEVER_BY_COUNT
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(statement, params, prepare=True)
        return cursor.fetchone()


def _columns(model: type[models.Model], skip: frozenset[str]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.column not in skip and not f.generated]


def _json_row(obj: models.Model, skip: frozenset[str]) -> str:
    """The row as the ORM would write it, as one JSON object for json_populate_record
    (one parameter to adapt instead of one per column)."""
    return json.dumps(
        {column: value(obj) for column, value in _readers(type(obj), skip)},
        default=str,  # Decimal, UUID
        ensure_ascii=False,
    )


@functools.cache
def _readers(
    model: type[models.Model], skip: frozenset[str]
) -> list[tuple[str, Callable[[models.Model], Any]]]:
    """Per column, how to read its value off an instance: plain attributes as they are,
    times in ISO form after pre_save (auto_now), anything else through the field's own
    get_db_prep_save."""
    readers: list[tuple[str, Callable[[models.Model], Any]]] = []
    for field in _columns(model, skip):
        if isinstance(field, models.DateTimeField):
            reader = functools.partial(_iso_time, field)
        elif isinstance(field, models.JSONField | models.DecimalField) or (
            field.get_internal_type() in _AS_IS
        ):
            reader = operator.attrgetter(field.attname)
        else:
            reader = functools.partial(_prepared, field)
        readers.append((field.column, reader))
    return readers


_AS_IS = frozenset(
    {
        "CharField",
        "TextField",
        "EmailField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "ForeignKey",
    }
)


def _iso_time(field: models.DateTimeField, obj: models.Model) -> str | None:
    value = field.pre_save(obj, add=True)
    if value is None:
        return None
    if timezone.is_naive(value):
        raise ValueError(f"{field.name}: a naive time for a new case")
    return value.isoformat()


def _prepared(field: models.Field[Any, Any], obj: models.Model) -> Any:
    return field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def _insert_select(
    model: type[models.Model], skip: frozenset[str], first: dict[str, str], source: str
) -> str:
    """INSERT … SELECT of the columns the statement computes (`first`: column → expression),
    then the row's other columns from the JSON parameter `r`."""
    columns = [f.column for f in _columns(model, skip)]
    names = [*first, *columns]
    values = [*first.values(), *(f"r.{c}" for c in columns)]
    table = model._meta.db_table
    return (
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
        f"FROM {source.format(table=table)} r"
    )


def _next_number() -> str:
    counter = ReceiptCounter._meta.db_table
    return (
        f"n AS (UPDATE {counter} SET last_value = last_value + 1 "
        "WHERE organisation_id = %s AND fiscal_year = %s RETURNING last_value)"
    )


_NUMBERED = {
    "receipt_seq": "n.last_value",
    "receipt_no": "%s || CASE WHEN n.last_value < 1000000 "
    "THEN lpad(n.last_value::text, 6, '0') ELSE n.last_value::text END",
}


def _first_event_and_clocks() -> tuple[str, str]:
    """The inserts of a new case's first event and clocks, after its insert `c`."""
    event = _insert_select(
        CaseEvent,
        _EVENT_SKIP,
        {"case_id": "c.id"},
        "c, json_populate_record(NULL::{table}, %s::json)",
    )
    clocks = _insert_select(
        StageClock,
        _CLOCK_SKIP,
        {"case_id": "c.id"},
        "c, json_populate_recordset(NULL::{table}, %s::json)",
    )
    return event, clocks


@functools.cache
def _statement() -> str:
    case = _insert_select(
        Case, _CASE_SKIP, _NUMBERED, "n, json_populate_record(NULL::{table}, %s::json)"
    )
    event, clocks = _first_event_and_clocks()
    return (
        f"WITH {_next_number()}, "
        f"c AS ({case} RETURNING id, receipt_seq, receipt_no), "
        f"e AS ({event} RETURNING id), "
        f"k AS ({clocks}) "
        "SELECT c.id, c.receipt_seq, c.receipt_no, e.id FROM c, e"
    )


@functools.cache
def _accept_statement() -> str:
    row = _insert_select(
        Submission, _SUBMISSION_SKIP, _NUMBERED, "n, json_populate_record(NULL::{table}, %s::json)"
    )
    return f"WITH {_next_number()} {row} RETURNING id, receipt_seq, receipt_no"


@functools.cache
def _register_statement() -> str:
    case = _insert_select(
        Case, _NUMBERED_CASE_SKIP, {}, "json_populate_record(NULL::{table}, %s::json)"
    )
    event, clocks = _first_event_and_clocks()
    submission = Submission._meta.db_table
    return (
        f"WITH c AS ({case} RETURNING id), "
        f"e AS ({event} RETURNING id), "
        f"k AS ({clocks}), "
        # By its key alone: the caller holds the row's lock (FOR UPDATE), and "case_id IS
        # NULL" here made the planner walk the index of waiting rows instead (the queue
        # then cost more the longer it was). A second registration would still fail on
        # the case's unique receipt number.
        f"s AS (UPDATE {submission} SET case_id = c.id, fields = '{{}}' FROM c "
        f"WHERE {submission}.id = %s RETURNING 1) "
        "SELECT c.id, e.id, (SELECT count(*) FROM s) FROM c, e"
    )
