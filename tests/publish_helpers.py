"""Helpers for the publish tests: a small project with deploy targets, a real sshd, a local S3 server."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from conftest import copy_project, write_article
from processes import free_port, stop

NOTICE = """---
title: {title}
type: notice
date: {date}
author: 幸福里社区居民委员会
{extra}---

各位居民朋友：{body}
"""


def small_project(root: Path, deploy_yaml: str) -> Path:
    """The project's templates with three articles of our own, posters off (fast), and `deploy`."""
    project = copy_project(root / "proj", with_content=False)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - board:\n" in text
    if deploy_yaml.strip() == "[]":
        block = "      deploy: []\n"
    else:
        block = "      deploy:\n" + "".join(f"        {line}\n" for line in deploy_yaml.strip("\n").splitlines())
    text = text.replace("  - board:\n", "  - board:\n      posters: false\n" + block, 1)
    config.write_text(text, encoding="utf-8")
    write_article(project, "notices/2026-11-20-大扫除.md", NOTICE.format(
        title="冬季大扫除", date="2026-11-20", extra="expires: 2026-12-20\n", body="周六上午大扫除。"))
    write_article(project, "notices/2026-11-25-停水.md", NOTICE.format(
        title="紧急停水通知", date="2026-11-25", extra="urgent: true\nexpires: 2026-11-30 18:00\n", body="二期停水。"))
    write_article(project, "science/2026-11-18-燃气.md", "---\ntitle: 冬季燃气安全\ntype: science\ndate: 2026-11-18\n---\n\n燃气安全要记牢。\n")
    return project


def wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class Sshd:
    """A real OpenSSH server on 127.0.0.1 with a throwaway host key and user key."""

    def __init__(self, folder: Path) -> None:
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        assert Path(sshd).exists(), "Debian's openssh-server is needed (.ci/run installs it)"
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("host_key", "user_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True)
        (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
        self.port = free_port()
        self.user = getpass.getuser()
        self.key = folder / "user_key"
        self.known_hosts = folder / "known_hosts"
        host_pub = " ".join((folder / "host_key.pub").read_text().split()[:2])
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {host_pub}\n")
        config = folder / "sshd_config"
        config.write_text(f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {folder}/host_key
PidFile {folder}/sshd.pid
AuthorizedKeysFile {folder}/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers {self.user}
Subsystem sftp internal-sftp
LogLevel ERROR
""")
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation folder
        self.process = subprocess.Popen([sshd, "-f", str(config), "-D", "-e"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        try:
            wait_for_port(self.port)
        except AssertionError:
            self.stop()
            raise AssertionError("sshd did not start: " + self.process.stderr.read().decode(errors="replace"))

    def stop(self) -> None:
        stop(self.process, timeout=10)
