"""Taking complaints in: from citizens on the web, from officers at the counter and phone."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from rongrian.cases import pending
from rongrian.cases.choices import Channel
from rongrian.cases.lifecycle import OPEN
from rongrian.cases.models import Case, Submission
from rongrian.cases.services import create_case
from rongrian.catalog.models import Category
from rongrian.org.models import Organisation, Staff

from .forms import ComplaintForm
from .uploads import CheckedPhoto

DUPLICATE_DAYS = 30
DUPLICATE_METRES = 300
MIN_ADDRESS_CHARS = 6  # "ซอย 3" alone says too little to call two complaints the same


def submit(
    *,
    organisation: Organisation,
    form: ComplaintForm,
    photos: list[CheckedPhoto],
    channel: str = Channel.WEB,
    by: Staff | None = None,
    language: str = "th",
) -> Case:
    """Record a validated complaint with its photos; a retried form returns the first case."""
    return create_case(
        organisation=organisation,
        channel=channel,
        by=by,
        language=language,
        files=[p.as_new_file() for p in photos],
        **form.case_fields(),
    )


def accept(
    *, organisation: Organisation, fields: dict[str, Any], language: str = "th"
) -> Submission:
    """Take a checked public-form complaint without photos (the case fields with their
    retry key: ComplaintForm.case_fields or intake.quick.clean): numbered and stored at
    once, registered as a case by cases.pending; a retried form gets the first one."""
    fields = dict(fields)
    return pending.accept(
        organisation=organisation,
        channel=Channel.WEB,
        language=language,
        idempotency_key=fields.pop("idempotency_key"),
        fields=fields,
    )


def possible_duplicates(
    *,
    organisation: Organisation,
    category: Category | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    phone: str = "",
    address: str = "",
    now: dt.datetime | None = None,
    limit: int = 5,
) -> list[Case]:
    """Open cases of the last 30 days that may be the same problem: same category within
    300 m of the pin or at the same address (as written), or from the same caller."""
    since = (now or timezone.now()) - dt.timedelta(days=DUPLICATE_DAYS)
    base = Case.objects.filter(
        organisation=organisation, status__in=OPEN, received_at__gte=since
    ).select_related("category")
    match = Q(pk__in=[])
    if category is not None and latitude is not None and longitude is not None:
        dlat = Decimal(DUPLICATE_METRES / 111_320)
        dlon = Decimal(
            DUPLICATE_METRES / (111_320 * max(math.cos(math.radians(float(latitude))), 0.01))
        )
        match |= Q(
            category=category,
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
    place = " ".join(address.split())
    if category is not None and len(place) >= MIN_ADDRESS_CHARS:
        match |= Q(category=category, address__iexact=place)
    if phone:
        match |= Q(complainant_phone=phone)
    return list(base.filter(match).order_by("-received_at")[:limit])
