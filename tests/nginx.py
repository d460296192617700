"""Debian's nginx serving a built site with the shipped configuration (deploy/nginx/board.conf),
on 127.0.0.1 at a free high port, with its pid, logs and temporary files in a temporary folder.

The shipped file is used as it is except for three lines a test cannot keep: `listen` (a free
port on 127.0.0.1 instead of port 80 on every address), `root` (the site under test) and
`server_name`. nginx is started as a child process (`daemon off`) and stopped by its pid.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from processes import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx" / "board.conf"
NGINX = os.environ.get("BOARD_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")


def require_nginx() -> None:
    """Fail (not skip) when nginx is missing, unless BOARD_SKIP_BROWSER=1 (as the browser tests do)."""
    if Path(NGINX).exists() and MIME_TYPES.exists():
        return
    problem = "nginx not found: apt-get install nginx (.ci/run does)"
    if os.environ.get("BOARD_SKIP_BROWSER") == "1":
        pytest.skip(problem)
    pytest.fail(problem)


def site_config(site: Path, port: int) -> str:
    """The shipped server config with this test's address and site folder."""
    text = CONFIG.read_text(encoding="utf-8")
    text, listens = re.subn(r"(?m)^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", text)
    text = re.sub(r"(?m)^\s*listen \[::\]:80;\n", "", text)
    text, roots = re.subn(r"(?m)^(\s*)root \S+;$", lambda m: f'{m.group(1)}root "{site}";', text)
    text = re.sub(r"(?m)^(\s*)server_name \S+;$", r"\1server_name localhost;", text)
    assert listens == 1 and roots == 1, "deploy/nginx/board.conf: expected one `listen 80;` and one `root …;`"
    return text


class PortTaken(RuntimeError):
    pass


class Nginx:
    """One nginx master process serving `site`; start() / stop() may be called again (a restart)."""

    def __init__(self, site: Path, workdir: Path) -> None:
        self.site = site.resolve()
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _write_config(self) -> Path:
        (self.dir / "board.conf").write_text(site_config(self.site, self.port), encoding="utf-8")
        temp = " ".join(f"{kind}_temp_path {self.dir / kind};" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # As root, nginx's workers would run as `nobody`, who cannot read pytest's private temp folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = (f"{user}worker_processes 1;\npid {self.dir / 'nginx.pid'};\nerror_log {self.dir / 'error.log'};\n"
                "events { worker_connections 64; }\n"
                f"http {{\n  include {MIME_TYPES};\n  default_type application/octet-stream;\n"
                f"  access_log {self.dir / 'access.log'};\n  {temp}\n  include {self.dir / 'board.conf'};\n}}\n")
        path = self.dir / "nginx.conf"
        path.write_text(main, encoding="utf-8")
        return path

    def start(self) -> "Nginx":
        for _ in range(3):  # another process (an xdist worker) may take the free port first: pick again
            try:
                return self._start()
            except PortTaken:
                self.port = free_port()
        return self._start()

    def _start(self) -> "Nginx":
        conf = self._write_config()
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.dir), "-e", str(self.dir / "error.log"), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # bounded: at most 10 s for nginx to listen
            if self.process.poll() is not None:
                problem = self.process.stderr.read().decode(errors="replace")
                self.process = None
                raise (PortTaken if "Address already in use" in problem else RuntimeError)(f"nginx exited: {problem}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start listening within 10 s")

    def stop(self) -> None:
        if self.process is None:
            return
        stop(self.process, timeout=10)  # SIGTERM: nginx's fast shutdown, workers included
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the port is closed before we say we stopped
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.05)
            except OSError:
                return

    def __enter__(self) -> "Nginx":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
