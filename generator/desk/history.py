"""Every save from the desk as a git commit, and the versions of one article listed and restored.

git through subprocess, not a binding (GitPython, pygit2): the desk needs four plumbing commands,
the git the IT person installed is the one whose repository and settings it must respect, and a
binding adds a native dependency (or a git subprocess of its own) for no gain.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 30  # seconds: a git command on a community's repository is instant; never hang the desk
_HASH = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass
class Version:
    commit: str
    author: str
    when: str  # Beijing time, minute
    message: str


def _git(root: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args], capture_output=True, timeout=TIMEOUT, input=data,
                          env={**os.environ, "LC_ALL": "C", **(env or {})}, check=False)


def repository(project_root: Path) -> Path | None:
    """The top folder of the git repository the project is in, or None (no git, or not a repository)."""
    if shutil.which("git") is None:
        return None
    try:
        done = _git(project_root, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(done.stdout.decode("utf-8", "replace").strip()) if done.returncode == 0 else None


def _identity(top: Path, name: str) -> dict[str, str]:
    """The staff member as the commit's author; the committer is git's own setting, or the same person."""
    email = "desk@board.invalid"
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    if _git(top, "config", "user.email").returncode != 0 or _git(top, "config", "user.name").returncode != 0:
        env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    return env


def commit(top: Path, paths: list[Path], name: str, message: str) -> bool:
    """Commit exactly these files (added, changed or removed) with the staff member as author; True when a commit was made."""
    relative = [os.path.relpath(p, top) for p in paths]
    try:
        _git(top, "add", "-A", "--", *relative)
        staged = _git(top, "diff", "--cached", "--quiet", "--", *relative)
        if staged.returncode == 0:
            return False  # nothing changed (saved without an edit)
        done = _git(top, "commit", "-q", "--no-verify", "-m", message, "--", *relative, env=_identity(top, name))
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def versions(top: Path, path: Path, limit: int = 50) -> list[Version]:
    """The commits that changed this file, newest first (followed through renames)."""
    from datetime import datetime

    from generator.timeutil import beijing

    relative = os.path.relpath(path, top)
    done = _git(top, "log", f"-n{limit}", "--follow", "--format=%H%x1f%an%x1f%aI%x1f%s", "--", relative)
    if done.returncode != 0:
        return []
    found = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            when = beijing(datetime.fromisoformat(parts[2]), "minute")
            found.append(Version(parts[0], parts[1], when, parts[3]))
    return found


def text_at(top: Path, commit_id: str, path: Path) -> bytes | None:
    """The file as it was in that commit (its name then may differ: renames are followed by versions())."""
    if not _HASH.match(commit_id):
        return None
    relative = Path(os.path.relpath(path, top)).as_posix()
    done = _git(top, "show", f"{commit_id}:{relative}")
    if done.returncode == 0:
        return done.stdout
    # renamed since: ask git which name the file had in that commit
    names = _git(top, "log", "--follow", "--name-only", "--format=%H", "--", relative)
    current = None
    for line in names.stdout.decode("utf-8", "replace").splitlines():
        if _HASH.match(line.strip()):
            current = line.strip()
        elif line.strip() and current == commit_id:
            again = _git(top, "show", f"{commit_id}:{line.strip()}")
            return again.stdout if again.returncode == 0 else None
    return None
