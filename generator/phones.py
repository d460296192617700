"""Registered public phone numbers (`public_phones`) become tappable `tel:` links for residents.

Only the numbers the community registered, so a private number in an article never gets a link;
written with or without separators ("0571-86001234", "0571 86001234", "057186001234").
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

_TAG = re.compile(r"(<[^>]*>)")


@lru_cache(maxsize=64)
def _pattern(phones: tuple[str, ...]) -> re.Pattern | None:
    alternatives = []
    for phone in phones:
        digits = re.sub(r"\D", "", phone)
        if len(digits) >= 3:
            alternatives.append(r"[-‐－\s]?".join(digits))
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<![\d])(?:" + "|".join(alternatives) + r")(?![\d])")


def _link(match: re.Match) -> str:
    number = match.group(0)
    return f'<a class="board-tel" href="tel:{re.sub(r"[^0-9+]", "", number)}">{number}</a>'


def tel_text(text: str, phones: tuple[str, ...]) -> Markup:
    """Plain text, escaped, with the registered numbers as links."""
    html = str(escape(text))
    pattern = _pattern(tuple(phones))
    return Markup(pattern.sub(_link, html) if pattern else html)


def tel_html(html: str, phones: tuple[str, ...]) -> str:
    """Sanitized article HTML with the registered numbers in its text (not already in a link) as links."""
    pattern = _pattern(tuple(phones))
    if pattern is None or pattern.search(html) is None:  # any number in a text is found in the whole too
        return html
    out, in_link = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name == "a":
                in_link += 1
            elif name == "/a":
                in_link = max(0, in_link - 1)
            out.append(part)
        else:
            out.append(part if in_link else pattern.sub(_link, part))
    return "".join(out)
