"""A street project: one street office, many community boards.

Layout (content contract): `communities/<id>/` each a whole community project (mkdocs.yml, content/,
optional templates/), the street's own articles in the root `content/`, naming their communities with
`communities:` (absent: all). Each community is built exactly as a single-community project; the only
additions are made here:

- `street_link` tells `load_settings` that a mkdocs.yml is a community's: its files are then named from
  the street's folder, its site goes to `<street site>/<id>/`, and `settings.street` is set;
- `street_articles` (called by `load_board`) adds the street's articles that name this community, checked
  against this community's own settings (its public phones) and marked as the street office's;
- `build_street` / `check_street` run every community (in parallel, one process per core) and write the
  portal `<street site>/index.html` from the communities' own board.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import yaml

from generator import unchanged, urls
from generator.buildcache import CACHE_DIR, BuildCache
from generator.incremental import ArticleChecker
from generator.messages import Message, Report
from generator.settings import PACKAGE_TEMPLATES
from generator.shorturls import REGISTRY
from generator.street_layout import COMMUNITIES, CONFIG, DEFAULT_OFFICE, STREET, StreetLink, community_config, street_link
from generator.timeutil import beijing
from generator.unchanged import Stamp

ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_ID = 32
ID_RULE = "社区代号只能用小写英文字母、数字和连字符（-），以字母开头，不超过 32 个字符，例如 xingfuli、heping-2"


# -- the street's articles in one community -----------------------------------------------------------

def street_articles(settings, as_of: datetime, report: Report, prompts, files: set[str], cache) -> list:
    """The street's articles that name this community, checked as its own (its public phones, its
    as-of time), marked as the street office's; their files join `files` under street/. A file
    unchanged since this community's last build is not read again (its check is kept in the
    community's own cache, generator.incremental)."""
    from generator.content import scan_content
    from generator.filenames import check_file_names

    link: StreetLink = settings.street
    content = link.content_dir
    if not content.is_dir():
        return []
    found = scan_content(content, report, link.root)
    refused = check_file_names(found, content, link.root, report)
    phones = tuple(dict.fromkeys((*settings.public_phones, *link.public_phones)))
    checker = StreetChecker(cache, link, phones, prompts, found.files, as_of)
    articles = []
    for path in found.articles:
        if path in refused:
            continue
        article = checker.check(path, report)
        if article is not None:
            articles.append(article)
    files.update(f"{STREET}/{name}" for name in found.files)
    return articles


PARSE = "street-parse"  # the street's own cache (beside its mkdocs.yml): each street article's parsed body


def parse_key(data: bytes) -> str:
    from generator.buildcache import code_version, digest

    return digest(PARSE, code_version(), data)


class StreetChecker(ArticleChecker):
    """A street article checked for one community: is it named, signed by the street office, its
    body parsed once for every community (the parse depends on the file alone; the checks on the
    community's public phones)."""

    def __init__(self, cache, link: StreetLink, phones: tuple[str, ...], prompts, files: set[str], as_of: datetime) -> None:
        super().__init__(cache, link.content_dir, link.root, phones, prompts, files, as_of,
                         context=("street", link.id, link.ids, link.office))
        self.link = link
        self.parses = BuildCache(link.root, write=cache.write)

    def fresh(self, path: Path, data: bytes | None, own: Report):
        from generator.body import ParsedBody, parse_body
        from generator.checks import check_article_timed
        from generator.content import read_article
        from generator.unfinished import check_prompts

        raw = read_article(path, self.project_root, self.content_dir, own, data)
        if raw is None or self.link.id not in named_communities(raw, self.link, own):
            return None, (None, False)
        if raw.front.get("draft") is not True:
            check_prompts(raw, self.prompts, own)
        if not raw.front.get("author"):  # a street notice is signed by the street office
            raw.front["author"] = self.link.office
        if data is not None:
            key = parse_key(data)
            parsed = self.parses.get(PARSE, key)
            if not isinstance(parsed, ParsedBody):
                parsed = parse_body(raw.body)
                self.parses.put(PARSE, key, parsed)
            raw.parsed = parsed
        article, timing = check_article_timed(raw, self.content_dir, own, self.public_phones, self.as_of)
        return (_as_street_article(article, self.link) if article is not None else None), timing


def _as_street_article(article, link: StreetLink):
    """In the community's site a street article's own paths sit under street/ (never clashing with the
    community's files); its author is the street office."""
    prefix = STREET + "/"
    article.src_uri = prefix + article.src_uri
    article.assets = tuple(prefix + a for a in article.assets)
    article.cover = prefix + article.cover if article.cover else None
    article.article_links = tuple((line, written, prefix + target) for line, written, target in article.article_links)
    if not article.author:
        article.author = link.office
    elif link.office not in article.author:
        article.author = f"{link.office}{article.author}"  # 平安办 -> 和平街道办事处平安办
    article.from_street = True
    return article


_SEPARATORS = re.compile(r"[,，、;；\s]+")


def named_communities(raw, link: StreetLink, report: Report) -> tuple[str, ...]:
    """The ids a street article's `communities:` names (all when absent); each wrong entry is an error.
    The key is taken off the front matter: the article checks do not know it."""
    if "communities" not in raw.front:
        return link.ids
    value = raw.front.pop("communities")
    line = raw.line_of("communities")
    if value is None or value == [] or value == "":
        report.warning(raw.source, line, "communities 后面什么也没写，这篇文章不会出现在任何社区。"
                       "要发给所有社区，请删掉这一行；要发给某几个社区，请写上它们的代号，例如 [xingfuli, hepingli]。",
                       code="street.communities_empty")
        return ()
    if isinstance(value, str):
        items = [v for v in _SEPARATORS.split(value) if v]
    elif isinstance(value, list):
        items = value
    else:
        report.error(raw.source, line, "communities 应是社区代号的列表，例如 communities: [xingfuli, hepingli]。",
                     code="street.communities_not_list")
        return ()
    lines = [raw.line_of("communities", number) for number in range(len(items))]  # a list item's own line, else the key's
    named: list[str] = []
    for number, item in enumerate(items):
        text = str(item).strip() if isinstance(item, (str, int)) else ""
        at = lines[number]
        if text in link.ids:
            named.append(text)
            continue
        known = "、".join(f"{i}（{name}）" for i, name in community_names(link).items()) or "（还没有社区）"
        if not ID.match(text) or len(text) > MAX_ID:
            meant = next((i for i, name in community_names(link).items() if text and text in name), None)
            hint = f"是不是想写 {meant}？" if meant else ""
            report.error(raw.source, at, f"communities 里的“{item}”不是社区代号。communities 里要写社区的代号（communities "
                         f"文件夹里各社区文件夹的名字），不是中文名。{hint}本街道的社区有：{known}。", code="street.bad_community_id")
        else:
            report.error(raw.source, at, f"communities 里的“{text}”不是本街道的社区：communities 文件夹里没有 {text}。"
                         f"请检查拼写。本街道的社区有：{known}。", code="street.unknown_community")
    return tuple(named)


def community_names(link: StreetLink) -> dict[str, str]:
    """id -> the community's name, for messages (read only when a message needs it)."""
    from generator.settings import load_settings

    names = {}
    for community_id in link.ids:
        settings = load_settings(community_config(link.root, community_id), Report())
        names[community_id] = settings.community if settings is not None else community_id
    return names


# -- the street as a whole ---------------------------------------------------------------------------

@dataclass
class Street:
    root: Path
    settings: object  # the root mkdocs.yml's Settings
    ids: list[str] = field(default_factory=list)

    @property
    def office(self) -> str:
        return self.settings.street_office or DEFAULT_OFFICE


def load_street(root: Path, report: Report, site_dir: Path | None = None) -> Street | None:
    """The street's own settings and its communities, with every mistake in their layout."""
    from generator.settings import load_settings

    settings = load_settings(root / CONFIG, report, site_dir)
    if settings is None:
        return None
    street = Street(root, settings)
    folders = sorted(p for p in (root / COMMUNITIES).iterdir() if not p.name.startswith((".", "_")))
    for folder in folders:
        shown = f"{COMMUNITIES}/{folder.name}"
        if not folder.is_dir():
            report.warning(shown, 1, f"communities 文件夹里应只有各社区的文件夹，“{folder.name}”是一个文件，不会用到。"
                           "请把它移走。", code="street.stray_file")
            continue
        if not ID.match(folder.name) or len(folder.name) > MAX_ID:
            report.error(f"{shown}/{CONFIG}" if (folder / CONFIG).is_file() else shown, 1,
                         f"社区文件夹的名字“{folder.name}”不能用作社区代号（它会成为网址 …/{folder.name}/）。"
                         f"{ID_RULE}。请给文件夹改名。", code="street.bad_id")
            continue
        if not (folder / CONFIG).is_file():
            report.error(shown, 1, f"社区文件夹 {folder.name} 里没有 {CONFIG}。每个社区都要有自己的 {CONFIG}，"
                         f"第一行可以写 INHERIT: ../../{CONFIG}（沿用街道的设置），再写本社区的名称、电话等。",
                         code="street.no_settings")
            continue
        street.ids.append(folder.name)
    if not street.ids and report.ok:
        report.error(COMMUNITIES, 1, "communities 文件夹里还没有社区。请为每个社区建一个文件夹（例如 communities/xingfuli/），"
                     f"里面放 {CONFIG} 和 content 文件夹。", code="street.no_communities")
    return street


def check_communities_apart(street: Street, report: Report) -> None:
    """Two communities must not publish to the same address: their QR codes and feeds would mix."""
    from generator.settings import load_settings

    seen: dict[str, str] = {}
    for community_id in street.ids:
        settings = load_settings(community_config(street.root, community_id), Report())
        if settings is None or not settings.site_url:
            continue
        other = seen.get(settings.site_url)
        if other is not None:
            where = settings.where("site_url")
            if where[0] == CONFIG:  # inherited from the street: point at the community's own file
                where = (f"{COMMUNITIES}/{community_id}/{CONFIG}", 1)
            report.error(*where, f"社区 {community_id} 的网站地址 site_url（{settings.site_url}）和社区 {other} 的一样。"
                         "两个社区的网站不能用同一个地址，否则海报二维码和订阅会指错社区。请在本社区的 "
                         f"{CONFIG} 里写上自己的 site_url，例如 {settings.site_url.rstrip('/')}/{community_id}/。",
                         code="street.same_site_url")
        else:
            seen[settings.site_url] = community_id


def _unique(messages: list[Message]) -> Report:
    """A street article is checked once per community it names: each message said once."""
    return Report(list(dict.fromkeys(messages)))


# -- running each community ---------------------------------------------------------------------------

@dataclass
class Outcome:
    community_id: str
    ok: bool
    messages: list[Message]
    counts: dict[str, int] = field(default_factory=dict)
    key: str | None = None  # site_key of the site built (or kept)
    reused: bool = False  # the site online was kept: nothing it is made from changed
    moment: str | None = None  # the next moment an article of it changes by itself (generator.unchanged)
    manifest: dict | None = None  # what its folder holds now (generator.output.recycle), for the next build


def _check_one(root: str, community_id: str, as_of: datetime) -> Outcome:
    from generator.cli import check_outputs
    from generator.load import load_board
    from generator.settings import load_settings

    report = Report()
    settings = load_settings(community_config(Path(root), community_id), report)
    if settings is None:
        return Outcome(community_id, False, report.messages)
    board = load_board(settings, as_of, report, write_cache=False)
    check_outputs(board, report)
    counts = {s: sum(1 for a in board.articles if a.status.value == s) for s in ("current", "expired", "scheduled", "draft")}
    return Outcome(community_id, report.ok, report.messages, counts)


def _build_one(root: str, community_id: str, out: str, as_of: datetime, posters: bool,
               kept: str | None = None, kept_key: str | None = None, previous: dict | None = None,
               online: dict | None = None) -> Outcome:
    """Build one community into `out`. When everything its site is made from is as it was for the
    site online at `kept` (the same key), that site's files are linked into `out` instead, and only
    the files that carry the build's time are made again. Otherwise `out` is brought up to date:
    it holds an earlier build of this community described by `previous` (generator.output.recycle),
    or is made afresh. The outcome's manifest describes `out` for the next build (`online`: the
    kept site's, whose files `out` then shares)."""
    from generator.cli import check_outputs
    from generator.load import load_board
    from generator.output.faults import machine_fault
    from generator.settings import load_settings

    report = Report()
    settings = load_settings(community_config(Path(root), community_id), report, Path(out))
    if settings is None:
        return Outcome(community_id, False, report.messages)
    board = load_board(settings, as_of, report)
    check_outputs(board, report)
    if not report.ok:
        return Outcome(community_id, False, report.messages)
    from generator.unchanged import Stamp, next_moment

    posters = posters and settings.posters
    key = site_key(board, posters)
    moment = next_moment(board.articles, board.as_of)
    from generator.output.swap import remove_tree
    from generator.output.writer import Tree

    if kept is not None and key == kept_key:
        try:
            _link_tree(Path(kept), Path(out))
            restamp(board, Path(out), posters)  # its files replaced (their time moves: the manifest no longer matches)
        except OSError:  # the online copy could not be read whole: build it again
            remove_tree(Path(out))
            previous = None
        else:
            board.cache.count("site.reused")
            board.cache.save_stats()
            # MkDocs' warnings about the pages kept are said again, as a single community's build says them
            last = Stamp.load(settings.config_file.parent)
            said = [m for m in stamp_messages(last) if m.code.startswith("mkdocs.")] if last is not None else []
            return Outcome(community_id, True, report.messages + said, {"published": len(board.published)}, key,
                           reused=True, moment=moment, manifest=online)
    from generator.mkdocs_plugin import render_site  # MkDocs and the theme: imported only when there is a site to render

    if previous is None and os.path.lexists(out):  # an earlier tree nobody described: made afresh
        remove_tree(Path(out))
    tree = Tree(previous)
    try:
        Path(out).mkdir(exist_ok=True)
        ok = render_site(board, Path(out), posters=posters, report=report, tree=tree)
    except OSError as exc:
        report.error(f"{COMMUNITIES}/{community_id}/{CONFIG}", 1, machine_fault(exc, Path(out)), code="build.machine")
        ok = False
    return Outcome(community_id, ok and report.ok, report.messages, {"published": len(board.published)}, key,
                   moment=moment, manifest=tree.manifest)


# -- an unchanged community is not built again ------------------------------------------------------

SITES = "street-sites.json"  # in the street's .cache/build/: the key of each community's site online


def site_key(board, posters: bool) -> str:
    """A hash of everything a community's site is made from but the build's time itself: the board's
    code, its settings files and templates, every published article as this build sees it (status,
    short code, cleaned pictures), every listing (the home page's coming events follow the time), the
    short URLs and whether posters are made. Equal keys: the same site, but for the time stamps."""
    from generator.buildcache import code_version, digest, tree_digest
    from generator.incremental import article_fingerprints, listing_fingerprint
    from generator.plan import plan_site

    settings = board.settings
    plan = plan_site(board)
    prints = article_fingerprints(board)
    link: StreetLink = settings.street
    base = link.root if link is not None else settings.config_file.parent
    # Paths from the project's folder: a project copied or moved elsewhere keeps its sites' keys.
    values = {k: (os.path.relpath(v, base) if isinstance(v, Path) else v) for k, v in settings.values.items()
              if k != "site_dir"}
    configs = [settings.config_file] + ([link.root / CONFIG] if link is not None else [])
    return digest("street-site", code_version(), repr(values), [p.read_bytes() for p in configs],
                  [tree_digest(d) for d in _theme_dirs(configs, settings.templates_dir)],
                  sorted(prints.items()), [listing_fingerprint(page, prints) for page in plan.pages],
                  plan.nav, [a.src_uri for a in plan.urgent], [a.src_uri for a in plan.current],
                  sorted(board.short.pages.items()) if board.short else None, posters)


class _Tagged(yaml.SafeLoader):
    """mkdocs.yml as data: MkDocs' own tags (!!python/name:..., !ENV) read as plain values."""


_Tagged.add_multi_constructor("", lambda loader, suffix, node: None)


def _theme_dirs(configs: list[Path], templates: Path) -> list[Path]:
    """The templates folder and each theme.custom_dir the settings files name (relative to their file)."""
    found = [templates]
    for config in configs:
        try:
            data = yaml.load(config.read_text(encoding="utf-8-sig"), Loader=_Tagged)
            custom = data["theme"]["custom_dir"]
        except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
            continue
        if isinstance(custom, str):
            found.append((config.parent / custom).resolve())
    return list(dict.fromkeys(found))


def restamp(board, site: Path, posters: bool) -> None:
    """A kept site made for this build's time: board.json, the feed and the kiosk's first set say
    when they were made (everything else equal keys keep the same). Each changed file is replaced
    (a new file, never written into: the old one is still online through its other link)."""
    import tempfile

    from generator.feeds import write_feeds
    from generator.kiosk import write_kiosk
    from generator.output.swap import remove_tree
    from generator.output.writer import SiteWriter
    from generator.plan import plan_site
    from generator.timeutil import iso

    try:
        stamped = json.loads((site / urls.BOARD_JSON).read_text(encoding="utf-8")).get("as_of")
    except (OSError, ValueError, AttributeError):
        stamped = None
    if stamped == iso(board.as_of):
        return
    scratch = Path(tempfile.mkdtemp(prefix=".stamps-", dir=site.parent))
    try:
        writer = SiteWriter(scratch)
        plan = plan_site(board)
        write_feeds(plan, writer, posters)
        write_kiosk(plan, writer)
        for path in sorted(p for p in scratch.rglob("*") if p.is_file()):
            target = site / path.relative_to(scratch)
            try:
                same = target.read_bytes() == path.read_bytes()
            except FileNotFoundError:
                same = False
            if not same:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        remove_tree(scratch)


def read_sites(root: Path, target: Path) -> dict[str, str]:
    """id -> the key of the community's site now online in `target` (none whose board.json changed since)."""
    try:
        record = json.loads((root / CACHE_DIR / SITES).read_text(encoding="utf-8")).get(_place(root, target), {})
    except (OSError, ValueError, AttributeError):
        return {}
    keys = {}
    for community_id, entry in record.items() if isinstance(record, dict) else ():
        try:
            if entry["board"] == _file_digest(target / community_id / urls.BOARD_JSON):
                keys[community_id] = entry["key"]
        except (OSError, KeyError, TypeError):
            continue
    return keys


def write_sites(root: Path, target: Path, keys: dict[str, str]) -> None:
    """After the street's site is in place: the key of each community's site now online."""
    path = root / CACHE_DIR / SITES
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(record, dict)
    except (OSError, ValueError, AssertionError):
        record = {}
    entries = {}
    for community_id, key in keys.items():
        try:
            entries[community_id] = {"key": key, "board": _file_digest(target / community_id / urls.BOARD_JSON)}
        except OSError:
            continue
    record[_place(root, target)] = entries
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{SITES}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, path)
    except OSError:  # a full disk costs the next build its speed, never its site
        pass


def _place(root: Path, target: Path) -> str:
    """The site folder as the record names it: from the project's folder when inside it (a copied
    project keeps its record), else in full."""
    return target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)


def _file_digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _die_with_parent(inner: int = 1) -> None:
    """A worker ends when the build is killed (Linux), rather than writing on into a staging folder
    the next build clears; elsewhere the next build clears it all the same. Its own article pool
    (generator.workers) gets the cores left over (`inner`): communities in parallel already use them."""
    os.environ.setdefault("BOARD_WORKERS", str(inner))
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def run_each(task: Callable[..., Outcome], jobs: list[tuple], say: Callable[[str], None]) -> list[Outcome]:
    """Every community's job, one process per core (each community is a whole, separate build).
    A worker that dies (killed, out of memory) fails its community with a message, never the street
    with a traceback; the street's site online stays as it was."""
    from concurrent.futures.process import BrokenProcessPool

    from generator.workers import usable_cores

    workers = min(len(jobs), usable_cores())
    if workers <= 1:
        return [task(*job) for job in jobs]
    inner = max(1, usable_cores() // workers)
    with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent, initargs=(inner,)) as pool:
        futures = [pool.submit(task, *job) for job in jobs]
        outcomes = []
        for job, future in zip(jobs, futures):
            try:
                outcome = future.result()
            except BrokenProcessPool:
                outcome = Outcome(job[1], False, [_died(job[1])])
            outcomes.append(outcome)
            say(f"  社区 {job[1]}：{'没有变化，沿用' if outcome.reused else '完成' if outcome.ok else '有错误'}")
        return outcomes


def _died(community_id: str) -> Message:
    report = Report()
    report.error(f"{COMMUNITIES}/{community_id}/{CONFIG}", 1,
                 f"社区 {community_id} 的生成过程意外中断（进程被结束，或电脑内存不足）。这次没有更新任何社区的网站，"
                 "线上的网站保持原样。请再运行一次；如果每次都在这里中断，请把这段话发给技术人员。", code="street.worker_died")
    return report.messages[0]


def check_street(root: Path, as_of: datetime, report: Report) -> dict[str, int] | None:
    """`board check` of a street: the street's layout and every community, files named from the street's folder."""
    street = load_street(root, report)
    if street is None or not street.ids:
        return None
    check_communities_apart(street, report)
    outcomes = run_each(_check_one, [(str(root), i, as_of) for i in street.ids], lambda text: None)
    report.extend(_unique([m for o in outcomes for m in o.messages]))
    total: dict[str, int] = {"communities": len(street.ids)}
    for outcome in outcomes:
        for key, value in outcome.counts.items():
            total[key] = total.get(key, 0) + value
    return total


def build_street(root: Path, as_of: datetime, report: Report, *, posters: bool, site_dir: Path | None = None,
                 only: str | None = None, say: Callable[[str], None] = lambda text: None,
                 clock: datetime | None = None) -> Path | None:
    """Build every community (or `only` one, the others kept as they are) into one staging folder,
    write the portal, and swap the whole street site in at once: a failed community leaves the
    street's site exactly as it was. The site folder on success, None (with messages) otherwise.
    `clock` is the --as-of asked (None: now), as a single community's no-change stamp keys it.

    A community none of whose inputs changed since its site online was made (its no-change stamp,
    generator.unchanged, with the street's articles among its inputs) is not loaded at all: its files
    are linked into the new street site and its last build's messages said again. When that holds for
    every community and the portal's own inputs, nothing is written."""
    from generator.output import StagedBuild, build_lock, clear_leftovers, remove_tree
    from generator.timeutil import iso

    street = load_street(root, report, site_dir)
    if street is None or not street.ids or not report.ok:
        return None
    check_communities_apart(street, report)
    if not report.ok:
        return None
    target = street.settings.site_dir
    wanted = street.ids if only is None else [only]
    stamps = {c: _look(root, c, target, as_of, clock, posters) for c in wanted}
    portal = _portal_stamp(street, target, as_of, clock, posters)
    if all(isinstance(v, Stamp) for v in stamps.values()) and portal[0]:
        with build_lock(target, on_wait=lambda: say("另一个生成任务正在进行，等它完成……")):
            clear_leftovers(target)  # what a killed build left beside the site goes, as with every build
        report.extend(_unique([m for c, stamp in stamps.items() for m in _said_again(root, c, stamp)]))
        say(f"没有改动：{len(wanted)} 个社区（按 {beijing(as_of, 'minute')} 计算）都和上次生成时一样，网站保持原样。")
        return target
    # The street's site replaced last time is this build's staging folder (generator.output.recycle):
    # a rebuilt community brings its own folder up to date, a kept one is linked to the site online.
    staged = StagedBuild(target, on_wait=lambda: say("另一个生成任务正在进行，等它完成……"), recycle=True)
    staging = staged.start()
    try:
        online = read_sites(root, target)  # read under the build lock: the sites online now
        online_files = staged.online_files()
        todo, keys, said, manifest = [], {}, [], {}
        _clear_strays(staging, street.ids)
        for community_id in street.ids:
            kept = target / community_id
            stamp = stamps.get(community_id)
            if stamp is None or isinstance(stamp, Stamp):
                if (kept / urls.BOARD_JSON).is_file():
                    _link_tree(kept, staging / community_id)  # unchanged: the same files, linked, not copied
                    manifest.update(_within(online_files, community_id, inside=False))
                    if community_id in online:
                        keys[community_id] = online[community_id]
                elif os.path.lexists(staging / community_id):
                    remove_tree(staging / community_id)
                if isinstance(stamp, Stamp):
                    said += _said_again(root, community_id, stamp)
            else:
                known = community_id in online and (kept / urls.BOARD_JSON).is_file()
                todo.append((str(root), community_id, str(staging / community_id), as_of, posters,
                             str(kept) if known else None, online.get(community_id),
                             _within(staged.previous, community_id) or None, _within(online_files, community_id) or None))
        say(f"正在生成 {len(todo)} 个社区的网站（按 {beijing(as_of, 'minute')} 计算）……")
        outcomes = run_each(_build_one, todo, say)
        report.extend(_unique(said + [m for o in outcomes for m in o.messages]))
        if not all(o.ok for o in outcomes) or not report.ok:
            staged.abandon()
            return None
        for outcome in outcomes:
            manifest.update({f"{outcome.community_id}/{p}": v for p, v in (outcome.manifest or {}).items()})
        write_portal(street, staging, as_of)
        staged.finish(manifest)
    except BaseException:
        staged.abandon()
        raise
    keys.update({o.community_id: o.key for o in outcomes if o.key})
    write_sites(root, target, keys)
    for outcome in outcomes:  # each community built (or kept by its key) stamped, as a single build stamps itself
        key, roots, inputs, folder = stamps[outcome.community_id]
        inputs.update(unchanged.snapshot([r for r in roots if r.name == REGISTRY], inputs))  # the build writes it
        Stamp(key, inputs, [str(r) for r in roots], iso(as_of), outcome.moment, outcome.counts.get("published", 0),
              [_as_list(m) for m in outcome.messages], unchanged.marker_id(target / outcome.community_id)).save(folder)
    key, roots, inputs = portal[1:]
    Stamp(key, inputs, [str(r) for r in roots], iso(as_of), None, 0, [], unchanged.marker_id(target)).save(root)
    if only is None:
        prune_parses(root)
    return target


def _within(manifest: dict | None, community_id: str, inside: bool = True) -> dict:
    """A community's part of the street's manifest (path -> [sig, size, mtime]): its own paths
    (inside) or as the street names them."""
    prefix = community_id + "/"
    if not manifest:
        return {}
    return {(p[len(prefix):] if inside else p): v for p, v in manifest.items() if p.startswith(prefix)}


def _clear_strays(staging: Path, ids: list[str]) -> None:
    """A recycled street folder keeps only the communities' folders and the portal's files: a
    community removed from the street goes."""
    from generator.output import MARKER, remove_tree

    for entry in os.scandir(staging):
        if entry.name not in ids and entry.name not in (urls.PORTAL, MARKER):
            remove_tree(Path(entry.path)) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)


def _look(root: Path, community_id: str, target: Path, as_of: datetime, clock: datetime | None, posters: bool):
    """A community's last stamp when nothing it is made from changed since (it is kept as it is);
    otherwise (stamp key, input roots, their snapshot now, its folder) for the stamp of this build.
    The snapshot is taken before the build reads them: a file saved meanwhile is a change next time."""
    from generator.settings import load_settings

    folder = community_config(root, community_id).parent
    settings = load_settings(community_config(root, community_id), Report(), target / community_id)
    if settings is None:
        return (None, [], {}, folder)
    key = unchanged.build_key(settings.config_file, target / community_id, clock, posters and settings.posters)
    stamp = Stamp.load(folder)
    if stamp is not None and unchanged.unchanged(stamp, key, target / community_id, as_of, folder):
        return stamp
    roots = unchanged.input_roots(settings) + [settings.street.content_dir]  # and the street's articles
    return (key, roots, unchanged.snapshot(roots, stamp.inputs if stamp else None), folder)


def _portal_stamp(street: Street, target: Path, as_of: datetime, clock: datetime | None, posters: bool):
    """(unchanged?, key, roots, snapshot) of the portal's own inputs: the street's settings and templates,
    the list of communities (their own are in their stamps)."""
    from generator.buildcache import digest

    key = digest("street-portal", unchanged.build_key(street.settings.config_file, target, clock, posters), street.ids)
    roots = [street.settings.config_file, street.settings.templates_dir / "street"]
    stamp = Stamp.load(street.root)
    same = stamp is not None and unchanged.unchanged(stamp, key, target, as_of, street.root)
    return same, key, roots, unchanged.snapshot(roots, stamp.inputs if stamp else None)


def _said_again(root: Path, community_id: str, stamp: Stamp) -> list[Message]:
    """A kept community: its last build's messages, to be said again (as a single community's no-change
    build does); its stats say it was kept (tests and the bench read them)."""
    cache = BuildCache(community_config(root, community_id).parent)
    cache.count("site.reused")
    cache.count("build.unchanged")
    cache.save_stats()
    return stamp_messages(stamp)


def _as_list(message: Message) -> list:
    return [message.path, message.line, message.text, message.level.value, message.code]


def stamp_messages(stamp: Stamp) -> list[Message]:
    """The messages a stamp keeps (a street's stamps keep them whole; a single build's, as lines)."""
    from generator.messages import Level

    found = []
    for entry in stamp.messages:
        try:
            path, line, text, level, code = entry
            found.append(Message(str(path), int(line), str(text), Level(level), str(code)))
        except (TypeError, ValueError):
            continue
    return found


def prune_parses(root: Path) -> None:
    """Forget the parsed bodies of street articles that are no longer there (or were edited)."""
    from generator.content import MAX_FILE_BYTES, read_regular

    keys = set()
    for path in (root / "content").rglob("*.md"):
        try:
            keys.add(parse_key(read_regular(path, MAX_FILE_BYTES)))
        except OSError:
            continue
    try:
        for entry in os.scandir(root / CACHE_DIR / PARSE):
            if entry.name not in keys:
                os.unlink(entry.path)
    except OSError:
        pass


def _link_tree(source: Path, target: Path) -> None:
    """`target` made a tree of hard links to `source`'s files (copies where the file system has none).
    `target` may hold an earlier tree (a recycled folder): a file already linked to the same one
    (the same inode) is left, any other entry replaced, what `source` does not have removed, so a
    community kept build after build costs a walk of folders, not a write per file. Our own walk,
    not shutil.copytree: no copystat per folder, a scandir per folder, inodes from the folder entries."""
    from generator.output.swap import remove_tree

    def drop(entry) -> None:
        remove_tree(Path(entry.path)) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)

    if os.path.islink(target) or (os.path.lexists(target) and not os.path.isdir(target)):
        os.unlink(target)
    target.mkdir(exist_ok=True)
    folders = [(source, target)]
    while folders:
        src, dst = folders.pop()
        with os.scandir(dst) as entries:
            there = {entry.name: entry for entry in entries}
        with os.scandir(src) as entries:
            for entry in entries:
                have = there.pop(entry.name, None)
                made = os.path.join(dst, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    if have is not None and not have.is_dir(follow_symlinks=False):
                        drop(have)
                        have = None
                    if have is None:
                        os.mkdir(made)
                    folders.append((Path(entry.path), Path(made)))
                    continue
                if have is not None:
                    if (not entry.is_symlink() and have.is_file(follow_symlinks=False)
                            and have.inode() == entry.inode()):
                        continue  # the very same file already
                    drop(have)
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), made)
                else:
                    try:
                        os.link(entry.path, made)
                    except OSError:  # a file system without hard links
                        shutil.copy2(entry.path, made)
        for leftover in there.values():
            drop(leftover)


# -- the portal ----------------------------------------------------------------------------------------

@dataclass
class PortalCommunity:
    id: str
    name: str
    url: str | None  # None: not built yet
    current: int
    urgent: list[dict]


def portal_data(street: Street, site: Path) -> tuple[list[PortalCommunity], list[dict]]:
    """Each community and its urgent notices, and the street's own notices, read from the board.json
    each community's build wrote (the portal shows what the communities publish, nothing else)."""
    communities: list[PortalCommunity] = []
    notices: dict[str, dict] = {}
    for community_id in street.ids:
        base = urls.community_url(community_id)
        try:
            manifest = json.loads((site / community_id / urls.BOARD_JSON).read_text(encoding="utf-8"))
        except FileNotFoundError:  # `--community` before the first build of the whole street
            communities.append(PortalCommunity(community_id, community_id, None, 0, []))
            continue
        current = [a for a in manifest["articles"] if a["status"] == "current"]
        urgent = [dict(a, href=base + a["url"]) for a in current if a.get("urgent")]
        name = manifest.get("community") or community_id
        communities.append(PortalCommunity(community_id, name, base, len(current), urgent))
        for article in current:
            if article.get("from_street"):
                entry = notices.setdefault(article["source"], dict(article, places=[]))
                entry["places"].append({"name": name, "href": base + article["url"]})
    street_notices = sorted(notices.values(), key=lambda a: a["date"], reverse=True)  # newest first,
    street_notices.sort(key=lambda a: (not a.get("urgent"), not a.get("pinned")))  # urgent and pinned ahead (stable)
    return communities, street_notices


def write_portal(street: Street, site: Path, as_of: datetime) -> None:
    """The street portal, written through the one writer, with the site marker."""
    import jinja2

    from generator.output import Owner, SiteWriter, mark_site
    from generator.timeutil import beijing

    communities, notices = portal_data(street, site)
    templates = street.settings.templates_dir / "street"
    if not (templates / "portal.html").is_file():
        templates = PACKAGE_TEMPLATES / "street"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True)
    env.filters["href"] = lambda url: quote(url, safe="/#?=&")
    html = env.get_template("portal.html").render(
        office=street.office, site_name=street.settings.site_name, communities=communities, notices=notices,
        as_of=beijing(as_of, "minute"), contact=street.settings.contact, beian=street.settings.beian,
        police_beian=street.settings.police_beian)
    writer = SiteWriter(site, previous={})  # {}: a file there already is replaced by a new one, never written into
    writer.write_text(urls.PORTAL, html, Owner("街道总页面（各社区公告栏的入口）"))
    mark_site(writer)


def print_progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

