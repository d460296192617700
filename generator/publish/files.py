"""What a deploy needs to know about each file of a built site: its hash, type and caching.

One table decides caching for every target (S3 headers here; the nginx config follows the same rule):
fingerprinted assets for a year, pages, board.json, feeds and the kiosk page revalidated every time.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from generator import urls

LONG = "public, max-age=31536000, immutable"  # the name changes when the content does
REVALIDATE = "no-cache"  # may be stored, but asked again every time: never stale
SHORT = "public, max-age=300"  # pictures, posters: same name, may change with an article

# main.57a0d79d.min.css, bundle.a5f9d56c.min.js, kiosk.0123456789.js
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}(\.min)?\.(js|css|woff2?|svg|png|jpe?g|webp|map)$")
_ALWAYS_FRESH = re.compile(r"(\.html|\.json|\.xml|\.xml\.gz|\.ics|\.txt|\.webmanifest)$")

TYPES = {  # explicit: the system's mime table differs between machines, and text needs its charset
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
SPECIAL_TYPES = {urls.FEED: "application/rss+xml; charset=utf-8"}

# Stamps that change with every build although nothing a reader sees has changed; a release that
# differs only in them is not a change (otherwise every build would be a new release).
_STAMPS = re.compile(rb'"(generated_at|as_of)":\s*"[^"]*"|<lastBuildDate>[^<]*</lastBuildDate>')
_STAMPED = (urls.BOARD_JSON, urls.FEED, urls.page_file(urls.KIOSK))
# Entry points go up last: they name the other files (the kiosk's service worker lists its pictures).
_ENTRY_POINTS = (urls.page_file(urls.HOME), urls.BOARD_JSON, urls.page_file(urls.KIOSK), urls.KIOSK_WORKER,
                 urls.FEED, urls.CALENDAR)


def content_type(rel: str) -> str:
    if rel in SPECIAL_TYPES:
        return SPECIAL_TYPES[rel]
    suffix = Path(rel).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"


def cache_control(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    if _FINGERPRINTED.search(name):
        return LONG
    if _ALWAYS_FRESH.search(name) or rel.startswith((urls.KIOSK, urls.SEARCH_PAGE)):
        return REVALIDATE
    return SHORT


def content_hash(rel: str, data: bytes) -> str:
    """sha256 of the file, build stamps left out (see _STAMPS)."""
    if rel in _STAMPED:
        data = _STAMPS.sub(b"", data)
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SiteFile:
    rel: str  # '/'-separated, relative to the site root
    path: Path
    hash: str


def site_files(site_dir: Path) -> dict[str, SiteFile]:
    """Every file of a built site (symlinks are not followed; a build writes none)."""
    files = {}
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(site_dir).as_posix()
            files[rel] = SiteFile(rel, path, content_hash(rel, path.read_bytes()))
    return files


def fingerprint(hashes: dict[str, str]) -> str:
    """One hash for a whole release: equal exactly when every file's content hash is."""
    digest = hashlib.sha256()
    for rel in sorted(hashes):
        digest.update(f"{rel}\0{hashes[rel]}\n".encode("utf-8"))
    return digest.hexdigest()


def upload_order(rel: str) -> int:
    """Assets first, pages next, the entry points (home, board.json, the kiosk and its service worker)
    last: a reader never gets a page whose assets are not there yet, nor a kiosk a worker whose
    pictures are not."""
    if rel in _ENTRY_POINTS:
        return 2
    return 1 if rel.endswith(".html") else 0
