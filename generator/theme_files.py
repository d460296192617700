"""The theme's file list, made once per process for the installed theme folders.

Every build MkDocs asks the theme's Jinja loader for the name of every file in every theme folder, to
publish the theme's scripts, styles and pictures: about 14,500 names in mkdocs-material, almost all
icons, walked again for each build and for each community of a street (`board serve` builds many
times). An installed theme changes only when packages are upgraded, which restarts the process, so
its folders are listed once here; the project's own folder (theme.custom_dir, where staff may add a
template while `board serve` runs) is listed afresh every time. The list is the same as MkDocs'.
"""

from __future__ import annotations

import os

from jinja2 import FileSystemLoader

_LISTED: dict[str, list[str]] = {}  # an installed theme folder -> the names in it


class ListingOnce:
    """Wraps theme.get_env: its loader lists installed folders from _LISTED (picklable, no closure)."""

    def __init__(self, make_env, custom_dir: str | None) -> None:
        self.make_env = make_env
        self.custom_dir = os.path.abspath(custom_dir) if custom_dir else None

    def __call__(self):
        env = self.make_env()
        if type(env.loader) is FileSystemLoader:  # what MkDocs and ProperDocs make; any other: as it is
            env.loader.list_templates = ListNames(list(env.loader.searchpath), self.custom_dir)
        return env


class ListNames:
    """FileSystemLoader.list_templates, folder by folder: the union of the folders' names, sorted."""

    def __init__(self, folders: list[str], custom_dir: str | None) -> None:
        self.folders = folders
        self.custom_dir = custom_dir

    def __call__(self) -> list[str]:
        found: set[str] = set()
        for folder in self.folders:
            if self.custom_dir and os.path.commonpath([os.path.abspath(folder), self.custom_dir]) == self.custom_dir:
                found.update(FileSystemLoader(folder).list_templates())  # the project's own: as it is now
                continue
            names = _LISTED.get(folder)
            if names is None:
                names = _LISTED[folder] = FileSystemLoader(folder).list_templates()
            found.update(names)
        return sorted(found)


def list_installed_once(theme) -> None:
    """Make `theme` (config.theme) list its installed folders once per process."""
    if not isinstance(theme.get_env, ListingOnce):
        theme.get_env = ListingOnce(theme.get_env, theme.custom_dir)
