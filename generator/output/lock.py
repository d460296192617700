"""Exclusive locks through `filelock`: one build per site folder, one publish, one watcher.

filelock uses the kernel's own lock where there is one (flock, LockFileEx), released when a
killed process ends; without one it falls back to a marker file whose dead owner the next
process detects, so a killed build or publish never blocks the next.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

with warnings.catch_warnings():  # "only soft file lock is available" is for developers, not staff
    warnings.simplefilter("ignore")
    from filelock import FileLock, Timeout


def _kernel_lock_name(path: Path) -> Path:
    # A marker-file lock reads any existing file as held, so it never shares a name with the
    # kernel-lock file (which stays behind, empty, after every use).
    if FileLock.__name__ != "SoftFileLock":
        return path
    return path.with_name(path.stem + "-soft" + path.suffix)


@contextmanager
def file_lock(path: Path, wait: bool = True, on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Yield True holding the lock at `path`; with wait=False yield False at once if another holds it."""
    path = _kernel_lock_name(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            yield False
            return
        if on_wait:
            on_wait()
        lock.acquire()
    try:
        yield True
    finally:
        lock.release()


@contextmanager
def build_lock(site_dir: Path, on_wait: Callable[[], None] | None = None, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock for the site folder; a second build waits for the first
    (wait=False: yields False at once instead)."""
    with file_lock(site_dir.parent / f".{site_dir.name}.lock", wait=wait, on_wait=on_wait) as held:
        yield held
