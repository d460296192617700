"""The theme's file list (generator.theme_files): the same names MkDocs' loader lists, the installed theme
folders walked once per process, the project's own folder (theme.custom_dir) afresh every build."""

from __future__ import annotations

import pickle
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from generator.theme_files import ListingOnce, list_installed_once


class Theme:
    """What the plugin uses of MkDocs' (and ProperDocs') Theme: get_env() and custom_dir."""

    def __init__(self, dirs: list[str], custom_dir: str | None) -> None:
        self.dirs = dirs
        self.custom_dir = custom_dir

    def get_env(self) -> Environment:
        return Environment(loader=FileSystemLoader(self.dirs), auto_reload=False)


def files(root: Path, *names: str) -> str:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    return str(root)


def test_names_are_the_loaders_own_and_only_the_project_folder_is_listed_again(tmp_path: Path) -> None:
    custom = files(tmp_path / "overrides", "main.html", "partials/footer.html", "assets/board/board.css")
    installed = files(tmp_path / "site-packages" / "material", "base.html", "partials/footer.html",
                      ".icons/a/b.svg", "assets/stylesheets/main.css")
    mkdocs_own = files(tmp_path / "site-packages" / "mkdocs", "sitemap.xml", "404.html")
    dirs = [custom, installed, mkdocs_own]
    theme = Theme(dirs, custom)
    list_installed_once(theme)
    list_installed_once(theme)  # a second build of the same config: wrapped once
    assert isinstance(theme.get_env, ListingOnce) and not isinstance(theme.get_env.make_env, ListingOnce)
    assert theme.get_env().list_templates() == FileSystemLoader(dirs).list_templates()
    files(tmp_path / "overrides", "partials/new.html")  # staff add a template while `board serve` runs
    files(tmp_path / "site-packages" / "material", "late.html")  # an installed theme changes only on upgrade
    names = theme.get_env().list_templates()
    assert "partials/new.html" in names and "late.html" not in names
    assert names == sorted(set(FileSystemLoader(dirs).list_templates()) - {"late.html"})
    assert pickle.loads(pickle.dumps(theme)).get_env().list_templates() == names  # no closure: picklable


def test_without_a_custom_dir_every_folder_is_installed(tmp_path: Path) -> None:
    installed = files(tmp_path / "material", "base.html", "assets/x.js")
    theme = Theme([installed], None)
    list_installed_once(theme)
    assert theme.get_env().list_templates() == ["assets/x.js", "base.html"]
