"""The public form's usual submission checked without building a Django form.

Building and validating `ComplaintForm` (fifteen bound fields, their widgets and
validators) is about a quarter of the processor time of taking a complaint from the
public form (bench/README.md). `clean` checks a POST by the same rules, and returns the
case's fields only when it is certain the form would accept them unchanged: every value
in a plain shape, nothing wrong. Anything else (an error to show, an unusual value)
returns None, and the view asks ComplaintForm, which decides and renders the messages.
The tests compare the two on generated posts: whatever `clean` accepts, the form accepts
with the same fields and the same retry key.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict

from rongrian.catalog.models import Category
from rongrian.org.models import Organisation

from .forms import (
    LAT_RANGE,
    LON_RANGE,
    UPDATE_CHANNELS,
    ComplaintForm,
    case_content,
    choose_update_channel,
    normalise_phone,
    retry_key,
    wants_consent,
)
from .models import LineChannel

# Digits as a map pin writes them; anything else (signs, exponents, spaces, too many
# digits) is left to the form's DecimalField.
_COORDINATE = re.compile(r"\d{1,3}(\.\d{1,6})?")
# The longest text the form's own fields take.
_TEXTS = ("description", "address", "name", "phone", "email", "line_id", "idempotency_key")
_MAX = {name: ComplaintForm.base_fields[name].max_length for name in _TEXTS}


class _Refer(Exception):
    """Not certain: the form decides."""


def clean(data: QueryDict, organisation: Organisation) -> dict[str, Any] | None:
    """The case fields (with the retry key) ComplaintForm would give for `data`, or None
    when the form must look at it."""
    try:
        d: dict[str, Any] = {
            "category": _category(data.get("category"), organisation),
            "description": _text(data, "description"),
            "address": _text(data, "address"),
            "latitude": _coordinate(data.get("latitude")),
            "longitude": _coordinate(data.get("longitude")),
            "name": _text(data, "name"),
            "phone": _text(data, "phone"),
            "email": _email(_text(data, "email")),
            "line_id": _text(data, "line_id"),
            "wants_updates": _checkbox(data, "wants_updates"),
            "update_channel": data.get("update_channel") or "",
            "consent": _checkbox(data, "consent"),
            "idempotency_key": _text(data, "idempotency_key"),
        }
        d["phone"] = normalise_phone(d["phone"])
        trap = _text_or_none(data, "website")
    except (_Refer, ValidationError):
        return None
    if not d["description"] or not d["idempotency_key"] or trap:
        return None
    if d["update_channel"] not in _channels(organisation):
        return None
    lat, lon = d["latitude"], d["longitude"]
    if (lat is None) != (lon is None):
        return None
    if lat is not None and not (
        LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
    ):
        return None
    if choose_update_channel(d) or (wants_consent(d) and not d["consent"]):
        return None
    fields = case_content(d, consent_asked=wants_consent)
    return {**fields, "idempotency_key": retry_key(d["idempotency_key"], fields)}


def _text(data: QueryDict, name: str) -> str:
    value = _text_or_none(data, name)
    if value is None:
        return ""
    if len(value) > _MAX[name]:
        raise _Refer
    return value


def _text_or_none(data: QueryDict, name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if "\x00" in value:
        raise _Refer  # the form refuses null characters
    return value.strip()


def _category(value: str | None, organisation: Organisation) -> Category | None:
    if not value:
        return None
    for category in Category.active_for(organisation.pk):
        if str(category.pk) == value:
            return category
    raise _Refer


def _coordinate(value: str | None) -> Decimal | None:
    if not value:
        return None
    if not _COORDINATE.fullmatch(value):
        raise _Refer
    return Decimal(value)


def _email(value: str) -> str:
    if value:
        validate_email(value)
    return value


def _checkbox(data: QueryDict, name: str) -> bool:
    # As Django's CheckboxInput reads it.
    if name not in data:
        return False
    value = data.get(name)
    return value.lower() != "false" and bool(value) if isinstance(value, str) else bool(value)


def _channels(organisation: Organisation) -> list[str]:
    """As the form offers them: LINE only where the organisation has an account."""
    line = LineChannel.account_of(organisation.pk) is not None
    return ["", *(c for c, _label in UPDATE_CHANNELS if c != "line" or line)]
