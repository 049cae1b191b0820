"""The Thai business calendar: real 2026–2027 holidays, properties, caching and refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import holidays
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongrian.org.models import Organisation
from rongrian.sla import calendar as cal_module
from rongrian.sla.calendar import BANGKOK, BusinessCalendar, calendar_for
from rongrian.sla.choices import HolidayKind
from rongrian.sla.models import Holiday, WorkingHours

D = dt.date
UTC = dt.UTC
PROPERTIES = settings(
    deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rolled-back tests reuse organisation ids; a calendar cached by one must not leak.
    cal_module.clear_cache()
    yield
    cal_module.clear_cache()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Refusal messages are compared in English whatever catalogues exist.
    with translation.override("en"):
        yield


def bkk(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


# --- naive references: day by day and minute by minute, straight from `holidays` ----------

_public: dict[int, frozenset[dt.date]] = {}


def naive_is_business(
    day: dt.date,
    weekdays: frozenset[int] = frozenset(range(5)),
    own: frozenset[dt.date] = frozenset(),
) -> bool:
    if day.year not in _public:
        _public[day.year] = frozenset(
            holidays.Thailand(years=day.year, categories=(holidays.PUBLIC,))
        )
    return day.weekday() in weekdays and day not in own and day not in _public[day.year]


def naive_add_business_days(
    day: dt.date, n: int, weekdays: frozenset[int], own: frozenset[dt.date]
) -> dt.date:
    if n == 0 and naive_is_business(day, weekdays, own):
        return day
    n = max(n, 1)
    while n:
        day += dt.timedelta(days=1)
        n -= naive_is_business(day, weekdays, own)
    return day


def naive_working(cal: BusinessCalendar, at: dt.datetime, own: frozenset[dt.date]) -> bool:
    """The minute starting at `at` (Bangkok wall clock) is working time."""
    return (
        naive_is_business(at.date(), cal.weekdays, own)
        and cal.opens <= at.time()
        and (at + dt.timedelta(minutes=1)).time() <= cal.closes
        and (at + dt.timedelta(minutes=1)).date() == at.date()
    )


def naive_add_working_minutes(
    cal: BusinessCalendar, at: dt.datetime, minutes: int, own: frozenset[dt.date]
) -> dt.datetime:
    step = dt.timedelta(minutes=1)
    while not naive_working(cal, at, own):
        at += step
    for used in range(minutes):
        at += step
        while used < minutes - 1 and not naive_working(cal, at, own):
            at += step
    return at


# --- strategies ---------------------------------------------------------------------------

days_2025_2027 = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))
weekday_sets = st.frozensets(st.integers(0, 6), min_size=1)
own_days = st.frozensets(st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 6, 30)), max_size=15)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[BusinessCalendar, frozenset[dt.date]]:
    opens = draw(st.integers(0, 23 * 60 - 1))
    closes = draw(st.integers(opens + 1, 24 * 60 - 1))
    own = draw(own_days)
    cal = BusinessCalendar(
        own_holidays={day: "วันหยุดของหน่วยงาน" for day in own},
        weekdays=draw(weekday_sets),
        opens=dt.time(*divmod(opens, 60)),
        closes=dt.time(*divmod(closes, 60)),
    )
    return cal, own


instants = st.builds(
    lambda day, minute: bkk(day.year, day.month, day.day, *divmod(minute, 60)),
    st.dates(min_value=D(2025, 12, 1), max_value=D(2027, 1, 31)),
    st.integers(0, 24 * 60 - 1),
)


# --- real Thai holidays, 2026 and 2027 ----------------------------------------------------


@pytest.fixture
def lpg(demo: Any) -> BusinessCalendar:
    return calendar_for(demo.org)


def test_it_acknowledges_after_the_father_day_substitution_holiday(lpg: BusinessCalendar) -> None:
    # Forwarded Friday 4 Dec 2026; Sat 5 Dec is the holiday, Mon 7 Dec its day in lieu.
    assert not lpg.is_business_day(D(2026, 12, 7))
    assert "ชดเชย" in (lpg.holiday_name(D(2026, 12, 7)) or "")
    assert lpg.add_business_days(D(2026, 12, 4), 1) == D(2026, 12, 8)
    assert lpg.next_business_day(D(2026, 12, 4)) == D(2026, 12, 8)


def test_it_skips_songkran_2026(lpg: BusinessCalendar) -> None:
    assert [lpg.is_business_day(D(2026, 4, d)) for d in (13, 14, 15, 16)] == [
        False,
        False,
        False,
        True,
    ]
    assert lpg.add_business_days(D(2026, 4, 10), 1) == D(2026, 4, 16)


def test_it_knows_the_2026_new_year_bridge_day(lpg: BusinessCalendar) -> None:
    assert lpg.holiday_name(D(2026, 1, 2)) == "วันหยุดพิเศษ (เพิ่มเติม)"
    # 31 Dec and 1 Jan are holidays, 2 Jan the bridge, then a weekend.
    assert lpg.add_business_days(D(2025, 12, 30), 1) == D(2026, 1, 5)


def test_it_knows_makha_bucha_in_lieu_2027(lpg: BusinessCalendar) -> None:
    assert not lpg.is_business_day(D(2027, 2, 22))
    assert lpg.add_business_days(D(2027, 2, 19), 1) == D(2027, 2, 23)


def test_it_uses_only_public_holidays(lpg: BusinessCalendar) -> None:
    assert lpg.is_business_day(D(2026, 5, 13))  # Royal Ploughing: government category only
    assert lpg.is_business_day(D(2026, 11, 24))  # Loy Krathong: a "workday" observance
    assert lpg.holiday_name(D(2026, 1, 10)) == "วันเด็กแห่งชาติ"  # a Saturday anyway


def test_it_counts_300_business_days_across_two_year_boundaries(lpg: BusinessCalendar) -> None:
    start = D(2025, 12, 15)
    due = lpg.add_business_days(start, 300)
    assert due == naive_add_business_days(start, 300, frozenset(range(5)), frozenset())
    assert due.year == 2027
    assert lpg.business_days_between(start, due) == 300


def test_it_rolls_onto_a_business_day_when_n_is_zero(lpg: BusinessCalendar) -> None:
    assert lpg.add_business_days(D(2026, 12, 4), 0) == D(2026, 12, 4)
    assert lpg.add_business_days(D(2026, 12, 5), 0) == D(2026, 12, 8)
    assert lpg.end_of_business_day(D(2026, 12, 5)) == bkk(2026, 12, 8, 16, 30)


def test_it_adds_calendar_days(lpg: BusinessCalendar) -> None:
    assert lpg.add_calendar_days(D(2026, 12, 28), 7) == D(2027, 1, 4)


def test_it_counts_business_days_between(lpg: BusinessCalendar) -> None:
    assert lpg.business_days_between(D(2026, 12, 4), D(2026, 12, 8)) == 1
    assert lpg.business_days_between(D(2026, 12, 8), D(2026, 12, 4)) == 0
    assert lpg.business_days_between(D(2026, 4, 10), D(2026, 4, 17)) == 2


def test_it_handles_large_n_across_many_years(lpg: BusinessCalendar) -> None:
    # Speed is measured by `make bench`; here only that a large n is exact.
    far = lpg.add_business_days(D(2026, 1, 1), 100_000)
    assert lpg.business_days_between(D(2026, 1, 1), far) == 100_000
    assert lpg.is_business_day(far)


# --- an organisation's own days -----------------------------------------------------------


def test_it_applies_an_own_holiday_to_that_organisation_only(
    demo: Any, other_org: Organisation
) -> None:
    Holiday.objects.create(
        organisation=demo.org, date=D(2026, 12, 8), name="วันเทศบาล", kind=HolidayKind.ORGANISATION
    )
    assert calendar_for(demo.org).add_business_days(D(2026, 12, 4), 1) == D(2026, 12, 9)
    assert calendar_for(other_org).add_business_days(D(2026, 12, 4), 1) == D(2026, 12, 8)
    assert calendar_for(demo.org).holiday_name(D(2026, 12, 8)) == "วันเทศบาล"


def test_it_applies_a_cabinet_special_day_to_that_organisation_only(
    demo: Any, other_org: Organisation
) -> None:
    Holiday.objects.create(
        organisation=demo.org,
        date=D(2027, 2, 23),
        name="วันหยุดราชการเพิ่มเป็นกรณีพิเศษ",
        kind=HolidayKind.CABINET,
    )
    assert calendar_for(demo.org).add_business_days(D(2027, 2, 19), 1) == D(2027, 2, 24)
    assert calendar_for(other_org).add_business_days(D(2027, 2, 19), 1) == D(2027, 2, 23)


def test_it_follows_the_organisations_working_week_and_hours(
    demo: Any, other_org: Organisation
) -> None:
    WorkingHours.objects.create(
        organisation=demo.org, opens=dt.time(8), closes=dt.time(12), saturday=True
    )
    lpg = calendar_for(demo.org)
    assert lpg.add_business_days(D(2026, 3, 6), 1) == D(2026, 3, 7)
    assert lpg.add_working_minutes(bkk(2026, 3, 6, 11, 50), 20) == bkk(2026, 3, 7, 8, 10)
    assert calendar_for(other_org).add_business_days(D(2026, 3, 6), 1) == D(2026, 3, 9)


# --- working minutes ----------------------------------------------------------------------


def test_it_carries_minutes_past_closing_to_the_next_business_day(lpg: BusinessCalendar) -> None:
    assert lpg.add_working_minutes(bkk(2026, 3, 6, 16, 25), 10) == bkk(2026, 3, 9, 8, 35)
    # Friday 4 Dec 2026: the weekend and Monday's substitution holiday are skipped.
    assert lpg.add_working_minutes(bkk(2026, 12, 4, 16, 25), 10) == bkk(2026, 12, 8, 8, 35)
    assert lpg.add_working_minutes(bkk(2026, 3, 6, 16, 25), 5) == bkk(2026, 3, 6, 16, 30)


def test_it_starts_counting_at_opening_time(lpg: BusinessCalendar) -> None:
    assert lpg.add_working_minutes(bkk(2026, 3, 10, 7, 0), 30) == bkk(2026, 3, 10, 9, 0)
    assert lpg.add_working_minutes(bkk(2026, 3, 10, 7, 0), 0) == bkk(2026, 3, 10, 8, 30)
    assert lpg.working_minutes_between(bkk(2026, 3, 10, 7, 0), bkk(2026, 3, 10, 9, 0)) == 30


def test_it_treats_closing_time_as_outside_working_hours(lpg: BusinessCalendar) -> None:
    assert not lpg.is_working_time(bkk(2026, 3, 6, 16, 30))
    assert lpg.add_working_minutes(bkk(2026, 3, 6, 16, 30), 0) == bkk(2026, 3, 9, 8, 30)
    assert lpg.add_working_minutes(bkk(2026, 3, 6, 16, 30), 1) == bkk(2026, 3, 9, 8, 31)


def test_it_answers_a_utc_instant_in_bangkok_time(lpg: BusinessCalendar) -> None:
    friday_1625_bangkok = dt.datetime(2026, 3, 6, 9, 25, tzinfo=UTC)
    due = lpg.add_working_minutes(friday_1625_bangkok, 10)
    assert due == dt.datetime(2026, 3, 9, 1, 35, tzinfo=UTC)
    assert due.utcoffset() == dt.timedelta(hours=7)
    assert lpg.is_working_time(dt.datetime(2026, 3, 9, 1, 35, tzinfo=UTC))


def test_it_counts_working_minutes_over_a_long_weekend(lpg: BusinessCalendar) -> None:
    # Fri 4 Dec 16:00 → Tue 8 Dec 09:00: 30 minutes on Friday, 30 on Tuesday.
    assert lpg.working_minutes_between(bkk(2026, 12, 4, 16), bkk(2026, 12, 8, 9)) == 60
    assert lpg.working_minutes_between(bkk(2026, 12, 8, 9), bkk(2026, 12, 4, 16)) == 0
    a_week = lpg.working_minutes_between(bkk(2026, 3, 9, 8, 30), bkk(2026, 3, 16, 8, 30))
    assert a_week == 5 * 8 * 60


# --- properties ---------------------------------------------------------------------------


@PROPERTIES
@given(start=days_2025_2027, n=st.integers(0, 400))
def test_it_never_lands_on_a_weekend_or_holiday(
    lpg: BusinessCalendar, start: dt.date, n: int
) -> None:
    due = lpg.add_business_days(start, n)
    assert due.weekday() < 5
    assert naive_is_business(due)
    assert due > start or (n == 0 and due == start)


@PROPERTIES
@given(start=days_2025_2027, later=st.integers(0, 60), n=st.integers(0, 300))
def test_it_is_monotonic_in_n_and_start(
    lpg: BusinessCalendar, start: dt.date, later: int, n: int
) -> None:
    assert lpg.add_business_days(start, n) <= lpg.add_business_days(start, n + 1)
    if n >= 1:
        assert lpg.add_business_days(start, n) < lpg.add_business_days(start, n + 1)
    other = start + dt.timedelta(days=later)
    assert lpg.add_business_days(start, n) <= lpg.add_business_days(other, n)


@PROPERTIES
@given(calendar=calendars(), start=days_2025_2027, n=st.integers(0, 300))
def test_it_agrees_with_counting_day_by_day(
    calendar: tuple[BusinessCalendar, frozenset[dt.date]], start: dt.date, n: int
) -> None:
    cal, own = calendar
    due = cal.add_business_days(start, n)
    assert due == naive_add_business_days(start, n, cal.weekdays, own)
    assert cal.is_business_day(start) == naive_is_business(start, cal.weekdays, own)
    if n >= 1:
        assert cal.business_days_between(start, due) == n


@settings(deadline=None, max_examples=80)
@given(calendar=calendars(), at=instants, data=st.data())
def test_it_agrees_with_counting_minute_by_minute(
    calendar: tuple[BusinessCalendar, frozenset[dt.date]], at: dt.datetime, data: st.DataObject
) -> None:
    cal, own = calendar
    # Up to about three working days, so the minute-stepping reference stays quick.
    day_minutes = (cal.closes.hour - cal.opens.hour) * 60 + cal.closes.minute - cal.opens.minute
    minutes = data.draw(st.integers(0, 3 * day_minutes + 2))
    due = cal.add_working_minutes(at, minutes)
    assert due == naive_add_working_minutes(cal, at, minutes, own)
    assert due.tzinfo is not None


@PROPERTIES
@given(calendar=calendars(), at=instants, minutes=st.integers(0, 20_000))
def test_it_counts_back_the_minutes_it_added(
    calendar: tuple[BusinessCalendar, frozenset[dt.date]], at: dt.datetime, minutes: int
) -> None:
    cal, _ = calendar
    # Holds for any start: time before the next opening is not working time.
    assert cal.working_minutes_between(at, cal.add_working_minutes(at, minutes)) == minutes


@PROPERTIES
@given(at=instants, minutes=st.integers(0, 5000))
def test_it_counts_back_from_inside_working_hours_in_any_zone(
    lpg: BusinessCalendar, at: dt.datetime, minutes: int
) -> None:
    start = lpg.next_opening(at).astimezone(UTC)
    assert lpg.is_working_time(start)
    assert lpg.working_minutes_between(start, lpg.add_working_minutes(start, minutes)) == minutes


# --- caching --------------------------------------------------------------------------------


def test_it_sees_a_holiday_added_after_the_calendar_was_built(
    demo: Any, django_assert_num_queries: Any
) -> None:
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 4)) == D(2026, 12, 8)
    with django_assert_num_queries(0):
        calendar_for(demo.org)
    holiday = Holiday.objects.create(organisation=demo.org, date=D(2026, 12, 8), name="วันเทศบาล")
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 4)) == D(2026, 12, 9)
    holiday.delete()
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 4)) == D(2026, 12, 8)


def test_it_sees_new_working_hours(demo: Any) -> None:
    assert calendar_for(demo.org).next_business_day(D(2026, 3, 6)) == D(2026, 3, 9)
    hours = WorkingHours.objects.create(organisation=demo.org)
    hours.saturday = True
    hours.save()
    assert calendar_for(demo.org).next_business_day(D(2026, 3, 6)) == D(2026, 3, 7)


def test_it_sees_bulk_changes(demo: Any) -> None:
    Holiday.objects.create(organisation=demo.org, date=D(2026, 12, 8), name="วันเทศบาล")
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 4)) == D(2026, 12, 9)
    Holiday.objects.filter(organisation=demo.org).update(date=D(2026, 12, 9))
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 4)) == D(2026, 12, 8)
    Holiday.objects.filter(organisation=demo.org).delete()
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 8)) == D(2026, 12, 9)


def test_it_notices_changes_made_by_another_process(demo: Any, monkeypatch: Any) -> None:
    calendar_for(demo.org)
    # bulk_create skips save(), like a change made by another process would.
    Holiday.objects.bulk_create(
        [Holiday(organisation=demo.org, date=D(2026, 12, 8), name="วันเทศบาล")]
    )
    monkeypatch.setattr(cal_module, "REFRESH_SECONDS", 0.0)
    assert calendar_for(demo.org).next_business_day(D(2026, 12, 4)) == D(2026, 12, 9)


# --- refusals -------------------------------------------------------------------------------


def test_it_refuses_negative_counts(lpg: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        lpg.add_business_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError, match="negative"):
        lpg.add_working_minutes(bkk(2026, 1, 5, 9), -1)
    with pytest.raises(ValueError, match="negative"):
        lpg.add_calendar_days(D(2026, 1, 5), -1)


def test_it_refuses_a_naive_datetime(lpg: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        lpg.add_working_minutes(dt.datetime(2026, 1, 5, 9), 10)


@pytest.mark.parametrize("year", [1900, 2569])
def test_it_refuses_a_holiday_outside_any_year(demo: Any, year: int) -> None:
    holiday = Holiday(organisation=demo.org, date=D(year, 12, 7), name="วันหยุด")
    with pytest.raises(ValidationError) as refused:
        holiday.full_clean()
    [message] = refused.value.message_dict["date"]
    assert "between the years 2000 and 2200" in message
    assert str(year) in message


def test_it_refuses_a_second_holiday_on_the_same_day(demo: Any) -> None:
    Holiday.objects.create(organisation=demo.org, date=D(2026, 12, 8), name="วันเทศบาล")
    again = Holiday(organisation=demo.org, date=D(2026, 12, 8), name="ซ้ำ")
    with pytest.raises(ValidationError, match="already has a holiday on this date"):
        again.full_clean()


def test_it_refuses_working_hours_that_end_before_they_start(demo: Any) -> None:
    hours = WorkingHours(organisation=demo.org, opens=dt.time(16, 30), closes=dt.time(8, 30))
    with pytest.raises(ValidationError) as refused:
        hours.full_clean()
    assert refused.value.message_dict == {
        "closes": ["The closing time must be after the opening time."]
    }
    with pytest.raises(ValueError, match="open before they close"):
        BusinessCalendar(opens=dt.time(16, 30), closes=dt.time(8, 30))


def test_it_refuses_working_hours_without_a_working_weekday(demo: Any) -> None:
    days = dict.fromkeys(["monday", "tuesday", "wednesday", "thursday", "friday"], False)
    hours = WorkingHours(organisation=demo.org, **days)
    with pytest.raises(ValidationError, match="at least one working weekday"):
        hours.full_clean()
    with pytest.raises(ValueError, match="non-empty"):
        BusinessCalendar(weekdays=[])
