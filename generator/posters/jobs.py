"""The poster subsystem's plain data: what the core hands in, what it gets back.

Kept free of behaviour so the core can build jobs without importing Typst,
and so every field that changes a poster is visible in one place (the render
cache hashes exactly these).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.model import POSTER_ORIENTATIONS as ORIENTATIONS, POSTER_SIZES as SIZES, TYPES  # noqa: F401 (re-exported)


class PosterError(Exception):
    """A poster cannot be made correctly (font missing or unusable, template
    broken). The message is Chinese and meant for staff; the build stops
    rather than printing boxes or a cut-off sheet."""


@dataclass(frozen=True)
class PosterJob:
    """One poster to render. The poster module never reads Markdown files."""

    slug: str
    source: str
    type: str
    title: str
    author: str | None
    date: datetime
    summary: str
    body_markdown: str
    cover: Path | None
    event: dict | None
    category_label: str | None
    tags: tuple[str, ...]
    urgent: bool
    pinned: bool
    url: str | None
    size: str = "A4"
    orientation: str = "portrait"
    body_html: str | None = None  # the body as the site publishes it; parsed from body_markdown if absent


@dataclass(frozen=True)
class PosterSettings:
    """Community-wide settings that appear on, or shape, every poster."""

    community: str
    committee: str
    templates_dir: Path
    font_regular: Path | None = None
    font_bold: Path | None = None


@dataclass(frozen=True)
class PosterFit:
    """How a poster's body was fitted to its one page."""

    body_pt: float  # body text size actually used
    complete: bool  # False: only summary + opening are printed
    omitted: str = ""  # characters left out because no poster font has them


@dataclass(frozen=True)
class PosterWarning:
    """Something staff should change in one article for its poster; `code` is the message's stable code."""

    source: str
    code: str
    text: str
    chars: str = ""  # the characters at fault (left out for want of a glyph): their line is the one to name

    def __str__(self) -> str:
        return f"{self.source}: {self.text}"


@dataclass
class PosterReport:
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: list[PosterWarning] = field(default_factory=list)
    fits: dict[str, PosterFit] = field(default_factory=dict)  # slug -> fit
