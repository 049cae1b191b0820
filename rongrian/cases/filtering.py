"""Case lists: filters from the query string, search, order and keyset pages.

Pages are keyset-paginated on the order's key and the id: the next page starts after
the last row shown, so page 1,000 costs what page 1 costs, and no page counts the whole
table. The orders (ORDERS): received newest or oldest first, last change first (each
along an index of the cases), and the soonest deadline first, which lists the cases
with a running deadline along the clocks' due index.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from rongrian.org.models import Staff
from rongrian.sla.models import StageClock

from . import search
from .choices import Channel, Status
from .models import Case
from .queues import LIVE, with_next_due
from .receipts import format_receipt

PAGE_SIZE = 50
RECEIPT = re.compile(r"^([A-Z]{2,10})-(\d{4})-(\d{1,7})$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[\d\- ]{6,}$")


@dataclass
class Filters:
    status: list[str] = field(default_factory=list)
    category: int | None = None
    unit: int | None = None
    channel: str = ""
    assignee: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    overdue: bool = False
    q: str = ""
    order: str = "newest"
    after: str = ""
    organisation_id: int | None = None  # the viewer's, not from the query

    @classmethod
    def from_query(cls, params: QueryDict) -> Filters:
        def number(name: str) -> int | None:
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(
            status=[s for s in params.getlist("status") if s in Status.values],
            category=number("category"),
            unit=number("unit"),
            channel=params.get("channel", "") if params.get("channel") in Channel.values else "",
            assignee=number("assignee"),
            since=parse_date(params.get("since", "") or "") if params.get("since") else None,
            until=parse_date(params.get("until", "") or "") if params.get("until") else None,
            overdue=params.get("overdue") == "1",
            q=params.get("q", "").strip()[:200],
            order=params.get("order", "") if params.get("order") in ORDERS else "newest",
            after=params.get("after", ""),
        )


def apply(qs: QuerySet[Case], f: Filters) -> QuerySet[Case]:
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.assignee:
        qs = qs.filter(assignee_id=f.assignee)
    if f.since:
        qs = qs.filter(received_at__gte=_start_of(f.since))
    if f.until:
        qs = qs.filter(received_at__lt=_start_of(f.until + dt.timedelta(days=1)))
    if f.overdue:
        late = StageClock.objects.filter(
            finished_at__isnull=True, paused_at__isnull=True, due_at__lt=timezone.now()
        ).values("case_id")
        qs = qs.filter(pk__in=late)
    if f.q:
        qs = _search(qs, f.q)
    return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _search(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    # Receipt numbers and whole phone numbers are looked up by their own indexes, exactly.
    if match := RECEIPT.match(q):
        code, year, seq = match.groups()
        return qs.filter(receipt_no=format_receipt(code.upper(), int(year), int(seq)))
    if PHONE.match(q):
        digits = re.sub(r"\D", "", q)
        whole = _whole_phone(digits)
        if whole:
            return qs.filter(complainant_phone=whole)
        # A part of a number: its end, as people read out the last digits (no index).
        return qs.filter(complainant_phone__endswith=digits) if digits else qs.none()
    return search.matching(qs, q)


def _whole_phone(digits: str) -> str:
    """A whole Thai number as stored (0 and 8 or 9 digits), else ''. Accepts +66/66 and a
    missing leading 0."""
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (8, 9):
        digits = "0" + digits
    return digits if digits.startswith("0") and len(digits) in (9, 10) else ""


# order → (column, newest/largest first); "due" is the soonest running deadline.
ORDERS: dict[str, tuple[str, bool]] = {
    "newest": ("received_at", True),
    "oldest": ("received_at", False),
    "changed": ("updated_at", True),
    "due": ("next_due", False),  # queues.with_next_due
}


def page(
    qs: QuerySet[Case], f: Filters, *, rows: QuerySet[Case] | None = None
) -> tuple[list[Case], str]:
    """One page of rows and the cursor of the next page ('' on the last).

    Two steps: the page's ids first, from a narrow query that the indexes answer (a
    common search word may match a fifth of all cases; sorting their ids is cheap,
    sorting their full rows is not), then the full rows of just those ids, prepared by
    `rows` (annotations, joins)."""
    column, descending = ORDERS[f.order]
    cursor = _parse_cursor(f.after)
    if f.order == "due":
        keys = _walk_deadlines(qs, f.organisation_id, cursor)
    else:
        ids = _from(qs, "pk", column, descending, cursor).values_list("pk", column)
        keys = list(ids[: PAGE_SIZE + 1])
    more = len(keys) > PAGE_SIZE
    keys = keys[:PAGE_SIZE]
    full = (rows if rows is not None else Case.objects.all()).filter(pk__in=[k[0] for k in keys])
    found = {case.pk: case for case in full}
    page_rows = [found[pk] for pk, _at in keys if pk in found]
    last = keys[-1] if keys else None
    next_cursor = f"{last[1].isoformat()}_{last[0]}" if more and last else ""
    return page_rows, next_cursor


def _from(
    qs: QuerySet[Any],
    key: str,
    column: str,
    descending: bool,
    cursor: tuple[dt.datetime, int] | None,
) -> QuerySet[Any]:
    """`qs` in (column, key) order, from just after the cursor."""
    sign = "-" if descending else ""
    qs = qs.order_by(sign + column, sign + key)
    if cursor:
        at, pk = cursor
        beyond = "lt" if descending else "gt"
        qs = qs.filter(Q(**{f"{column}__{beyond}": at}) | Q(**{column: at, f"{key}__{beyond}": pk}))
    return qs


WALK_CHUNKS = (100, 400, 1600)  # clocks read per step of the walk
FEW = 5000  # live cases the filters keep, read as a list of ids after the walk


def _walk_deadlines(
    qs: QuerySet[Case], organisation_id: int | None, cursor: tuple[dt.datetime, int] | None
) -> list[tuple[int, dt.datetime]]:
    """(case id, deadline) of the next page in deadline order. Running clocks are read in
    due order from their own index, a growing chunk at a time, and a case kept when the
    list's filters keep it and the clock is its first deadline: few steps when the
    filters keep many cases, whatever the database guesses about a search word. When
    they keep few, one query over the filtered live cases ends the page."""
    keys: list[tuple[int, dt.datetime]] = []
    running = StageClock.objects.filter(finished_at__isnull=True, paused_at__isnull=True)
    if organisation_id is not None:
        running = running.filter(organisation_id=organisation_id)
    for size in WALK_CHUNKS:
        chunk = list(
            _from(running, "case_id", "due_at", False, cursor).values_list("case_id", "due_at")[
                :size
            ]
        )
        kept = dict(
            with_next_due(qs.filter(pk__in={pk for pk, _ in chunk})).values_list("pk", "next_due")
        )
        for pk, due in chunk:
            if kept.get(pk) == due and (pk, due) not in keys:
                keys.append((pk, due))
        if len(keys) > PAGE_SIZE or len(chunk) < size:
            return keys
        cursor = (chunk[-1][1], chunk[-1][0])
    # The filters keep few cases: their ids first (the small index of live cases
    # answers), then those cases' deadlines.
    few = list(qs.filter(status__in=LIVE).values_list("pk", flat=True)[: FEW + 1])
    rest = _by_deadline(Case.objects.filter(pk__in=few) if len(few) <= FEW else qs)
    ids = _from(rest, "pk", "next_due", False, cursor).values_list("pk", "next_due")
    return keys + list(ids[: PAGE_SIZE + 1 - len(keys)])


def _by_deadline(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with a running deadline, each with the one due first (the list's "next
    deadline"); only live cases have one."""
    return with_next_due(qs.filter(status__in=LIVE)).filter(next_due__isnull=False)


def _parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    at_text, _, pk_text = value.rpartition("_")
    at = parse_datetime(at_text) if at_text else None
    if at is None or not pk_text.isdigit():
        return None
    return at, int(pk_text)


def visible_list(staff: Staff, params: QueryDict) -> tuple[QuerySet[Case], Filters]:
    f = Filters.from_query(params)
    f.organisation_id = staff.organisation_id
    return apply(Case.objects.visible_to(staff), f), f


def export_rows(qs: QuerySet[Case], f: Filters, limit: int) -> Any:
    """The list's rows for an export, in the list's order."""
    column, descending = ORDERS[f.order]
    if f.order == "due":
        qs = _by_deadline(qs)
    sign = "-" if descending else ""
    return qs.select_related("category", "unit", "assignee__user").order_by(
        sign + column, sign + "pk"
    )[:limit]
