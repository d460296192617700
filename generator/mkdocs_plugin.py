"""The only module that knows MkDocs: turns the board's plan into MkDocs files and pages.

Registered as the `board` plugin, so `mkdocs build`/`mkdocs serve` give the same site as
`board build`. The core (load, check, plan) never imports MkDocs.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import escape

try:
    import mkdocs  # noqa: F401  MkDocs 1.6
except ImportError:  # ProperDocs, the maintained MkDocs 1.x fork, answers to mkdocs.* once this is imported
    import properdocs.replacement  # noqa: F401

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

try:  # the link rewriting of Page.render (MkDocs 1.6, ProperDocs); without it MkDocs parses each page itself
    from mkdocs.structure.pages import _RelativePathTreeprocessor
except ImportError:  # pragma: no cover
    _RelativePathTreeprocessor = None

from generator import heap, urls
from generator.artefacts import stderr_progress, write_artefacts, write_copies
from generator.shorturls import save_new_codes
from generator.assets import public_name
from generator.buildcache import BuildCache, digest
from generator.incremental import article_fingerprints, listing_fingerprint, print_of, shared_fingerprint
from generator.theme_files import list_installed_once
from generator.lead import split_lead
from generator.load import Board, load_board
from generator.markdown_ext import EXTENSION_CONFIGS, EXTENSIONS, BoardExtension, PageParts, page_source
from generator.messages import Report
from generator.mkdocs_log import LOG_NAME, chinese_mkdocs_log
from generator.model import TYPES, Article
from generator.output import claims as owners
from generator.output.claims import claim_site
from generator.output.faults import machine_fault
from generator.output.staged import StagedBuild, TargetRefused
from generator.output.target import mark_site
from generator.output.writer import OutputMap, Owner, SiteWriter, Tree, content_sig
from generator.fragments import fragment_global
from generator.parallel_render import Split, render_workers
from generator.phones import tel_html, tel_text
from generator.phrases import fixed_names, phrase_headings, phrase_html
from generator.plan import ListingPage, SitePlan, plan_site
from generator.sanitize import sanitize_html
from generator.search_index import SearchDoc, html_to_text
from generator.settings import BOARD_OPTIONS, load_settings, settings_from_mapping
from generator.share_step import share_links
from generator.tables import label_tables
from generator.timeutil import BadDate, beijing, event_span, now_shanghai, parse_time

log = logging.getLogger("mkdocs.plugins.board")

PROGRESS_FROM = 60  # pages; smaller builds are quick enough to stay quiet
PACK_EVERY = 250  # pages read between two _pack_read (each hands freed heap back: a few milliseconds)
# The board's own scripts and styles get a content hash in their names, as mkdocs-material's own
# bundles have, so a web server may cache them for a year (deploy/nginx/board.conf) and a new
# build's version is never taken from a stale cache.
FINGERPRINTED = ("assets/board/",)
FINGERPRINT_SUFFIXES = {".js", ".css"}


class _AsWritten(c.BaseConfigOption):
    """One board option, taken as written: generator.settings checks it (in Chinese, with its line)."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> object:
        return value


class _CheckedBySchema(base.Config):
    """MkDocs checks nothing here, so its English messages never reach staff; `on_config` runs the schema."""

    def validate(self):  # type: ignore[override]
        return [], []


# Derived from the one schema (generator.settings.SCHEMA): the names MkDocs knows, with their defaults.
BoardConfig = type("BoardConfig", (_CheckedBySchema,), {o.name: _AsWritten(o.default) for o in BOARD_OPTIONS.values()})


class BoardPlugin(BasePlugin[BoardConfig]):
    """Generates every page from the checked articles; MkDocs renders them with mkdocs-material."""

    def __init__(self) -> None:
        self.as_of: datetime | None = None  # set by `board build --as-of`; else BOARD_AS_OF or now
        self.posters_enabled: bool | None = None  # set by `board build --no-posters`
        self.preloaded: Board | None = None  # the CLI has loaded and checked already
        self.plan: SitePlan | None = None
        self._article_by_src: dict[str, Article] = {}
        self._listing_by_src: dict[str, ListingPage] = {}
        self.report = Report()
        self._pages_done = 0
        self._pages_total = 0
        self.artefact_report = Report()
        self.command: str | None = None  # what `mkdocs` was asked to do (on_startup)
        self.claims = OutputMap()
        self.writer: SiteWriter | None = None
        self.staged: "StagedBuild | None" = None
        # Incremental: set by render_site, which runs MkDocs "dirty" so pages kept from an earlier
        # build (generator.incremental) are skipped by MkDocs and copied in by on_post_build.
        self.incremental = False
        self.cache: BuildCache | None = None
        self._page_keys: dict[str, str] = {}  # src_uri -> cache key of the page, for pages rendered now
        self._kept: list[tuple[str, bytes | None, Owner, Article | None, str | None]] = []  # copied in, not rendered
        self._search_docs_of: dict[str, SearchDoc] = {}  # src_uri -> search document of an article rendered now
        self._said: dict[str, list[str]] = {}  # src_uri -> what MkDocs warned while rendering it (said again when kept)
        self._listening: _Said | None = None
        self._as_parsed: dict[str, str] = {}  # src_uri -> page.content when it is exactly the checks' parse
        self._markdown_setup: tuple | None = None
        # The folder rendered into (set by render_site): a recycled one is brought up to date, not rewritten.
        self.tree: Tree | None = None
        self._produced: dict[str, str | None] = {}  # what MkDocs itself writes: dest path -> content sig
        # What MkDocs built with, kept after the build so board serve can render one saved article again at once
        # (render_again): the config, files, navigation and template environment.
        self._warm: tuple | None = None
        self._dirty = False  # MkDocs skips a page whose File says it is unchanged (render_site's builds)
        # Pages rendered in forked children meanwhile (generator.parallel_render): the split and its pages.
        self._split: tuple[Split, list] | None = None
        self._progress_said = 0
        self._artefacts_written = False
        # board build and the street build (render_site without `keep`): each article's body, HTML, search text
        # and rendered page are let go once their last reader is done (_let_go). board serve keeps them.
        self.lean = False
        self._copies_written = False  # the WeChat pages written before the render child is forked (on_env)
        self._packed: dict[str, bytes] = {}  # src_uri -> a lean build's page HTML, compressed until it is rendered
        self._to_pack: list[Page] = []  # pages read since the last _pack_read (their HTML is set after on_page_content)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self._dirty = dirty
        self.asset_urls: dict[str, str] = {}  # "assets/board/board.css" -> its fingerprinted path

    # -- configuration -------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Pages are rendered with exactly the parser the checks read (generator.markdown_ext).
        config.markdown_extensions = [*EXTENSIONS, BoardExtension()]
        config.mdx_configs = {name: dict(options) for name, options in EXTENSION_CONFIGS.items()}
        list_installed_once(config.theme)  # the installed theme's ~14,500 file names listed once per process
        self._markdown_setup = (list(config.markdown_extensions), dict(config.mdx_configs))
        self.report = Report()
        heap.fix_mmap_threshold()  # page strings in their own mappings, not fragmenting the heap (generator.heap)
        board = self.preloaded or self._load(config)
        if not self.report.ok:
            raise PluginError("内容有错误，网站没有生成：\n" + "\n".join(str(m) for m in self.report.sorted()))
        for message in self.report.warnings:
            log.warning(str(message))
        self.plan = plan_site(board)
        # The theme prints these into pages unescaped ({{ config.site_name }}): escaped once here,
        # as Markup, so `| e` in a template does not escape them twice.
        for key in ("site_name", "site_description", "site_author"):
            if isinstance(config.get(key), str):
                config[key] = escape(config[key])
        self.claims = claim_site(self.plan, self.report)
        if not self.report.ok:
            raise PluginError("网站没有生成：\n" + "\n".join(str(m) for m in self.report.sorted()))
        if self.preloaded is None and self.command in ("build", "gh-deploy"):
            # `mkdocs build` on its own: into a staging folder, swapped in at the end, as `board build` does.
            staged = StagedBuild(Path(config.site_dir).resolve(), on_wait=lambda: log.warning("另一个生成任务正在进行，等它完成……"))
            try:
                config.site_dir = str(staged.start())
            except TargetRefused as exc:
                raise PluginError(str(exc)) from None
            except OSError as exc:
                raise PluginError(machine_fault(exc, Path(config.site_dir))) from None
            self.staged = staged
        self._article_by_src = {a.src_uri: a for a in self.plan.board.published}
        self._listing_by_src = {p.src_uri: p for p in self.plan.pages}
        # The nav holds sections only; articles are reached through paginated listings.
        config.nav = [{"首页": self.plan.home.src_uri}] + [
            {title: self._listing(url).src_uri} for title, url in self.plan.nav
        ]
        return config

    def _load(self, config: MkDocsConfig) -> Board:
        # The same reading and checking as `board check` (lines of mkdocs.yml included); only a
        # config given without a file (MkDocs' API) is checked from the values MkDocs read.
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        if config.config_file_path and config_file.is_file():
            settings = load_settings(config_file, self.report, Path(config.site_dir))
        else:
            mapping = {
                "docs_dir": config.docs_dir, "site_dir": config.site_dir, "site_url": config.site_url,
                "site_name": config.site_name, "plugins": [{"board": dict(self.config)}],
            }
            settings = settings_from_mapping(mapping, config_file.parent, config_file, self.report, Path(config.site_dir))
        if settings is None:
            raise PluginError("设置有错误，网站没有生成：\n" + "\n".join(str(m) for m in self.report.sorted()))
        as_of = self.as_of
        if as_of is None and os.environ.get("BOARD_AS_OF"):
            try:
                as_of = parse_time(os.environ["BOARD_AS_OF"])
            except BadDate:
                raise PluginError(f"环境变量 BOARD_AS_OF=“{os.environ['BOARD_AS_OF']}”看不懂，请写成 2026-11-26 或 \"2026-11-26 10:00\"。") from None
        return load_board(settings, as_of or now_shanghai(), self.report)

    def _listing(self, url: str) -> ListingPage:
        return next(p for p in self.plan.pages if p.url == url)

    # -- files -----------------------------------------------------------------------------
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # MkDocs' own walk of docs_dir follows every link: out of content/ (a link to /etc/passwd
        # would be published) and round a folder loop for ever. The board has walked content/
        # already (content.scan_content), so MkDocs walks an empty folder; on_files puts it back.
        self._docs_dir = config.docs_dir
        self._empty_dir = tempfile.mkdtemp(prefix="board-empty-")
        config.docs_dir = self._empty_dir

    def _restore_docs_dir(self, config: MkDocsConfig) -> None:
        if getattr(self, "_empty_dir", None):
            config.docs_dir = self._docs_dir
            shutil.rmtree(self._empty_dir, ignore_errors=True)
            self._empty_dir = None


    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._restore_docs_dir(config)
        plan = self.plan
        kept = Files([f for f in files if not f.is_documentation_page()])  # the theme's own files
        self.asset_urls = {}
        for file in kept:
            self._fingerprint(file)  # before claiming: the writer claims the fingerprinted names
        previous = self.tree.previous if self.tree is not None else None
        writer = self.writer = SiteWriter(Path(config.site_dir), self.claims, previous)
        self._produced = {}
        for file in kept:
            writer.claim(file.dest_uri, owners.THEME if file.dest_uri.startswith(urls.THEME_ASSETS)
                         else Owner(f"网站主题的文件 {file.src_uri}"))
        theme_dests = {f.dest_uri for f in kept} | {f.src_uri for f in kept}  # a fingerprinted asset's own name too
        # Only what a published article uses goes online (never a draft's picture, nor a stray
        # file), and only as generator.assets cleaned it: no metadata, no script.
        for src_uri, cleaned in sorted(plan.board.public.items()):
            file = File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls,
                        dest_uri=public_name(src_uri))  # MkDocs points the article's links at dest_uri
            if file.dest_uri in theme_dests:
                continue  # never replaces the theme's own scripts and styles (claims refused a used one)
            file.content_bytes = cleaned.read_bytes()
            kept.append(file)
        keys = self._page_cache_keys(config)
        self._kept, self._page_keys, self._search_docs_of, self._page_written = [], {}, {}, {}
        self._packed, self._to_pack = {}, []
        for article in plan.board.published:
            file = self._article_file(article, config)
            kept.append(file)
            writer.claim(article.dest_uri, owners.article_page(article))
            self._reuse(file, keys, owners.article_page(article), article)
        for listing in plan.pages:
            file = self._listing_file(listing, config)
            kept.append(file)
            writer.claim(listing.dest_uri, owners.listing_page(listing))
            self._reuse(file, keys, owners.listing_page(listing), None)
        for file in kept:
            if writer.map.owner_of(file.dest_uri) is None:  # a file MkDocs adds that no table names
                writer.claim(file.dest_uri, Owner(f"网站文件 {file.src_uri}"))
            if not file.is_documentation_page():
                self._copy_if_changed(file)
        self._pages_total = len(plan.board.published) + len(plan.pages) - len(self._kept)
        self.artefact_report = Report()
        self._copies_written = False
        self._pages_done = 0
        self._progress_said = 0
        self._artefacts_written = False
        self.search_docs = []
        return kept

    def _copy_if_changed(self, file: File) -> None:
        """A theme file or picture: MkDocs ("dirty") copies it only if the folder does not hold it already."""
        content = getattr(file, "_content", None)
        if isinstance(content, bytes):
            sig = content_sig(content)
        elif content is None and file.abs_src_path:
            try:
                st = os.stat(file.abs_src_path)
            except OSError:
                sig = None
            else:
                sig = f"src:{st.st_size}:{st.st_mtime_ns}:{file.abs_src_path}"
        else:
            sig = None
        self._produced[file.dest_uri] = sig
        writer = self.writer
        if writer.previous is None:
            file.is_modified = lambda: True  # type: ignore[method-assign]  # an empty folder: every file is copied
            return
        target = writer.root / file.dest_uri
        if writer.unchanged(file.dest_uri, sig, target):
            writer.kept += 1
            file.is_modified = lambda: False  # type: ignore[method-assign]
        else:
            writer.make_room(target)  # never written in place (generator.output.recycle)
            file.is_modified = lambda: True  # type: ignore[method-assign]

    def _fingerprint(self, file: File) -> None:
        """assets/board/board.css -> assets/board/board.<hash>.css (see FINGERPRINTED)."""
        path = Path(file.src_uri)
        if not file.src_uri.startswith(FINGERPRINTED) or path.suffix not in FINGERPRINT_SUFFIXES:
            return
        digest = hashlib.sha256(file.content_bytes).hexdigest()[:10]
        dest = path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()
        file.dest_uri = dest
        file.url = dest
        file.__dict__.pop("abs_dest_path", None)  # a cached_property computed from the old name
        self.asset_urls[file.src_uri] = dest
    def _page_cache_keys(self, config: MkDocsConfig) -> dict[str, str]:
        """src_uri -> cache key of every page (none when not incremental, or without a settings file)."""
        plan = self.plan
        settings = plan.board.settings
        if not self.incremental or not settings.config_file.is_file():
            self.cache = None
            return {}
        self.cache = plan.board.cache or BuildCache(settings.config_file.parent)
        prints = article_fingerprints(plan.board)
        theme_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        shared = shared_fingerprint(plan, prints, settings.config_file, theme_dir, self._posters_on())
        keys = {src: digest(shared, "article", fp) for src, fp in prints.items()}
        for listing in plan.pages:
            keys[listing.src_uri] = digest(shared, "listing", listing_fingerprint(listing, prints))
        return keys

    def _cache_kind(self) -> str:
        return "preview-page" if self.plan.board.preview else "page"

    def _reuse(self, file: File, keys: dict[str, str], owner: Owner, article: Article | None) -> None:
        """A page kept from an earlier build is not rendered: MkDocs ("dirty") skips it, on_post_build copies it."""
        key = keys.get(file.src_uri)
        if key is None or self.cache is None:
            return
        kept = self.cache.get(self._cache_kind(), key)
        if (isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], bytes)
                and (article is None or isinstance(kept[1], bytes)) and isinstance(kept[2], list)):
            file.is_modified = lambda: False  # type: ignore[method-assign]  # MkDocs' own --dirty test
            # The page file an earlier build wrote from this same key is still in place: nothing to write
            # (on_post_build passes None); else it is written with the key, for the next build to find.
            page_key = "page:" + key[:32]
            html = None if self.writer.keep_made(page_key, owner) else kept[0]
            self._page_written[file.dest_uri] = page_key
            search_text = kept[1].decode("utf-8", "surrogatepass") if article is not None else None
            self._kept.append((file.dest_uri, html, owner, article, search_text))
            for text in kept[2]:  # its link warnings, as MkDocs gave them when it rendered the page
                logging.getLogger("mkdocs.structure.pages").warning(text)
        else:
            self._page_keys[file.src_uri] = key

    def _article_file(self, article: Article, config: MkDocsConfig) -> File:
        # src_uri stays the article's own path, so MkDocs resolves its relative links and images.
        file = File(article.src_uri, config.docs_dir, config.site_dir, config.use_directory_urls,
                    dest_uri=article.dest_uri)
        file.content_string = "\n" + article.body  # leading newline: never read as MkDocs meta-data
        return file

    def _listing_file(self, listing: ListingPage, config: MkDocsConfig) -> File:
        file = File.generated(config, listing.src_uri, content="\n", inclusion=InclusionLevel.NOT_IN_NAV)
        file.dest_uri = listing.dest_uri
        file.url = quote(listing.url) or "./"  # as MkDocs itself does for pages (tags may be Chinese)
        return file

    # -- pages -----------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self._pack_read()
        if page.file.src_uri in self._page_keys:  # MkDocs' warnings while it renders this page are kept with it
            self._listening = _Said()
            logging.getLogger("mkdocs").addHandler(self._listening)
        article = self._article_by_src.get(page.file.src_uri)
        if article is not None:
            page.meta.update({
                "title": article.title,
                "description": escape(article.summary),  # the theme prints it unescaped into an attribute
                "board_article": article,
                "board_minutes": article.minutes,
            })
            if isinstance(article.page, PageParts) and _RelativePathTreeprocessor is not None:
                # Instead of MkDocs parsing the body a second time (an instance attribute: Page has no hook).
                page.render = lambda config, files, page=page, article=article: self._render_parsed(page, article, config, files)
            return markdown
        listing = self._listing_by_src.get(page.file.src_uri)
        if listing is not None:
            page.meta.update({"title": listing.title, "board_listing": listing, "search": {"exclude": True}})
            if listing.kind == "home":
                page.meta["hide"] = ["navigation", "toc"]
            else:
                page.meta["hide"] = ["toc"]
            if not markdown.strip() and _RelativePathTreeprocessor is not None:
                # Its text is empty: what MkDocs' Page.render makes of it, without building a converter per listing.
                page.render = lambda config, files, page=page: self._render_empty(page, config, files)
        return markdown

    def _render_empty(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Page.render of a page whose Markdown is blank (a listing: the templates fill it): Python-Markdown
        returns "" for blank text before any extension runs, so every field is its empty value."""
        if page.markdown is None or page.markdown.strip():
            Page.render(page, config, files)
            return
        page.content = ""
        page.toc = get_toc([])
        page._title_from_render = None
        page.present_anchor_ids = set()
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = {}

    def _render_parsed(self, page: Page, article: Article, config: MkDocsConfig, files: Files) -> None:
        """Page.render for an article from the parse the checks made (generator.markdown_ext.PageParts):
        the same HTML, table of contents and anchors, with MkDocs' own rewriting of each link and
        picture target (so its warnings too). MkDocs renders it itself if anything but us changed what
        it would parse (another plugin's Markdown, other extensions)."""
        parts: PageParts = article.page  # type: ignore[assignment]
        if (page.markdown != page_source(article.body)
                or (list(config.markdown_extensions), dict(config.mdx_configs or {})) != self._markdown_setup):
            Page.render(page, config, files)
            return
        resolver = _RelativePathTreeprocessor(page.file, files, config)
        values = [resolver.path_to_url(target) for target in parts.targets]
        page.content = parts.fill(values)
        page.toc = get_toc(parts.toc_tokens)
        page.present_anchor_ids = set(parts.anchors)
        page.links_to_anchors = resolver.links_to_anchors
        if values == list(parts.targets):  # the HTML the checks sanitized: their result stands
            self._as_parsed[page.file.src_uri] = page.content

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._listening is not None:
            logging.getLogger("mkdocs").removeHandler(self._listening)
            self._said[page.file.src_uri] = self._listening.texts
            self._listening = None
        article = self._article_by_src.get(page.file.src_uri)
        if article is None:
            return html
        if html is self._as_parsed.pop(page.file.src_uri, None):  # the checks' parse: their results stand
            html, text = article.body_html, article.text
        else:
            html = sanitize_html(html)
            text = html_to_text(html)
        doc = SearchDoc(article, text)
        self.search_docs.append(doc)
        self._search_docs_of[page.file.src_uri] = doc  # its text kept with the page (_page_bytes)
        if self.lean:
            self._drop_read(article)
            self._to_pack.append(page)
        if list(config.plugins) == ["board"]:  # no other plugin may read them later
            # Rendered: its Markdown (the File's copy and the page's), and the parse it was rendered from are
            # not read again (render_again reads a changed article afresh); ~60 KB an article, let go before
            # the render child is forked (generator.parallel_render), so neither process holds them.
            page.markdown = None
            page.file.content_string = ""
            article.page = None
        # after the sanitizer, markup of our own: tappable public numbers, table cells that know their column
        settings = self.plan.board.settings
        html = phrase_headings(html, fixed_names(settings))
        return label_tables(tel_html(html, tuple(settings.public_phones)))


    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        self._warm = (config, files, nav, None)
        return nav

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if self._warm is not None:
            self._warm = (*self._warm[:3], env)
        _compile_once(env, self.plan.board.settings.project_root)
        for name in config.theme.static_templates:  # 404.html, sitemap.xml (and .gz): MkDocs writes these itself
            for made in ([name, name + ".gz"] if name == "sitemap.xml" else [name]):
                self._produced[made] = None
                self.writer.make_room(Path(config.site_dir) / made)
        env.globals["board"] = BoardView(self.plan, self._posters_on(), self.asset_urls)
        env.filters["beijing"] = beijing  # the one date formatter of every output
        env.globals["event_span"] = event_span
        keep = fixed_names(self.plan.board.settings)
        env.filters["phrases"] = lambda text: phrase_html(str(text), keep)  # headings break between phrases only
        env.filters["tel"] = lambda text: tel_text(str(text), tuple(self.plan.board.settings.public_phones))
        env.filters["href"] = lambda url: quote(url, safe="/#?=&")
        env.globals["fragment"] = fragment_global(env)  # the nav and tabs rendered once per nav state
        self._split = None
        self._pack(files)
        if self.lean and not self._posters_on() and self.writer is not None:
            # The WeChat pages (a second or two at 3,000 articles) before the fork, so the articles' HTML and
            # products are let go before it: after it, each page freed here stayed with the render child.
            write_copies(self.plan, self.writer, posters=False, report=self.artefact_report)
            self._copies_written = True
            self._let_go_of_bodies()
        if self._dirty and self.writer is not None and list(config.plugins) == ["board"]:
            self._render_elsewhere(config, files, env)
        return env

    def _pack(self, files: Files) -> None:
        """A lean build holds each article page's HTML compressed (a quarter of its size) from here until the
        page is rendered (on_page_context): held for every page while the search index is made, it was a
        tenth of that peak. With what no artefact reads (the search text is in the search documents; the
        Markdown, unless posters are drawn), let go before the render child is forked: freed after the fork,
        their pages would be copied, one for each process."""
        if not self.lean:
            return
        for article in self.plan.board.published:  # those of pages kept from the last build too
            self._drop_read(article)
        self._to_pack = [f.page for f in files.documentation_pages() if f.page is not None and f.src_uri in self._article_by_src]
        self._pack_read(every=1)

    def _drop_read(self, article: Article) -> None:
        """The search text (joined into its search document) and, unless posters are drawn, the Markdown."""
        article.text = ""
        if not self._posters_on():
            print_of(self.plan.board, article)  # the WeChat page's key reads the Markdown: its hash, made now
            article.body = ""

    def _pack_read(self, every: int = PACK_EVERY) -> None:
        """The HTML of the pages read so far compressed (_pack), every `every` pages: MkDocs sets a page's HTML
        after on_page_content, so a page is packed once the next ones are read."""
        if len(self._to_pack) < every:
            return
        for page in self._to_pack:
            if isinstance(page.content, str):
                self._packed[page.file.src_uri] = zlib.compress(page.content.encode("utf-8", "surrogatepass"), 1)
                page.content = None
        self._to_pack = []
        heap.trim()  # the Markdown and search text let go came from the check pool's result thread: its heap

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        packed = self._packed.get(page.file.src_uri)
        if packed is not None:
            page.content = zlib.decompress(packed).decode("utf-8", "surrogatepass")
        return context

    def _render_elsewhere(self, config: MkDocsConfig, files: Files, env) -> None:
        """Forked children render a share of the pages MkDocs is about to render here (generator.parallel_render):
        MkDocs ("dirty") skips each page a child took, on_post_build writes its bytes. Serial where no fork."""
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pending = [f for f in doc_files if f.page is not None and f.is_modified()]
        workers = render_workers(len(pending))
        if workers < 2:
            return
        nav = self._warm[2] if self._warm is not None else None
        env.get_template("main.html")  # compiled here once, before the fork, not once per process
        split = Split(len(pending))
        for index, file in enumerate(pending):
            file.is_modified = lambda index=index: split.mine(index)  # type: ignore[method-assign]
        cache = self.cache

        def render(index: int) -> tuple[str, bytes]:  # in a child
            cache is not None and cache.count("pages.elsewhere")  # last-build.json says the split was used
            return self._render_page(pending[index].page, config, doc_files, nav, env)

        split.start(workers - 1, render, cache.take_record if cache is not None else None)
        self._split = (split, pending, (config, doc_files, nav, env))
        self._write_artefacts()  # here, while the child renders; the pages MkDocs renders here come after

    def _render_page(self, page: Page, config: MkDocsConfig, doc_files, nav, env) -> tuple[str, bytes]:
        """MkDocs' _build_page without its write (the same context, template and events): (dest, bytes)."""
        from mkdocs.commands.build import get_context

        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            return page.file.dest_uri, self._page_bytes(template.render(context), page)
        finally:
            page.active = False
            config._current_page = None

    def _collect_elsewhere(self) -> None:
        """The children's pages (and any a child did not deliver, rendered here now), written by the one writer."""
        if self._split is None:
            return
        split, pending, (config, doc_files, nav, env) = self._split
        missing, lines, records = split.collect(self._deliver)
        self._split = None
        for name, level, text in lines:  # what MkDocs said in a child, said here (translated, counted)
            logging.getLogger(name).log(level, "%s", text)
        for record in records:
            if record is not None and self.cache is not None:
                self.cache.add_record(record)
        for index in missing:
            self._deliver(index, self._render_page(pending[index].page, config, doc_files, nav, env))
        heap.trim()
        self._progress(final=True)

    def _deliver(self, index: int, result: tuple[str, bytes]) -> None:
        """A page rendered in a child (or for one), written by the one writer as it arrives."""
        dest, data = result
        if data.strip():  # as MkDocs skips an empty page
            self.writer.write_bytes(dest, data, self.writer.map.owner_of(dest))
        if self._split is not None:
            self._let_go(self._split[1][index].page)

    def _progress(self, final: bool = False) -> None:
        if self._pages_total < PROGRESS_FROM:
            return
        done = self._pages_done + (self._split[0].done_elsewhere() if self._split is not None else 0)
        if final:
            done = self._pages_total
        step = done // 200 if done < self._pages_total else -1
        if done and step != self._progress_said and (step > self._progress_said or step == -1):
            self._progress_said = step
            stderr_progress(f"  已生成网页 {done}/{self._pages_total}")

    @event_priority(-100)  # last: what is kept is exactly what MkDocs writes
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        encoded = self._page_bytes(output, page)
        self._produced[page.file.dest_uri] = content_sig(encoded)
        self.writer.make_room(Path(config.site_dir, page.file.dest_uri))  # MkDocs writes it next, as a new file
        self._let_go(page)
        self._pages_done += 1
        if self._split is not None:
            self._split[0].drain(self._deliver)  # the children's pages written as they come, not all kept to the end
        self._progress()
        return output

    def _let_go(self, page: Page | None) -> None:
        """A page written (here or by a render child): in a lean build (see __init__) its HTML and search
        text are not read again (the next pages' navigation reads titles and URLs only)."""
        if not self.lean or page is None:
            return
        page.content = None
        self._search_docs_of.pop(page.file.src_uri, None)
        self._packed.pop(page.file.src_uri, None)

    def _let_go_of_bodies(self) -> None:
        """Called once the WeChat pages, posters and share pictures are written (write_copies): in a lean
        build nothing reads an article's Markdown, HTML, search text or products again (its page keeps what
        it renders from; the search documents keep the search text). ~40 KB an article, freed before the
        search index, a build's largest transient."""
        if not self.lean:
            return
        for article in self.plan.board.published:
            article.body = article.body_html = article.text = ""
            article.products = {}
        heap.trim()  # they came from the check pool, unpickled in its result thread's own heap: freed there, returned

    def _page_bytes(self, output: str, page: Page) -> bytes:
        """A rendered page's bytes, kept in the cache for the next build (here or in a render child)."""
        key = self._page_keys.get(page.file.src_uri)
        # Encoded as MkDocs writes it (mkdocs.commands.build._build_page), so the copy is byte-identical.
        encoded = output.encode("utf-8", errors="xmlcharrefreplace")
        if key is not None and self.cache is not None and output.strip():
            # The search text kept as bytes: pickling a str leaves a UTF-8 copy on it for its life (the
            # article's own text, ~20 KB a Chinese article, held until the build ends).
            doc = self._search_docs_of.get(page.file.src_uri)
            text = doc.body_text if doc is not None else None
            self.cache.put(self._cache_kind(), key, (encoded, text.encode("utf-8", "surrogatepass") if text is not None else None,
                                                     self._said.get(page.file.src_uri, [])))
        self.cache and self.cache.count("pages.rendered")
        return encoded

    def render_again(self, article: Article) -> tuple[str, bytes] | None:
        """The page of one article, changed since this build, rendered with this build's MkDocs state
        (board serve shows it at once, while the whole site is built again): (its path, its bytes), or
        None when this build has no page for it there. As `mkdocs serve --dirty` does, the other pages
        (listings, search) wait for the next build. Call it on a copy (render_site's `keep`): MkDocs keeps
        one plugin object for every build of a process, and the next build may be running meanwhile. The
        steps are MkDocs' own (_populate_page, _build_page without its write), our events called directly,
        so the page is what a build makes of the same article; with any other plugin, None."""
        from mkdocs.commands.build import get_context

        if self._warm is None or self._warm[3] is None:
            return None
        config, files, nav, env = self._warm
        file = files.get_file_from_path(article.src_uri)
        if (file is None or file.page is None or article.src_uri not in self._article_by_src
                or file.dest_uri != article.dest_uri or list(config.plugins) != ["board"]):
            return None
        self._article_by_src = {**self._article_by_src, article.src_uri: article}
        self._page_keys, self._search_docs_of, self._said, self._as_parsed, self.search_docs = {}, {}, {}, {}, []
        file.content_string = "\n" + article.body
        page = file.page
        config._current_page = page
        page.active = True
        try:
            page.read_source(config)
            page.markdown = self.on_page_markdown(page.markdown, page=page, config=config, files=files)
            page.render(config, files)
            page.content = self.on_page_content(page.content, page=page, config=config, files=files)
            context = get_context(nav, files.documentation_pages(), config, page)
            output = env.get_template(page.meta.get("template", "main.html")).render(context)
        finally:
            page.active = False
            config._current_page = None
        return file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace")

    def _posters_on(self) -> bool:
        settings = self.plan.board.settings
        return self.posters_enabled if self.posters_enabled is not None else settings.posters

    def _write_artefacts(self) -> None:
        """Search index, feeds, kiosk, posters... : from the plan and every article's search text, all known
        once the pages are read (so, with a render child, written while it renders, not after)."""
        for _dest, _html, _owner, article, text in self._kept:
            if article is not None:
                self.search_docs.append(SearchDoc(article, text))
        order = {a.src_uri: n for n, a in enumerate(self.plan.board.published)}
        self.search_docs.sort(key=lambda d: order[d.article.src_uri])
        write_artefacts(self.plan, self.writer, self.search_docs, posters=self._posters_on(),
                        report=self.artefact_report, progress=stderr_progress, copies_written=self._copies_written,
                        bodies_done=None if self._copies_written else self._let_go_of_bodies)
        if self.lean:
            self.search_docs = []  # written; the pages not rendered yet keep their own search text (_search_docs_of)
        self._artefacts_written = True
        heap.trim()  # the artefacts' large strings are gone: hand their pages back before the pages are collected

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        writer = self.writer
        self._collect_elsewhere()
        for dest_uri, html, owner, _article, _text in self._kept:
            if html is not None:  # None: left in place (_reuse)
                writer.write_bytes(dest_uri, html, owner, key=self._page_written[dest_uri])
        if not self._artefacts_written:
            self._write_artefacts()
        save_new_codes(self.plan)  # every page is written now
        report = self.artefact_report
        if self.preloaded is None:  # the `board` command prints these itself
            for message in report.warnings:
                log.warning(str(message))
        stray, manifest = writer.settle(self._produced, record=self.tree is not None)
        if self.tree is not None:
            self.tree.manifest = manifest
        if stray:  # a renderer wrote where no table says: a bug of ours, never published
            report.error("mkdocs.yml", 1, f"生成的网站里有不该有的文件：{'、'.join(stray[:5])}。网站没有更新，请把这段话发给技术人员。",
                         code="output.unclaimed")
        if not report.ok:
            raise PluginError("\n".join(str(m) for m in report.errors))
        mark_site(writer)
        if self.cache is not None:
            self.cache.count("pages.reused", len(self._kept))
            self.cache.count("files.kept", writer.kept)
            self.cache.prune(self._cache_kind())
            self.cache.save_stats()
        if self.staged is not None:
            config.site_dir = str(self.staged.finish())
            self.staged = None

    def on_build_error(self, *, error: Exception) -> None:
        if self._split is not None:
            self._split[0].abandon()
            self._split = None
        if getattr(self, "_empty_dir", None):
            shutil.rmtree(self._empty_dir, ignore_errors=True)
        if self.staged is not None:
            self.staged.abandon()
            self.staged = None

    def on_shutdown(self) -> None:
        if self.staged is not None:
            self.staged.abandon()
            self.staged = None


def _compile_once(env, project_root: Path) -> None:
    """The theme's templates compiled once per project, not once per build (a street's communities
    share them; a rebuild compiles nothing). Jinja checks each entry against the template's text;
    the folder is named by the board's code and library versions, which decide how they compile."""
    from jinja2 import FileSystemBytecodeCache

    from generator.buildcache import code_version

    folder = project_root / ".cache" / "jinja" / code_version()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only project: compiled each time, as before
        return
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))


class _Said(logging.Handler):
    """MkDocs' warnings about one page while it is rendered (kept with the page, said again when reused)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.texts: list[str] = []
        self.thread = threading.get_ident()  # board serve may render a page again in another thread meanwhile

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != log.name and record.thread == self.thread:
            self.texts.append(record.getMessage())


class BoardView:
    """What the theme templates may ask about the board (kept small on purpose)."""

    def __init__(self, plan: SitePlan, posters: bool, asset_urls: dict[str, str] | None = None) -> None:
        self.plan = plan
        self.asset_urls = asset_urls or {}
        self.posters = posters
        self.settings = plan.board.settings
        self.urgent = plan.urgent
        self.nav = plan.nav
        self.as_of = plan.board.as_of
        # (type key, label, section URL) of the four types, in the model's order
        self.sections = [(key, t.label, urls.section_url(t.section)) for key, t in TYPES.items()]

    def share(self, article: Article):
        """og: tags and the 分享 panel of an article page (generator.share_step.ShareLinks)."""
        return share_links(article, self.settings, self.posters)

    def asset(self, path: str) -> str:
        """A theme asset's published path: fingerprinted for the board's own scripts and styles."""
        return self.asset_urls.get(path, path)

    @property
    def police_beian_url(self) -> str:
        """The public-security filing site's page for this site's number (the digits of `police_beian`)."""
        code = "".join(ch for ch in self.settings.police_beian if ch.isdigit())
        return f"https://beian.mps.gov.cn/#/query/webSearch?code={code}" if code else "https://beian.mps.gov.cn/"

    def tag_url(self, tag: str) -> str:
        return self.plan.tag_urls[tag]

    def category_url(self, key: str) -> str | None:
        return self.plan.category_urls.get(key)

    def section_url(self, article: Article) -> str:
        return urls.section_url(article.section)

    @staticmethod
    def split_lead(html: str) -> tuple[str, str]:
        return split_lead(html)


def render_site(board: Board, site_dir: Path, *, posters: bool, report: Report, tree: Tree | None = None,
                keep: list | None = None) -> bool:
    """Render the whole site with MkDocs into site_dir; False (with messages) if it failed.
    tree: site_dir holds an earlier build (tree.previous, generator.output.recycle) to bring up to date;
    tree.manifest is then set to what it holds afterwards. keep: the plugin is appended to it after a good
    build (board serve renders a saved article again with it, BoardPlugin.render_again)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    settings = board.settings
    config = plugin = None
    with chinese_mkdocs_log(report, settings.content_dir, settings.project_root) as mkdocs_log:
        try:
            config = load_config(config_file=str(settings.config_file), site_dir=str(site_dir))
            plugin = config.plugins.get("board")
            if plugin is None:
                report.error("mkdocs.yml", 1, "mkdocs.yml 的 plugins 里没有 board。请在 plugins 下加一行“- board”。", code="settings.plugin_missing")
                return False
            plugin.preloaded = board
            plugin.posters_enabled = posters
            plugin.incremental = board.cache is not None
            plugin.tree = tree
            plugin.lean = keep is None and list(config.plugins) == ["board"]  # board serve renders again from it
            dirty = plugin.incremental or (tree is not None and tree.previous is not None)
            config.plugins.on_startup(command="build", dirty=dirty)
            # "dirty": MkDocs skips the pages whose File says it is unchanged (BoardPlugin._reuse); the
            # staging folder is new and empty, so every other file is written as in a clean build.
            build(config, dirty=dirty)
            report.extend(plugin.artefact_report)
            if keep is not None:
                keep.append(copy.copy(plugin))  # the next build changes the plugin itself (one per process)
            return True
        except MkDocsException as exc:
            own = Report(plugin.report.messages + plugin.artefact_report.messages) if plugin is not None else Report()
            if not own.ok:
                report.extend(own)  # our own messages (output clashes, posters), each at its file and line
                return False
            mkdocs_log._keep(f"{type(exc).__name__}: {exc}")
            report.error("mkdocs.yml", 1, f"网站生成失败（MkDocs 出错，详细情况记在 {LOG_NAME} 里）。"
                         "请检查上面列出的问题；如果没有列出问题，请把这个文件发给技术人员。", code="build.mkdocs_failed")
            return False
        finally:
            if config is not None:
                config.plugins.on_shutdown()
