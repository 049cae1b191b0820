"""What makes an organisation's business calendar differ from the Thai public one.

Thai public holidays come from the `holidays` package (see `calendar.py`); these rows add
the days only an administrator knows about, and the organisation's working hours.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from rongrian.org.models import Organisation
from rongrian.sla.choices import HolidayKind

# A date outside these years is a typing mistake, most often a Buddhist Era year
# (2569 for 2026) typed into a Common Era field.
FIRST_HOLIDAY_YEAR = 2000
LAST_HOLIDAY_YEAR = 2200

DEFAULT_OPENS = dt.time(8, 30)
DEFAULT_CLOSES = dt.time(16, 30)
WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def validate_holiday_date(value: dt.date) -> None:
    if not FIRST_HOLIDAY_YEAR <= value.year <= LAST_HOLIDAY_YEAR:
        raise ValidationError(
            _(
                "A holiday must fall between the years %(first)s and %(last)s CE; the year "
                "%(year)s is outside any year the calendar covers. A Buddhist Era year "
                "(พ.ศ.) is 543 more than the CE year: 2569 is 2026."
            ),
            code="holiday_year",
            params={"first": FIRST_HOLIDAY_YEAR, "last": LAST_HOLIDAY_YEAR, "year": value.year},
        )


def _calendar_changed(organisation_id: int | None) -> None:
    """Forget the cached calendar now, and again once the change is visible to others."""
    # Imported here: calendar.py reads these models, so a top-level import would be circular.
    from rongrian.sla.calendar import invalidate

    if organisation_id is None:
        return
    invalidate(organisation_id)
    # Another request may rebuild the calendar from the old rows before this transaction
    # commits; forgetting again after the commit keeps it from serving them for 30 s.
    transaction.on_commit(lambda: invalidate(organisation_id))


class CalendarRowQuerySet(models.QuerySet[Any]):
    """Bulk changes skip save() and delete(), so they drop the whole in-process cache.

    They are rare (the admin's bulk delete), and dropping every calendar is cheaper than
    finding out which organisations the rows belonged to before the change.
    """

    def delete(self) -> tuple[int, dict[str, int]]:
        from rongrian.sla.calendar import clear_cache

        result = super().delete()
        clear_cache()
        transaction.on_commit(clear_cache)
        return result

    def update(self, **kwargs: Any) -> int:
        from rongrian.sla.calendar import clear_cache

        count = super().update(**kwargs)
        clear_cache()
        transaction.on_commit(clear_cache)
        return count


class CalendarRow(models.Model):
    """A row that shapes an organisation's calendar: saving or deleting it drops the cache."""

    organisation_id: int

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _calendar_changed(self.organisation_id)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        organisation_id = self.organisation_id
        result = super().delete(*args, **kwargs)
        _calendar_changed(organisation_id)
        return result


class Holiday(CalendarRow):
    """A day off for one organisation beyond the Thai public holidays the package knows."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="holidays",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"), validators=[validate_holiday_date])
    name = models.CharField(_("name (Thai)"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.ORGANISATION
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Part of the cache stamp: an edited date must reach other processes too.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CalendarRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["organisation", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "date"],
                name="holiday_once_per_day",
                violation_error_message=_("This organisation already has a holiday on this date."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    date__gte=dt.date(FIRST_HOLIDAY_YEAR, 1, 1),
                    date__lte=dt.date(LAST_HOLIDAY_YEAR, 12, 31),
                ),
                name="holiday_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class WorkingHours(CalendarRow):
    """When an organisation's offices are open; without a row, Mon–Fri 08:30–16:30."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="working_hours",
        verbose_name=_("organisation"),
    )
    opens = models.TimeField(_("opens at"), default=DEFAULT_OPENS)
    closes = models.TimeField(_("closes at"), default=DEFAULT_CLOSES)
    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CalendarRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["organisation"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="working_hours_open_before_close",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(monday=True)
                    | models.Q(tuesday=True)
                    | models.Q(wednesday=True)
                    | models.Q(thursday=True)
                    | models.Q(friday=True)
                    | models.Q(saturday=True)
                    | models.Q(sunday=True)
                ),
                name="working_hours_some_weekday",
                violation_error_message=_("Choose at least one working weekday."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def weekdays(self) -> frozenset[int]:
        """Working weekdays as `date.weekday()` numbers: Monday is 0, Sunday is 6."""
        return frozenset(i for i, name in enumerate(WEEKDAY_FIELDS) if getattr(self, name))

    def clean(self) -> None:
        # Keyed on the field so the admin shows it there (and the constraint's
        # non-field copy of the same message is skipped).
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError(
                {"closes": _("The closing time must be after the opening time.")},
                code="closes_before_opens",
            )
