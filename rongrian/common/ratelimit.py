"""Counting attempts per client in the cache: public endpoints are rate limited."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    header = settings.RONGRIAN_CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, window: int) -> int:
    """Count one attempt under `key` in a window of `window` seconds; the new count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def count(key: str) -> int:
    return int(cache.get(key, 0))


def clear(key: str) -> None:
    cache.delete(key)
