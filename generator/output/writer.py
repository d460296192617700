"""The one writer of the output: every file a build writes is claimed here once, by one owner.

As Pelican's writer does, it refuses to write a path twice; it also refuses a file where
another output needs a folder (an article named like an attachment), and compares paths
case-folded, as Windows and macOS do. This replaces a hand-kept list of reserved slugs:
whatever the build itself writes is reserved by being claimed first. Pages are written by the
renderer (MkDocs) into the same staging folder; they are claimed here all the same, and
`verify` checks that nothing else appeared there.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Owner:
    """Who writes a path. `source` (relative to the project root) is set when staff own it."""

    label: str
    source: str | None = None
    line: int = 1


@dataclass
class OutputClash(Exception):
    path: str  # relative to the site root, '/'-separated
    first: Owner
    second: Owner

    def sentence(self) -> str:
        """Names both parties and what to change, in Chinese."""
        def who(owner: Owner) -> str:
            return f"{owner.label}（{owner.source}）" if owner.source else owner.label
        fix = "请给文章换一个网址名（改文件名，或写 slug: 别的名字），或给附件、文件夹改个名字。"
        if not (self.first.source and self.second.source):
            fix = "这个名字是网站自己要用的。" + fix
        return f"{who(self.second)}和{who(self.first)}都要写到网站的 {self.path}，会互相覆盖。{fix}"

    def __str__(self) -> str:
        return self.sentence()


def _key(path: str) -> str:
    """How file systems compare names: NFC (macOS) and case-insensitively (Windows, macOS)."""
    return unicodedata.normalize("NFC", path).casefold()


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


class OutputMap:
    """Every output path and its owner; `claim` answers the clash instead of writing."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, Owner]] = {}
        self.folders: dict[str, tuple[str, Owner]] = {}  # first owner that needs the folder
        self.trees: dict[str, tuple[str, Owner]] = {}  # folders owned whole (search data, theme assets)

    def claim(self, path: str, owner: Owner) -> OutputClash | None:
        """Claim a file; a clash with an earlier claim is returned (and nothing is claimed)."""
        path = str(PurePosixPath(path))
        key = _key(path)
        if key in self.files:
            return OutputClash(path, self.files[key][1], owner)
        if key in self.folders:
            return OutputClash(path, self.folders[key][1], owner)
        clash = self._check_parents(path, owner)
        if clash:
            return clash
        self.files[key] = (path, owner)
        for parent in _parents(path):
            self.folders.setdefault(_key(parent), (parent, owner))
        return None

    def claim_tree(self, folder: str, owner: Owner) -> OutputClash | None:
        """Claim a folder whole: no one else may write anything under it."""
        folder = str(PurePosixPath(folder))
        key = _key(folder)
        if key in self.files:
            return OutputClash(folder + "/", self.files[key][1], owner)
        for other_key, (other, other_owner) in list(self.files.items()):
            if other_key.startswith(key + "/") and other_owner != owner:
                return OutputClash(other, other_owner, owner)
        clash = self._check_parents(folder + "/x", owner)
        if clash:
            return clash
        self.trees[key] = (folder, owner)
        self.folders.setdefault(key, (folder, owner))
        for parent in _parents(folder):
            self.folders.setdefault(_key(parent), (parent, owner))
        return None

    def _check_parents(self, path: str, owner: Owner) -> OutputClash | None:
        for parent in _parents(path):
            key = _key(parent)
            if key in self.files:
                return OutputClash(parent, self.files[key][1], owner)
            tree = self.trees.get(key)
            if tree and tree[1] != owner:
                return OutputClash(path, tree[1], owner)
        return None

    def owner_of(self, path: str) -> Owner | None:
        key = _key(str(PurePosixPath(path)))
        if key in self.files:
            return self.files[key][1]
        for parent in reversed(_parents(path)):
            if _key(parent) in self.trees:
                return self.trees[_key(parent)][1]
        return None


class SiteWriter:
    """Writes files under `root` (the staging folder), each path once, each by its owner."""

    def __init__(self, root: Path, claims: OutputMap | None = None) -> None:
        self.root = root
        self.map = claims or OutputMap()
        self.written: set[str] = set()

    def _target(self, path: str, owner: Owner) -> Path:
        key = _key(str(PurePosixPath(path)))
        if key in self.written:
            raise OutputClash(path, self.map.owner_of(path) or owner, owner)
        if self.map.owner_of(path) != owner:  # not claimed beforehand, or by someone else
            clash = self.map.claim(path, owner)
            if clash:
                raise clash
        self.written.add(key)
        target = self.root.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def claim(self, path: str, owner: Owner) -> None:
        """A file the renderer (MkDocs) writes itself: known and checked, written elsewhere."""
        clash = self.map.claim(path, owner)
        if clash and clash.first != owner:
            raise clash

    def write_bytes(self, path: str, data: bytes, owner: Owner) -> Path:
        target = self._target(path, owner)
        target.write_bytes(data)
        return target

    def write_text(self, path: str, text: str, owner: Owner) -> Path:
        return self.write_bytes(path, text.encode("utf-8"), owner)

    def move_in(self, path: str, source: Path, owner: Owner) -> Path:
        """A file made elsewhere (a poster rendered in a scratch folder) moved into place."""
        target = self._target(path, owner)
        os.replace(source, target)
        return target

    def unclaimed(self) -> list[str]:
        """Files in the output that no one claimed: a renderer writing where it should not."""
        found = []
        for dirpath, _dirs, names in os.walk(self.root):
            for name in names:
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                if self.map.owner_of(rel) is None:
                    found.append(rel)
        return sorted(found)
