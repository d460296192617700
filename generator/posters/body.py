"""Article Markdown -> a small list of blocks that a poster template can lay out.

The body reaches Typst as JSON data, never as Typst source, so nothing an
article contains can act as Typst code. We read the HTML of the body's one
parse (`generator.body`: the site's own parser and extensions, sanitized),
and keep only what a printed sheet needs:
headings, paragraphs, list items, table rows. Images, raw HTML tags and
scripts are dropped; links become their text.

A block is a dict:
  {"k": "h", "level": 2, "runs": [...]}
  {"k": "p", "runs": [...]}               (also "q"/"a" for 问/答 in law)
  {"k": "li", "ordered": bool, "num": 3, "depth": 0, "runs": [...]}
  {"k": "table", "rows": [[cell, ...], ...], "head": bool}
A run is a string (plain) or ["text", 1] (bold).
"""

from __future__ import annotations

import re
from generator.html_walk import Walker
from generator.summary import join_lines

_BR = "\x00"  # a hard line break (<br>) survives cleaning as this marker
_QA = re.compile(r"^\s*(问|答|Q|A)\s*[：:]\s*")
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre", "dt", "dd"}  # each a poster block


def _clean(text: str) -> str:
    """Join soft line breaks the way a Chinese reader expects: no space
    next to a CJK character, one space elsewhere (kept at the ends)."""
    joined = join_lines(text)
    if joined and text[:1].isspace():
        joined = " " + joined
    if joined and text[-1:].isspace():
        joined += " "
    return joined


class _Walker(Walker):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[dict] = []
        self.runs: list[list] = []  # [text, bold] while inside a block
        self.tag: str | None = None  # block tag collecting runs
        self.bold = 0
        self.lists: list[list] = []  # stack of [ordered, counter]
        self.table: list[list[str]] | None = None
        self.row: list[str] | None = None
        self.head = False

    # -- blocks ---------------------------------------------------------
    def _start_block(self, tag: str) -> None:
        if self.tag is not None:  # e.g. <p> inside <li>: keep collecting
            return
        self.tag, self.runs = tag, []

    def _end_block(self, tag: str) -> None:
        if self.tag != tag:
            return
        runs = _merge(self.runs)
        self.tag, self.runs = None, []
        if not runs:
            if tag in ("td", "th") and self.row is not None:
                self.row.append("")
            return
        if tag in ("td", "th"):
            if self.row is not None:
                self.row.append(_plain(runs))
            return
        if tag.startswith("h") and len(tag) == 2:
            self.blocks.append({"k": "h", "level": int(tag[1]), "runs": runs})
        elif tag == "li":
            ordered, num = self.lists[-1] if self.lists else (False, 0)
            self.blocks.append({"k": "li", "ordered": ordered, "num": num,
                                "depth": max(len(self.lists) - 1, 0), "runs": runs})
        else:
            self.blocks.append({"k": "p", "runs": runs})

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden:
            return
        if tag in ("ul", "ol"):
            if self.tag == "li":  # nested list: flush the parent item first
                self._end_block("li")
            start = dict(attrs).get("start")
            self.lists.append([tag == "ol", int(start) - 1 if start and start.isdigit() else 0])
        elif tag == "li":
            if self.lists:
                self.lists[-1][1] += 1
            self._start_block("li")
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag == "table":
            self.table, self.head = [], False
        elif tag == "tr":
            self.row = []
        elif tag == "th":
            self.head = True
            self._start_block(tag)
        elif tag in _BLOCK_TAGS:
            self._start_block(tag)
        elif tag == "br" and self.tag is not None:
            self.runs.append([_BR, 0])

    def end(self, tag: str) -> None:
        if self.hidden:
            return
        if tag in ("ul", "ol"):
            if self.tag == "li":
                self._end_block("li")
            if self.lists:
                self.lists.pop()
        elif tag in ("strong", "b"):
            self.bold = max(self.bold - 1, 0)
        elif tag == "tr":
            if self.table is not None and self.row:
                self.table.append(self.row)
            self.row = None
        elif tag == "table":
            if self.table:
                width = max(len(r) for r in self.table)
                rows = [r + [""] * (width - len(r)) for r in self.table]
                self.blocks.append({"k": "table", "rows": rows, "head": self.head})
            self.table = None
        elif tag in _BLOCK_TAGS:
            self._end_block(tag)

    def text(self, data: str) -> None:
        if self.tag is None:
            if not data.strip() or self.table is not None:
                return
            # loose text outside any block (raw HTML like <div>text</div>)
            self.blocks.append({"k": "p", "runs": _merge([[data, 0]])})
            return
        self.runs.append([data, 1 if self.bold else 0])


def _merge(runs: list[list]) -> list:
    """Clean text, join neighbours of the same weight, drop empties; a plain
    run becomes a bare string to keep the JSON small."""
    out: list[list] = []
    for text, bold in runs:
        if out and out[-1][1] == bold:
            out[-1][0] += text
        else:
            out.append([text, bold])
    result: list = []
    for i, (text, bold) in enumerate(out):
        text = "\n".join(_clean(p) for p in text.split(_BR))
        if i == 0:
            text = text.lstrip()
        if i == len(out) - 1:
            text = text.rstrip()
        if text:
            result.append([text, 1] if bold else text)
    return result


def _plain(runs: list) -> str:
    return "".join(r if isinstance(r, str) else r[0] for r in runs)


def blocks_from_markdown(md: str, kind: str = "") -> list[dict]:
    """Parse an article body (with the one body parser) into poster blocks (see module doc)."""
    from generator.body import parse_body

    return blocks_from_html(parse_body(md).safe_html, kind)


def blocks_from_html(html: str, kind: str = "") -> list[dict]:
    """The published HTML of a body -> poster blocks (see module doc)."""
    blocks = _Walker().walk(html).blocks
    if kind == "law":
        blocks = [_qa(b) for b in blocks]
    return blocks


def _qa(block: dict) -> dict:
    """Mark 问：/答： paragraphs (also Q:/A:) so the law template can style a
    question-and-answer article; the marker itself is drawn by the template."""
    if block["k"] != "p" or not block["runs"]:
        return block
    first = block["runs"][0]
    text = first if isinstance(first, str) else first[0]
    m = _QA.match(text)
    if not m:
        return block
    role = "q" if m.group(1) in ("问", "Q") else "a"
    rest = text[m.end():]
    runs = list(block["runs"])
    if rest:
        runs[0] = rest if isinstance(first, str) else [rest, 1]
    else:
        runs = runs[1:]
        if runs and isinstance(runs[0], str):
            runs[0] = runs[0].lstrip("：: ")
        elif runs:
            runs[0] = [runs[0][0].lstrip("：: "), 1]
    return {"k": role, "runs": [r for r in runs if (r if isinstance(r, str) else r[0])]}


def block_text(block: dict) -> str:
    """The visible text of a block (for length budgets and tests)."""
    if block["k"] == "table":
        return "\n".join(" ".join(r) for r in block["rows"])
    return _plain(block["runs"])
