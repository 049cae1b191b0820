"""Receipt numbers: `LPG-2570-000123`, gapless per organisation and Thai fiscal year."""

import datetime as dt

from django.db import transaction
from django.db.models import F

from rongrian.common.thaidate import fiscal_year_be, local_date
from rongrian.org.models import Organisation

from .models import ReceiptCounter


def format_receipt(code: str, fiscal_year: int, seq: int) -> str:
    return f"{code}-{fiscal_year}-{seq:06d}"


def allocate(organisation: Organisation, at: dt.datetime) -> tuple[int, int, str]:
    """The next number for the fiscal year containing `at`: (fiscal year B.E., seq, receipt).

    Must run inside the transaction that stores the case: the counter row stays
    locked until that transaction ends, so concurrent intakes queue here and a
    rolled-back intake gives its number back.
    """
    assert transaction.get_connection().in_atomic_block, "allocate inside the case's transaction"
    year = fiscal_year_be(local_date(at))
    counters = ReceiptCounter.objects.filter(organisation=organisation, fiscal_year=year)
    if not counters.update(last_value=F("last_value") + 1):
        # First case of the year: create the row, tolerating a concurrent creator.
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(organisation=organisation, fiscal_year=year)], ignore_conflicts=True
        )
        counters.update(last_value=F("last_value") + 1)
    seq = counters.values_list("last_value", flat=True).get()
    return year, seq, format_receipt(organisation.code, year, seq)
