"""An article body, parsed once with the site's own Markdown parser; every body rule reads the result.

`parse_body` renders the body with Python-Markdown exactly as the site does (`generator.markdown_ext`)
and walks the HTML once, collecting what the rules need: links and images, raw HTML that the
sanitizer will remove, the published text block by block (for privacy), the first real paragraph
(summary) and the reading time. Code is code here as on the page: an image shown in inline or
indented code is text, not a reference.

Python-Markdown keeps no source positions, so lines are found by searching each text and target in
the source, moving forward only (document order), with a bounded number of failed searches.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from generator.html_walk import BLOCKS, VOID, Walker
from generator.markdown_ext import PageParts, page_source, render_page
from generator.sanitize import UnsafeFinder, sanitize_html
from generator.summary import join_lines

MAX_DEPTH = 16  # lists and quotes nested deeper than this are a paste accident (and Python-Markdown recurses)
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")  # counted by what is left without the rest: no list of every character
_WORD = re.compile(r"[A-Za-z0-9]+")
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]|[?!]{3}\+?[ \t])")
_NOT_SUMMARY = {"li", "blockquote", "table", "pre", "details", "figure", "dl", "div!"}  # a summary is a plain paragraph


@dataclass(frozen=True)
class Link:
    target: str
    line: int  # line within the body, 1-based
    image: bool
    text: str  # link text or alt text


@dataclass(frozen=True)
class TextBlock:
    """Published text of one block (paragraph, list item, cell...), with the body line of each piece."""

    text: str
    starts: tuple[int, ...]  # offsets in text where a piece starts
    lines: tuple[int, ...]  # body line of each piece

    def line_at(self, offset: int) -> int:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[max(index, 0)] + self.text.count("\n", self.starts[max(index, 0)], offset)


@dataclass
class ParsedBody:
    html: str = ""  # as Python-Markdown renders it (before sanitizing)
    safe_html: str = ""  # as published
    links: list[Link] = field(default_factory=list)
    unsafe: list[tuple[int, str, str]] = field(default_factory=list)  # (line, what, code)
    blocks: list[TextBlock] = field(default_factory=list)  # published text, block by block
    attributes: list[TextBlock] = field(default_factory=list)  # published attribute values (alt, href...)
    summary: str = ""  # the first real paragraph, whole
    text: str = ""  # all published text
    search_text: str = ""  # html_to_text(safe_html), from the same walk
    problem: tuple[int, str] | None = None  # (line, what) when the body cannot be parsed
    page: PageParts | None = None  # what the site's page is filled from (None: MkDocs renders it again)

    @property
    def minutes(self) -> int:
        """Minutes to read: about 300 Chinese characters or 200 other words a minute."""
        return max(1, round(len(_NOT_CJK.sub("", self.text)) / 300 + len(_WORD.findall(self.text)) / 200))


def too_deep(body: str) -> int | None:
    """The body line where lists or quotes nest deeper than MAX_DEPTH, or None (linear scan)."""
    for number, line in enumerate(body.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if indent > 4 * MAX_DEPTH and line.strip():
            width = len(line[:indent].expandtabs(4))
            if width > 4 * MAX_DEPTH:
                return number
        depth, position = 0, 0
        while depth <= MAX_DEPTH:
            marker = _CONTAINER.match(line, position)
            if not marker:
                break
            depth, position = depth + 1, marker.end()
        if depth > MAX_DEPTH:
            return number
    return None


def parse_body(body: str) -> ParsedBody:
    """Render and read one body. Never raises for any text: a body it cannot read sets `problem`."""
    deep = too_deep(body)
    if deep is not None:
        return ParsedBody(problem=(deep, "nesting"))
    try:
        html, page = render_page(page_source(body))
    except RecursionError:
        return ParsedBody(problem=(1, "nesting"))
    safe_html = sanitize_html(html)
    written = _walk(body, html)  # what staff wrote: links, and what the sanitizer will remove
    # what readers get: text, attributes, summary (the same walk when the sanitizer changed nothing, as is usual)
    published = written if safe_html == html else _walk(body, safe_html)
    return ParsedBody(html=html, safe_html=safe_html, links=written.links, unsafe=written.finder.found,
                      blocks=published.blocks, attributes=published.attributes, summary=published.summary,
                      text="\n".join(b.text for b in published.blocks), search_text=_search_text(published.parts),
                      page=page)


def _walk(body: str, html: str) -> "_Walker":
    walker = _Walker(body).walk(html, keep=True)  # the WeChat copy walks the same HTML next (html_walk._replay)
    walker.finish()
    return walker


class _Locator:
    """Lines of rendered pieces, found by searching the source forward from the last piece found."""

    FAILURES = 64  # full searches allowed to fail; later ones look only a little ahead
    NEAR = 2000

    def __init__(self, source: str) -> None:
        self.source = source
        self.cursor = len(source) - len(source.lstrip())  # the first piece is on the first written line
        self.failures = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def line(self, position: int | None = None) -> int:
        return bisect.bisect_right(self.line_starts, self.cursor if position is None else position)

    def find(self, needle: str, *, advance: bool) -> int | None:
        if len(needle) < 2:
            return None
        limit = len(self.source) if self.failures < self.FAILURES else self.cursor + 8 * self.NEAR
        position = self.source.find(needle, self.cursor, limit)
        if position == -1:
            self.failures += 1
            return None
        if advance or position - self.cursor <= self.NEAR:
            self.cursor = position + len(needle)  # consumed: the next piece comes after it
        return position

    def next_line(self) -> None:
        """A block whose text is not in the source as written (entities, escapes): it starts on the
        next non-blank line at the latest."""
        back = max(0, self.cursor - self.NEAR)  # bounded: a line can be a megabyte long
        line_start = self.source.rfind("\n", back, self.cursor) + 1 or back
        if self.source[line_start:self.cursor].strip():  # something on this line was read already
            newline = self.source.find("\n", self.cursor)
            if newline == -1:
                return
            position = newline + 1
        else:
            position = self.cursor
        while position < len(self.source) and self.source[position] in " \t\n":
            position += 1
        self.cursor = min(position, len(self.source))

    def line_of(self, needle: str, *, advance: bool) -> int:
        position = self.find(needle, advance=advance)
        if position is None and "/" in needle:  # images/照片.jpg was written images\照片.jpg
            position = self.find(needle.replace("/", "\\"), advance=advance)
        return self.line(position)


class _Walker(Walker):
    """One pass over the rendered HTML: links, unsafe markup, published text, summary."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.locate = _Locator(source)
        self.finder = UnsafeFinder()
        self.links: list[Link] = []
        self.blocks: list[TextBlock] = []
        self.attributes: list[TextBlock] = []
        self.summary = ""
        self.open: list[str] = []  # open elements (for the summary's "plain paragraph" test)
        self.pieces: list[tuple[str, int]] = []  # current block's text pieces and their lines
        self.link_text: list[str] | None = None
        self.pending_link: tuple[str, int] | None = None
        self.paragraph: list[str] | None = None  # text of the <p> being read, while no summary yet
        self.parts: list[str] = []  # the search text's pieces, as _Text collects them (one walk, not two)

    # -- blocks ---------------------------------------------------------------------------
    def _flush(self) -> None:
        if not self.pieces:
            return
        text, starts, lines = "", [], []
        for piece, line in self.pieces:
            starts.append(len(text))
            lines.append(line)
            text += piece
        self.pieces = []
        if text.strip():
            self.blocks.append(TextBlock(text, tuple(starts), tuple(lines)))

    def _attribute_text(self, value: str, line: int) -> None:
        """Attribute values are published too (alt, title, link targets): checked as their own blocks."""
        if value.strip():
            self.attributes.append(TextBlock(value, (0,), (line,)))

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")
        values = {name: value or "" for name, value in attrs}
        raw = self.get_starttag_text() or ""
        found = self.finder.check(tag, attrs)
        if found:
            position = self.locate.find(raw, advance=False)
            for name in ("href", "src", "style", "class", "id"):  # a tag Markdown wrote: find what it holds
                for value in (values.get(name, "").split() if name == "class" else [values.get(name, "")]):
                    if position is None and value:
                        position = self.locate.find(value, advance=False)
            line = self.locate.line(position)
            self.finder.found.extend((line, what, code) for what, code in found)
        if tag in BLOCKS:
            self._flush()
        if values.get("title") and tag not in ("img", "a"):
            self._attribute_text(values["title"], self.locate.line_of(values["title"], advance=False))
        if tag == "img" and values.get("src"):
            line = self.locate.line_of(values["src"], advance=False)
            self.links.append(Link(values["src"], line, True, values.get("alt", "")))
            for key in ("src", "alt", "title"):
                self._attribute_text(unquote(values.get(key, "")) if key == "src" else values.get(key, ""), line)
        elif tag == "a" and values.get("href"):
            self.pending_link = (values["href"], values.get("title", ""))  # found after its text, as written
            self.link_text = []
        elif tag == "p" and not self.summary and not any(t in _NOT_SUMMARY for t in self.open) \
                and "admonition-title" not in values.get("class", ""):
            self.paragraph = []
        if tag not in VOID:
            boxed = tag == "div" and "admonition" in values.get("class", "")
            self.open.append("div!" if boxed else tag)  # div! : a note box, not the article's own text

    def end(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")
            self._flush()
        if tag == "a" and self.pending_link is not None:
            target, title = self.pending_link
            line = self.locate.line_of(target, advance=False)
            self.links.append(Link(target, line, False, "".join(self.link_text or [])))
            self._attribute_text(unquote(target), line)
            self._attribute_text(title, line)
            self.pending_link, self.link_text = None, None
        if tag == "p" and self.paragraph is not None:
            text = join_lines("".join(self.paragraph))
            self.paragraph = None
            if text and not (len(text) < 12 and text.endswith(("：", ":"))):  # not a greeting (各位居民：)
                self.summary = text
        if tag in self.open or tag + "!" in self.open:
            while self.open and self.open.pop() not in (tag, tag + "!"):
                pass

    def hidden_text(self, data: str) -> None:
        if self.open and self.open[-1] in ("rt", "rp") and data.strip():
            self._attribute_text(data, self.locate.line())  # ruby annotations: checked on their own

    def text(self, data: str) -> None:
        self.parts.append(data)
        stripped = data.strip()
        if stripped:
            needle = stripped.split("\n", 1)[0][:24]
            position = self.locate.find(needle, advance=True)
            line = self.locate.line(position) - (data[: data.find(needle)].count("\n") if position is not None else 0)
            if position is None:
                if not self.pieces and len(needle) >= 2:
                    self.locate.next_line()
                line = self.locate.line()
            self.pieces.append((data, max(line, 1)))
        elif self.pieces:
            self.pieces.append((data, self.locate.line()))
        if self.link_text is not None:
            self.link_text.append(data)
        if self.paragraph is not None:
            self.paragraph.append(data)

    def finish(self) -> None:
        self._flush()


class _Text(Walker):
    """Readable text of an article's HTML (what search indexes): block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def end(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def text(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    return _search_text(_Text().walk(html).parts)


def _search_text(parts: list[str]) -> str:
    text = "".join(parts).replace("\u00b6", "")  # drop heading permalink marks
    return re.sub(r"\n\s*\n+", "\n", re.sub(r"[ \t\u3000]+", " ", text)).strip()
