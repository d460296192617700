"""Raw HTML in articles: a safe subset passes, anything that could run script is removed.

The kiosk runs unattended in a public place, so nothing from content may execute. Removal
is done by nh3 (the maintained ammonia sanitizer) on the rendered HTML; `find_unsafe_html`
only names what will be removed, with its line, so staff get a warning.
"""

from __future__ import annotations

import re

import nh3

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "input",
                  "button", "textarea", "select", "frame", "frameset", "applet", "svg", "math", "template",
                  "noscript", "audio", "video", "source", "canvas", "portal"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data"}

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "details", "summary", "mark", "ruby", "rt", "rp",
                                         "section", "span", "div", "time"}
ALLOWED_ATTRS: dict[str, set[str]] = {
    "*": {"title", "lang", "dir"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "a": {"href", "hreflang", "name"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style", "scope"},
    "col": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "abbr": {"title"},
}
SCHEMES = {"http", "https", "mailto", "tel", "data"}
# Classes that the site's Markdown extensions write (admonitions, details, highlighted code); an article
# may not use any other, so it can never borrow the site's own look (board-urgent, md-*, kiosk-*).
ADMONITIONS = {"note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
               "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail",
               "missing", "danger", "error", "bug", "example", "quote", "cite", "inline", "end"}


def _token_classes() -> set[str]:
    try:
        from pygments.token import STANDARD_TYPES
    except ImportError:  # highlighting is optional for the site; without it code has no token classes
        return set()
    return {name for name in STANDARD_TYPES.values() if name}


ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": {"admonition", "highlight"} | ADMONITIONS,
    "p": {"admonition-title"},
    "details": ADMONITIONS,
    "span": _token_classes(),
    "code": set(),
}
_RESERVED_ID = re.compile(r"^(?:board|kiosk|md|__|search|header|footer|content|main|nav|toc)", re.I)


def picture_data_url(tag: str, attr: str, value: str) -> bool:
    """The one `data:` URL allowed: a picture in an image (not SVG, which can carry script)."""
    value = value.strip().lower()
    return tag == "img" and attr == "src" and value.startswith("data:image/") and not value.startswith("data:image/svg")


def external_picture(tag: str, attr: str, value: str) -> bool:
    """A picture loaded from another website: the site promises residents no outside loads."""
    value = value.strip().lower().replace("\\", "/")
    return tag == "img" and attr == "src" and (value.startswith(("http:", "https:", "//", "ftp:")))


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """`data:` URLs only for images' pictures; no picture from outside; ids only where the site cannot
    be imitated; a link still ending in .md after MkDocs resolved the links points at an article that
    is not published: drop the link, keep its text."""
    if tag == "a" and attr == "href" and value.split("#", 1)[0].lower().endswith(".md"):
        return None
    if attr == "id" and _RESERVED_ID.match(value.strip()):
        return None
    if external_picture(tag, attr, value):
        return None
    if value.strip().lower().startswith("data:"):
        return value if picture_data_url(tag, attr, value) else None
    return value


def _break_long_text(html: str, every: int = 200) -> str:
    """nh3 slows down more than linearly on a text holding many `&` (a pasted run of &amp;): an empty
    comment between them (removed by nh3 itself) keeps each text short. Only outside tags."""
    if html.count("&") < 5000:
        return html
    out: list[str] = []
    in_tag, quote, seen, start = False, "", 0, 0
    for i, c in enumerate(html):
        if in_tag:
            if quote:
                quote = "" if c == quote else quote
            elif c in "\"'":
                quote = c
            elif c == ">":
                in_tag = False
        elif c == "<":
            in_tag = True
        elif c == "&":
            seen += 1
            if seen % every == 0:
                out.append(html[start:i])
                out.append("<!---->")
                start = i
    out.append(html[start:])
    return "".join(out)


def sanitize_html(html: str) -> str:
    html = _break_long_text(html)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=SCHEMES,
                     attribute_filter=_attribute_filter, filter_style_properties={"text-align"},
                     link_rel="noopener noreferrer", strip_comments=True, allowed_classes=ALLOWED_CLASSES)


class UnsafeFinder:
    """Names what the sanitizer will remove from one tag, so staff get a warning with its line."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []  # (line, what, code), filled by the caller

    @staticmethod
    def check(tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
        if tag in DANGEROUS_TAGS:
            return [(f"<{tag}> 标签", "html.unsafe")]
        found: list[tuple[str, str]] = []
        for name, value in attrs:
            raw = value or ""
            value = raw.strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                found.append((f"<{tag}> 里的 {name} 脚本属性", "html.unsafe"))
            elif name in URL_ATTRS and value.startswith(("javascript:", "vbscript:")):
                found.append((f"<{tag}> 里的 javascript: 链接", "html.unsafe"))
            elif name in URL_ATTRS and value.startswith("data:") and not picture_data_url(tag, name, value):
                found.append((f"<{tag}> 里的 data: 链接", "html.unsafe"))
            elif external_picture(tag, name, value):
                found.append((f"外部网站的图片“{raw[:80]}”", "html.external_image"))
            elif name == "style" and tag not in ("td", "th"):
                found.append((f"<{tag}> 里的 style 样式", "html.unsafe"))
            elif name == "class" and set(value.split()) - ALLOWED_CLASSES.get(tag, set()):
                found.append((f"<{tag}> 里的 class=“{raw[:40]}”（会冒充网站自己的样式）", "html.site_class"))
            elif name == "id" and tag not in {"h1", "h2", "h3", "h4", "h5", "h6"}:  # headings' ids: from the titles
                found.append((f"<{tag}> 里的 id=“{raw[:40]}”", "html.site_class"))
        return found
