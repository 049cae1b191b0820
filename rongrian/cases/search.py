"""Thai text search over cases (first version: substring match; see issue #6)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Case


def matching(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    return qs.filter(description__icontains=q)
