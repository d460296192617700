"""Build into a fresh folder beside site/, then swap it in, so site/ is never half-written.

A failed or killed build leaves only a `.site-new-*` folder behind (cleared by the next
build); the site that is online stays exactly as it was. A lock file keeps two builds
from swapping at the same time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@contextmanager
def build_lock(site_dir: Path, on_wait=None) -> Iterator[None]:
    """Hold an exclusive lock for the site folder; a second build waits for the first."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = site_dir.parent / f".{site_dir.name}.lock"
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging_prefix(site_dir: Path) -> str:
    return f".{site_dir.name}-new-"


def clear_leftovers(site_dir: Path) -> None:
    """Remove staging folders of builds that were killed (call only while holding the lock)."""
    for leftover in site_dir.parent.glob(staging_prefix(site_dir) + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def new_staging_dir(site_dir: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=staging_prefix(site_dir), dir=site_dir.parent))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(new_dir: Path, site_dir: Path) -> None:
    """Make new_dir the site; the old site is removed only after the new one is in place."""
    os.chmod(new_dir, 0o755)  # mkdtemp makes it private; a web server must read it
    if site_dir.is_symlink() or not site_dir.exists():
        if site_dir.is_symlink():
            site_dir.unlink()
        os.rename(new_dir, site_dir)
        return
    if _exchange(new_dir, site_dir):
        shutil.rmtree(new_dir, ignore_errors=True)  # new_dir now holds the old site
        return
    old = site_dir.with_name(f".{site_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(site_dir, old)
    os.rename(new_dir, site_dir)
    shutil.rmtree(old, ignore_errors=True)
