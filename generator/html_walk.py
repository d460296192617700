"""Walking an article's HTML: the one base for every reader of it (the one body parse, the search text,
poster and share blocks, the WeChat copy), so what HTML is for all of them is decided here once:
which elements are void, which start a new block of text, which hold text a reader never sees as the
text itself, and how a stray `<![` is read.

Python's own html.parser, not BeautifulSoup or lxml: one streaming pass with no tree over HTML we
rendered ourselves, no new dependency, and (with the one case handled below) it never raises.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Self

# Elements with no end tag: nothing inside them to track.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})
# Elements whose start or end breaks the text: a new line in the search text, a new block for the checks.
BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "pre", "dt", "dd", "blockquote",
                    "div", "table", "tr", "ul", "ol", "summary", "details", "figcaption", "section", "br", "hr"})
# The tokens of the text walked last with keep=True in this process: (text, handler calls), see _replay.
_LAST: tuple[str, list[tuple]] | None = None
KEEP_LIMIT = 200_000  # characters: a longer (pasted, hostile) text is not kept
# Elements whose text is never shown as the text itself (ruby annotations are read apart, see hidden_text).
HIDDEN = frozenset({"script", "style", "rt", "rp", "template", "noscript", "title"})


class Walker(HTMLParser):
    """One pass over HTML. Subclasses override `start`, `end` and `text` (and `hidden_text` if they
    want the text inside HIDDEN elements); `self.hidden` says how deep inside such elements we are."""

    hidden_tags: frozenset[str] = HIDDEN

    replays = False  # True: may be given the tokens of a text walked just before (needs no parser state)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self._tokens: list[tuple] | None = None

    def walk(self, html: str, *, keep: bool = False) -> Self:
        """Walk html; keep=True keeps its tokens for the next walker of the same text (a `replays` one)."""
        global _LAST
        last = _LAST
        if self.replays and last is not None and (last[0] is html or last[0] == html):
            return self._replay(last[1])
        if keep and len(html) <= KEEP_LIMIT:
            self._tokens = []
        self.feed(html)
        self.close()
        if self._tokens is not None:
            _LAST, self._tokens = (html, self._tokens), None
        return self

    def _replay(self, tokens: list[tuple]) -> Self:
        """The handler calls that walking the same text made, in order (html.parser's tokenizer is pure
        Python and half the cost of a walk; the check pool walks each body, then its WeChat copy)."""
        for kind, *args in tokens:
            if kind == "start":
                self._HTMLParser__starttag_text = args[2]  # what get_starttag_text() gives
                self.handle_starttag(args[0], args[1])
            elif kind == "startend":
                self._HTMLParser__starttag_text = args[2]
                self.handle_startendtag(args[0], args[1])
            elif kind == "end":
                self.handle_endtag(args[0])
            else:
                self.handle_data(args[0])
        return self

    # -- hooks --------------------------------------------------------------------------------
    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An element opens (a void element such as <img> or <br> only opens)."""

    def end(self, tag: str) -> None:
        """An element closes."""

    def text(self, data: str) -> None:
        """Text a reader sees (character references already decoded)."""

    def hidden_text(self, data: str) -> None:
        """Text inside a HIDDEN element: dropped unless a walker wants it."""

    # -- html.parser's callbacks, routed once -------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._tokens is not None:
            self._tokens.append(("start", tag, attrs, self.get_starttag_text()))
        self.start(tag, attrs)
        if tag in self.hidden_tags and tag not in VOID:
            self.hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """`<br />`: a start and, unless the element is void, its end at once (nothing hidden inside)."""
        if self._tokens is not None:
            self._tokens.append(("startend", tag, attrs, self.get_starttag_text()))
        self.start(tag, attrs)
        if tag not in VOID:
            self.end(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._tokens is not None:
            self._tokens.append(("end", tag))
        if tag in self.hidden_tags and self.hidden:
            self.hidden -= 1
        self.end(tag)

    def handle_data(self, data: str) -> None:
        if self._tokens is not None:
            self._tokens.append(("data", data))
        if self.hidden:
            self.hidden_text(data)
        else:
            self.text(data)

    def parse_html_declaration(self, i: int) -> int:
        """`<![x` and the like make the standard parser raise; read them as the text they are."""
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            self.handle_data(self.rawdata[i:i + 2])
            return i + 2
