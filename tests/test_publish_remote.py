"""`board publish` to a real OpenSSH server and to an S3-compatible server, both on 127.0.0.1 only."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import boto3
import pytest

from conftest import run_board, write_article
from publish_helpers import NOTICE, Sshd, small_project

AS_OF = "2026-11-26 10:00"


@pytest.fixture
def sshd(tmp_path: Path):
    server = Sshd(tmp_path / "sshd")
    yield server
    server.stop()


def test_publish_over_ssh_switches_releases_atomically(tmp_path: Path, sshd: Sshd) -> None:
    server_root = tmp_path / "server" / "www"  # "the server's disk": the same machine, reached only over SSH
    server_root.mkdir(parents=True)
    project = small_project(tmp_path, f"""- name: 服务器
  type: ssh
  host: 127.0.0.1
  port: {sshd.port}
  user: {sshd.user}
  key_file: {sshd.key}
  known_hosts: {sshd.known_hosts}
  path: {server_root}/site
""")
    first = run_board(project, "publish", "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    served = server_root / "site"
    release1 = os.readlink(served)
    assert (served / "index.html").is_file() and (served / "board.json").is_file()

    # While the second release goes up, the served path must always be one whole release.
    write_article(project, "notices/2026-11-26-新通知.md", NOTICE.format(
        title="新通知", date="2026-11-26", extra="", body="新通知正文。"))
    seen: list[str] = []
    stop = threading.Event()

    def watch_served() -> None:
        while not stop.is_set():
            target = os.readlink(served)  # raises if the path were ever missing
            assert (server_root / (target + ".json")).is_file(), target  # a complete release
            if not seen or seen[-1] != target:
                seen.append(target)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch_served)
    watcher.start()
    try:
        second = run_board(project, "publish", "--as-of", AS_OF)
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert second.returncode == 0, second.stderr
    release2 = os.readlink(served)
    assert seen == [release1, release2]
    assert (served / "notices" / "2026-11-26-新通知" / "index.html").is_file()
    css = next((server_root / release1 / "assets" / "stylesheets").glob("main.*.min.css"))
    assert css.stat().st_ino == (server_root / release2 / css.relative_to(server_root / release1)).stat().st_ino

    same = run_board(project, "publish", "--as-of", AS_OF)
    assert same.returncode == 0 and "没有上传任何文件" in same.stdout
    back = run_board(project, "publish", "--rollback")
    assert back.returncode == 0, back.stderr
    assert os.readlink(served) == release1


def test_unknown_server_is_refused(tmp_path: Path, sshd: Sshd) -> None:
    empty_known_hosts = tmp_path / "known_hosts"
    empty_known_hosts.write_text("")
    project = small_project(tmp_path, f"""- name: 服务器
  type: ssh
  host: 127.0.0.1
  port: {sshd.port}
  user: {sshd.user}
  key_file: {sshd.key}
  known_hosts: {empty_known_hosts}
  path: {tmp_path}/srv/site
""")
    result = run_board(project, "publish", "--as-of", AS_OF, env={"HOME": str(tmp_path)})
    assert result.returncode == 1 and "还不认识服务器" in result.stderr, result.stderr
    assert not (tmp_path / "srv").exists()


# -- S3-compatible ------------------------------------------------------------------------------

KEY_ID, SECRET = "board-test-key-id", "board-test-secret-value-never-printed"


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def objects(s3, bucket: str) -> dict[str, dict]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
            found[item["Key"]] = {"type": head["ContentType"], "cache": head.get("CacheControl"),
                                  "modified": head["LastModified"]}
    return found


def test_publish_to_s3_types_caching_guard_and_dry_run(tmp_path: Path, s3_server: str) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id=KEY_ID,
                      aws_secret_access_key=SECRET)
    s3.create_bucket(Bucket="xingfuli-board")
    project = small_project(tmp_path, f"""- name: 对象存储
  type: s3
  bucket: xingfuli-board
  endpoint: {s3_server}
  addressing: path
  max_delete: 3
""")
    env = {"BOARD_S3_ACCESS_KEY_ID": KEY_ID, "BOARD_S3_SECRET_ACCESS_KEY": SECRET}
    missing = run_board(project, "publish", "--as-of", AS_OF, env={"HOME": str(tmp_path)})
    assert missing.returncode == 1 and "BOARD_S3_ACCESS_KEY_ID" in missing.stderr
    first = run_board(project, "publish", "--as-of", AS_OF, env=env)
    assert first.returncode == 0, first.stderr
    assert SECRET not in first.stdout + first.stderr
    stored = objects(s3, "xingfuli-board")
    site = project / "site"
    local = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert local <= set(stored)
    css = next(k for k in stored if k.startswith("assets/stylesheets/main.") and k.endswith(".min.css"))
    js = next(k for k in stored if k.startswith("assets/javascripts/bundle.") and k.endswith(".min.js"))
    expect = {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "notices/2026-11-20-大扫除/index.html": ("text/html; charset=utf-8", "no-cache"),
        "board.json": ("application/json; charset=utf-8", "no-cache"),
        "kiosk/index.html": ("text/html; charset=utf-8", "no-cache"),
        "kiosk/sw.js": ("text/javascript; charset=utf-8", "no-cache"),  # browsers look for updates at one name
        "feed.xml": ("application/rss+xml; charset=utf-8", "no-cache"),
        "calendar.ics": ("text/calendar; charset=utf-8", "no-cache"),
        css: ("text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        js: ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
    }
    for key, (content_type, cache) in expect.items():
        assert (stored[key]["type"], stored[key]["cache"]) == (content_type, cache), key
    for key, meta in stored.items():  # every object has a type and a caching rule
        assert meta["type"] and meta["cache"], key
        if key.endswith(".svg"):
            assert meta["type"] == "image/svg+xml"

    # Nothing changed: a dry run lists nothing, a publish uploads nothing.
    dry = run_board(project, "publish", "--dry-run", "--as-of", AS_OF, env=env)
    assert dry.returncode == 0 and "不需要发布" in dry.stdout, dry.stdout + dry.stderr
    again = run_board(project, "publish", "--as-of", AS_OF, env=env)
    assert again.returncode == 0
    assert objects(s3, "xingfuli-board") == stored  # not one object rewritten

    # One new article: only the files it changes are uploaded; the dry run says which.
    write_article(project, "law/2026-11-26-新法.md", "---\ntitle: 新法治宣传\ntype: law\ndate: 2026-11-26\n---\n\n正文。\n")
    dry = run_board(project, "publish", "--dry-run", "--as-of", AS_OF, env=env)
    assert "新增 law/2026-11-26-新法/index.html" in dry.stderr and "删除" not in dry.stderr, dry.stderr
    assert objects(s3, "xingfuli-board") == stored
    third = run_board(project, "publish", "--as-of", AS_OF, env=env)
    assert third.returncode == 0, third.stderr
    after = objects(s3, "xingfuli-board")
    assert "law/2026-11-26-新法/index.html" in after
    assert after[css]["modified"] == stored[css]["modified"]  # unchanged asset not uploaded again

    # Removing articles would delete more files than max_delete (3): refused, nothing touched.
    for path in (project / "content").rglob("*.md"):
        if "新法" not in path.name:
            path.unlink()
    dry = run_board(project, "publish", "--dry-run", "--as-of", AS_OF, env=env)
    assert dry.returncode == 1 and "max_delete" in dry.stderr
    guarded = run_board(project, "publish", "--as-of", AS_OF, env=env)
    assert guarded.returncode == 1 and "超过了 max_delete" in guarded.stderr
    assert objects(s3, "xingfuli-board") == after


def descendants(pid: int) -> list[int]:
    """Processes started by `pid` and by them (read from /proc): the sessions of our own sshd."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


SLOW_SFTP = """
import sys, time
from generator.publish import ssh
real_put = ssh.SftpStore.put
def slow_put(self, local, remote):
    real_put(self, local, remote)
    time.sleep(0.05)
ssh.SftpStore.put = slow_put
ssh.SftpStore.link = lambda self, existing, new: False  # upload every file: a long deploy to cut
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_connection_lost_mid_upload_leaves_the_previous_release(tmp_path: Path, sshd: Sshd) -> None:
    import signal
    import subprocess
    import sys

    server_root = tmp_path / "server"
    server_root.mkdir()
    project = small_project(tmp_path, f"""- name: 服务器
  type: ssh
  host: 127.0.0.1
  port: {sshd.port}
  user: {sshd.user}
  key_file: {sshd.key}
  known_hosts: {sshd.known_hosts}
  path: {server_root}/site
""")
    assert run_board(project, "publish", "--as-of", AS_OF).returncode == 0
    served = server_root / "site"
    release1 = os.readlink(served)
    write_article(project, "notices/2026-11-26-新通知.md", NOTICE.format(
        title="新通知", date="2026-11-26", extra="", body="新通知正文。"))
    process = subprocess.Popen([sys.executable, "-c", SLOW_SFTP, "publish", "--as-of", AS_OF], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    cut = False
    while time.monotonic() < deadline and process.poll() is None:
        incoming = list((server_root / "site-releases").glob(".incoming-*"))
        if incoming and sum(1 for p in incoming[0].rglob("*") if p.is_file()) >= 20:
            # the server side of the connection dies: end the session processes our sshd started
            for pid in descendants(sshd.process.pid):
                os.kill(pid, signal.SIGKILL)
            cut = True
            break
        time.sleep(0.05)
    assert cut, "the upload never got under way"
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, out + err
    assert "连接断了" in err and "Traceback" not in err, err
    assert os.readlink(served) == release1 and (served / "index.html").is_file()
    assert not (served / "notices" / "2026-11-26-新通知").exists()
    again = run_board(project, "publish", "--as-of", AS_OF)  # the server is still up for new connections
    assert again.returncode == 0, again.stderr
    assert (served / "notices" / "2026-11-26-新通知" / "index.html").is_file()
    assert not list((server_root / "site-releases").glob(".incoming-*"))
