"""What earlier builds made, kept under .cache/build/ so that an unchanged article costs a hash and a copy.

Every entry is named by a hash of everything that went into it (the file's bytes, the pictures it uses,
the settings and templates it depends on, the code and libraries of the board itself), so an entry is
never stale: a changed input gives a new name. Time is never part of an entry: whether an article is
current or expired is decided by each build from --as-of, and is part of the name where it matters.
A missing, truncated, garbled or foreign entry is a miss, never an error: the build does the work again.

Entries are pickles (our own objects, in the project's own folder, written by this same code: the code
fingerprint is in every name, and a foreign file fails the header check before it is unpickled).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import sys
from collections import Counter
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

HEADER = b"board-build-cache 1\n"
CACHE_DIR = ".cache/build"  # relative to the project root; .cache/ also holds public/ and posters/
STATS_FILE = "last-build.json"  # what the last build did again and what it reused (read by tests)
# Libraries whose version changes what a build makes (parsing, rendering, sanitizing, layout).
LIBRARIES = ("mkdocs", "properdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe",
             "nh3", "bleach", "pyyaml", "pillow", "budoux", "typst", "segno", "css-inline")


def digest(*parts: object) -> str:
    """A hash of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """The board's own code and the versions of the libraries it renders with: any change is a new cache."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(sys.version.encode() + platform.python_implementation().encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    return h.hexdigest()


def tree_digest(folder: Path) -> str:
    """A hash of every file (path and bytes) under folder; the same value for a missing folder."""
    parts: list[object] = []
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


class BuildCache:
    """Named entries by kind (check, page...), each in its own file; `stats` counts hits and misses."""

    def __init__(self, project_root: Path, *, write: bool = True) -> None:
        self.root = project_root / CACHE_DIR
        self.write = write  # `board check` reads the cache but writes nothing
        self.stats: Counter[str] = Counter()
        self._used: dict[str, set[str]] = {}

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under key, or None (missing or unreadable: a miss, never an error)."""
        self._used.setdefault(kind, set()).add(key)
        try:
            data = self._path(kind, key).read_bytes()
            if not data.startswith(HEADER):
                raise ValueError("not ours")
            stored_key, value = pickle.loads(data[len(HEADER):])
            if stored_key != key:
                raise ValueError("another entry")
        except Exception:  # missing, truncated, garbage, another version's classes: do the work again
            self.stats[f"{kind}.miss"] += 1
            return None
        self.stats[f"{kind}.hit"] += 1
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store value under key, whole or not at all (a killed build leaves no half entry)."""
        self._used.setdefault(kind, set()).add(key)
        if not self.write:
            return
        target = self._path(kind, key)
        partial = target.with_name(f".{key}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(HEADER + pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(partial, target)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):  # a full disk costs speed, not the build
            partial.unlink(missing_ok=True)

    def keep(self, kind: str, key: str) -> None:
        """Count an entry as used without reading it (its output is still in place), so prune keeps it."""
        self._used.setdefault(kind, set()).add(key)

    def prune(self, kind: str) -> None:
        """Forget the entries of `kind` this build did not use (old versions of edited articles)."""
        if not self.write:
            return
        used = self._used.get(kind, set())
        try:
            for entry in os.scandir(self.root / kind):
                if entry.name not in used:
                    os.unlink(entry.path)
        except OSError:
            pass

    def count(self, name: str, n: int = 1) -> None:
        self.stats[name] += n

    def take_record(self) -> tuple[dict[str, int], dict[str, set[str]]]:
        """What this cache counted and used since the last call, forgotten here (a pool process's share)."""
        record = dict(self.stats), self._used
        self.stats, self._used = Counter(), {}
        return record

    def add_record(self, record: tuple[dict[str, int], dict[str, set[str]]]) -> None:
        """A pool process's share (take_record), so stats and pruning see the whole build."""
        stats, used = record
        self.stats.update(stats)
        for kind, keys in used.items():
            self._used.setdefault(kind, set()).update(keys)

    def save_stats(self) -> None:
        """Write what this build did again and what it reused (tests read it; staff never need to)."""
        if not self.write:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / STATS_FILE).write_text(json.dumps(dict(sorted(self.stats.items()))), encoding="utf-8")
        except OSError:
            pass
