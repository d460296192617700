"""An article's first paragraph, split from the rest of its HTML, so the page shows the title and
the opening lines before the facts box (date, issuer, event): on a phone in the largest type the
first screen holds the article, not its metadata."""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = {"br", "img", "hr", "wbr", "input", "source", "col", "area", "meta", "link"}


LEAD_CHARS = 30  # a salutation ("各位居民朋友：") is not yet the opening lines
LEAD_PARAGRAPHS = 3


def split_lead(html: str) -> tuple[str, str]:
    """(the top-level paragraphs up to about LEAD_CHARS characters of text, the rest); ("", html)
    if the body starts with something else of substance (a table, a list)."""
    depth = 0
    paragraphs = 0
    for match in _TAG.finditer(html):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or selfclosing:
            continue
        if not closing:
            if depth == 0 and name not in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "div"):
                return (html[: match.start()], html[match.start():]) if paragraphs else ("", html)  # a list or table
            depth += 1
        else:
            depth -= 1
            if depth == 0 and name == "p":
                paragraphs += 1
                text = re.sub(r"<[^>]*>|\s", "", html[: match.end()])
                if len(text) >= LEAD_CHARS or paragraphs >= LEAD_PARAGRAPHS:
                    return html[: match.end()], html[match.end():]
            if depth < 0:
                return "", html
    return (html, "") if paragraphs else ("", html)
