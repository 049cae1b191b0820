import datetime as dt

from django import template

from rongrian.common.thaidate import format_date

register = template.Library()


@register.filter
def thaidate(value: dt.date | dt.datetime | None) -> str:
    return format_date(value)


@register.filter
def thaidate_long(value: dt.date | dt.datetime | None) -> str:
    return format_date(value, long=True)
