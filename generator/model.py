"""The article as the rest of the pipeline sees it, after every check has passed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from generator import urls


class Status(str, Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CURRENT = "current"
    EXPIRED = "expired"

    @property
    def published(self) -> bool:
        return self in (Status.CURRENT, Status.EXPIRED)


class ArticleType(NamedTuple):
    label: str  # Chinese name, accepted as the front matter value too
    section: str  # URL folder of its pages and section listing


# The four article types: every list of types (checks, plan, posters, kiosk, templates, help) reads this.
TYPES: dict[str, ArticleType] = {
    "notice": ArticleType("通知公告", "notices"),
    "story": ArticleType("道德模范", "stories"),
    "science": ArticleType("科普知识", "science"),
    "law": ArticleType("法治宣传", "law"),
}
TYPE_BY_LABEL = {t.label: key for key, t in TYPES.items()}


def has_words(text: str) -> bool:
    """True when `text` has a letter or digit of any script; emoji, symbols and punctuation alone are no words
    (a title of them prints as a blank or a row of marks where a sheet's headline goes)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)

# The six areas of the community plan: key -> Chinese label.
CATEGORIES: dict[str, str] = {
    "education": "社区教育",
    "culture": "社区文化",
    "service": "社区服务",
    "safety": "社区治安",
    "environment": "社区环境",
    "governance": "社区管理",
}
CATEGORY_BY_LABEL = {label: key for key, label in CATEGORIES.items()}

# Files beside articles, by suffix: the format each picture name promises (images.py writes it in
# that format from its pixels), which are pictures (a cover must be one; SVG goes through svg.py),
# and which are published at all (anything else, such as notes, .orig backups or Word's lock files,
# stays out of the site).
PICTURE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
IMAGE_SUFFIXES = frozenset(PICTURE_FORMATS) | {".svg"}
ASSET_SUFFIXES = IMAGE_SUFFIXES | {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".mp3", ".mp4"}


def type_key(text: str) -> str | None:
    """The type a staff member meant: its key or its Chinese label (notice / 通知公告), else None."""
    return text if text in TYPES else TYPE_BY_LABEL.get(text)


def category_key(text: str) -> str | None:
    """The category meant: its key or its Chinese label (environment / 社区环境), else None."""
    return text if text in CATEGORIES else CATEGORY_BY_LABEL.get(text)


def types_text() -> str:
    """notice 通知公告、story 道德模范…: the choices as staff read them in help and messages."""
    return "、".join(f"{key} {t.label}" for key, t in TYPES.items())


POSTER_SIZES = ("A4", "A3")
POSTER_ORIENTATIONS = ("portrait", "landscape")


@dataclass(frozen=True)
class Event:
    start: datetime
    end: datetime | None = None
    location: str | None = None


@dataclass(frozen=True)
class PosterOptions:
    enabled: bool = True
    size: str = "A4"
    orientation: str = "portrait"


@dataclass
class Article:
    """A checked article. `source` is relative to the project root, `src_uri` to content/."""

    source: str
    src_uri: str
    path: Path
    slug: str
    title: str
    type: str
    date: datetime
    body: str
    summary: str
    body_html: str = ""  # the body as published (the one parse, sanitized): posters read it
    minutes: int = 1  # reading time
    expires: datetime | None = None
    author: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    cover: str | None = None  # path relative to content/, '/'-separated
    pinned: bool = False
    urgent: bool = False
    draft: bool = False
    event: Event | None = None
    poster: PosterOptions = field(default_factory=PosterOptions)
    consent: bool = False
    editor: str | None = None  # who wrote it (the desk writes it)
    approved_by: str | None = None  # who approved it when review is on (the desk writes it)
    share: bool = True  # front matter `share: false`: no share picture for WeChat
    status: Status = Status.CURRENT
    article_links: tuple[tuple[int, str, str], ...] = ()  # (file line, as written, target src_uri)
    assets: tuple[str, ...] = ()  # files it uses (cover, images, attachments), relative to content/
    slug_line: int = 1  # line of `slug:` (1 when the slug is the file name)
    short_code: str = ""  # its short URL's code, the same in every build (generator.shorturls)
    from_street: bool = False  # a street office's article shown in a community (generator/street.py)
    # The page as the one parse rendered it (generator.markdown_ext.PageParts), for the MkDocs plugin; a
    # function of `body`, so left out of repr (the incremental fingerprints) and of comparisons.
    page: object | None = field(default=None, repr=False, compare=False)
    # The body's text as search reads it (generator.body.html_to_text of body_html), made
    # with the parse (in the check's process pool); also a function of `body`.
    text: str = field(default="", repr=False, compare=False)
    # What generator.products made ahead from it in the check's worker pool (kind -> (made for, ...));
    # a function of the fields above and the settings, so left out of repr and comparisons too.
    products: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def type_label(self) -> str:
        return TYPES[self.type].label

    @property
    def section(self) -> str:
        return TYPES[self.type].section

    @property
    def category_label(self) -> str | None:
        return CATEGORIES.get(self.category) if self.category else None

    @property
    def url(self) -> str:
        """Page URL relative to the site root, not percent-encoded (board.json form)."""
        return urls.article_url(self.section, self.slug)

    @property
    def dest_uri(self) -> str:
        return urls.page_file(self.url)

    @property
    def short_url(self) -> str:
        """`s/<code>/`, relative to the site root: what QR codes and "copy link" point at."""
        return urls.short_url(self.short_code)

    @property
    def has_poster(self) -> bool:
        return self.status is Status.CURRENT and self.poster.enabled

    @property
    def has_share(self) -> bool:
        """A share picture is made for current articles unless `share: false`."""
        return self.status is Status.CURRENT and self.share

    @property
    def poster_path(self) -> str | None:
        return urls.poster_path(self.slug) if self.has_poster else None
