"""Helpers for the desk tests: `board serve` with the desk in a project copy under git, photos with GPS data."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from PIL import Image

from conftest import AS_OF, copy_project
from processes import free_port, stop

START_TIMEOUT = 120  # seconds: the first build of the sample site on a busy machine
GPS_IFD = 0x8825


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(project), "-c", "core.quotepath=off", *args], capture_output=True,
                          text=True, timeout=30, env={**os.environ, "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                                                      "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.invalid"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def git_project(dest: Path) -> Path:
    """A copy of the sample project as a git repository with one commit (as an IT person would set it up)."""
    project = copy_project(dest)
    git(project, "init", "-q")
    git(project, "config", "user.name", "王芳")  # the staff member at this computer: the desk's commits name her
    git(project, "config", "user.email", "wangfang@example.invalid")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "开始")
    return project


class Served:
    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc, self.url, self.lines = proc, url, []

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


@contextmanager
def desk_serve(project: Path, *args: str, served_type: type = Served) -> Iterator[Served]:
    """`board serve` on a free port of 127.0.0.1 (also with --lan: -a names the address), stopped afterwards;
    the preview's own tests pass their richer `served_type`."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}", "--as-of", AS_OF,
                             *args], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL)
    served = served_type(proc, f"http://127.0.0.1:{port}/")
    reader = threading.Thread(target=lambda: served.lines.extend(line.rstrip("\n") for line in proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not any("预览地址" in line for line in served.lines):
            assert proc.poll() is None, f"board serve stopped:\n{served.output}"
            assert time.monotonic() < deadline, f"board serve did not start:\n{served.output}"
            time.sleep(0.2)
        time.sleep(0.3)
        yield served
    finally:
        stop(proc)
        reader.join(timeout=5)


def gps_photo(path: Path, size: tuple[int, int] = (2400, 1800)) -> Path:
    """A JPEG as a phone writes it: big, with GPS coordinates and a camera model in its EXIF."""
    image = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 200):
        image.paste((30, 90, 160), (x, 0, x + 100, size[1]))
    exif = Image.Exif()
    exif[0x0110] = "TestPhone 12"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (30.0, 16.0, 12.5), 3: "E", 4: (120.0, 9.0, 33.2)})
    image.save(path, "JPEG", exif=exif, quality=90)
    with Image.open(path) as check:
        assert check.getexif().get_ifd(GPS_IFD), "the test photo must carry GPS data"
    return path


def add_user(project: Path, name: str, role: str, password: str) -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "user", "add", name, "--role", role], cwd=project,
                          input=password + "\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
