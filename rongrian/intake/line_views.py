"""The LINE webhook: LINE's servers post the citizen's messages here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import line


@csrf_exempt  # LINE signs the body instead (X-Line-Signature)
@require_POST
def webhook(request: HttpRequest, org_code: str) -> HttpResponse:
    channel = line.active_channel(org_code=org_code)
    if channel is None:
        raise Http404
    try:
        events = line.parse_events(
            channel=channel,
            body=request.body,
            signature=request.headers.get("X-Line-Signature", ""),
        )
    except line.InvalidWebhook:
        return HttpResponseBadRequest()
    line.handle_events(channel=channel, events=events)
    return HttpResponse()
