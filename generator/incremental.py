"""Incremental builds: what each article made last time is reused when nothing that went into it changed.

Two steps are kept per article (generator.buildcache stores them):
- `check`: reading and checking one file (its parse, summary, messages), keyed by the file's bytes
  and the settings the checks read. The only time the checks look at is "is it online yet", so a kept
  result is used only when that answer is the same at this build's --as-of.
- `page`: the rendered page of an article or a listing and its search text, keyed by a fingerprint of
  the article as this build sees it (status included), the pictures it uses, the pages it links to,
  and everything every page shares (templates, mkdocs.yml, the urgent banner, the board's code).
Listings, feeds, board.json, the kiosk and the search index are made again each build from these.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from generator.buildcache import BuildCache, code_version, digest, tree_digest
from generator.checks import check_article_timed, is_unpublished
from generator.content import MAX_FILE_BYTES, read_article, read_regular
from generator.messages import Message, Report
from generator.model import Article
from generator.unfinished import check_prompts
from generator.workers import pool_map, workers_for

if TYPE_CHECKING:
    from generator.load import Board
    from generator.plan import ListingPage, SitePlan


@dataclass
class CheckedFile:
    """One file's check, as kept: the article (or None) and every message it gave."""

    article: Article | None
    messages: list[Message]
    unpublished: bool  # what the checks were told about "online yet" (is_unpublished)
    timing: tuple[datetime | None, bool]  # (date, draft), to ask the same question at another time
    files: str | None  # digest of content/'s other files when a message may depend on them, else None


class ArticleChecker:
    """Reads and checks article files, reusing a kept result for a file whose bytes did not change."""

    def __init__(self, cache: BuildCache, content_dir: Path, project_root: Path, public_phones: tuple[str, ...],
                 prompts: frozenset[str], files: set[str], as_of: datetime, context: object = None,
                 ahead: Callable[[Article], bool] | None = None) -> None:
        self.cache = cache
        self.content_dir = content_dir
        self.project_root = project_root
        self.public_phones = public_phones
        self.prompts = prompts
        self.files = files
        self.as_of = as_of
        # Paths relative to the project: a project copied or moved elsewhere keeps its cache.
        self.context = digest("check", code_version(), _relative(content_dir, project_root), public_phones,
                              sorted(prompts), context)  # context: what a subclass's checks also read
        self._files_digest: str | None = None
        self.ahead = ahead  # makes an article's products ahead, in the pool (generator.products)

    @property
    def files_digest(self) -> str:
        if self._files_digest is None:
            self._files_digest = digest(*sorted(self.files))
        return self._files_digest

    def check(self, path: Path, report: Report) -> Article | None:
        """The checked article (or None), with its messages added to report, as check_article gives them."""
        data, key, kept = self._lookup(path)
        if kept is not None:
            return self._use(kept, path, report)
        return self._check_fresh(path, data, key, report)

    def _lookup(self, path: Path) -> tuple[bytes | None, str | None, CheckedFile | None]:
        """The file's bytes, its cache key and the result kept under it (None: check it)."""
        try:
            data: bytes | None = read_regular(path, MAX_FILE_BYTES)
        except OSError:
            data = None  # read_article says why
        key = digest(self.context, _relative(path, self.content_dir), data) if data is not None and len(data) <= MAX_FILE_BYTES else None
        if key is not None:
            kept = self.cache.get("check", key)
            if isinstance(kept, CheckedFile) and self._still_valid(kept):
                return data, key, kept
        return data, key, None

    @staticmethod
    def _use(kept: CheckedFile, path: Path, report: Report) -> Article | None:
        report.messages.extend(kept.messages)
        if kept.article is not None:
            kept.article.path = path  # the file's place now (the project may have moved)
        return kept.article

    def _check_fresh(self, path: Path, data: bytes | None, key: str | None, report: Report) -> Article | None:
        own = Report()
        article, timing = self.fresh(path, data, own)
        if article is not None and self.ahead is not None and not self.ahead(article):
            self.cache.count("products.failed")  # here, once: not again each build that reuses this check
        self.cache.count("articles.checked")
        report.extend(own)
        if key is not None:
            # Messages may name files beside the article (a missing picture, a near name): then the
            # kept result holds only while content/'s other files stay the same.
            files = self.files_digest if own.messages else None
            self.cache.put("check", key, CheckedFile(article, own.messages, is_unpublished(*timing, self.as_of),
                                                     timing, files))
        return article

    def fresh(self, path: Path, data: bytes | None, own: Report) -> tuple[Article | None, tuple[datetime | None, bool]]:
        """Read and check one file (no kept result): the article or None, and its timing."""
        raw = read_article(path, self.project_root, self.content_dir, own, data)
        if raw is None:
            return None, (None, False)
        if raw.front.get("draft") is not True:  # a draft is unfinished by definition
            check_prompts(raw, self.prompts, own)
        return check_article_timed(raw, self.content_dir, own, self.public_phones, self.as_of)

    def check_all(self, paths: list[Path], report: Report) -> list[Article | None]:
        """check() of every path, in order. The files checked again (not kept) are spread over a process
        pool when the machine and their number make it pay (generator.workers): a fresh build parses every
        body; a rebuild takes the kept ones here, unpickled once, not in a worker and pickled back."""
        found = [self._lookup(path) for path in paths]
        misses = [(path, data, key) for path, (data, key, kept) in zip(paths, found) if kept is None]
        fresh: dict[Path, tuple[Article | None, list[Message]]] = {}
        workers = workers_for(len(misses))
        if workers < 2:
            for path, data, key in misses:
                own = Report()
                fresh[path] = self._check_fresh(path, data, key, own), own.messages
        else:
            self.cache.count("check.workers", workers)
            for (path, _, _), (article, messages, record) in zip(misses, pool_map(
                    _check_in_worker, misses, workers, setup=_setup_worker, setup_args=(self,))):
                self.cache.add_record(record)
                fresh[path] = article, messages
        articles = []
        for path, (_, _, kept) in zip(paths, found):
            if kept is not None:
                articles.append(self._use(kept, path, report))
            else:
                article, messages = fresh[path]
                report.messages.extend(messages)
                articles.append(article)
        return articles

    def _still_valid(self, kept: CheckedFile) -> bool:
        if is_unpublished(*kept.timing, self.as_of) != kept.unpublished:
            return False  # scheduled then, online now (or back): the consent rule answers differently
        if kept.files is not None and kept.files != self.files_digest:
            return False
        return kept.article is None or all(asset in self.files for asset in kept.article.assets)


_WORKER_CHECKER: ArticleChecker | None = None  # the checker of a pool process


def _setup_worker(checker: ArticleChecker) -> None:
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    checker.cache.take_record()  # counted from here on: the parent has its own counts


def _check_in_worker(item: tuple[Path, bytes | None, str | None]) -> tuple[Article | None, list[Message], tuple]:
    checker = _WORKER_CHECKER
    assert checker is not None
    own = Report()
    article = checker._check_fresh(*item, own)
    return article, own.messages, checker.cache.take_record()


# -- pages ------------------------------------------------------------------------------------------

def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def article_fingerprints(board: "Board") -> dict[str, str]:
    """src_uri -> a hash of a published article as this build renders it: every field (status
    included), the cleaned pictures and attachments it uses, and where its links to articles lead."""
    from generator.assets import public_name

    by_src = {a.src_uri: a for a in board.published}
    prints = {}
    for article in board.published:
        assets = [(a, public_name(a), board.public[a].name if a in board.public else None) for a in article.assets]
        links = [(target, by_src[target].url if target in by_src else None) for _, _, target in article.article_links]
        # Every field but the absolute path, which no page shows (a moved project keeps its cache).
        prints[article.src_uri] = digest(print_of(board, article), assets, links)
    return prints


def listing_fingerprint(listing: "ListingPage", prints: dict[str, str]) -> str:
    """A hash of a listing page: what it lists (by their fingerprints), its place and its neighbours."""
    return digest(listing.kind, listing.key, listing.title, listing.url, listing.number, listing.count,
                  listing.first_url, listing.prev_url, listing.next_url, listing.groups,
                  [prints[a.src_uri] for a in listing.items],
                  sorted((k, [prints[a.src_uri] for a in v]) for k, v in listing.home.items()))


def shared_fingerprint(plan: "SitePlan", prints: dict[str, str], config_file: Path, theme_dir: Path | None,
                       posters: bool) -> str:
    """What every page shares: the board's code, mkdocs.yml, the theme overrides, the sections,
    the urgent banner and whether posters are linked."""
    return digest("page", code_version(), config_file.read_bytes(), tree_digest(theme_dir) if theme_dir else None,
                  plan.nav, [prints[a.src_uri] for a in plan.urgent], posters)


# -- files beside the pages (search index, WeChat copy pages) --------------------------------------

class _Recorder:
    """Passes writes on to the site writer and remembers them, so what a step wrote can be kept whole."""

    def __init__(self, writer) -> None:
        self.writer = writer
        self.files: list[tuple[str, bytes, object]] = []

    def write_bytes(self, path: str, data: bytes, owner) -> Path:
        self.files.append((path, data, owner))
        return self.writer.write_bytes(path, data, owner)

    def write_text(self, path: str, text: str, owner) -> Path:
        return self.write_bytes(path, text.encode("utf-8"), owner)

    def __getattr__(self, name: str):
        return getattr(self.writer, name)


def kept_files(cache: BuildCache | None, kind: str, key: str, writer, make) -> None:
    """Write what make(writer) writes: the files kept under key when there are, else make them and keep them."""
    if cache is None:
        make(writer)
        return
    kept = cache.get(kind, key)
    if isinstance(kept, list) and all(isinstance(f, tuple) and len(f) == 3 and isinstance(f[0], str)
                                      and isinstance(f[1], bytes) for f in kept):
        for path, data, owner in kept:
            writer.write_bytes(path, data, owner)
        return
    recorder = _Recorder(writer)
    make(recorder)
    cache.put(kind, key, recorder.files)


def article_print(article: Article) -> str:
    """Every field of an article (status and short code included) but its absolute path."""
    return repr(replace(article, path=Path(article.src_uri)))


def print_of(board: "Board", article: Article) -> bytes:
    """A hash of article_print (digest takes bytes as they are), made once a build per article: the page
    fingerprint and the WeChat key both need it, and a repr of every field costs a millisecond. Only the
    hash is held: the print itself (body and HTML) was about 40 KB per article, kept all build long."""
    held = board.prints.get(article.src_uri)
    if held is None or held[0] is not article:
        print_ = hashlib.sha256(article_print(article).encode("utf-8", "surrogatepass")).digest()
        held = board.prints[article.src_uri] = (article, print_)
    return held[1]


def cache_kind(board: "Board", name: str) -> str:
    """Board serve keeps its own entries (drafts shown), so it never pushes out those of board build."""
    return ("preview-" if board.preview else "") + name
