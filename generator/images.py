"""Pictures as published: without the GPS position a phone camera writes into them (privacy),
and camera photos scaled to a size a phone on a weak connection can load."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from generator.model import CLEANABLE_SUFFIXES

GPS_IFD = 0x8825


MAX_SIDE = 1600  # px: sharp on a phone and on an A4 poster at 150 dpi, a tenth of a camera's bytes


def publishable(data: bytes) -> bytes | None:
    """The picture re-saved without GPS data (orientation applied) and, for photos (JPEG/WebP) larger
    than MAX_SIDE, scaled down; None when it is fine as it is or cannot be read safely."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            fmt = image.format
            too_big = fmt in ("JPEG", "WEBP") and max(image.size) > MAX_SIDE
            if GPS_IFD not in exif and not too_big:
                return None
            upright = ImageOps.exif_transpose(image)
            if too_big:
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
            exif = upright.getexif()
            exif.pop(GPS_IFD, None)
            exif.pop(0x0112, None)  # orientation already applied above
            out = io.BytesIO()
            options = {"quality": 85 if too_big else 92} if fmt in ("JPEG", "WEBP") else {}
            if upright.mode in ("RGBA", "P") and fmt == "JPEG":
                upright = upright.convert("RGB")
            upright.save(out, format=fmt, exif=exif.tobytes(), **options)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None  # not a picture Pillow can read safely: published as it is


def public_copy(path: Path, cache_dir: Path) -> Path:
    """A path to the picture to embed (posters): the original, or a GPS-free, scaled copy in cache_dir."""
    if path.suffix.lower() not in CLEANABLE_SUFFIXES:
        return path
    data = path.read_bytes()
    cleaned = publishable(data)
    if cleaned is None:
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / (hashlib.sha256(data).hexdigest()[:16] + path.suffix.lower())
    if not target.exists():
        target.write_bytes(cleaned)
    return target
