"""Dates for Thai readers: Buddhist Era years, Thai month names, Bangkok time.

Stored instants are UTC; people read them in Asia/Bangkok. The Thai fiscal
year starts on 1 October, so fiscal year 2570 (BE) runs from 1 October 2026
to 30 September 2027.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language

BE_OFFSET = 543

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip


def fiscal_year(day: dt.date) -> int:
    """The Thai fiscal year (Common Era number) that contains `day`."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_be(day: dt.date) -> int:
    return fiscal_year(day) + BE_OFFSET


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def format_date(value: dt.date | dt.datetime | None, *, long: bool = False) -> str:
    """`22 พ.ย. 2569` in Thai (Buddhist Era); ISO-like day names elsewhere."""
    if value is None:
        return ""
    with_time = isinstance(value, dt.datetime)
    if with_time:
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    language = (get_language() or "th")[:2]
    if language == "th":
        months = THAI_MONTHS if long else THAI_MONTHS_SHORT
        text = f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"
    else:
        text = value.strftime("%d %b %Y").lstrip("0")
    if with_time:
        text += f" {value:%H:%M}"
    return text
