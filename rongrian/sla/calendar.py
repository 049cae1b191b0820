"""An organisation's Thai business calendar: which days count, and which minutes.

A business day is one of the organisation's working weekdays (Mon–Fri unless its
`WorkingHours` say otherwise) that is neither a Thai public holiday (the `holidays`
package: fixed and lunar holidays, substitution "in lieu" days and the special bridge
days it knows) nor one of the organisation's own or cabinet-announced `Holiday` rows.
Working time is the opening hours on business days, in Asia/Bangkok (UTC+7 all year:
Thailand has no daylight saving time).

Day counting follows the Bangkok 1555 rule "1 business day, counted from the day after":
`add_business_days(day, n)` is the n-th business day strictly after `day`, so a case
forwarded on Friday 4 Dec 2026 is acknowledged by `add_business_days(that_friday, 1)`,
Tuesday 8 Dec (5 Dec is a Saturday holiday, 7 Dec its substitution day).

Deadlines are stored when a stage starts, but sweeps and reports ask for many cases at
once, so nothing here loops over days per call: each year's business days are kept as a
sorted list of date ordinals, built the first time that year is touched, and every
question is a bisect into those lists plus one step per year crossed.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Count, Max

from rongrian.org.models import Organisation

from .models import DEFAULT_CLOSES, DEFAULT_OPENS, Holiday, WorkingHours

BANGKOK = ZoneInfo("Asia/Bangkok")
DEFAULT_WEEKDAYS = frozenset(range(5))  # date.weekday(): Monday 0 … Friday 4

# How long a process trusts its cached calendar before asking the database whether the
# organisation's rows changed; changes made in this process are seen at once.
REFRESH_SECONDS = 30.0


@lru_cache(maxsize=512)
def thai_public_holidays(year: int) -> Mapping[dt.date, str]:
    """Thai public holidays of `year` with their Thai names; the same for everyone."""
    # Only the PUBLIC category: "government" days (Royal Ploughing) are not off for every
    # office, and "workday" entries are observances on which offices stay open. The package
    # covers 1914–2100; later years have only weekends and the organisation's own days.
    found = holidays.Thailand(years=year, categories=(holidays.PUBLIC,), language="th")
    return MappingProxyType(dict(found))


class BusinessCalendar:
    """One organisation's business days and working hours; pure, no database access.

    Build it through `calendar_for(organisation)`, which caches it; build it directly in
    tests or for a what-if ("what if Saturday were a working day?").
    """

    def __init__(
        self,
        *,
        own_holidays: Mapping[dt.date, str] | None = None,
        weekdays: Iterable[int] = DEFAULT_WEEKDAYS,
        opens: dt.time = DEFAULT_OPENS,
        closes: dt.time = DEFAULT_CLOSES,
    ) -> None:
        self.weekdays = frozenset(weekdays)
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("weekdays must be a non-empty set of numbers 0 (Monday) to 6.")
        if opens >= closes:
            raise ValueError("Working hours must open before they close.")
        self.opens, self.closes = opens, closes
        self.own_holidays: Mapping[dt.date, str] = MappingProxyType(dict(own_holidays or {}))
        self._own_ordinals = frozenset(day.toordinal() for day in self.own_holidays)
        self._day_length = dt.datetime.combine(dt.date.min, closes) - dt.datetime.combine(
            dt.date.min, opens
        )
        # year -> sorted ordinals of its business days. Filled lazily; a race between two
        # threads only computes the same list twice, so no lock is needed.
        self._years: dict[int, list[int]] = {}

    # --- days ---------------------------------------------------------------------------

    def _business_ordinals(self, year: int) -> list[int]:
        found = self._years.get(year)
        if found is None:
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise OverflowError("The date is beyond the last year a date can hold.")
            off = {day.toordinal() for day in thai_public_holidays(year)} | self._own_ordinals
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            # Ordinal 1 (1 Jan of year 1) is a Monday, so (ordinal - 1) % 7 is the weekday.
            found = [
                o for o in range(first, last + 1) if (o - 1) % 7 in self.weekdays and o not in off
            ]
            self._years[year] = found
        return found

    def is_business_day(self, day: dt.date) -> bool:
        ordinals = self._business_ordinals(day.year)
        o = day.toordinal()
        i = bisect_left(ordinals, o)
        return i < len(ordinals) and ordinals[i] == o

    def holiday_name(self, day: dt.date) -> str | None:
        """Why `day` is off (the organisation's own name first), or None on other days."""
        return self.own_holidays.get(day) or thai_public_holidays(day.year).get(day)

    def add_business_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th business day strictly after `day` ("counted from the day after").

        n = 0 means "`day` if it is a business day, else the next one": the roll-forward
        that a deadline falling on a day off needs.
        """
        if n < 0:
            raise ValueError("The number of business days cannot be negative.")
        if n == 0:
            if self.is_business_day(day):
                return day
            n = 1
        year = day.year
        ordinals = self._business_ordinals(year)
        # Index, within this year's list and the years after, of the n-th day after `day`.
        k = bisect_right(ordinals, day.toordinal()) + n - 1
        while k >= len(ordinals):
            k -= len(ordinals)
            year += 1
            ordinals = self._business_ordinals(year)
        return dt.date.fromordinal(ordinals[k])

    def next_business_day(self, day: dt.date) -> dt.date:
        """The first business day strictly after `day`."""
        return self.add_business_days(day, 1)

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """Business days d with start < d <= end; 0 when end <= start.

        The inverse of `add_business_days`: business_days_between(d, add_business_days(d, n))
        is n for every n >= 1. Also "how many business days late" for a due date and today.
        """
        if end <= start:
            return 0
        first = self._business_ordinals(start.year)
        after_start = bisect_right(first, start.toordinal())
        if start.year == end.year:
            return bisect_right(first, end.toordinal()) - after_start
        count = len(first) - after_start
        for year in range(start.year + 1, end.year):
            count += len(self._business_ordinals(year))
        return count + bisect_right(self._business_ordinals(end.year), end.toordinal())

    @staticmethod
    def add_calendar_days(day: dt.date, n: int) -> dt.date:
        """`day` plus n calendar days; roll a result onto a business day with n=0 above."""
        if n < 0:
            raise ValueError("The number of calendar days cannot be negative.")
        return day + dt.timedelta(days=n)

    # --- minutes ------------------------------------------------------------------------

    def opening(self, day: dt.date) -> dt.datetime:
        """The opening instant of `day` in Bangkok, whether or not it is a business day."""
        return dt.datetime.combine(day, self.opens, tzinfo=BANGKOK)

    def closing(self, day: dt.date) -> dt.datetime:
        """The closing instant of `day` in Bangkok, whether or not it is a business day."""
        return dt.datetime.combine(day, self.closes, tzinfo=BANGKOK)

    def end_of_business_day(self, day: dt.date) -> dt.datetime:
        """Closing time of `day`, or of the next business day when `day` is off.

        A deadline "within n business days" is end_of_business_day(add_business_days(d, n)).
        """
        return self.closing(self.add_business_days(day, 0))

    def is_working_time(self, at: dt.datetime) -> bool:
        local = to_bangkok(at)
        day = local.date()
        return self.is_business_day(day) and self.opening(day) <= local < self.closing(day)

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """`at` (in Bangkok) if it is working time, else the next opening instant."""
        local = to_bangkok(at)
        day = local.date()
        if self.is_business_day(day):
            if local < self.opening(day):
                return self.opening(day)
            if local < self.closing(day):
                return local
        return self.opening(self.next_business_day(day))

    def add_working_minutes(self, at: dt.datetime, minutes: int) -> dt.datetime:
        """The instant `minutes` of working time after `at`, as an aware Bangkok datetime.

        Counting starts at `next_opening(at)`: 07:00 counts from 08:30, Friday 16:30 from
        the next business day's opening. A result that uses up a day exactly is that day's
        closing time (16:25 + 5 minutes is 16:30), never the next opening.
        """
        if minutes < 0:
            raise ValueError("The number of working minutes cannot be negative.")
        cursor = self.next_opening(at)
        day = cursor.date()
        remaining = dt.timedelta(minutes=minutes)
        left_today = self.closing(day) - cursor
        if remaining <= left_today:
            return cursor + remaining
        full_days, rest = divmod(remaining - left_today, self._day_length)
        if not rest:
            return self.closing(self.add_business_days(day, full_days))
        return self.opening(self.add_business_days(day, full_days + 1)) + rest

    def _overlap(self, day: dt.date, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time of `day` inside [start, end)."""
        if not self.is_business_day(day):
            return dt.timedelta(0)
        return max(dt.timedelta(0), min(end, self.closing(day)) - max(start, self.opening(day)))

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time inside [start, end); zero when end <= start."""
        start, end = to_bangkok(start), to_bangkok(end)
        if end <= start:
            return dt.timedelta(0)
        first, last = start.date(), end.date()
        if first == last:
            return self._overlap(first, start, end)
        whole_days = self.business_days_between(first, last) - int(self.is_business_day(last))
        return (
            self._overlap(first, start, self.closing(first))
            + whole_days * self._day_length
            + self._overlap(last, self.opening(last), end)
        )

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working minutes (rounded down) inside [start, end); 0 when end <= start."""
        return self.working_time_between(start, end) // dt.timedelta(minutes=1)


def to_bangkok(at: dt.datetime) -> dt.datetime:
    """`at` as Bangkok wall-clock time; a naive datetime is refused, its zone unknowable."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("A timezone-aware datetime is required (got a naive one).")
    return at.astimezone(BANGKOK)


# --- per-organisation cache ---------------------------------------------------------------


@dataclass
class _Entry:
    calendar: BusinessCalendar
    stamp: tuple[Any, ...]
    checked_at: float


# Organisation id -> its calendar. Per process: other processes' changes are noticed
# through the stamp within REFRESH_SECONDS; this process's own through `invalidate`,
# which Holiday and WorkingHours call from save() and delete().
_cache: dict[int, _Entry] = {}


def _stamp(organisation_id: int) -> tuple[Any, ...]:
    """Something that changes whenever the organisation's calendar rows change."""
    # The count catches deletes, the largest id an add-after-delete, updated_at edits.
    rows = Holiday.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("pk"), top=Max("pk"), edited=Max("updated_at")
    )
    hours = (
        WorkingHours.objects.filter(organisation_id=organisation_id)
        .values_list("updated_at", flat=True)
        .first()
    )
    return (rows["count"], rows["top"], rows["edited"], hours)


def _load(organisation_id: int) -> BusinessCalendar:
    own = dict(Holiday.objects.filter(organisation_id=organisation_id).values_list("date", "name"))
    hours = WorkingHours.objects.filter(organisation_id=organisation_id).first()
    if hours is None:
        return BusinessCalendar(own_holidays=own)
    return BusinessCalendar(
        own_holidays=own, weekdays=hours.weekdays, opens=hours.opens, closes=hours.closes
    )


def calendar_for(organisation: Organisation | int) -> BusinessCalendar:
    """The organisation's calendar, cached in this process (no query when fresh)."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    entry = _cache.get(organisation_id)
    now = time.monotonic()
    if entry is not None and now - entry.checked_at < REFRESH_SECONDS:
        return entry.calendar
    # Read the stamp before the rows: a change landing in between makes the stamp
    # stale, which only costs one extra rebuild at the next check.
    stamp = _stamp(organisation_id)
    if entry is not None and entry.stamp == stamp:
        entry.checked_at = now
        return entry.calendar
    calendar = _load(organisation_id)
    _cache[organisation_id] = _Entry(calendar, stamp, now)
    return calendar


def invalidate(organisation_id: int) -> None:
    """Forget the organisation's cached calendar; the next `calendar_for` rebuilds it."""
    _cache.pop(organisation_id, None)


def clear_cache() -> None:
    """Forget every cached calendar (bulk changes, and tests that roll back ids)."""
    _cache.clear()
