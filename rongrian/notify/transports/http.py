"""Transports that call an HTTP API: an SMS gateway and the LINE Messaging API push."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from . import Message, TransportError


def _post_json(url: str, payload: dict[str, Any], token: str, timeout: float) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status >= 300:
                raise TransportError(f"{url} answered {response.status}")
    except urllib.error.HTTPError as exc:
        raise TransportError(f"{url} answered {exc.code}: {exc.read()[:200]!r}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TransportError(f"{url}: {exc}") from exc


class SmsGatewayTransport:
    """A generic SMS gateway: POST {sender, to, message} as JSON with a bearer token.

    Thai SMS providers differ in detail; most accept this shape or sit behind a
    small adapter that does (NOTIFY_SMS_URL, NOTIFY_SMS_TOKEN, NOTIFY_SMS_SENDER)."""

    def send(self, message: Message) -> None:
        if not settings.NOTIFY_SMS_URL:
            raise TransportError("NOTIFY_SMS_URL is not set")
        _post_json(
            settings.NOTIFY_SMS_URL,
            {"sender": settings.NOTIFY_SMS_SENDER, "to": message.address, "message": message.body},
            settings.NOTIFY_SMS_TOKEN,
            settings.NOTIFY_HTTP_TIMEOUT,
        )


class LinePushTransport:
    """LINE Messaging API push message to a user id that opted in, through the
    organisation's own LINE channel (settings.LINE_CHANNEL_ACCESS_TOKEN as a fallback
    for a single-organisation deployment)."""

    def send(self, message: Message) -> None:
        token = _line_token(message.organisation_id) or settings.LINE_CHANNEL_ACCESS_TOKEN
        if not token:
            raise TransportError("no LINE channel access token for this organisation")
        _post_json(
            f"{settings.LINE_API_BASE.rstrip('/')}/v2/bot/message/push",
            {"to": message.address, "messages": [{"type": "text", "text": message.body[:5000]}]},
            token,
            settings.NOTIFY_HTTP_TIMEOUT,
        )


def _line_token(organisation_id: int | None) -> str:
    if organisation_id is None:
        return ""
    from rongrian.intake.models import LineChannel

    channel = LineChannel.objects.filter(organisation_id=organisation_id, is_active=True).first()
    return channel.channel_access_token if channel else ""
