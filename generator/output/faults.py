"""The machine's own faults (disk full, no permission, a file gone) as one plain Chinese sentence.

Not the staff's mistakes in content/, so no PATH:LINE: what happened, what to do, and that
the site online is untouched.
"""

from __future__ import annotations

import errno
from pathlib import Path

KEPT = "线上的网站保持原样，没有留下半成品。"


def _where(exc: OSError, fallback: Path | None) -> str:
    name = exc.filename or fallback
    return f" {name}" if name else ""


def machine_fault(exc: OSError, site_dir: Path | None = None) -> str:
    where = _where(exc, site_dir)
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or getattr(exc, "winerror", None) in (39, 112):
        return (f"磁盘空间不够了，网站没有生成完（写入{where}时）。请删掉不用的文件、清空回收站，"
                f"腾出空间后再运行 board build。{KEPT}")
    if code == errno.EROFS:
        return f"文件夹{where}所在的磁盘是只读的，无法写入。请换一个可以写入的文件夹（mkdocs.yml 的 site_dir 或 --site-dir）。{KEPT}"
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return (f"没有权限写入{where}。请检查这个文件夹（和它所在的文件夹）是否允许写入、文件是否被别的程序打开，"
                f"或换一个文件夹，然后再运行 board build。{KEPT}")
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return (f"生成网站的过程中，文件{where}不见了（可能刚被删除、移动或改名）。"
                f"请确认文件还在，等文件夹不再变动后再运行 board build。{KEPT}")
    return f"读写文件时出错（{exc.strerror or exc}{'：' + str(exc.filename) if exc.filename else ''}）。请检查磁盘和文件夹后再试。{KEPT}"
