"""Files beside articles as they go online and onto posters: pictures re-encoded from their pixels,
SVGs drawn to pixels, attachments without their metadata, or refused with a message.

Done once, when the board is loaded (so `board check` names every file that cannot go online), for
the files published articles use; the site, the kiosk and the posters all take the result from here.
Results are kept in .cache/public/ by content hash: an unchanged photo is not re-encoded every build.
A result no published article has used for KEEP_DAYS is removed (prune_public), so the folder stays bounded.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Iterable

from generator.attachments import clean_attachment
from generator.content import read_regular, rel_path
from generator.images import CONVERTED, FORMATS, Refused, clean_picture
from generator.messages import Report
from generator.model import ASSET_SUFFIXES, Article
from generator.settings import Settings
from generator.svg import clean_svg

VERSION = b"public-v1"  # change when the cleaning changes: cached results are then made anew
# pictures (images.FORMATS), iPhone photos (images.CONVERTED), .svg (svg.py), attachments (attachments.py)
PUBLISHED = ASSET_SUFFIXES | set(CONVERTED)
MAX_ASSET_BYTES = 100 * 1024 * 1024  # a 100 MB file is a video for a video site, not for the board
KEEP_DAYS = 30  # a cleaned file no article has used for this long is removed (as posters/cache.py does)
TEMP_HOURS = 1  # a half-written result older than this was left by a killed build


def public_bytes(data: bytes, suffix: str) -> bytes:
    """The bytes to publish for a file of this kind; Refused when it cannot be made safe."""
    suffix = suffix.lower()
    if suffix in FORMATS or suffix in CONVERTED:
        return clean_picture(data, suffix)
    if suffix == ".svg":
        return clean_svg(data)
    return clean_attachment(data, suffix)


def public_name(src_uri: str) -> str:
    """Where a file goes online: its own path, or `.jpg` added for a photo converted to JPEG."""
    return src_uri + ".jpg" if Path(src_uri).suffix.lower() in CONVERTED else src_uri


def prepare_assets(articles: Iterable[Article], files: set[str], settings: Settings, report: Report,
                   *, write_cache: bool = True) -> dict[str, Path]:
    """content-relative path -> cleaned file, for every file the given articles use; errors for the rest.
    Without write_cache, files are checked (cleaned in memory) and nothing is written or returned."""
    users: dict[str, list[str]] = {}
    for article in articles:
        for asset in article.assets:
            if asset in files:
                users.setdefault(asset, []).append(article.source)
    cache = settings.project_root / ".cache" / "public"
    prepared: dict[str, Path] = {}
    for asset in sorted(users):
        source = settings.content_path(asset)
        shown = rel_path(source, settings.project_root)
        try:
            if source.suffix.lower() not in PUBLISHED:
                raise Refused("attachment.unsupported", f"“{source.suffix or source.name}”文件不能发布（读者打不开，或可能带病毒）。"
                                                        "可以发布的有：图片 jpg、png、gif、webp、svg、heic，附件 pdf、docx、xlsx、pptx、mp3、mp4。")
            data = read_regular(source, MAX_ASSET_BYTES)
            if len(data) > MAX_ASSET_BYTES:
                raise Refused("attachment.too_big", f"文件太大（超过 {MAX_ASSET_BYTES // 1024 // 1024} MB），不能发布。"
                                                    "请压缩后再用，或把视频放到视频网站上。")
            if write_cache:
                prepared[asset] = _cached(data, source.suffix.lower(), cache)
            elif not _cache_path(data, source.suffix.lower(), cache).is_file():
                public_bytes(data, source.suffix)
        except Refused as refused:
            used_by = "、".join(sorted(set(users[asset]))[:3])
            report.error(shown, 1, f"{refused.text}（用在 {used_by}）", code=refused.code)
        except OSError as exc:
            report.error(shown, 1, f"无法读取这个文件（{exc.strerror or exc}）。请检查它是否被其他程序占用。",
                         code="file.unreadable")
    if write_cache:
        prune_public(cache, set(prepared.values()))
    return prepared


def prune_public(cache: Path, used: set[Path], keep_days: int = KEEP_DAYS) -> None:
    """Remove results no article has used for `keep_days` and temporary files of killed builds.
    Used ones are marked (their time set to now) as they are taken, so a preview with drafts and a
    build without them do not make each other re-encode. posters/cache.prune_entries walks another
    layout (two-letter folders, a .json beside each), hence this small loop of its own."""
    now = time.time()
    try:
        entries = list(cache.iterdir())
    except OSError:
        return  # no cache yet
    for entry in entries:
        if entry in used:
            continue
        try:
            age = now - entry.stat().st_mtime
            if age > (TEMP_HOURS * 3600 if entry.name.startswith(".") else keep_days * 86400):
                entry.unlink()
        except OSError:
            pass  # taken by another build at the same moment, or already gone


def _cache_path(data: bytes, suffix: str, cache: Path) -> Path:
    return cache / (hashlib.sha256(VERSION + suffix.encode() + b"\0" + data).hexdigest()[:32] + suffix)


def _cached(data: bytes, suffix: str, cache: Path) -> Path:
    target = _cache_path(data, suffix, cache)
    key = target.stem
    if target.is_file():
        try:
            os.utime(target)  # used now: kept by prune_public
        except OSError:
            pass
        return target
    cleaned = public_bytes(data, suffix)
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".{key}.{os.getpid()}.tmp"
    partial.write_bytes(cleaned)
    os.replace(partial, target)  # whole or not at all, also when two builds run at once
    return target
