"""One small interface for every channel: `send(message)` delivers or raises TransportError.

The transport per channel is chosen by settings.NOTIFY_TRANSPORTS (dotted paths), so a
deployment swaps the logging transport for a real gateway without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Message:
    address: str
    subject: str
    body: str
    # Whose channel to send through (a LINE user id works only on its own channel).
    organisation_id: int | None = None


class TransportError(Exception):
    """Delivery failed; the message will be retried."""


class Transport(Protocol):
    def send(self, message: Message) -> None: ...


_cache: dict[str, Transport] = {}


def transport_for(channel: str) -> Transport:
    path = settings.NOTIFY_TRANSPORTS[channel]
    if path not in _cache:
        _cache[path] = import_string(path)()
    return _cache[path]


def reset_transports() -> None:
    """Forget built transports (after settings change, e.g. in tests)."""
    _cache.clear()
