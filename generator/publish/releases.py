"""Releases side by side, switched in with one symlink rename: shared by the folder and SSH targets.

Layout beside the served path P (what the web server's `root` names):

    P -> P-releases/20261126-100000-1a2b3c4d      (a relative symlink, replaced atomically)
    P-releases/20261126-100000-1a2b3c4d/           one folder per release
    P-releases/20261126-100000-1a2b3c4d.json       its files and their hashes
    P-releases/.incoming-…/                        a release being written (removed if a deploy died)

A deploy writes the new release in `.incoming-…`, renames it into place, then renames a fresh
symlink over P: readers get the old site or the new one, never a mix. Files that did not change are
hard-linked from the live release where the file system allows it.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Callable, Protocol

from generator.publish.files import SiteFile, fingerprint
from generator.timeutil import beijing, now_shanghai

INCOMING = ".incoming-"


class Store(Protocol):
    """The few file operations a release needs, on this machine or over SFTP ('/'-separated paths)."""

    def exists(self, path: str) -> bool: ...
    def is_link(self, path: str) -> bool: ...
    def readlink(self, path: str) -> str | None: ...
    def listdir(self, path: str) -> list[str]: ...
    def makedirs(self, path: str) -> None: ...
    def put(self, local: SiteFile, remote: str) -> None: ...
    def link(self, existing: str, new: str) -> bool: ...  # hard link; False where impossible
    def read_text(self, path: str) -> str | None: ...
    def write_text(self, path: str, text: str) -> None: ...
    def rename(self, old: str, new: str) -> None: ...
    def replace_with_symlink(self, path: str, target: str) -> None: ...  # atomic
    def rmtree(self, path: str) -> None: ...


class DeployError(Exception):
    """A deploy that could not finish; the text is for staff (Chinese, no secrets)."""


@dataclass
class Outcome:
    """What a deploy did, for the summary line."""

    changed: bool
    release: str | None = None
    uploaded: int = 0
    linked: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ReleaseSite:
    store: Store
    path: str  # the served path P
    keep: int = 5
    progress: Callable[[str], None] = lambda text: None

    @property
    def releases_dir(self) -> str:
        return self.path.rstrip("/") + "-releases"

    def _release_path(self, release: str) -> str:
        return posixpath.join(self.releases_dir, release)

    def releases(self) -> list[str]:
        """Complete releases, oldest first (names start with their time)."""
        if not self.store.exists(self.releases_dir):
            return []
        return sorted(n for n in self.store.listdir(self.releases_dir)
                      if not n.startswith(".") and not n.endswith(".json"))

    def live(self) -> str | None:
        """The release P points at now, if P is one of ours."""
        target = self.store.readlink(self.path) if self.store.is_link(self.path) else None
        return posixpath.basename(target.rstrip("/")) if target else None

    def manifest(self, release: str | None) -> dict:
        text = self.store.read_text(self._release_path(release) + ".json") if release else None
        try:
            return json.loads(text) if text else {}
        except ValueError:
            return {}

    # -- deploy ---------------------------------------------------------------------------
    def plan(self, files: dict[str, SiteFile]) -> tuple[dict, list[str], list[str], list[str]]:
        """(live manifest, added, changed, removed) between the live release and these files."""
        old = self.manifest(self.live()).get("files", {})
        added = [r for r in files if r not in old]
        changed = [r for r in files if r in old and old[r] != files[r].hash]
        removed = [r for r in old if r not in files]
        return old, added, changed, removed

    def deploy(self, files: dict[str, SiteFile]) -> Outcome:
        hashes = {rel: f.hash for rel, f in files.items()}
        new_print = fingerprint(hashes)
        live = self.live()
        old_manifest = self.manifest(live)
        if live and old_manifest.get("fingerprint") == new_print and self.store.exists(self._release_path(live)):
            return Outcome(changed=False, release=live)
        self.store.makedirs(self.releases_dir)
        self._clear_incoming()
        release = beijing(now_shanghai(), "stamp") + "-" + new_print[:8]
        while self.store.exists(self._release_path(release)):
            release += "x"
        incoming = posixpath.join(self.releases_dir, INCOMING + release)
        outcome = Outcome(changed=True, release=release)
        old_files = old_manifest.get("files", {}) if live else {}
        made: set[str] = set()
        for number, (rel, item) in enumerate(sorted(files.items()), 1):
            target = posixpath.join(incoming, rel)
            parent = posixpath.dirname(target)
            if parent not in made:
                self.store.makedirs(parent)
                made.add(parent)
            if old_files.get(rel) == item.hash and self.store.link(posixpath.join(self._release_path(live), rel), target):
                outcome.linked += 1
            else:
                self.store.put(item, target)
                outcome.uploaded += 1
            if number % 200 == 0:
                self.progress(f"已处理 {number}/{len(files)} 个文件……")
        self.store.write_text(self._release_path(release) + ".json", json.dumps(
            {"fingerprint": new_print, "created": beijing(now_shanghai(), "second"), "files": hashes},
            ensure_ascii=False, indent=0))
        self.store.rename(incoming, self._release_path(release))
        self._adopt_plain_folder(outcome)
        self.store.replace_with_symlink(self.path, self._link_target(release))
        outcome.removed = len([r for r in old_files if r not in files])
        self._prune(release)
        return outcome

    def rollback(self) -> tuple[str, str]:
        """Point P at the release before the live one; (from, to)."""
        releases = self.releases()
        live = self.live()
        if live not in releases:
            raise DeployError("这里还没有用 board publish 发布过的版本，无法退回。")
        index = releases.index(live)
        if index == 0:
            raise DeployError(f"当前版本 {live} 已经是保留下来的最早版本，没有更早的版本可以退回。")
        previous = releases[index - 1]
        self.store.replace_with_symlink(self.path, self._link_target(previous))
        return live, previous

    # -- helpers --------------------------------------------------------------------------
    def _link_target(self, release: str) -> str:
        """Relative, so the link still works when the folder is moved or seen through a chroot."""
        return posixpath.join(posixpath.basename(self.releases_dir), release)

    def _clear_incoming(self) -> None:
        for name in self.store.listdir(self.releases_dir):
            if name.startswith(INCOMING):
                self.store.rmtree(posixpath.join(self.releases_dir, name))

    def _adopt_plain_folder(self, outcome: Outcome) -> None:
        """A site copied there by hand before: keep it as the oldest release (a moment's gap, once)."""
        if self.store.exists(self.path) and not self.store.is_link(self.path):
            kept = "00000000-000000-before-board"
            self.store.rename(self.path, self._release_path(kept))
            outcome.notes.append(f"原来的 {self.path} 文件夹已改名保存为 {self._release_path(kept)}。")

    def _prune(self, live: str) -> None:
        releases = self.releases()
        for old in releases[:-self.keep] if self.keep > 0 else []:
            if old == live:
                continue
            self.store.rmtree(self._release_path(old))
            manifest = self._release_path(old) + ".json"
            if self.store.exists(manifest):
                self.store.rmtree(manifest)
