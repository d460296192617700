"""Target `type: folder`: a folder on this machine that a web server (nginx) serves.

    deploy:
      - name: 本机
        type: folder
        path: /var/www/board/site     # what nginx's `root` names; releases go to /var/www/board/site-releases/
        keep: 5                       # how many releases to keep for --rollback (default 5)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.publish.files import SiteFile
from generator.publish.releases import Outcome, ReleaseSite


class LocalStore:
    """The release operations on this machine's file system."""

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)

    def is_link(self, path: str) -> bool:
        return os.path.islink(path)

    def readlink(self, path: str) -> str | None:
        try:
            return os.readlink(path)
        except OSError:
            return None

    def listdir(self, path: str) -> list[str]:
        try:
            return os.listdir(path)
        except FileNotFoundError:
            return []

    def makedirs(self, path: str) -> None:
        os.makedirs(path, mode=0o755, exist_ok=True)

    def put(self, local: SiteFile, remote: str) -> None:
        shutil.copyfile(local.path, remote)
        os.chmod(remote, 0o644)

    def link(self, existing: str, new: str) -> bool:
        try:
            os.link(existing, new)
            return True
        except OSError:  # another file system, or one without hard links: copy instead
            return False

    def read_text(self, path: str) -> str | None:
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write_text(self, path: str, text: str) -> None:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)

    def rename(self, old: str, new: str) -> None:
        os.rename(old, new)

    def replace_with_symlink(self, path: str, target: str) -> None:
        temporary = f"{path}.new-link-{os.getpid()}"
        if os.path.lexists(temporary):
            os.unlink(temporary)
        os.symlink(target, temporary)
        os.replace(temporary, path)  # rename(2) over the old link: atomic for every reader

    def rmtree(self, path: str) -> None:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            os.unlink(path)


def release_site(target: dict, project_root: Path, progress=lambda text: None) -> ReleaseSite:
    """A relative `path` is taken from the project folder, as every path in mkdocs.yml is."""
    path = Path(os.path.normpath(project_root / Path(os.path.expanduser(str(target["path"])))))
    # '/'-separated (Windows accepts it too): the release logic joins paths the same way for SFTP
    return ReleaseSite(LocalStore(), path.as_posix(), int(target.get("keep", 5)), progress)


def deploy(target: dict, files: dict[str, SiteFile], project_root: Path, progress=lambda text: None) -> Outcome:
    return release_site(target, project_root, progress).deploy(files)
