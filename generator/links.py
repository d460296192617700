"""Links and images written in an article body: where they point, and whether that is allowed.

Extraction is deliberately simple (inline links, images, reference definitions and raw
`<a href>`/`<img src>`), skipping fenced and indented code; it finds what staff write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Iterator

_INLINE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\s*\)")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_FENCE = re.compile(r"^\s*(```|~~~)")
EXTERNAL = re.compile(r"^(https?:|mailto:|tel:|#)", re.I)


@dataclass(frozen=True)
class Link:
    target: str
    line: int  # line within the body, 1-based
    image: bool
    text: str  # link text or alt text


class _TagLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and values.get("src"):
            self.found.append((values["src"] or "", "img", self.getpos()[0], values.get("alt") or ""))
        elif tag == "a" and values.get("href"):
            self.found.append((values["href"] or "", "a", self.getpos()[0], ""))


def body_lines_outside_code(body: str) -> Iterator[tuple[int, str]]:
    fenced = False
    for number, line in enumerate(body.split("\n"), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def feed_html(parser: HTMLParser, html: str) -> None:
    """Feed the stdlib parser, which raises AssertionError on some malformed markup (`<![x`)."""
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        pass  # what was found before the bad markup still counts; nh3 cleans the rest


def html_outside_code(body: str) -> str:
    """The body with code blocks blanked, line numbers kept, for an HTML parser."""
    lines = [""] * (body.count("\n") + 1)
    for number, line in body_lines_outside_code(body):
        lines[number - 1] = line
    return "\n".join(lines)


def extract_links(body: str) -> list[Link]:
    links: list[Link] = []
    for number, line in body_lines_outside_code(body):
        for m in _INLINE.finditer(line):
            links.append(Link(m.group(3), number, m.group(1) == "!", m.group(2)))
        ref = _REFDEF.match(line)
        if ref:
            links.append(Link(ref.group(1), number, False, ""))
    parser = _TagLinks()
    feed_html(parser, html_outside_code(body))
    for target, tag, line, alt in parser.found:
        links.append(Link(target, line, tag == "img", alt))
    return links
