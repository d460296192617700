"""Pictures uploaded from the desk: kept beside the article in `images/`, under a safe name, cleaned
by the board's own picture cleaning (generator/assets.py: pixels only, no GPS or other metadata,
scaled); HEIC from phones is converted to JPEG."""

from __future__ import annotations

import re
from pathlib import Path

from generator.assets import public_bytes
from generator.images import CONVERTED, FORMATS, Refused
from generator.model import PICTURE_FORMATS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a phone photo is 2-8 MB; anything far bigger is not a picture for a notice
ALLOWED = frozenset(PICTURE_FORMATS) | frozenset(CONVERTED)  # what the board can clean: its pictures, and HEIC converted
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff-]+")


class UploadRefused(ValueError):
    """Why an upload was not kept, in Chinese."""


def safe_stem(name: str) -> str:
    """A file name stem that works in URLs, on Windows and in Markdown: letters, digits, Chinese, - and _."""
    stem = Path(name.replace("\\", "/").split("/")[-1]).stem
    cleaned = _UNSAFE.sub("-", stem).strip("-_.")[:40]
    return cleaned or "图片"


def save_picture(folder: Path, name: str, data: bytes) -> Path:
    """Clean the picture and write it into folder/images/; the written path (never overwrites)."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED:
        raise UploadRefused(f"只能上传图片（jpg、png、gif、webp、heic），“{Path(name).name}”不是。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"图片太大（超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）。请用手机“发送原图”以外的方式，或先缩小再上传。")
    try:
        cleaned = public_bytes(data, suffix)
    except Refused as refused:
        raise UploadRefused(refused.text) from None
    out_suffix = ".jpg" if suffix in CONVERTED else (".jpg" if suffix == ".jpeg" else suffix)
    assert out_suffix in FORMATS
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    stem = safe_stem(name)
    target = images / f"{stem}{out_suffix}"
    number = 2
    while target.exists():
        target = images / f"{stem}-{number}{out_suffix}"
        number += 1
    target.write_bytes(cleaned)
    return target
