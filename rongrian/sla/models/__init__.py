from .calendar import (
    DEFAULT_CLOSES,
    DEFAULT_OPENS,
    FIRST_HOLIDAY_YEAR,
    LAST_HOLIDAY_YEAR,
    WEEKDAY_FIELDS,
    Holiday,
    WorkingHours,
    validate_holiday_date,
)
from .clocks import Escalation, SlaPolicy, StageClock

__all__ = [
    "DEFAULT_CLOSES",
    "DEFAULT_OPENS",
    "FIRST_HOLIDAY_YEAR",
    "LAST_HOLIDAY_YEAR",
    "WEEKDAY_FIELDS",
    "Escalation",
    "Holiday",
    "SlaPolicy",
    "StageClock",
    "WorkingHours",
    "validate_holiday_date",
]
