"""Put a finished site in place of the old one, on every system, never half-written.

Linux swaps the two folders in one step (renameat2 RENAME_EXCHANGE). Elsewhere (Windows,
macOS, Linux file systems without it) the old site is renamed aside to `.site-old-*` and the
new one renamed in: two renames of whole folders, so the site path holds the old site or the
new one, never a mix; if a build is killed between the two, the next build puts the old site
back (`recover`). All leftovers are removed by the next build, read-only files included.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_prefix(site_dir: Path) -> str:
    return f".{site_dir.name}-new-"


def aside_prefix(site_dir: Path) -> str:
    return f".{site_dir.name}-old-"


def new_staging_dir(site_dir: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=staging_prefix(site_dir), dir=site_dir.parent))


def _writable_again(function, path, _exc) -> None:
    """rmtree's error handler: a read-only file or folder (Windows' read-only flag, a folder
    made read-only by hand) is made writable and removed; anything else is left for next time."""
    try:
        parent = os.path.dirname(path)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IWRITE | stat.S_IEXEC | stat.S_IREAD)
        os.chmod(path, os.stat(path, follow_symlinks=False).st_mode | stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
        function(path)
    except OSError:
        pass


def remove_tree(path: Path) -> None:
    """Delete a folder whole, read-only parts too; never raises (what stays is retried next build)."""
    if path.is_symlink() or path.is_file():
        try:
            path.unlink()
        except OSError:
            pass
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_writable_again)
    else:
        shutil.rmtree(path, onerror=_writable_again)


def recover(site_dir: Path) -> None:
    """After a build killed between the two renames: no site, the old one aside. Put it back.
    Call only while holding the build lock."""
    if os.path.lexists(site_dir):
        return
    aside = sorted(site_dir.parent.glob(aside_prefix(site_dir) + "*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in aside:
        if candidate.is_dir():
            _rename(candidate, site_dir)
            return


def clear_leftovers(site_dir: Path) -> None:
    """Put back a site left aside by a killed build, then remove the staging and old folders of
    killed builds (call only while holding the lock)."""
    recover(site_dir)
    for prefix in (staging_prefix(site_dir), aside_prefix(site_dir)):
        for leftover in site_dir.parent.glob(prefix + "*"):
            remove_tree(leftover)


@lru_cache(maxsize=1)
def _renameat2():
    """libc's renameat2, or None where the system has none (Windows, macOS, old Linux C libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    return getattr(libc, "renameat2", None)


def exchange_supported() -> bool:
    return _renameat2() is not None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders; False where the system or the file system cannot."""
    if not exchange_supported():
        return False
    result = _renameat2()(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _rename(src: Path, dst: Path) -> None:
    """os.rename, retried briefly on Windows, where a virus scanner or an open Explorer window
    holds a folder for a moment."""
    for attempt in range(10):
        try:
            os.rename(src, dst)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 9:
                raise
            time.sleep(0.2)


def swap_in(new_dir: Path, site_dir: Path, keep: bool = False) -> None:
    """Make new_dir the site; the old site is removed only after the new one is in place
    (keep=True: kept as the next build's spare instead, generator.output.recycle)."""
    from generator.output.recycle import keep_spare

    def done_with(old: Path) -> None:
        if not (keep and keep_spare(old, site_dir)):
            remove_tree(old)

    os.chmod(new_dir, 0o755)  # mkdtemp makes it private; a web server must read it
    if site_dir.is_symlink():
        site_dir.unlink()
    if not site_dir.exists():
        _rename(new_dir, site_dir)
        return
    if _exchange(new_dir, site_dir):
        done_with(new_dir)  # new_dir now holds the old site
        return
    aside = Path(tempfile.mkdtemp(prefix=aside_prefix(site_dir), dir=site_dir.parent))
    aside.rmdir()  # only its unique name is wanted
    _rename(site_dir, aside)
    try:
        _rename(new_dir, site_dir)
    except OSError:
        _rename(aside, site_dir)  # the previous site goes back where it was
        raise
    done_with(aside)
