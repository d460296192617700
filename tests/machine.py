"""Run `board` (or `mkdocs`) as on another machine: `python tests/machine.py FAULT... -- ARGS`.

Faults, each simulated in this process only:
  windows   no fcntl (filelock falls back as on a system without flock) and no renameat2
            (the swap takes the rename-aside path Windows and macOS take)
  die-between-renames  SIGKILL right after the old site is renamed aside
  enospc=N  the N-th file opened for writing under the staging folder fails: disk full
  eacces    creating the staging folder fails: no permission to write beside the site
  posix-perms  unlink/rmdir obey write permission on the folder, as for a normal user
            (tests run as root, who may delete anything)
  vanish=PATH  the file PATH (relative to the project) is deleted just after the check
  vanish-public  the cleaned copies of published pictures and attachments are deleted after the check
  mkdocs    run `mkdocs` instead of `board`
"""

from __future__ import annotations

import builtins
import errno
import os
import signal
import stat
import sys

argv = sys.argv[1:]
split = argv.index("--")
faults, args = argv[:split], argv[split + 1:]
sys.path.insert(0, os.getcwd())

if "windows" in faults:
    sys.modules["fcntl"] = None  # import fcntl now raises ImportError, as on Windows
    import generator.output.swap as swap

    swap._renameat2.cache_clear()
    swap._renameat2 = lambda: None  # noqa: E731

if "die-between-renames" in faults:
    import generator.output.swap as swap

    real_rename = swap._rename

    def rename_then_die(src, dst):
        real_rename(src, dst)
        if os.path.basename(dst).startswith(swap.aside_prefix(swap.Path(src))):
            os.kill(os.getpid(), signal.SIGKILL)

    swap._rename = rename_then_die

for fault in faults:
    if fault.startswith("enospc="):
        limit = int(fault.split("=", 1)[1])
        real_open = builtins.open
        count = [0]

        def full_open(file, mode="r", *a, **k):
            if any(c in mode for c in "wax") and ".site-new-" in os.fspath(file):
                count[0] += 1
                if count[0] >= limit:
                    raise OSError(errno.ENOSPC, "No space left on device", os.fspath(file))
            return real_open(file, mode, *a, **k)

        builtins.open = full_open
        import io

        io.open = full_open
        import pathlib

        real_write_bytes = pathlib.Path.write_bytes

        def full_write_bytes(self, data):
            with full_open(self, "wb") as f:
                return f.write(data)

        pathlib.Path.write_bytes = full_write_bytes
    if fault.startswith("vanish=") or fault == "vanish-public":
        name = fault.split("=", 1)[-1]
        import generator.load as load

        real_load = load.load_board

        def load_then_delete(*a, **k):
            board = real_load(*a, **k)
            if fault == "vanish-public":  # the checked, cleaned copies of pictures and attachments
                for path in board.public.values():
                    os.unlink(path)
            else:
                os.unlink(board.settings.project_root / name)
            return board

        load.load_board = load_then_delete

if "eacces" in faults:
    import tempfile

    real_mkdtemp = tempfile.mkdtemp

    def no_permission(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", k.get("dir") or (a[2] if len(a) > 2 else None))

    tempfile.mkdtemp = no_permission

if "posix-perms" in faults:
    real_unlink, real_rmdir = os.unlink, os.rmdir

    def obeying(real):
        def call(path, *, dir_fd=None):
            if dir_fd is not None:
                mode = os.fstat(dir_fd).st_mode
            else:
                mode = os.stat(os.path.dirname(os.path.abspath(path))).st_mode
            if not mode & stat.S_IWUSR:
                raise PermissionError(errno.EACCES, "Permission denied", path)
            return real(path, dir_fd=dir_fd) if dir_fd is not None else real(path)
        return call

    os.unlink = os.remove = obeying(real_unlink)
    os.rmdir = obeying(real_rmdir)

if "mkdocs" in faults:
    try:  # MkDocs 1.6, or ProperDocs installed in its place (the second pass of .ci/run)
        from mkdocs.__main__ import cli
    except ImportError:
        from properdocs.__main__ import cli

    sys.argv = ["mkdocs", *args]
    cli()
else:
    from generator.cli import main

    sys.exit(main(args))
