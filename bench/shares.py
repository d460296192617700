#!/usr/bin/env python3
"""Benchmark share pictures (shares/<slug>.png): rendering cost and file size, cold and cached.

    python bench/shares.py [--count 20]

Uses the sample project's current articles (content/), rendered through the same step as
`board build` (generator.share_step), into a temporary cache: first every picture is drawn,
then the same batch again from the cache. Reports pictures per second, CPU seconds, PNG sizes
and heights, and how many were excerpts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from generator.load import load_board  # noqa: E402
from generator.messages import Report  # noqa: E402
from generator.plan import plan_site  # noqa: E402
from generator.poster_step import poster_settings  # noqa: E402
from generator.settings import load_settings  # noqa: E402
from generator.share_step import share_job, shares_dir  # noqa: E402
from generator.shares import render_shares  # noqa: E402
from generator.timeutil import parse_time  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20, help="pictures per batch (articles repeat under new slugs)")
    args = parser.parse_args()
    report = Report()
    settings = load_settings(ROOT / "mkdocs.yml", report, ROOT / "site")
    plan = plan_site(load_board(settings, parse_time("2026-11-26 10:00"), report))
    base = [share_job(a, plan) for a in plan.current if a.has_share]
    jobs = [replace(base[i % len(base)], slug=f"bench-{i}") for i in range(args.count)]
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "out", Path(tmp) / "cache"
        for label in ("cold", "cached"):
            wall, cpu = time.perf_counter(), time.process_time()
            result = render_shares(jobs, out, poster_settings(plan), shares_dir(plan), cache)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{label:7s} {len(jobs)} pictures in {wall:.2f} s wall, {cpu:.2f} s CPU: "
                  f"{len(jobs) / wall:.1f}/s (rendered {len(result.rendered)}, from cache {len(result.reused)})")
        sizes = [p.stat().st_size for p in out.glob("*.png")]
        heights = [Image.open(p).height for p in out.glob("*.png")]
        excerpts = sum(1 for f in result.fits.values() if not f["complete"])
        print(f"PNG size median {statistics.median(sizes) / 1024:.0f} KB, max {max(sizes) / 1024:.0f} KB; "
              f"height median {statistics.median(heights):.0f} px, max {max(heights)} px; {excerpts} excerpts")


if __name__ == "__main__":
    main()
