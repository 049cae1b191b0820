"""Checking citizens' photos: by their bytes, never their names.

Each upload is opened with Pillow: it must be a JPEG, PNG, WebP or HEIC image within
the size and pixel limits. It is then written anew, which drops everything but the
pixels: EXIF (GPS position, camera serial) is stripped except the orientation tag,
large photos are scaled down, and HEIC becomes JPEG so every browser can show it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from rongrian.cases.services import NewFile

pillow_heif.register_heif_opener()

ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
ORIENTATION = 0x0112
MAX_PIXELS = 50_000_000  # larger than any phone camera, small enough to refuse a bomb


class UploadError(ValueError):
    """A file was refused; the message says why, in the reader's language."""


@dataclass(frozen=True)
class CheckedPhoto:
    name: str
    content_type: str
    data: bytes

    def as_new_file(self) -> NewFile:
        return NewFile(self.name, self.content_type, self.data)


def check_photos(files: list[UploadedFile]) -> list[CheckedPhoto]:
    limit = settings.RONGRIAN_MAX_PHOTOS
    if len(files) > limit:
        raise UploadError(_("Attach at most %(n)s photos.") % {"n": limit})
    return [check_photo(f) for f in files]


def check_photo(upload: UploadedFile) -> CheckedPhoto:
    name = upload.name or "photo"
    max_bytes = settings.RONGRIAN_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise UploadError(
            _("“%(name)s” is too large (%(size)s MB). The limit is %(limit)s MB per photo.")
            % {
                "name": name,
                "size": f"{upload.size / 1_048_576:.1f}",
                "limit": max_bytes // 1_048_576,
            }
        )
    raw = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            kind = probe.format
            probe.verify()
            image = Image.open(io.BytesIO(raw))
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:  # fmt: skip
        raise UploadError(
            _("“%(name)s” is not a photo we can read. Send a JPEG, PNG, WebP or HEIC image.")
            % {"name": name}
        ) from exc
    if kind not in ALLOWED:
        raise UploadError(
            _("“%(name)s” is a %(kind)s file. Send a JPEG, PNG, WebP or HEIC image.")
            % {"name": name, "kind": kind or "?"}
        )
    return _rewrite(image, kind, name)


_KEPT_INFO = frozenset({"icc_profile", "transparency"})


def _rewrite(image: Image.Image, kind: str, name: str) -> CheckedPhoto:
    orientation = image.getexif().get(ORIENTATION)
    edge = settings.RONGRIAN_PHOTO_MAX_EDGE
    if max(image.size) > edge:
        image.thumbnail((edge, edge))
    out_format = "JPEG" if kind in ("JPEG", "HEIF") else kind
    if out_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Pillow writes some of what it read back out (a JPEG's comment, which can hold a
    # name or a number); keep only what the picture needs to look the same.
    image.info = {k: v for k, v in image.info.items() if k in _KEPT_INFO}
    exif = Image.Exif()
    if orientation and out_format in ("JPEG", "WEBP"):
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    options: dict[str, object] = {"exif": exif.tobytes()} if len(exif) else {}
    if out_format == "JPEG":
        options.update(quality=85, optimize=True)
    image.save(buffer, format=out_format, **options)
    stem = name.rsplit(".", 1)[0][:80] or "photo"
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[out_format]
    content_type = ALLOWED["JPEG" if out_format == "JPEG" else out_format]
    return CheckedPhoto(f"{stem}.{extension}", content_type, buffer.getvalue())
