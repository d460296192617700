"""Every URL and output path of the site, in one place.

URLs are relative to the site root and not percent-encoded (board.json form); a page's file
is its URL + `index.html`.
"""

from __future__ import annotations

HOME = ""
ARCHIVE = "archive/"
TAGS = "tags/"
SEARCH_PAGE = "search/"
SEARCH_DATA = "search/data/"
KIOSK = "kiosk/"
KIOSK_WORKER = "kiosk/sw.js"  # one name for good: browsers look for the service worker's updates at it
POSTERS = "posters/"
PRINT_PACK = "posters/print-pack.pdf"
BOARD_JSON = "board.json"
FEED = "feed.xml"
CALENDAR = "calendar.ics"
THEME_ASSETS = "assets/"  # the theme's styles, scripts, icons and fonts
RENDERER_FILES = ("404.html", "sitemap.xml", "sitemap.xml.gz")  # written by MkDocs itself
SHORT = "s/"
SHARES = "shares/"
WECHAT = "wechat/"


def page_file(url: str) -> str:
    """The file a page URL is served from."""
    return url + "index.html"


def section_url(section: str) -> str:
    return f"{section}/"


def article_url(section: str, slug: str) -> str:
    return f"{section}/{slug}/"


def numbered_page(first_url: str, number: int) -> str:
    """Page `number` of a paginated list (page 1 is the list's own URL)."""
    return first_url if number == 1 else f"{first_url}page/{number}/"


def tag_url(tag: str) -> str:
    return f"{TAGS}{tag}/"


def category_url(key: str) -> str:
    return f"category/{key}/"


def month_url(month: str) -> str:
    """month is YYYY-MM."""
    return f"{ARCHIVE}{month}/"


def poster_path(slug: str) -> str:
    return f"{POSTERS}{slug}.pdf"


def kiosk_file(name: str) -> str:
    return f"{KIOSK}{name}"


def kiosk_qr(slug: str) -> str:
    return f"{KIOSK}qr/{slug}.svg"


def short_url(code: str) -> str:
    return f"{SHORT}{code}/"


def share_path(slug: str) -> str:
    return f"{SHARES}{slug}.png"


def wechat_path(slug: str) -> str:
    return f"{WECHAT}{slug}.html"


def wechat_qr(slug: str) -> str:
    """The QR code staff upload into the official account's article (it links back to the article)."""
    return f"{WECHAT}{slug}.qr.png"


def asset_path(src_uri: str) -> str:
    """A file beside the articles keeps its place under content/."""
    return src_uri


# -- a street project (generator/street.py) -------------------------------------------------------
STREET_FILES = "street/"  # in each community's site: the pictures and attachments of the street's articles
PORTAL = "index.html"  # the street portal, at the root of the street's site folder


def community_url(community_id: str) -> str:
    """A community's site inside the street's site folder."""
    return f"{community_id}/"
