"""The one writer of the output: every file a build writes is claimed here once, by one owner.

As Pelican's writer does, it refuses to write a path twice; it also refuses a file where
another output needs a folder (an article named like an attachment), and compares paths
case-folded, as Windows and macOS do. This replaces a hand-kept list of reserved slugs:
whatever the build itself writes is reserved by being claimed first. Pages are written by the
renderer (MkDocs) into the same staging folder; they are claimed here all the same, and
`verify` checks that nothing else appeared there.
"""

from __future__ import annotations

import hashlib
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
    if path.isascii():  # most output paths: NFC is a no-op and casefold is lower (a rebuild asks 25,000 times)
        return path.lower()
    return unicodedata.normalize("NFC", path).casefold()


def _norm(path: str) -> str:
    """The path as PurePosixPath spells it; paths from generator.urls are already so (checked without pathlib)."""
    if (not path or "//" in path or path.startswith("./") or "/./" in path or path.endswith(("/", "/."))
            or path == "."):
        return str(PurePosixPath(path))
    return path


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
        path = _norm(path)
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
        path = _norm(path)
        key = _key(path)
        found = self.files.get(key)
        if found is not None:
            return found[1]
        if self.trees:
            for parent in reversed(_parents(key)):
                tree = self.trees.get(parent)
                if tree is not None:
                    return tree[1]
        return None


def content_sig(data: bytes) -> str:
    """What a file holds, for telling an unchanged output from a changed one (not a security hash)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# path -> [sig, size, mtime_ns]: what a folder an earlier build finished holds (generator.output.recycle)
Manifest = dict[str, list]


@dataclass
class Tree:
    """The folder a render goes into: what it holds already (`previous`, a recycled folder; None: empty)
    and, once rendered, what it holds (`manifest`, for the next build to reuse it)."""

    previous: Manifest | None = None
    manifest: Manifest | None = None


class SiteWriter:
    """Writes files under `root` (the staging folder), each path once, each by its owner.

    `previous` is what `root` already holds when it is a folder an earlier build finished (recycled,
    generator.output.recycle): a file whose bytes are the same and that nobody touched since is left as
    it is; any other is replaced by a new file (never rewritten in place, so nothing linked to the old one
    changes). `sigs` is what this build produced, path -> content sig (None: made elsewhere, unknown)."""

    def __init__(self, root: Path, claims: OutputMap | None = None, previous: Manifest | None = None) -> None:
        self.root = root
        self._root = str(root)  # plain str paths in the hot path: a rebuild passes 12,000 files through here
        self.map = claims or OutputMap()
        self.written: set[str] = set()
        self.previous = previous
        self.sigs: dict[str, str | None] = {}
        self.kept = 0  # files left as they were (recycled folder)
        self._folders: set[str] = set()  # folders known to exist (a one-article rebuild passes 10,000 files)
        self._stats: dict[str, tuple[int, int]] = {}  # path -> (size, mtime_ns) of files found unchanged
        self.keys: dict[str, str] = {}  # path -> digest of the inputs it was made from (write_bytes key=)
        self._by_key: dict[str, list[str]] | None = None

    def _target(self, path: str, owner: Owner) -> str:
        key = _key(path)
        if key in self.written:
            raise OutputClash(path, self.map.owner_of(path) or owner, owner)
        if self.map.owner_of(path) != owner:  # not claimed beforehand, or by someone else
            clash = self.map.claim(path, owner)
            if clash:
                raise clash
        self.written.add(key)
        target = f"{self._root}/{path}"  # not os.path.join: a rebuild passes 12,000 files
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            self._folders.add(folder)
        return target

    def claim(self, path: str, owner: Owner) -> None:
        """A file the renderer (MkDocs) writes itself: known and checked, written elsewhere."""
        clash = self.map.claim(path, owner)
        if clash and clash.first != owner:
            raise clash

    def unchanged(self, path: str, sig: str | None, target: Path | str) -> bool:
        """Whether target (in a recycled folder) already holds exactly this, as the earlier build left it."""
        before = self.previous.get(path) if self.previous is not None and sig is not None else None
        if before is None or before[0] != sig:
            return False
        try:
            st = os.stat(target)
        except OSError:
            return False
        if st.st_size == before[1] and st.st_mtime_ns == before[2]:
            self._stats[path] = (st.st_size, st.st_mtime_ns)  # settle records it without a second stat
            return True
        return False

    def make_room(self, target: Path | str) -> None:
        """Unlink an earlier build's file before a new one is written (a recycled folder only)."""
        if self.previous is not None:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass

    def keep_made(self, key: str, owner: Owner) -> bool:
        """Whether the folder holds, untouched, every file an earlier build wrote with this key (a digest of
        everything they were made from, write_bytes key=): then they are this build's as they are, and the
        caller makes nothing; False: make them (a file gone or touched, another key, no recycled folder)."""
        if self.previous is None:
            return False
        if self._by_key is None:
            self._by_key = {}
            for path, entry in self.previous.items():
                if len(entry) > 3 and isinstance(entry[3], str):
                    self._by_key.setdefault(entry[3], []).append(path)
        paths = self._by_key.get(key)
        if not paths:
            return False
        stats = []
        for path in paths:
            before = self.previous[path]
            try:
                st = os.stat(f"{self._root}/{path}")
            except OSError:
                return False
            if st.st_size != before[1] or st.st_mtime_ns != before[2] or _key(path) in self.written:
                return False
            stats.append((st.st_size, st.st_mtime_ns))
        for path, stat in zip(paths, stats):
            self._target(path, owner)  # claimed as if written: a clash is still one
            self.sigs[path] = self.previous[path][0]
            self.keys[path] = key
            self._stats[path] = stat
            self.kept += 1
        return True

    def keyed(self, key: str) -> "Keyed":
        """A writer whose every file is recorded as made from `key` (see keep_made)."""
        return Keyed(self, key)

    def write_bytes(self, path: str, data: bytes, owner: Owner, *, always: bool = False, key: str | None = None) -> None:
        path = _norm(path)
        target = self._target(path, owner)
        sig = content_sig(data)
        self.sigs[path] = sig
        if key is not None:
            self.keys[path] = key
        if not always and self.unchanged(path, sig, target):
            self.kept += 1
            return
        self._stats.pop(path, None)  # unchanged_files() may have seen the old file: settle must stat the new one
        self.make_room(target)
        with open(target, "wb") as out:
            out.write(data)

    def unchanged_files(self, sigs: dict[str, str]) -> set[str]:
        """unchanged() for many files at once (path -> sig), without pathlib: a one-article rebuild keeps 7,000
        search files whose bytes it does not make again."""
        if self.previous is None:
            return set()
        same: set[str] = set()
        for path, sig in sigs.items():
            before = self.previous.get(path)
            if before is None or before[0] != sig:
                continue
            try:
                st = os.stat(os.path.join(self._root, path))
            except OSError:
                continue
            if st.st_size == before[1] and st.st_mtime_ns == before[2]:
                same.add(path)
                self._stats[path] = (st.st_size, st.st_mtime_ns)  # settle records it without a second stat
        return same

    def keep(self, sigs: dict[str, str], owner: Owner) -> None:
        """Claim files unchanged_files() found as they were, and leave them: what write_bytes does with the same
        bytes, without the bytes. The claim is checked once per folder where `owner` holds the tree."""
        owned: dict[str, bool] = {}
        for path, sig in sigs.items():
            folder = path.rpartition("/")[0]
            if folder not in owned:
                owned[folder] = self.map.owner_of(folder + "/") == owner  # its tree's owner (claim_tree)
            key = _key(path)
            if owned[folder] and key not in self.written:
                self.written.add(key)
            else:
                self._target(path, owner)  # claimed one by one, or the clash raised, as write_bytes does
            self.sigs[path] = sig
        self.kept += len(sigs)

    def write_text(self, path: str, text: str, owner: Owner, *, always: bool = False) -> None:
        self.write_bytes(path, text.encode("utf-8"), owner, always=always)

    def move_in(self, path: str, source: Path, owner: Owner) -> None:
        """A file made elsewhere (a poster rendered in a scratch folder) moved into place."""
        path = _norm(path)
        target = self._target(path, owner)
        self.sigs[path] = None
        self._stats.pop(path, None)  # as in write_bytes: the stat of the file replaced is not this one's
        os.replace(source, target)

    def unclaimed(self) -> list[str]:
        """Files in the output that no one claimed: a renderer writing where it should not."""
        return self.settle({}, record=False)[0]

    def settle(self, produced: dict[str, str | None], record: bool = True) -> tuple[list[str], Manifest]:
        """After the build: remove what an earlier build left in a recycled folder and this one did not make
        (produced: everything this build made, path -> sig), then return (files no one claimed, the manifest
        of the folder as it now is; empty unless `record`)."""
        made = {**produced, **self.sigs}
        previous = self.previous
        written = self.sigs  # written through here, so claimed
        keys = self.keys
        known = self._stats
        found: list[str] = []
        manifest: Manifest = {}

        def walk(folder: str, prefix: str) -> int:
            """Settle one folder (its subfolders first); how many entries are left in it."""
            left = 0
            with os.scandir(folder) as entries:
                listed = list(entries)
            for entry in listed:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, rel + "/") or previous is None:
                        left += 1
                        continue
                    try:
                        os.rmdir(entry.path)  # a clean build has no empty folders
                    except OSError:
                        left += 1
                    continue
                if previous is not None and rel not in made and rel in previous:
                    os.unlink(entry.path)  # an earlier build's file this build no longer makes
                    continue
                left += 1
                if rel not in written and self.map.owner_of(rel) is None:
                    found.append(rel)
                if record:
                    stat = known.get(rel)
                    if stat is None:
                        st = os.stat(entry.path)
                        stat = (st.st_size, st.st_mtime_ns)
                    manifest[rel] = [made.get(rel), stat[0], stat[1]]
                    if rel in keys:
                        manifest[rel].append(keys[rel])
            return left

        walk(self._root, "")
        return sorted(found), manifest


class Keyed:
    """SiteWriter.keyed: passes writes on, each recorded as made from one key."""

    def __init__(self, writer: SiteWriter, key: str) -> None:
        self.writer = writer
        self.key = key

    def write_bytes(self, path: str, data: bytes, owner: Owner) -> None:
        self.writer.write_bytes(path, data, owner, key=self.key)

    def write_text(self, path: str, text: str, owner: Owner) -> None:
        self.write_bytes(path, text.encode("utf-8"), owner)
