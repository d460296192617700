"""Printable posters: one PDF per current article, and the print pack.

    from generator.posters import PosterJob, PosterSettings, render_posters

    report = render_posters(jobs, out_dir, settings, cache_dir)

The core passes plain data (PosterJob); this package turns the Markdown
body into blocks (body.py), the job into template data (data.py), renders
it with Typst (render.py) in the fonts of fonts.py, keeps a cache of
finished PDFs (cache.py) and merges the print pack (pack.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from .cache import (
    RenderCache,
    atomic_write,
    environment_hash,
    job_hash,
    poster_inputs_hash,
)
from .fonts import load_fonts
from .jobs import (
    ORIENTATIONS,
    SIZES,
    TYPES,
    PosterError,
    PosterFit,
    PosterJob,
    PosterReport,
    PosterSettings,
    PosterWarning,
)
from .pack import PACK_NAME, write_pack
from generator.model import has_words

__all__ = [
    "PosterError", "PosterFit", "PosterJob", "PosterReport", "PosterSettings", "PosterWarning",
    "render_posters", "poster_inputs_hash", "PACK_NAME",
]

def _validate(job: PosterJob) -> None:
    if job.type not in TYPES:
        raise PosterError(f"{job.source}: 未知的文章类型 {job.type!r}，无法生成海报。")
    if job.size not in SIZES or job.orientation not in ORIENTATIONS:
        raise PosterError(f"{job.source}: 海报尺寸只能是 A4/A3、portrait/landscape，"
                          f"现在是 {job.size}/{job.orientation}。")
    if not job.slug or "/" in job.slug or "\\" in job.slug or job.slug.startswith("."):
        raise PosterError(f"{job.source}: slug {job.slug!r} 不能用作海报文件名。")
    if job.cover is not None and not Path(job.cover).is_file():
        raise PosterError(f"{job.source}: 找不到封面图片 {job.cover}。")


def _warnings(job: PosterJob, fit: PosterFit) -> list[PosterWarning]:
    """What staff should do about this poster, naming the article (the warning is for them, not residents)."""
    out = []
    if fit.omitted:
        chars = " ".join(fit.omitted)
        out.append(PosterWarning(job.source, "poster.missing_glyphs",
                                 f"《{job.title}》的海报字体里没有这些字符，海报上略去了它们：{chars}"
                                 "（如是人名用字，请在 mkdocs.yml 中指定含这些字的字体）", fit.omitted))
    printed_title = job.title.translate({ord(c): None for c in fit.omitted})
    if has_words(job.title) and not has_words(printed_title):  # a title of no words at all is told at its line by the check
        out.append(PosterWarning(job.source, "poster.title_unprintable",
                                 f"《{job.title}》的标题里的字海报字体都没有，海报的标题只能印成“{TYPES[job.type].label}”。"
                                 "请在 mkdocs.yml 中指定含这些字的字体，或把标题换成常用字。", fit.omitted))
    if not fit.complete:
        printed = "摘要和正文开头，后面的内容居民要扫海报上的二维码看" if job.url else \
            "摘要和正文开头（没有设置 site_url，海报上也没有二维码，居民看不到后面的内容）"
        bigger = "" if job.size == "A3" else "，或者改印大海报：在信息块里加一行 poster: {size: A3}"
        out.append(PosterWarning(job.source, "poster.cut",
                                 f"《{job.title}》的正文太长，一张海报印不下，只印了{printed}。"
                                 f"如果想印全文：删减正文，或者写一句 summary: 摘要 概括要点{bigger}。"))
    return out


def render_posters(
    jobs: list[PosterJob],
    out_dir: Path,
    settings: PosterSettings,
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> PosterReport:
    """Write out_dir/<slug>.pdf for each job and out_dir/print-pack.pdf (all
    jobs in the given order, one poster a page). Unchanged posters are copied
    from cache_dir. Raises PosterError (Chinese message) when a poster cannot
    be made properly. `workers`: processes to render in (None: one per core
    for a batch big enough to pay for a pool, see workers.worker_count); the
    PDFs are the same bytes whatever the number."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = RenderCache(Path(cache_dir) / "posters")
    fonts = load_fonts(settings.font_regular, settings.font_bold)
    for job in jobs:
        _validate(job)
    env = environment_hash(settings, fonts)
    keys = [job_hash(job, env) for job in jobs]
    report = PosterReport()
    total, done = len(jobs), 0
    todo: list[tuple[PosterJob, str]] = []
    for job, key in zip(jobs, keys):
        hit = cache.get(key)
        if hit is None:
            todo.append((job, key))
            continue
        shutil.copyfile(hit[0], out_dir / f"{job.slug}.pdf")
        report.reused.append(job.slug)
        report.fits[job.slug] = hit[1]
        done += 1
        if progress:
            progress(done, total)

    if todo:
        from .workers import render_batch

        rendered = render_batch([j for j, _ in todo], settings, fonts, Path(cache_dir) / "typst", workers)
        for (job, key), (pdf, fit) in zip(todo, rendered):
            cache.put(key, pdf, fit)
            atomic_write(out_dir / f"{job.slug}.pdf", pdf)
            report.rendered.append(job.slug)
            report.fits[job.slug] = fit
            done += 1
            if progress:
                progress(done, total)

    for job in jobs:
        report.warnings.extend(_warnings(job, report.fits[job.slug]))
    if jobs:
        write_pack([out_dir / f"{j.slug}.pdf" for j in jobs], keys, out_dir / PACK_NAME, Path(cache_dir))
    if report.rendered:
        cache.prune()
    return report
