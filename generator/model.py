"""The article as the rest of the pipeline sees it, after every check has passed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path


class Status(str, Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CURRENT = "current"
    EXPIRED = "expired"

    @property
    def published(self) -> bool:
        return self in (Status.CURRENT, Status.EXPIRED)


# type key -> (Chinese label, URL section folder)
TYPES: dict[str, tuple[str, str]] = {
    "notice": ("通知公告", "notices"),
    "story": ("道德模范", "stories"),
    "science": ("科普知识", "science"),
    "law": ("法治宣传", "law"),
}

CATEGORIES: dict[str, str] = {
    "education": "社区教育",
    "culture": "社区文化",
    "service": "社区服务",
    "safety": "社区治安",
    "environment": "社区环境",
    "governance": "社区管理",
}

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
    status: Status = Status.CURRENT
    article_links: tuple[tuple[int, str, str], ...] = ()  # (file line, as written, target src_uri)
    assets: tuple[str, ...] = ()  # files it uses (cover, images, attachments), relative to content/

    @property
    def type_label(self) -> str:
        return TYPES[self.type][0]

    @property
    def section(self) -> str:
        return TYPES[self.type][1]

    @property
    def category_label(self) -> str | None:
        return CATEGORIES.get(self.category) if self.category else None

    @property
    def url(self) -> str:
        """Page URL relative to the site root, not percent-encoded (board.json form)."""
        return f"{self.section}/{self.slug}/"

    @property
    def dest_uri(self) -> str:
        return f"{self.section}/{self.slug}/index.html"

    @property
    def has_poster(self) -> bool:
        return self.status is Status.CURRENT and self.poster.enabled

    @property
    def poster_path(self) -> str | None:
        return f"posters/{self.slug}.pdf" if self.has_poster else None
