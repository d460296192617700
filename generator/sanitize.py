"""Raw HTML in articles: a safe subset passes, anything that could run script is removed.

The kiosk runs unattended in a public place, so nothing from content may execute. Removal
is done by nh3 (the maintained ammonia sanitizer) on the rendered HTML; `find_unsafe_html`
only names what will be removed, with its line, so staff get a warning.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

from generator.links import feed_html, html_outside_code

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "input",
                  "button", "textarea", "select", "frame", "frameset", "applet", "svg", "math", "template",
                  "noscript", "audio", "video", "source", "canvas", "portal"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data"}

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "details", "summary", "mark", "ruby", "rt", "rp",
                                         "section", "span", "div", "time"}
ALLOWED_ATTRS: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir"},
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


def picture_data_url(tag: str, attr: str, value: str) -> bool:
    """The one `data:` URL allowed: a picture in an image (not SVG, which can carry script)."""
    value = value.strip().lower()
    return tag == "img" and attr == "src" and value.startswith("data:image/") and not value.startswith("data:image/svg")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """`data:` URLs only for images' pictures; a link still ending in .md after MkDocs resolved the
    links points at an article that is not published: drop the link, keep its text."""
    if tag == "a" and attr == "href" and value.split("#", 1)[0].lower().endswith(".md"):
        return None
    if value.strip().lower().startswith("data:"):
        return value if picture_data_url(tag, attr, value) else None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=SCHEMES,
                     attribute_filter=_attribute_filter, filter_style_properties={"text-align"},
                     link_rel="noopener noreferrer", strip_comments=True)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in DANGEROUS_TAGS:
            self.found.append((line, f"<{tag}> 标签"))
            return
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.found.append((line, f"<{tag}> 里的 {name} 脚本属性"))
            elif name in URL_ATTRS and value.startswith(("javascript:", "vbscript:")):
                self.found.append((line, f"<{tag}> 里的 javascript: 链接"))
            elif name in URL_ATTRS and value.startswith("data:") and not picture_data_url(tag, name, value):
                self.found.append((line, f"<{tag}> 里的 data: 链接"))
            elif name == "style" and tag not in ("td", "th"):
                self.found.append((line, f"<{tag}> 里的 style 样式"))


def find_unsafe_html(body: str) -> list[tuple[int, str]]:
    """(line in body, what) for each piece of raw HTML that the sanitizer will remove."""
    finder = _Finder()
    feed_html(finder, html_outside_code(body))
    found = finder.found
    # Markdown links can carry a javascript: target as well
    from generator.links import extract_links

    for link in extract_links(body):
        target = link.target.strip().lower()
        if target.startswith(("javascript:", "vbscript:")):
            found.append((link.line, "javascript: 链接"))
        elif target.startswith("data:") and not (link.image and picture_data_url("img", "src", target)):
            found.append((link.line, "data: 链接"))
    return sorted(set(found))
