"""Small real images for upload tests, made with Pillow."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(name: str = "photo.jpg", orientation: int = 6) -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (18.0, 17.0, 19.0), 3: "E", 4: (99.0, 29.0, 26.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def image_file(fmt: str, name: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), (30, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def pdf_named_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "photo.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n",
        content_type="image/jpeg",
    )  # fmt: skip
