"""Which pictures the kiosk's service worker keeps (generator/kiosk.py, templates/kiosk/sw.js): the
cover and QR code of every article the screen may ever show from a build's board.json, each listed
with a revision, and nothing else, so a screen restarted offline shows every slide whole and the
cache stays bounded. The offline restart itself is driven in Chromium in test_kiosk_offline_browser."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.kiosk import can_show

T0 = datetime(2026, 11, 26, 10, 0)


def plan(items: int, *expiries: float | None):
    """A plan with current articles a, b, c… in board order, expiring that many days on (None: never)."""
    current = [SimpleNamespace(slug=chr(97 + i), expires=None if days is None else T0 + timedelta(days=days))
               for i, days in enumerate(expiries)]
    return SimpleNamespace(current=current, board=SimpleNamespace(settings=SimpleNamespace(kiosk_items=items)))


@pytest.mark.parametrize("items, expiries, shown", [
    (2, (None, 1, None, 2, None), "abc"),  # a and c never leave: d and e never get a place
    (2, (1, 2, 3, None), "abcd"),  # each moves up as the ones before expire
    (2, (5, 1, 2, 3), "abcd"),  # d shows once b and c have gone, before a expires
    (2, (5, 4, 1, 3), "ab"),  # c and d expire while a and b are still up: never a place
    (1, (None,) * 4, "a"),
    (3, (), ""),
    (30, tuple(range(10)), "abcdefghij"),
])
def test_articles_the_screen_may_show(items, expiries, shown) -> None:
    assert "".join(a.slug for a in can_show(plan(items, *expiries))) == shown


def precache(site: Path) -> dict[str, str]:
    text = (site / "kiosk" / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"^\}\)\((\{.*\})\);$", text, re.M).group(1))


def test_the_worker_lists_every_picture_of_the_sample_with_its_revision(sample_site: Path) -> None:
    listed = precache(sample_site)
    board = json.loads((sample_site / "board.json").read_text(encoding="utf-8"))
    current = [a for a in board["articles"] if a["status"] == "current"]
    assert len(current) < 30  # the sample's kiosk_items: every current article may show
    expected = {f"kiosk/qr/{a['slug']}.svg" for a in current} | {a["cover"] for a in current if a.get("cover")}
    assets = {f"kiosk/{p.name}" for p in (sample_site / "kiosk").glob("kiosk.*.*")}
    assert set(listed) == expected | assets
    assert any(path.endswith(".jpg") for path in listed)
    for path, revision in listed.items():
        assert (sample_site / path).is_file(), path  # nothing the site lacks: the install would fail
        if path.startswith("kiosk/qr/"):
            assert revision == hashlib.sha256((sample_site / path).read_bytes()).hexdigest()[:12]
    expired = [a for a in board["articles"] if a["status"] != "current"]
    assert expired and not any(a["slug"] in path for a in expired for path in listed)
