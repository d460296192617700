"""Builds the hostile inputs of tests/bad_inputs/expected.yml that are not one .md file.

An entry with `make: NAME` is built by the function NAME here, into a content folder; every other
entry is the file of that name in tests/bad_inputs/. Each maker returns the path (relative to the
project, '/'-separated) of the file the message must name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

MAKERS: dict[str, Callable[[str, dict, Path], Path]] = {}


def maker(function: Callable[[str, dict, Path], Path]) -> Callable[[str, dict, Path], Path]:
    MAKERS[function.__name__] = function
    return function


def place(name: str, expected: dict, bad_dir: Path, content_dir: Path) -> str:
    """Put input `name` into content_dir; the project-relative path its message names."""
    project = content_dir
    while not (project / "mkdocs.yml").exists() and project != project.parent:
        project = project.parent
    if "make" in expected:
        made = MAKERS[expected["make"]](name, expected, content_dir)
    else:
        made = content_dir / name
        shutil.copy(bad_dir / name, made)
    return made.relative_to(project).as_posix()


ARTICLE = "---\ntitle: 测试文章\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n"


def _outside(content_dir: Path, name: str, data: bytes) -> Path:
    """A secret file next to the project, never under content/."""
    secret = content_dir.parent.parent / f"outside-{name}"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(data)
    return secret


# -- links and special files: nothing whose real path leaves content/ is read -------------------
@maker
def symlink_to_outside_file(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / expected.get("file", name)
    os.symlink(_outside(content_dir, name, b"root:x:0:0:SECRETMARK:/root:/bin/bash\n"), link)
    return link


@maker
def symlink_to_system_file(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / expected.get("file", name)
    os.symlink(expected.get("target", "/etc/passwd"), link)
    return link


@maker
def symlink_folder_outside(name: str, expected: dict, content_dir: Path) -> Path:
    folder = content_dir.parent.parent / f"outside-dir-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "id_rsa.jpg").write_bytes(b"SECRETMARK private key")
    (folder / "notes.md").write_text(ARTICLE, encoding="utf-8")
    link = content_dir / name
    os.symlink(folder, link)
    return link


@maker
def symlink_to_project_file(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink(Path("..") / expected.get("target", "mkdocs.yml"), link)
    return link


@maker
def symlink_loop(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink(name, link)
    return link


@maker
def symlink_pair_loop(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink("other-" + name, link)
    os.symlink(name, content_dir / ("other-" + name))
    return link


@maker
def symlink_dangling(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink("no-such-file-" + name, link)
    return link


@maker
def fifo(name: str, expected: dict, content_dir: Path) -> Path:
    path = content_dir / name
    os.mkfifo(path)
    return path


@maker
def folder_loop(name: str, expected: dict, content_dir: Path) -> Path:
    """Links back to their own folder: followed, they would be walked for ever (2^40 paths)."""
    for extra in ("-a", "-b", "-c"):
        os.symlink(".", content_dir / f"{name}{extra}")
    return content_dir / f"{name}-a"


@maker
def article_through_symlink(name: str, expected: dict, content_dir: Path) -> Path:
    """An article whose cover is a link to a file outside content/."""
    os.symlink(_outside(content_dir, name + ".jpg", b"\xff\xd8\xff\xe0SECRETMARK"), content_dir / (name + ".jpg"))
    path = content_dir / (name + ".md")
    path.write_text(f"---\ntitle: 有封面\ntype: science\ndate: 2026-11-20\ncover: {name}.jpg\n---\n\n正文。\n",
                    encoding="utf-8")
    return path
