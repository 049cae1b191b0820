"""Small file-less multipart forms: read exactly as Django's own parser reads them, and
anything unusual left to Django's parser."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from rongrian.common.smallforms import parse

BOUNDARY = "----WebKitFormBoundaryrongrian0001"


def body(
    fields: list[tuple[str, str]], *, empty_file: bool = True, boundary: str = BOUNDARY
) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    if empty_file:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    return ("".join(parts) + f"--{boundary}--\r\n").encode()


def django_reads(data: bytes, boundary: str = BOUNDARY) -> tuple[QueryDict, Any]:
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(data)),
    }
    from django.core.files.uploadhandler import MemoryFileUploadHandler

    return MultiPartParser(meta, io.BytesIO(data), [MemoryFileUploadHandler()], "utf-8").parse()


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)
# Text with the pieces a delimiter is made of, and now and then a whole one.
values = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)
    | st.sampled_from(["\r\n", "--", "\r", "\n", "\r\n\r\n", f"\r\n--{BOUNDARY}"]),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(names, values), max_size=15), st.booleans())
def test_it_reads_what_django_reads(fields: list[tuple[str, str]], empty_file: bool) -> None:
    data = body(fields, empty_file=empty_file)
    ours = parse(data, BOUNDARY, "utf-8")
    post, files = django_reads(data)
    assert not files
    if ours is not None:  # None: left to Django, which is always right
        assert dict(ours.lists()) == dict(post.lists())
    else:
        assert any(BOUNDARY in v for _, v in fields) or not (fields or empty_file)


def test_it_reads_the_complaint_form_as_a_browser_sends_it() -> None:
    fields = [("description", "ไฟถนนดับ\r\nมาสามวัน"), ("category", "5"), ("wants_updates", "on")]
    ours = parse(body(fields), BOUNDARY, "utf-8")
    assert ours is not None and ours["description"] == "ไฟถนนดับ\r\nมาสามวัน"
    assert ours.getlist("photos") == [""] and not ours._mutable  # as Django reads it


@pytest.mark.parametrize(
    "data",
    [
        # a real file in the photo input
        body([("a", "1")]).replace(
            b'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n',
            b'filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJPEG',
        ),
        body([("a", "1")]).replace(b'filename=""', b'filename="x.jpg"'),
        b"preamble\r\n" + body([("a", "1")]),
        body([("a", "1")])[:-4],  # no closing delimiter
        body([("a", "1")]).replace(b'name="a"', b'name="a"\r\nContent-Transfer-Encoding: base64'),
        body([("a", "1")]).replace(b'name="a"', b"name*=UTF-8''%E0%B8%81"),
        body([("a", "1")]).replace(b'name="a"', b'name="a b"'),
    ],
)
def test_it_leaves_unusual_bodies_to_django(data: bytes) -> None:
    assert parse(data, BOUNDARY, "utf-8") is None


def test_a_photo_still_goes_through_djangos_parser(client: Client, demo: Any) -> None:
    from rongrian.intake.tests.images import jpeg_with_gps

    response = client.post(
        "/complaint/",
        {
            "category": demo.category("STREETLIGHT").pk,
            "description": "ไฟดับ",
            "idempotency_key": "k",
            "photos": [jpeg_with_gps()],
        },
    )
    assert response.status_code == 302
    from rongrian.cases.models import Attachment

    assert Attachment.objects.count() == 1
