"""Share pictures for WeChat: one long PNG per current article, what staff forward to group chats.

    from generator.shares import render_shares
    report = render_shares(jobs, out_dir, settings, shares_dir, cache_dir)

Rendered as posters are (Typst, the posters' fonts and data, `templates/shares/share.typ`), and
cached as posters are: a picture whose inputs did not change is copied from `.cache/shares/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.posters.cache import _tree_hash, atomic_write, environment_hash, job_hash, prune_entries
from generator.posters.fonts import load_fonts
from generator.posters.jobs import PosterError, PosterJob, PosterSettings

from .data import MAX_HEIGHT_PX, WIDTH_PX

__all__ = ["render_shares", "ShareReport", "PosterError", "WIDTH_PX", "MAX_HEIGHT_PX"]
KEEP_DAYS = 30


@dataclass
class ShareReport:
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    fits: dict[str, dict] = field(default_factory=dict)  # slug -> {complete, omitted}


def _env_hash(settings: PosterSettings, shares_dir: Path) -> str:
    """The posters' environment (fonts, their templates, Typst, shared code) and our own template and code."""
    fonts = load_fonts(settings.font_regular, settings.font_bold)
    h = hashlib.sha256(environment_hash(settings, fonts).encode())
    h.update(_tree_hash(shares_dir, "*.typ").encode())
    h.update(_tree_hash(Path(__file__).parent, "*.py").encode())
    return h.hexdigest()


def render_shares(jobs: list[PosterJob], out_dir: Path, settings: PosterSettings, shares_dir: Path,
                  cache_dir: Path) -> ShareReport:
    """Write out_dir/<slug>.png for each job (job.url: the absolute short URL, or None). Raises
    PosterError (a Chinese message) when a picture cannot be made."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(cache_dir) / "shares"
    report = ShareReport()
    if not jobs:
        return report
    env = _env_hash(settings, shares_dir)
    todo = []
    for job in jobs:
        key = job_hash(job, env)
        png, meta = folder / key[:2] / f"{key}.png", folder / key[:2] / f"{key}.json"
        try:
            fit = json.loads(meta.read_text(encoding="utf-8"))
            shutil.copyfile(png, out_dir / f"{job.slug}.png")
        except (OSError, ValueError):
            todo.append((job, png, meta))
            continue
        now = time.time()
        os.utime(png, (now, now))
        report.reused.append(job.slug)
        report.fits[job.slug] = fit
    if todo:
        from .render import ShareRenderer

        fonts = load_fonts(settings.font_regular, settings.font_bold)
        renderer = ShareRenderer(settings, fonts, shares_dir, Path(cache_dir) / "typst",
                                 [Path(j.cover) for j, _, _ in todo if j.cover is not None])
        for job, png, meta in todo:
            data, fit = renderer.render(job)
            png.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(png, data)
            atomic_write(meta, json.dumps(fit, ensure_ascii=False).encode())
            atomic_write(out_dir / f"{job.slug}.png", data)
            report.rendered.append(job.slug)
            report.fits[job.slug] = fit
        _prune(folder)
    return report


def _prune(folder: Path) -> None:
    """Drop pictures not used for KEEP_DAYS (old versions of articles)."""
    prune_entries(folder, ".png", KEEP_DAYS)
