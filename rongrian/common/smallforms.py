"""Small multipart forms without a file, read in one pass.

The complaint form is sent as multipart/form-data (it can carry photos), and most
complaints come without one: a kilobyte of text fields and an empty photo input.
Django's multipart parser streams every body through upload handlers, built for
files of any size; for such a body it costs more than the rest of taking the
complaint in the request (bench/README.md). `SmallFormMiddleware` reads those bodies
with `parse` instead and hands Django the same QueryDict it would have built.

`parse` takes only what it is sure of: a body in the shape browsers send (no preamble,
only `Content-Disposition: form-data; name="…"` headers, optionally a Content-Type,
plain field names, no file with a name). Anything else returns None and goes to Django's
parser as before, with all its checks; the tests compare the two on generated bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict

# Bodies larger than this, or with more parts, are left to Django (and its limits).
MAX_BYTES = 64 * 1024
MAX_PARTS = 100

_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=?]{1,70}")
_DISPOSITION = re.compile(
    rb'Content-Disposition: form-data; name="([A-Za-z0-9_\-]{1,100})"(; filename="")?',
    re.IGNORECASE,
)
_CONTENT_TYPE = re.compile(rb"Content-Type: [A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+", re.I)


def parse(body: bytes, boundary: str, encoding: str) -> QueryDict | None:
    """The fields of a small file-less multipart body as Django would read them, or None
    when the body is not one this function is sure about."""
    if not _BOUNDARY.fullmatch(boundary) or len(body) > MAX_BYTES:
        return None
    delimiter = b"--" + boundary.encode("ascii")
    if not body.startswith(delimiter + b"\r\n"):
        return None
    closing = b"\r\n" + delimiter + b"--"
    end = body.rfind(closing)
    if end == -1 or body[end + len(closing) :] not in (b"", b"\r\n"):
        return None
    parts = body[len(delimiter) + 2 : end].split(b"\r\n" + delimiter + b"\r\n")
    if len(parts) > MAX_PARTS:
        return None
    fields = QueryDict(mutable=True, encoding=encoding)
    for part in parts:
        head, separator, value = part.partition(b"\r\n\r\n")
        if not separator:
            return None
        headers = head.split(b"\r\n")
        disposition = _DISPOSITION.fullmatch(headers[0])
        if disposition is None or len(headers) > 2:
            return None
        if len(headers) == 2 and not _CONTENT_TYPE.fullmatch(headers[1]):
            return None
        if delimiter in value:
            return None  # a malformed body, or a value Django would read otherwise
        # An empty file input (filename="") is a field to Django too, its content the
        # value; a part's Content-Type does not change how a field is read.
        name = disposition.group(1).decode("ascii")
        fields.appendlist(name, value.decode(encoding, errors="replace"))
    fields._mutable = False
    return fields


class SmallFormMiddleware:
    """Reads small file-less multipart bodies with `parse` (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.META.get("CONTENT_TYPE", "").startswith(
            "multipart/form-data"
        ):
            self._read(request)
        return self.get_response(request)

    def _read(self, request: HttpRequest) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        boundary = request.content_params.get("boundary", "")
        if not 0 < length <= MAX_BYTES or not boundary:
            return
        encoding = request.encoding or settings.DEFAULT_CHARSET
        fields = parse(request.body, boundary, encoding)
        if fields is not None:
            request._post = fields  # type: ignore[attr-defined]
            request._files = MultiValueDict()  # type: ignore[attr-defined]
