"""Which project is a street project, and where its communities' settings are (content contract).

Apart from generator.street, which imports the whole build: the command line and the settings ask this of every
project before it knows what it will run (`board --help`, `board new` and `board user` need no more)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from generator import urls
from generator.messages import Report

COMMUNITIES = "communities"
CONFIG = "mkdocs.yml"
STREET = urls.STREET_FILES.rstrip("/")  # a street article's src_uri and files live under street/ in a community
DEFAULT_OFFICE = "街道办事处"


def is_street(root: Path) -> bool:
    """A project with a communities/ folder is a street project."""
    return (root / COMMUNITIES).is_dir()


def community_config(root: Path, community_id: str) -> Path:
    return root / COMMUNITIES / community_id / CONFIG


@dataclass(frozen=True)
class StreetLink:
    """What a community of a street project knows of its street (`settings.street`)."""

    root: Path  # the street project's folder
    id: str
    site_dir: Path  # the street's site folder; this community's site is site_dir/<id>
    ids: tuple[str, ...] = ()  # every community of the street
    office: str = DEFAULT_OFFICE  # the street office: author of its articles
    public_phones: tuple[str, ...] = ()  # the street's own public numbers (its root mkdocs.yml)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    def content_path(self, src_uri: str, own_content: Path) -> Path:
        if src_uri.startswith(STREET + "/"):
            return self.content_dir / src_uri[len(STREET) + 1:]
        return own_content / src_uri

    def for_community(self, settings) -> "StreetLink":
        return replace(self, office=settings.street_office or self.office)


def street_link(config_file: Path) -> StreetLink | None:
    """The street of `<street>/communities/<id>/mkdocs.yml`, or None for any other settings file."""
    folder = config_file.parent
    root = folder.parent.parent
    if folder.parent.name != COMMUNITIES or not (root / CONFIG).is_file():
        return None
    from generator.settings import load_settings

    street = load_settings(root / CONFIG, Report())  # its mistakes are reported by the street's own check
    ids = tuple(sorted(p.name for p in (root / COMMUNITIES).iterdir() if (p / CONFIG).is_file()))
    if street is None:
        return StreetLink(root, folder.name, root / "site", ids)
    return StreetLink(root, folder.name, street.site_dir, ids, street.street_office or DEFAULT_OFFICE,
                      tuple(street.public_phones))
