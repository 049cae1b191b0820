from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rongrian.intake.uploads import UploadError, check_photo

from .images import GPS_IFD, ORIENTATION, image_file, jpeg_with_gps, pdf_named_jpg


def test_it_strips_exif_but_keeps_the_orientation() -> None:
    checked = check_photo(jpeg_with_gps())
    exif = Image.open(io.BytesIO(checked.data)).getexif()
    assert exif.get(ORIENTATION) == 6
    assert not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif
    assert checked.content_type == "image/jpeg"


def test_it_drops_text_hidden_in_the_file() -> None:
    buffer = io.BytesIO()
    note = "สมชาย ใจดี 0812345678".encode()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude 18.29</x:xmpmeta>'
    Image.new("RGB", (40, 30)).save(buffer, format="JPEG", comment=note, xmp=xmp)
    assert note in buffer.getvalue()
    checked = check_photo(SimpleUploadedFile("p.jpg", buffer.getvalue()))
    assert note not in checked.data and b"GPSLatitude" not in checked.data
    assert not Image.open(io.BytesIO(checked.data)).info.get("comment")


@pytest.mark.parametrize(
    ("fmt", "name", "ctype"), [("PNG", "a.png", "image/png"), ("WEBP", "b.webp", "image/webp")]
)
def test_it_accepts_png_and_webp(fmt: str, name: str, ctype: str) -> None:
    assert check_photo(image_file(fmt, name)).content_type == ctype


def test_it_turns_heic_into_jpeg() -> None:
    import pillow_heif

    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (32, 32), (10, 200, 10))).save(buffer, quality=50)
    checked = check_photo(SimpleUploadedFile("IMG_0001.HEIC", buffer.getvalue()))
    assert checked.name == "IMG_0001.jpg" and checked.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(checked.data)).format == "JPEG"


def test_it_judges_by_content_not_name() -> None:
    with pytest.raises(UploadError, match="not a photo we can read"):
        check_photo(pdf_named_jpg())
    gif = image_file("GIF", "looks.jpg")
    with pytest.raises(UploadError, match="GIF"):
        check_photo(gif)


def test_it_refuses_a_huge_file_before_reading_it(settings: object) -> None:
    big = SimpleUploadedFile("big.jpg", bytes(50 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(UploadError, match="too large"):
        check_photo(big)


def test_it_scales_down_very_large_photos(settings: object) -> None:
    settings.RONGRIAN_PHOTO_MAX_EDGE = 100  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300)).save(buffer, format="JPEG")
    checked = check_photo(SimpleUploadedFile("x.jpg", buffer.getvalue()))
    assert Image.open(io.BytesIO(checked.data)).size == (100, 75)
