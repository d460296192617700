"""Short URLs `s/<code>/`: one code per article, the same in every later build, never reused.

A poster on the wall outlives many builds, so its QR code must lead to the article for as long
as the article is published. The code is derived from the slug alone (a hash), so it does not
depend on the title, the date, the other articles, the build order or the cache; a registry
committed in the project (`short-urls.txt`, beside mkdocs.yml) records every code ever given, so
that a hash collision gives the newcomer a longer code, a code whose article was deleted is
never given to another, and a code a person added by hand (after renaming a file) keeps working.

Written here because no maintained library does "stable short codes with a never-reuse
registry"; the hash is the standard library's.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from generator import urls
from generator.messages import Report

REGISTRY = "short-urls.txt"
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud or typed from a poster; lower case for case-blind file systems
LENGTH = 5  # 31**5 = 28.6 million codes: a collision is rare even for thousands of articles
MAX_LENGTH = 12
HEADER = (
    "# 短网址登记表（海报、电子屏二维码里的 s/短码/）。由 board build 自动添加，请和文章一起保存、提交。\n"
    "# 每行：短码 空格 网址名（文章的 slug）。已经登记的行不要删除、不要改短码：旧海报上的二维码靠它打开文章。\n"
    "# 文章改了文件名，想让旧海报的二维码继续有效：把旧网址名那一行的网址名改成新的（一篇文章可以有几个短码）。\n"
)


def _key(slug: str) -> str:
    """Slugs compare as file systems compare them (NFC, case-blind), as the output writer does."""
    return unicodedata.normalize("NFC", slug).casefold()


def candidate(slug: str, length: int = LENGTH) -> str:
    """The code a slug gets when no other slug holds it: the first `length` base-31 digits of its SHA-256."""
    number = int.from_bytes(hashlib.sha256(_key(slug).encode("utf-8")).digest(), "big")
    digits = []
    for _ in range(length):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(digits)


def valid_code(code: str) -> bool:
    return 1 <= len(code) <= MAX_LENGTH and all(c in ALPHABET for c in code)


@dataclass
class Registry:
    """Every code ever given (code -> slug), in the order given; `path` may not exist yet."""

    path: Path
    codes: dict[str, str] = field(default_factory=dict)
    added: list[tuple[str, str]] = field(default_factory=list)  # (code, slug) given in this build
    # key -> its codes, for `codes` as it was when made: asking each slug in turn stays linear, not quadratic
    _index: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    _mark: tuple[int, int] = field(default=(0, -1), repr=False, compare=False)

    def _by_key(self) -> dict[str, list[str]]:
        mark = (id(self.codes), len(self.codes))
        if self._mark != mark:  # codes replaced or changed from outside: index again
            index: dict[str, list[str]] = {}
            for code, owner in self.codes.items():
                index.setdefault(_key(owner), []).append(code)
            self._index, self._mark = index, mark
        return self._index

    def codes_of(self, slug: str) -> list[str]:
        return list(self._by_key().get(_key(slug), ()))

    def give(self, slug: str) -> str:
        """The slug's code: its first registered one, else the shortest free prefix of its hash."""
        held = self.codes_of(slug)
        if held:
            return held[0]
        for length in range(LENGTH, MAX_LENGTH + 1):
            code = candidate(slug, length)
            if code not in self.codes:
                index = self._by_key()
                self.codes[code] = slug
                index.setdefault(_key(slug), []).append(code)
                self._mark = (id(self.codes), len(self.codes))
                self.added.append((code, slug))
                return code
        raise RuntimeError("short code space exhausted")  # 31**12 codes: cannot happen


def read_registry(project_root: Path, report: Report, shown: str = REGISTRY) -> Registry:
    """The project's registry; a line that cannot be read is a warning and is kept as it is.
    `shown`: how messages name it (a community of a street: communities/<id>/short-urls.txt)."""
    path = project_root / REGISTRY
    registry = Registry(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return registry
    except (OSError, UnicodeDecodeError):
        report.error(shown, 1, f"短网址登记表 {shown} 读不出来（不是 UTF-8 文本，或没有读取权限）。"
                     "请从版本库或备份里恢复这个文件，不要删除它：旧海报上的二维码靠它打开文章。",
                     code="shorturl.registry_unreadable")
        registry.path = None  # type: ignore[assignment]  # never overwrite a file we could not read
        return registry
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or not valid_code(parts[0]):
            report.warning(shown, number, f"这一行看不懂：“{line}”。每行应是“短码 网址名”，短码只用 {ALPHABET} 这些字符。"
                           "这一行不起作用；请改正或在行首加 # 。", code="shorturl.registry_line")
            continue
        code, slug = parts
        if code in registry.codes and _key(registry.codes[code]) != _key(slug):
            report.warning(shown, number, f"短码 {code} 登记了两次（另一次是“{registry.codes[code]}”），"
                           "只有第一次起作用。请删掉这一行。", code="shorturl.registry_duplicate")
            continue
        registry.codes.setdefault(code, slug)
    return registry


@dataclass
class ShortUrls:
    """The board's codes: `code_of` every article's (slug -> code), and `pages` every code to
    write a redirect for (code -> slug): all registered codes of published articles, and in a
    preview the drafts' codes too."""

    registry: Registry
    code_of: dict[str, str]
    pages: dict[str, str]
    save: bool  # False in a preview: drafts shown as current are not given codes for good


def assign(registry: Registry, published: list[str], others: list[str], *, preview: bool = False) -> ShortUrls:
    """New published slugs are given codes in sorted order (so two machines give the same codes),
    then the others (drafts and scheduled articles), which are not registered: they get their
    code for good when they are published (the same one, unless another article took it first)."""
    code_of = {slug: registry.give(slug) for slug in sorted(published, key=_key)}
    live = {_key(slug) for slug in published}
    pages = {code: slug for code, slug in registry.codes.items() if _key(slug) in live}
    registered, added = dict(registry.codes), list(registry.added)
    for slug in sorted(others, key=_key):
        if slug not in code_of:
            code_of[slug] = registry.give(slug)
            if preview:
                pages[code_of[slug]] = slug
    registry.codes, registry.added = registered, added
    # a code added by hand points at the slug as written in the registry: map it to the article's own
    by_key = {_key(slug): slug for slug in code_of}
    pages = {code: by_key.get(_key(slug), slug) for code, slug in pages.items()}
    return ShortUrls(registry, code_of, pages, save=not preview)


def save_registry(registry: Registry) -> None:
    """Append this build's new codes. Re-read first (another build may have added some) and
    replace the file in one step, so a crash never leaves half a registry."""
    if not registry.added or registry.path is None:
        return
    path = registry.path
    try:
        old = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        old = HEADER
    known = set()
    for line in old.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and not parts[0].startswith("#"):
            known.add(parts[0])
    new = [f"{code} {slug}\n" for code, slug in registry.added if code not in known]
    if not new:
        return
    if old and not old.endswith("\n"):
        old += "\n"
    fd, tmp = tempfile.mkstemp(prefix=".short-urls-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(old + "".join(new))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    registry.added = []


def redirect_page(templates_dir: Path, target_url: str, absolute: str | None, title: str) -> str:
    """A page that sends the reader on to the article without JavaScript (meta refresh), with a
    link to tap if the browser does not, and the article as canonical. The link is relative
    (`../../` + the article's URL), so the page works in any folder the site is served from."""
    from urllib.parse import quote

    href = "../../" + quote(target_url, safe="/")
    return _templates(str(templates_dir / "short")).get_template("redirect.html").render(
        href=href, canonical=absolute or href, title=title)


@lru_cache(maxsize=8)
def _templates(folder: str):
    """One environment per folder: the template is compiled once, not once per page (Jinja still
    reloads it when the file changes)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))


def write_short_urls(plan, writer) -> None:  # (SitePlan, SiteWriter): imported late, they import this module's users
    """`s/<code>/index.html` for every code of a published article (the registry is saved by save_new_codes)."""
    from generator.buildcache import code_version, digest, tree_digest
    from generator.output.claims import SHORT

    board = plan.board
    short = board.short
    if short is None:
        return
    by_slug = {a.slug: a for a in board.published}
    settings = board.settings
    templates = settings.templates_dir
    # what every redirect page depends on besides its own fields: the board's code and the template
    shared = digest("short", code_version(), tree_digest(templates / "short"))
    for code, slug in sorted(short.pages.items()):
        article = by_slug.get(slug)
        if article is None:
            continue
        path = urls.page_file(urls.short_url(code))
        absolute = settings.full_url(article.url)
        key = "short:" + digest(shared, path, article.url, absolute, article.title)[:32]
        if writer.keep_made(key, SHORT):  # an earlier build's page of the same inputs is still there
            continue
        page = redirect_page(templates, article.url, absolute, article.title)
        writer.write_bytes(path, page.encode("utf-8"), SHORT, key=key)


def save_new_codes(plan) -> None:  # (SitePlan)
    """The registry's new lines, once every page is written (a render child may still be rendering when
    write_short_urls runs): a build that fails before this gives no code for good."""
    short = plan.board.short
    if short is not None and short.save:
        save_registry(short.registry)
