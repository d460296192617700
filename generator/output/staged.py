"""One build into a staging folder: refuse a foreign target, lock, clear leftovers, swap in or throw away.

Used by `board build` and by the plugin under a plain `mkdocs build`, so both are equally safe.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

from generator.output import recycle
from generator.output.lock import build_lock
from generator.output.swap import clear_leftovers, new_staging_dir, remove_tree, swap_in
from generator.output.target import unsafe_target


class TargetRefused(Exception):
    """The site folder holds files no build wrote; the sentence says what to do."""


class StagedBuild:
    """recycle=True: the staging folder is the site the previous build replaced (or, without one, the site
    online as hard links), brought up to date (generator.output.recycle); `previous` is then what it holds."""

    def __init__(self, site_dir: Path, on_wait: Callable[[], None] | None = None, recycle: bool = False) -> None:
        self.site_dir = site_dir
        self.on_wait = on_wait
        self.staging: Path | None = None
        self.recycle = recycle
        self.previous: dict | None = None
        self._online: tuple[str | None, dict | None] = (None, None)  # the site online: its id and manifest
        self._held = ExitStack()
        self._linking: recycle.Linking | None = None  # begun early: the site online being linked in

    def begin(self) -> bool:
        """Start early, before the board is read and checked: with recycle, take the lock if it is free and
        start filling the staging folder (in a child process, recycle.start_linking), so the two go on at
        once. False: nothing was done (the lock is busy, the target refused): start() does it all, as usual.
        A build that then fails calls abandon()."""
        # With a spare there is nothing to link: start() takes it, so a build that fails first never throws it away.
        if not self.recycle or unsafe_target(self.site_dir) or self._has_spare():
            return False
        try:
            if not self._held.enter_context(build_lock(self.site_dir, wait=False)):
                self._held.close()
                return False
            if unsafe_target(self.site_dir) or self._has_spare():  # a build that held the lock may have left one
                self._held.close()
                return False
            self._prepare(background=True)
        except BaseException:
            self.abandon()
            raise
        return True

    def _has_spare(self) -> bool:
        return os.path.lexists(recycle.spare_dir(self.site_dir))

    def start(self) -> Path:
        """Lock and make the staging folder; TargetRefused or OSError (nothing changed) if not possible."""
        if self.staging is not None:  # begun early: wait for its links
            try:
                self._filled()
            except BaseException:
                self.abandon()
                raise
            return self.staging
        problem = unsafe_target(self.site_dir)
        if problem:
            raise TargetRefused(problem)
        try:
            self._held.enter_context(build_lock(self.site_dir, self.on_wait))
            problem = unsafe_target(self.site_dir)  # a build that held the lock may have changed it
            if problem:
                raise TargetRefused(problem)
            self._prepare(background=False)
            self._filled()
        except BaseException:
            self._held.close()
            raise
        return self.staging

    def _prepare(self, background: bool) -> None:
        """Clear leftovers and make the staging folder (holding the lock); with recycle, take the spare, or
        start linking the site online into it."""
        clear_leftovers(self.site_dir)
        self.staging = new_staging_dir(self.site_dir)
        if self.recycle:
            ident = recycle.tree_id(self.site_dir)
            self._online = (ident, recycle.read_record(self.site_dir).get(ident) if ident else None)
            self.staging.rmdir()  # only its unique name is wanted, for the spare
            self.previous = recycle.take_spare(self.site_dir, self.staging)
            if self.previous is None:
                self.staging.mkdir()
                self._linking = recycle.start_linking(self.site_dir, self.staging, self._online[1], background)

    def _filled(self) -> None:
        if self._linking is not None:
            linking, self._linking = self._linking, None
            self.previous = linking.result()

    def online_files(self) -> dict | None:
        """With recycle, after start(): the files of the site online then (its recorded manifest), or None."""
        manifest = self._online[1]
        return manifest.get("files") if isinstance(manifest, dict) else None

    def finish(self, manifest: dict | None = None) -> Path:
        """Swap the finished staging folder in; the lock is released whatever happens.
        With recycle, the replaced site is kept as the next build's spare and `manifest` (what the
        new site holds, from SiteWriter.settle) is recorded for the next build."""
        try:
            assert self.staging is not None
            swap_in(self.staging, self.site_dir, keep=self.recycle)
            self.staging = None
            if self.recycle:
                recycle.remember(self.site_dir, manifest, *self._online)
        finally:
            self.abandon()
        return self.site_dir

    def abandon(self) -> None:
        """Throw the staging folder away (a failed build); the site stays as it was."""
        try:
            if self._linking is not None:
                linking, self._linking = self._linking, None
                linking.cancel()
            if self.staging is not None:
                remove_tree(self.staging)
                self.staging = None
        finally:
            self._held.close()
