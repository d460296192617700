"""One build at a time per site folder: a lock file beside the site, held through `filelock`.

filelock uses the kernel's own lock where there is one (flock, LockFileEx), released when a
killed build's process ends; without one it falls back to a marker file whose dead owner the
next build detects, so a killed build never blocks the next.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

with warnings.catch_warnings():  # "only soft file lock is available" is for developers, not staff
    warnings.simplefilter("ignore")
    from filelock import FileLock, Timeout


def lock_path(site_dir: Path) -> Path:
    # A marker-file lock reads any existing file as held, so it never shares a name with the
    # kernel-lock file (which stays behind, empty, after every build).
    kind = "" if FileLock.__name__ != "SoftFileLock" else "-soft"
    return site_dir.parent / f".{site_dir.name}{kind}.lock"


@contextmanager
def build_lock(site_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock for the site folder; a second build waits for the first."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(site_dir)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
