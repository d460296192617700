"""Which project is a street project, and where its communities' settings are (content contract).

Apart from generator.street, which imports the whole build: the command line asks this of every
project before it knows what it will run (`board --help`, `board new` and `board user` need no more)."""

from __future__ import annotations

from pathlib import Path

COMMUNITIES = "communities"
CONFIG = "mkdocs.yml"


def is_street(root: Path) -> bool:
    """A project with a communities/ folder is a street project."""
    return (root / COMMUNITIES).is_dir()


def community_config(root: Path, community_id: str) -> Path:
    return root / COMMUNITIES / community_id / CONFIG
