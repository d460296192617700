"""glibc heap settings for a build's many large short-lived strings (page HTML, pickles). Linux/glibc only;
anywhere else, or on any error, these do nothing: a build never fails for them."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
_libc = None


def _glibc():
    global _libc
    if _libc is None:
        _libc = False
        try:
            if sys.platform.startswith("linux"):
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") and hasattr(libc, "gnu_get_libc_version"):
                    _libc = libc
        except Exception:  # noqa: BLE001  not glibc (musl, macOS, Windows): leave the allocator alone
            _libc = False
    return _libc or None


def fix_mmap_threshold() -> None:
    """Blocks of 128 KB and more in their own mappings, returned whole when freed: glibc otherwise raises the
    threshold after the first large free, and later page strings fragment the main heap (~40 KB an article kept)."""
    try:
        libc = _glibc()
        if libc is not None:
            libc.mallopt(ctypes.c_int(M_MMAP_THRESHOLD), ctypes.c_int(128 * 1024))
    except Exception:  # noqa: BLE001
        pass


def trim() -> None:
    """Free heap pages handed back to the system (after the artefacts, after the child's pages are written)."""
    try:
        libc = _glibc()
        if libc is not None:
            libc.malloc_trim(ctypes.c_size_t(0))
    except Exception:  # noqa: BLE001
        pass
