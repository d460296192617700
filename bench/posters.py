#!/usr/bin/env python3
"""Benchmark the poster subsystem on real long Chinese legal texts.

    python bench/posters.py [--limit 200] [--corpus ../shared/corpus/make_content.py]

Makes N `type: law` articles with the shared corpus script (into a temporary
folder; the corpus is never copied into the project), turns them into
PosterJobs, and reports: cold start (fresh interpreter, first poster),
posters per second (one process, and the default worker pool), the rate of
bare `typst.compile` on the same documents, a fully cached re-run, peak
memory and PDF sizes. Target: >= 20 posters/s and within 1.5x of bare.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.posters import PosterJob, PosterSettings, render_posters  # noqa: E402
from generator.posters.fonts import load_fonts  # noqa: E402
from generator.posters.render import Renderer  # noqa: E402

TZ = timezone(timedelta(hours=8))
SITE = "https://xfl.example.org/"
LABELS = {"education": "社区教育", "culture": "社区文化", "service": "社区服务",
          "safety": "社区治安", "environment": "社区环境", "governance": "社区管理"}
SETTINGS = PosterSettings(community="幸福里社区", committee="幸福里社区居民委员会",
                          templates_dir=ROOT / "templates" / "posters")


def load_jobs(folder: Path) -> list[PosterJob]:
    """Minimal front matter reading, enough for the benchmark."""
    jobs = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front)
        d = meta["date"]
        date = datetime(d.year, d.month, d.day, tzinfo=TZ)
        first = next((p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")), "")
        jobs.append(PosterJob(
            slug=path.stem, source=f"content/law/{path.name}", type="law", title=str(meta["title"]),
            author=None, date=date, summary=first[:120], body_markdown=body, cover=None, event=None,
            category_label=LABELS.get(meta.get("category")), tags=tuple(meta.get("tags") or ()),
            urgent=False, pinned=False, url=SITE + "law/" + quote(path.stem) + "/", size="A4",
            orientation="portrait"))
    return jobs


def _cpu() -> float:
    """CPU seconds of this process and its finished children (workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def cold_start(job_dir: Path, tmp: Path) -> float:
    """Seconds from a fresh interpreter to the first poster written."""
    code = f"""
import sys, time; t = time.time(); sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})
from posters import load_jobs, SETTINGS
from generator.posters import render_posters
from pathlib import Path
jobs = load_jobs(Path({str(job_dir)!r}))[:1]
render_posters(jobs, Path({str(tmp / 'cold-out')!r}), SETTINGS, Path({str(tmp / 'cold-cache')!r}))
print(time.time() - t)
"""
    t = time.time()
    inner = float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    return time.time() - t, inner


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "make_content.py")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="poster-bench-") as t:
        tmp = Path(t)
        subprocess.run([sys.executable, str(a.corpus), str(tmp / "content"), "--limit", str(a.limit)],
                       check=True, capture_output=True)
        jobs = load_jobs(tmp / "content")
        chars = sum(len(j.body_markdown) for j in jobs) / len(jobs)
        print(f"{len(jobs)} law articles, {chars:.0f} characters on average")

        wall, inner = cold_start(tmp / "content", tmp)
        print(f"cold start: {wall:.2f} s from a fresh interpreter to the first poster "
              f"({inner:.2f} s after interpreter start)")

        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
              "(other work on the machine slows wall-clock numbers; CPU seconds are steadier)")
        results, cpu = {}, {}
        for name, workers in (("1 process", 1),):
            out, cache = tmp / f"out-{workers}", tmp / f"cache-{workers}"
            t0, c0 = time.perf_counter(), _cpu()
            report = render_posters(jobs, out, SETTINGS, cache)
            dt, dc = time.perf_counter() - t0, _cpu() - c0
            results[name], cpu[name] = dt, dc
            assert len(report.rendered) == len(jobs)
            cpu_note = (f"{dc:.2f} CPU s, {len(jobs) / dc:.1f} posters per CPU second" if workers == 1
                        else "CPU of pool workers not counted")
            print(f"render, {name}: {dt:.2f} s, {len(jobs) / dt:.1f} posters/s wall; {cpu_note} "
                  f"({sum(not f.complete for f in report.fits.values())} excerpts)")
        t0 = time.perf_counter()
        again = render_posters(jobs, tmp / "out-again", SETTINGS, tmp / "cache-1")
        dt = time.perf_counter() - t0
        assert not again.rendered
        print(f"re-run, nothing changed: {dt:.2f} s ({len(again.reused)} reused, print pack copied)")

        # bare typst.compile on the very same documents (data prepared untimed)
        import typst

        fonts = load_fonts()
        renderer = Renderer(SETTINGS, fonts, tmp / "cache-bare" / "typst", [])
        docs = [(renderer.main_file(j.type), json.dumps(renderer.document(j), ensure_ascii=False)) for j in jobs]
        t0, c0 = time.perf_counter(), _cpu()
        for main, data in docs:
            typst.compile(str(main), root=str(renderer.root), font_paths=renderer.typst_fonts,
                          ignore_system_fonts=True, sys_inputs={"data": data}, pdf_tags=False)
        bare, bare_cpu = time.perf_counter() - t0, _cpu() - c0
        compiler = typst.Compiler(str(docs[0][0]), root=str(renderer.root), font_paths=renderer.typst_fonts,
                                  ignore_system_fonts=True)
        t0, c0 = time.perf_counter(), _cpu()
        for _, data in docs:
            compiler.compile(sys_inputs={"data": data}, pdf_tags=False)
        reused, reused_cpu = time.perf_counter() - t0, _cpu() - c0
        print(f"bare typst.compile: {len(jobs) / bare:.1f} documents/s wall, {len(jobs) / bare_cpu:.1f} per CPU s; "
              f"one reused typst.Compiler: {len(jobs) / reused:.1f}/s wall, {len(jobs) / reused_cpu:.1f} per CPU s")
        print(f"render (1 process) / bare typst.compile: {results['1 process'] / bare:.2f}x wall, "
              f"{cpu['1 process'] / bare_cpu:.2f}x CPU; worker pool / bare: {results['worker pool'] / bare:.2f}x wall")
        print(f"load average after: {os.getloadavg()[0]:.1f}")

        sizes = [p.stat().st_size for p in (tmp / "out-1").glob("*.pdf") if p.name != "print-pack.pdf"]
        pack = (tmp / "out-1" / "print-pack.pdf").stat().st_size
        print(f"PDF size: {sum(sizes) / len(sizes) / 1024:.0f} KB average, "
              f"{max(sizes) / 1024:.0f} KB largest; print pack {pack / 1024 / 1024:.1f} MB")

        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: {self_rss:.0f} MB this process, {child_rss:.0f} MB largest child")

        tracemalloc.start()
        render_posters(jobs[:50], tmp / "out-trace", SETTINGS, tmp / "cache-trace")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python heap (tracemalloc, 50 posters): {peak / 1024 / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
