"""Builds the hostile inputs of tests/bad_inputs/expected.yml that are not one .md file.

An entry with `make: NAME` is built by the function NAME here, into a content folder; every other
entry is the file of that name in tests/bad_inputs/. Each maker returns the path (relative to the
project, '/'-separated) of the file the message must name.
"""

from __future__ import annotations

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
