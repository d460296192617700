"""Pictures as published: without the GPS position a phone camera writes into them (privacy)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

GPS_IFD = 0x8825
CLEANABLE = {".jpg", ".jpeg", ".png", ".webp"}


def without_gps(data: bytes) -> bytes | None:
    """The picture re-saved without GPS data (orientation applied), or None if it had none or is unreadable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            if GPS_IFD not in exif:
                return None
            fmt = image.format
            upright = ImageOps.exif_transpose(image)
            exif = upright.getexif()
            exif.pop(GPS_IFD, None)
            exif.pop(0x0112, None)  # orientation already applied above
            out = io.BytesIO()
            options = {"quality": 92} if fmt == "JPEG" else {}
            if upright.mode in ("RGBA", "P") and fmt == "JPEG":
                upright = upright.convert("RGB")
            upright.save(out, format=fmt, exif=exif.tobytes(), **options)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None  # not a picture Pillow can read safely: published as it is, nothing to strip


def public_copy(path: Path, cache_dir: Path) -> Path:
    """A path to the picture safe to embed (posters): the original, or a GPS-free copy in cache_dir."""
    if path.suffix.lower() not in CLEANABLE:
        return path
    data = path.read_bytes()
    cleaned = without_gps(data)
    if cleaned is None:
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / (hashlib.sha256(data).hexdigest()[:16] + path.suffix.lower())
    if not target.exists():
        target.write_bytes(cleaned)
    return target
