"""Turn the plan's current articles into poster jobs and render them (the posters package does the layout)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from generator import urls
from generator.output import claims
from generator.output.swap import remove_tree
from generator.output.writer import SiteWriter
from generator.messages import Report
from generator.model import Article
from generator.plan import SitePlan
from generator.content import MAX_FILE_BYTES, RawArticle, decode, read_regular, split_front_matter
from generator.posters import PosterError, PosterJob, PosterSettings, PosterWarning, render_posters


def poster_job(article: Article, plan: SitePlan) -> PosterJob:
    settings = plan.board.settings
    event = None
    if article.event:
        event = {"start": article.event.start, "end": article.event.end, "location": article.event.location}
    return PosterJob(
        slug=article.slug, source=article.source, type=article.type, title=article.title,
        author=article.author, date=article.date, summary=article.summary, body_markdown=article.body,
        cover=plan.board.public.get(article.cover) if article.cover else None,  # cleaned: generator.assets
        event=event,
        category_label=article.category_label, tags=article.tags, urgent=article.urgent,
        pinned=article.pinned, url=settings.full_url(article.short_url),  # short: a small, robust QR code
        size=article.poster.size, orientation=article.poster.orientation, body_html=article.body_html or None,
    )


def poster_settings(plan: SitePlan) -> PosterSettings:
    settings = plan.board.settings
    return PosterSettings(
        community=settings.community, committee=settings.committee,
        templates_dir=settings.templates_dir / "posters",
        font_regular=settings.poster_font_regular, font_bold=settings.poster_font_bold,
    )


def cache_dir_for(plan: SitePlan) -> Path:
    """Outside the site folder, so the swap of a new site never throws the cache away."""
    return plan.board.settings.project_root / ".cache" / "posters"


def render_jobs(jobs: list[PosterJob], out_dir: Path, plan: SitePlan, report: Report,
                progress: Callable[[str], None] | None = None) -> bool:
    """Render `jobs` into out_dir; a font or template problem becomes an error, fit problems warnings."""
    if not plan.board.settings.site_url and jobs:
        report.warning("mkdocs.yml", 1, "没有设置 site_url（网站地址），海报上不会印二维码。请在 mkdocs.yml 里写上 site_url: https://……", code="poster.no_site_url")

    def tick(done: int, total: int) -> None:
        if progress and total >= 20 and (done % 20 == 0 or done == total):
            progress(f"  已生成海报 {done}/{total}")

    try:
        result = render_posters(jobs, out_dir, poster_settings(plan), cache_dir_for(plan), tick)
    except PosterError as exc:
        report.error("mkdocs.yml", 1, str(exc), code="poster.failed")
        return False
    paths = {article.source: article.path for article in plan.board.articles}
    for warning in result.warnings:
        report.warning(warning.source, warning_line(paths.get(warning.source), warning), warning.text, code=warning.code)
    return True


def warning_line(path: Path | None, warning: PosterWarning) -> int:
    """The file line a poster warning is about: the first line holding a character the poster left out
    (title, summary or body alike), the body's first line for a body too long for one sheet, else 1.
    The file is read again (warnings are rare) rather than keeping every article's line table."""
    raw = _raw(path, warning.source) if path is not None else None
    if raw is None:
        return 1
    lines = raw[0].split("\n")
    if warning.chars:
        return next((n for n, line in enumerate(lines, start=1) if any(c in line for c in warning.chars)), 1)
    if warning.code == "poster.cut":  # the body's first written line
        return next((n for n, line in enumerate(lines, start=1) if n >= raw[1].body_line and line.strip()), 1)
    return 1


def _raw(path: Path, source: str) -> tuple[str, RawArticle] | None:
    """The file's text and its front matter split, or None when it cannot be read now (changed since)."""
    quiet = Report()
    try:
        text = decode(read_regular(path, MAX_FILE_BYTES), source, quiet)
    except OSError:
        return None
    raw = RawArticle(path=path, source=source, src_uri="")
    if text is None or split_front_matter(raw, text, quiet) is None:
        return None
    return text, raw


def write_posters(plan: SitePlan, writer: SiteWriter, report: Report,
                  progress: Callable[[str], None] | None = None) -> bool:
    """Render the posters of the current articles, with the print pack, and hand them to the writer.

    Rendered in a scratch folder beside the staging folder (its name starts like a staging
    folder's, so a killed build's scratch is cleared with it), then moved in one by one."""
    articles = [a for a in plan.current if a.has_poster]
    jobs = [poster_job(a, plan) for a in articles]
    scratch = Path(tempfile.mkdtemp(prefix=writer.root.name + "-posters-", dir=writer.root.parent))
    try:
        if not render_jobs(jobs, scratch, plan, report, progress):
            return False
        for article in articles:
            writer.move_in(urls.poster_path(article.slug), scratch / f"{article.slug}.pdf", claims.article_poster(article))
        pack = scratch / Path(urls.PRINT_PACK).name
        if pack.exists():
            writer.move_in(urls.PRINT_PACK, pack, claims.PRINT_PACK)
        return True
    finally:
        remove_tree(scratch)
