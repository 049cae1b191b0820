"""Case lists: filters from the query string, search, order and keyset pages.

Pages are keyset-paginated on (received_at, id): the next page starts after the last
row shown, so page 1,000 costs what page 1 costs, and no page counts the whole table.
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

PAGE_SIZE = 50
RECEIPT = re.compile(r"^[A-Z]{2,10}-\d{4}-\d{1,6}$", re.IGNORECASE)
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
            order="oldest" if params.get("order") == "oldest" else "newest",
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
    if RECEIPT.match(q):
        return qs.filter(receipt_no__iexact=q)
    if PHONE.match(q):
        digits = re.sub(r"\D", "", q)
        return qs.filter(complainant_phone__endswith=digits[-9:]) if digits else qs.none()
    return search.matching(qs, q)


def page(
    qs: QuerySet[Case], f: Filters, *, rows: QuerySet[Case] | None = None
) -> tuple[list[Case], str]:
    """One page of rows and the cursor of the next page ('' on the last).

    Two steps: the page's ids first, from a narrow query that the indexes answer (a
    common search word may match a fifth of all cases; sorting their ids is cheap,
    sorting their full rows is not), then the full rows of just those ids, prepared by
    `rows` (annotations, joins)."""
    newest = f.order == "newest"
    order = ("-received_at", "-pk") if newest else ("received_at", "pk")
    ids_qs = qs.order_by(*order)
    cursor = _parse_cursor(f.after)
    if cursor:
        at, pk = cursor
        if newest:
            ids_qs = ids_qs.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk))
        else:
            ids_qs = ids_qs.filter(Q(received_at__gt=at) | Q(received_at=at, pk__gt=pk))
    keys = list(ids_qs.values_list("pk", "received_at")[: PAGE_SIZE + 1])
    more = len(keys) > PAGE_SIZE
    keys = keys[:PAGE_SIZE]
    full = (rows if rows is not None else Case.objects.all()).filter(pk__in=[k[0] for k in keys])
    found = {case.pk: case for case in full}
    page_rows = [found[pk] for pk, _at in keys if pk in found]
    last = keys[-1] if keys else None
    next_cursor = f"{last[1].isoformat()}_{last[0]}" if more and last else ""
    return page_rows, next_cursor


def _parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    at_text, _, pk_text = value.rpartition("_")
    at = parse_datetime(at_text) if at_text else None
    if at is None or not pk_text.isdigit():
        return None
    return at, int(pk_text)


def visible_list(staff: Staff, params: QueryDict) -> tuple[QuerySet[Case], Filters]:
    f = Filters.from_query(params)
    return apply(Case.objects.visible_to(staff), f), f


def export_rows(qs: QuerySet[Case], limit: int) -> Any:
    return qs.select_related("category", "unit", "assignee__user").order_by("-received_at", "-pk")[
        :limit
    ]
