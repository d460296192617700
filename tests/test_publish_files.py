"""Each file's type and caching for deploys (the S3 headers; the same rule as the nginx config)."""

from __future__ import annotations

import pytest

from generator.publish.files import LONG, REVALIDATE, SHORT, cache_control, content_hash, content_type, upload_order

CASES = [
    ("index.html", "text/html; charset=utf-8", REVALIDATE),
    ("notices/2026-11-20-大扫除/index.html", "text/html; charset=utf-8", REVALIDATE),
    ("404.html", "text/html; charset=utf-8", REVALIDATE),
    ("board.json", "application/json; charset=utf-8", REVALIDATE),
    ("kiosk/index.html", "text/html; charset=utf-8", REVALIDATE),
    ("kiosk/qr/2026-11-20-大扫除.svg", "image/svg+xml", REVALIDATE),  # the kiosk is never cached long
    ("kiosk/kiosk.0123456789.js", "text/javascript; charset=utf-8", LONG),  # but its fingerprinted script is
    ("search/data/s/0a.json", "application/json; charset=utf-8", REVALIDATE),
    ("feed.xml", "application/rss+xml; charset=utf-8", REVALIDATE),
    ("sitemap.xml", "application/xml; charset=utf-8", REVALIDATE),
    ("sitemap.xml.gz", "application/gzip", REVALIDATE),
    ("calendar.ics", "text/calendar; charset=utf-8", REVALIDATE),
    ("assets/stylesheets/main.57a0d79d.min.css", "text/css; charset=utf-8", LONG),
    ("assets/javascripts/bundle.a5f9d56c.min.js", "text/javascript; charset=utf-8", LONG),
    ("assets/board/board.js", "text/javascript; charset=utf-8", SHORT),  # same name, new content: short
    ("posters/2026-11-20-大扫除.pdf", "application/pdf", SHORT),
    ("notices/images/现场.JPG", "image/jpeg", SHORT),
    ("notices/附件.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", SHORT),
]


@pytest.mark.parametrize("rel, kind, cache", CASES)
def test_type_and_caching(rel: str, kind: str, cache: str) -> None:
    assert content_type(rel) == kind
    assert cache_control(rel) == cache


def test_build_stamps_are_not_a_change() -> None:
    one = b'{"generated_at": "2026-12-01T10:00:00+08:00", "as_of": "2026-12-01T10:00:00+08:00", "articles": []}'
    two = b'{"generated_at": "2026-12-01T10:07:13+08:00", "as_of": "2026-12-01T10:05:00+08:00", "articles": []}'
    changed = b'{"generated_at": "2026-12-01T10:00:00+08:00", "as_of": "2026-12-01T10:00:00+08:00", "articles": [1]}'
    assert content_hash("board.json", one) == content_hash("board.json", two)
    assert content_hash("board.json", one) != content_hash("board.json", changed)
    assert content_hash("notices/x/index.html", one) != content_hash("notices/x/index.html", two)  # only stamped files


def test_entry_points_go_up_after_what_they_name() -> None:
    """An S3 deploy uploads in this order: a kiosk that meets the new service worker (which lists the
    pictures it keeps) or the new kiosk page never finds a picture or script not there yet."""
    rels = ["kiosk/sw.js", "kiosk/index.html", "board.json", "index.html", "notices/x/index.html",
            "notices/images/现场.jpg", "kiosk/qr/2026-11-20-大扫除.svg", "kiosk/kiosk.0123456789.js",
            "assets/stylesheets/main.57a0d79d.min.css", "feed.xml"]
    order = sorted(rels, key=lambda rel: (upload_order(rel), rel))
    position = {rel: i for i, rel in enumerate(order)}
    for entry in ("kiosk/sw.js", "kiosk/index.html", "board.json", "index.html", "feed.xml"):
        for named in ("notices/images/现场.jpg", "kiosk/qr/2026-11-20-大扫除.svg", "kiosk/kiosk.0123456789.js",
                      "notices/x/index.html", "assets/stylesheets/main.57a0d79d.min.css"):
            assert position[entry] > position[named], (entry, named)
