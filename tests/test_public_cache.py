""".cache/public/ (generator/assets.py) stays bounded: cleaned pictures no article has used for
KEEP_DAYS leave, as do half-written files of killed builds; what a build uses stays, however old."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from PIL import Image

from generator.assets import KEEP_DAYS, _cached, prune_public


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_unused_results_leave_after_keep_days_used_ones_stay(tmp_path: Path) -> None:
    cache = tmp_path / ".cache" / "public"
    used, recent, old = (_cached(png(c), ".png", cache) for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200)))
    assert len({used, recent, old}) == 3 and all(p.is_file() for p in (used, recent, old))
    Image.open(used).verify()  # a real cleaned picture
    for path in (used, old):
        age(path, KEEP_DAYS + 1)
    age(recent, KEEP_DAYS - 1)
    killed = cache / ".0123abcd.4242.tmp"  # a build killed while writing
    killed.write_bytes(b"half")
    age(killed, 0.5)
    fresh_temp = cache / ".4567ef.4343.tmp"  # a build writing right now
    fresh_temp.write_bytes(b"half")

    prune_public(cache, {used})
    assert used.is_file() and recent.is_file() and fresh_temp.is_file()
    assert not old.exists() and not killed.exists()


def test_a_result_taken_again_counts_as_used(tmp_path: Path) -> None:
    """Taking a cached result marks it used, so a build that skips it (a preview with drafts, then a
    build without) does not remove what the other still needs."""
    cache = tmp_path / "public"
    data = png((10, 20, 30))
    first = _cached(data, ".png", cache)
    age(first, KEEP_DAYS + 5)
    assert _cached(data, ".png", cache) == first  # not re-encoded: the same file
    prune_public(cache, set())
    assert first.is_file()


def test_no_cache_folder_yet(tmp_path: Path) -> None:
    prune_public(tmp_path / "missing", set())  # nothing to do, no error
