"""Load and check the whole board: files -> checked articles with their status."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.assets import prepare_assets
from generator.body_checks import check_settings_privacy
from generator.buildcache import BuildCache
from generator.checks import check_article_links, check_site
from generator.content import scan_content
from generator.filenames import check_file_names
from generator.lifecycle import apply_status, hold_unapproved, newest_first
from generator.messages import Report
from generator.model import Article, Status
from generator.settings import Settings
from generator.incremental import ArticleChecker
from generator.products import Ahead, remember as remember_products
from generator.shorturls import REGISTRY, ShortUrls, assign, read_registry
from generator.unfinished import template_prompts


@dataclass
class Board:
    """Every checked article (all statuses) and the published ones, newest first."""

    settings: Settings
    as_of: datetime
    articles: list[Article]
    published: list[Article]
    files: set[str] = field(default_factory=set)  # content-relative files that may be read (content.scan_content)
    public: dict[str, Path] = field(default_factory=dict)  # content-relative -> the cleaned copy to publish (assets)
    short: ShortUrls | None = None  # every article's short URL code (generator.shorturls)
    cache: BuildCache | None = None  # what earlier builds made (generator.incremental); None: keep nothing
    preview: bool = False  # loaded for board serve (drafts shown as current)
    # src_uri -> (article, a hash of incremental.article_print of it): made once a build, read by several cache keys
    prints: dict[str, tuple[Article, bytes]] = field(default_factory=dict, repr=False, compare=False)


def load_board(settings: Settings, as_of: datetime, report: Report, *, write_cache: bool = True,
               preview: bool = False) -> Board:
    """Read and check every article; all problems go to `report`, none stops the others.
    write_cache=False (board check) checks every published file without keeping the cleaned copies.
    preview=True (board serve): drafts and scheduled articles are shown as current, so staff see what they write."""
    articles: list[Article] = []
    if not settings.content_dir.is_dir():
        report.error(*settings.where("docs_dir"), f"找不到文章文件夹 {settings.content_dir}。请检查 mkdocs.yml 里的 docs_dir。",
                     code="settings.content_dir_missing")
        return Board(settings, as_of, [], [])
    check_settings_privacy(settings, report)
    found = scan_content(settings.content_dir, report, settings.project_root)
    refused = check_file_names(found, settings.content_dir, settings.project_root, report)
    prompts = template_prompts(settings.templates_dir / "new")
    cache = BuildCache(settings.config_file.parent, write=write_cache)  # beside mkdocs.yml: one per community of a street
    checker = ArticleChecker(cache, settings.content_dir, settings.project_root, settings.public_phones, prompts,
                             found.files, as_of, ahead=None if not write_cache else Ahead(settings))
    paths = [path for path in found.articles if path not in refused]
    checked = checker.check_all(paths, report)  # a file unchanged since the last build is not parsed again
    articles += [article for article in checked if article is not None]
    remember_products(articles)
    if settings.street is not None:  # a community of a street project: the street's articles for it
        from generator.street import street_articles

        articles += street_articles(settings, as_of, report, prompts, found.files, cache)
    cache.prune("check")
    articles = check_site(articles, report)
    published = apply_status(articles, as_of)
    if settings.review:
        published = hold_unapproved(articles, published, report)
    check_article_links(articles, report)
    # the registry sits beside mkdocs.yml: each community of a street has its own
    registry = settings.config_file.parent
    shown = Path(os.path.relpath(registry / REGISTRY, settings.project_root)).as_posix()  # named from the project's folder
    short = assign(read_registry(registry, report, shown), [a.slug for a in published],
                   [a.slug for a in articles if not a.status.published], preview=preview)
    for article in articles:
        article.short_code = short.code_of[article.slug]
    if preview:
        for article in articles:
            if not article.status.published:
                article.status = Status.CURRENT  # board serve marks these pages as not yet online
        published = sorted(articles, key=newest_first)
    public = prepare_assets(published, found.files, settings, report, write_cache=write_cache)
    return Board(settings, as_of, articles, published, found.files, public, short, cache, preview)
