"""`board build` with nothing changed: recognised from a stamp of every input, and the site left as it is.

After each successful build a stamp is kept under .cache/build/: every input file (content/, templates/,
the theme overrides, mkdocs.yml and what it INHERITs, the short-URL registry) with its size, mtime and
hash, what the build was asked (site folder, --as-of, --no-posters, SOURCE_DATE_EPOCH), the board's
code and libraries, the site's marker file (which tree is online), and the next moment an article
appears, expires or its activity ends. The next build compares: stat first, hash only a file whose
size or mtime moved (a file touched but not changed is still unchanged). When nothing moved and no
moment has passed, the site online is already what a build would make: the build says so and stops.
A missing or damaged stamp is simply a full (incremental) build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator import timeutil
from generator.buildcache import CACHE_DIR, code_version, digest

STAMP = "unchanged.json"
RACY_SECONDS = 2.0  # a file written this close to the stamp may change again within its mtime tick: always hashed
_INHERIT = re.compile(r"^INHERIT:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(#.*)?$", re.M)
_CUSTOM_DIR = re.compile(r"^\s+custom_dir:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(#.*)?$", re.M)


def build_key(config_file: Path, site_dir: Path, as_of: datetime | None, posters: bool) -> str:
    """What the build was asked and with which code: a different answer is never the same site.
    Without --as-of the build runs at "now" (SOURCE_DATE_EPOCH, when set, is that clock): then the key
    holds no time, and still_current asks whether a moment has passed since."""
    clock = (timeutil.iso(as_of), os.environ.get("SOURCE_DATE_EPOCH", "").strip()) if as_of is not None else None
    return digest("unchanged", 1, code_version(), str(config_file), str(site_dir), clock, posters)


def input_roots(settings) -> list[Path]:
    """Every file and folder a build reads: content/, templates/, the theme overrides, the settings chain, the registry."""
    from generator.shorturls import REGISTRY

    roots = [settings.content_dir, settings.templates_dir, settings.config_file.parent / REGISTRY]
    config, seen = settings.config_file, set()
    while config not in seen and len(seen) < 10:  # the INHERIT chain (mkdocs.yml's own way of sharing settings)
        seen.add(config)
        roots.append(config)
        try:
            text = config.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            break
        for custom in _CUSTOM_DIR.finditer(text):  # the theme's overrides, wherever mkdocs.yml puts them
            roots.append((config.parent / custom.group(1).strip()).resolve())
        found = _INHERIT.search(text)
        if not found:
            break
        config = (config.parent / found.group(1).strip()).resolve()
    return roots


def _hash(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def snapshot(roots: list[Path], known: dict[str, list] | None = None) -> dict[str, list]:
    """path -> [size, mtime_ns, sha256] of every file under roots; hashed again only where size or mtime moved.

    A missing root is recorded as missing (so its appearance is a change); a folder's symlinks are not followed
    into (content.scan_content refuses them), a file symlink is read through."""
    known = known or {}
    racy_after = time.time_ns() - int(RACY_SECONDS * 1e9)
    out: dict[str, list] = {}

    def add(path: str, st: os.stat_result) -> None:
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end: its kind is its content
            out[path] = [-1, -1, f"special:{stat.S_IFMT(st.st_mode)}"]
            return
        old = known.get(path)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns and old[1] >= 0:
            sha = old[2]
        else:
            sha = _hash(path)
        out[path] = [st.st_size, st.st_mtime_ns if st.st_mtime_ns < racy_after else -1, sha]

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            out[folder + os.sep] = [-1, -1, "unreadable"]
            return
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                elif entry.is_symlink() and os.path.isdir(entry.path):
                    out[entry.path] = [-1, -1, "link:" + os.readlink(entry.path)]
                else:
                    add(entry.path, entry.stat())
            except OSError:
                out[entry.path] = [-1, -1, "gone"]

    for root in roots:
        path = str(root)
        try:
            st = os.stat(path)
        except OSError:
            out[path] = [-1, -1, "missing"]
            continue
        if os.path.isdir(path):
            walk(path)
        else:
            add(path, st)
    return out


def marker_id(site_dir: Path) -> list[int] | None:
    """Which tree is online: its marker file's inode and mtime (every build writes a new one)."""
    from generator.output.target import MARKER

    try:
        st = os.stat(site_dir / MARKER)
    except OSError:
        return None
    return [st.st_ino, st.st_mtime_ns, st.st_size]


@dataclass
class Stamp:
    """What the last successful build was made from, and what it said."""

    key: str
    inputs: dict[str, list]
    roots: list[str]
    as_of: str  # ISO time the statuses were computed at
    next_moment: str | None  # the earliest moment after as_of at which some article changes by itself
    published: int
    messages: list[str] = field(default_factory=list)
    marker: list[int] | None = None

    @staticmethod
    def path(project_root: Path) -> Path:
        return project_root / CACHE_DIR / STAMP

    @classmethod
    def load(cls, project_root: Path) -> "Stamp | None":
        try:
            data = json.loads(cls.path(project_root).read_text(encoding="utf-8"))
            stamp = cls(**data)
            if not (isinstance(stamp.inputs, dict) and isinstance(stamp.roots, list) and isinstance(stamp.key, str)
                    and isinstance(stamp.messages, list) and isinstance(stamp.published, int)):
                return None
            return stamp
        except Exception:  # missing, truncated, another version's shape: a normal build
            return None

    def save(self, project_root: Path) -> None:
        target = self.path(project_root)
        partial = target.with_name(f".{STAMP}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(self.__dict__, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, target)
        except OSError:  # a stamp that cannot be kept costs the next build its fast path, nothing more
            partial.unlink(missing_ok=True)

    @staticmethod
    def forget(project_root: Path) -> None:
        try:
            Stamp.path(project_root).unlink()
        except OSError:
            pass


def still_current(stamp: Stamp, key: str, site_dir: Path, as_of: datetime) -> bool:
    """Everything but the files: same request and code, the same tree online, and no moment passed."""
    if stamp.key != key or stamp.marker is None or marker_id(site_dir) != stamp.marker:
        return False
    try:
        built_at = datetime.fromisoformat(stamp.as_of)
        if as_of < built_at:  # the clock went back (or an earlier --as-of): statuses may differ
            return False
        if stamp.next_moment is not None and as_of >= datetime.fromisoformat(stamp.next_moment):
            return False
    except (TypeError, ValueError):
        return False
    return True


def unchanged(stamp: Stamp, key: str, site_dir: Path, as_of: datetime, project_root: Path) -> bool:
    """True when a build now would make the site that is online; a touched but unchanged file refreshes the stamp."""
    if not still_current(stamp, key, site_dir, as_of):
        return False
    now = snapshot([Path(r) for r in stamp.roots], stamp.inputs)
    if {p: v[2] for p, v in now.items()} != {p: v[2] for p, v in stamp.inputs.items()}:
        return False
    if now != stamp.inputs:  # only sizes or times moved: keep the new ones, so the next look needs no hashing
        stamp.inputs = now
        stamp.save(project_root)
    return True


def next_moment(articles, as_of: datetime) -> str | None:
    from generator.lifecycle import next_moments

    moments = next_moments(articles, as_of)
    return timeutil.iso(moments[0].at) if moments else None
