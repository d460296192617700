"""`board watch` publishes by itself: a scheduled article appears and an expired urgent banner leaves
the served site at their moments (a rehearsal clock, 10x), a content error keeps the last good site."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import write_article
from processes import stop
from publish_helpers import NOTICE, small_project

SPEED = 10  # board minutes per 6 real seconds
START = "2026-11-26 09:58"
MOMENT = "2026-11-26 10:00"  # the scheduled article appears and the urgent notice expires


def page_text(page: Path) -> str:
    """A page's text as residents read it (titles are wrapped phrase by phrase in the HTML)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()


def manifest(site: Path) -> dict:
    return json.loads((site / "board.json").read_text(encoding="utf-8"))


def titles(site: Path) -> dict[str, str]:
    return {a["title"]: a["status"] for a in manifest(site)["articles"]}


def wait_until(check, seconds: float, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"board watch stopped: {log.read_text(encoding='utf-8') if log.exists() else ''}")
        try:
            if check():
                return
        except (OSError, ValueError, KeyError):
            pass  # the served folder between two looks
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s: {what}\n" + (log.read_text(encoding="utf-8") if log.exists() else ""))


def test_watch_publishes_at_the_scheduled_moment_without_a_command(tmp_path: Path) -> None:
    www = tmp_path / "www"
    project = small_project(tmp_path, f"- name: 本机\n  type: folder\n  path: {www}/site\n")
    write_article(project, "notices/2026-11-26-定时通知.md", NOTICE.format(
        title="十点整发布的通知", date=MOMENT, extra="", body="定时发布的正文。"))
    write_article(project, "notices/2026-11-25-停电.md", NOTICE.format(
        title="紧急停电通知", date="2026-11-25", extra=f"urgent: true\nexpires: {MOMENT}\n", body="今晚停电。"))
    served = www / "site"
    log = project / "board-watch.log"
    process = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--interval", "600"], cwd=project,
                               env={**os.environ, "BOARD_CLOCK": f"{START} x{SPEED}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: served.is_dir(), 120, "the first publish", process, log)
        first = sorted(p for p in (www / "site-releases").iterdir() if p.is_dir())[0]
        assert titles(first).get("紧急停电通知") == "current"  # published at 09:58: banner on, article not yet
        assert "十点整发布的通知" not in titles(first)
        assert "紧急停电通知" in page_text(first / "index.html")

        wait_until(lambda: "十点整发布的通知" in titles(served), 120, "the scheduled article", process, log)
        assert titles(served)["紧急停电通知"] == "expired"
        home = page_text(served / "index.html")
        assert "十点整发布的通知" in home and "紧急停电通知" not in home  # the banner is gone
        assert manifest(served)["as_of"] >= "2026-11-26T10:00:00+08:00"
        text = log.read_text(encoding="utf-8")
        assert "到了定时变化的时间 2026-11-26 10:00" in text and "Traceback" not in text

        # A content error: nothing published, the last good site stays, the log says why in Chinese.
        good_release = os.readlink(served)
        broken = write_article(project, "law/坏文章.md", "---\ntitle: 坏文章\ntype: law\ndate: 2026/11/26\n---\n正文\n")
        wait_until(lambda: "这次没有发布" in log.read_text(encoding="utf-8"), 60, "the content error logged", process, log)
        assert "content/law/坏文章.md:4: 错误：" in log.read_text(encoding="utf-8")
        assert os.readlink(served) == good_release
        # Fixed: published after the change, without a command.
        broken.write_text("---\ntitle: 改好的文章\ntype: law\ndate: 2026-11-26\n---\n正文\n", encoding="utf-8")
        wait_until(lambda: "改好的文章" in titles(served), 120, "the fixed article", process, log)
    finally:
        stop(process, sig=signal.SIGINT, timeout=30)


def test_a_second_watcher_on_the_same_project_does_not_start(tmp_path: Path) -> None:
    project = small_project(tmp_path, f"- name: 本机\n  type: folder\n  path: {tmp_path}/www/site\n")
    from generator.output.lock import file_lock

    with file_lock(project / ".board-watch.lock", wait=False) as mine:
        assert mine
        result = subprocess.run([sys.executable, "-m", "generator", "watch"], cwd=project, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 1 and "已经有一个 board watch" in result.stderr
    bad = subprocess.run([sys.executable, "-m", "generator", "watch"], cwd=project, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "BOARD_CLOCK": "明天早上"})
    assert bad.returncode == 2 and "BOARD_CLOCK" in bad.stderr


def test_systemd_service_runs_board_watch(tmp_path: Path) -> None:
    """The shipped unit restarts board watch with the machine; systemd itself accepts it where present."""
    import configparser
    import shlex
    import shutil

    from conftest import ROOT
    from generator.cli import build_parser

    unit_text = (ROOT / "deploy" / "board-watch.service").read_text(encoding="utf-8")
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string(unit_text)
    command = shlex.split(unit["Service"]["ExecStart"])
    assert Path(command[0]).name == "board"
    args = build_parser().parse_args(command[1:])
    assert args.command == "watch" and args.interval >= 1
    assert unit["Service"]["Restart"] == "always"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert "network-online.target" in unit["Unit"]["After"]
    if shutil.which("systemd-analyze"):
        fake_board = tmp_path / "board"
        fake_board.write_text("#!/bin/sh\n")
        fake_board.chmod(0o755)
        local = tmp_path / "board-watch.service"
        local.write_text(unit_text.replace(unit["Service"]["ExecStart"], f"{fake_board} watch")
                         .replace("User=board", "User=root"), encoding="utf-8")
        result = subprocess.run(["systemd-analyze", "verify", str(local)], capture_output=True, text=True, timeout=60)
        problems = [l for l in result.stderr.splitlines() if "board-watch.service" in l]
        assert not problems, result.stderr


def test_watch_without_deploy_targets_keeps_site_current(tmp_path: Path) -> None:
    project = small_project(tmp_path, "[]")
    write_article(project, "notices/2026-11-26-定时通知.md", NOTICE.format(
        title="十点整发布的通知", date=MOMENT, extra="", body="定时发布的正文。"))
    log = project / "board-watch.log"
    process = subprocess.Popen([sys.executable, "-m", "generator", "watch"], cwd=project,
                               env={**os.environ, "BOARD_CLOCK": f"{START} x{SPEED}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: "十点整发布的通知" in titles(project / "site"), 120, "the scheduled article in site/",
                   process, log)
        assert "只更新本机的网站文件夹" in log.read_text(encoding="utf-8")
    finally:
        stop(process, timeout=30)
    assert "board watch 已停止" in log.read_text(encoding="utf-8")  # systemd's stop ends it cleanly


# -- a street project (issue 17): one watcher for every community, or one for a community --------

def _street(tmp_path: Path) -> Path:
    """examples/street without posters (the watcher builds with the project's own settings)."""
    from conftest import copy_street

    root = copy_street(tmp_path / "heping")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  board:\n", "  board:\n    posters: false\n", 1),
                      encoding="utf-8")
    return root


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def test_street_watch_publishes_a_scheduled_street_notice_in_the_communities_it_names(tmp_path: Path) -> None:
    root = _street(tmp_path)
    (root / "content" / "notices" / "2026-11-26-定时停水.md").write_text(
        f"---\ntitle: 十点整发布的街道停水通知\ntype: notice\ndate: {MOMENT}\ncommunities: [xingfuli, cuiyuan]\n---\n\n"
        "明天上午停水。\n", encoding="utf-8")
    log = root / "board-watch.log"
    process = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--interval", "600"], cwd=root,
                               env={**os.environ, "BOARD_CLOCK": f"{START} x{SPEED}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = root / "site"
    try:
        wait_until(lambda: (site / "index.html").is_file(), 180, "the first build of the street", process, log)
        assert all("十点整发布的街道停水通知" not in titles(site / c) for c in ("xingfuli", "cuiyuan", "hepingli"))
        wait_until(lambda: all("十点整发布的街道停水通知" in titles(site / c) for c in ("xingfuli", "cuiyuan")), 180,
                   "the scheduled street notice in xingfuli and cuiyuan", process, log)
        assert "十点整发布的街道停水通知" not in titles(site / "hepingli")
        text = log.read_text(encoding="utf-8")
        assert "到了定时变化的时间 2026-11-26 10:00" in text and "Traceback" not in text
    finally:
        _stop(process)


def test_street_watch_of_one_community(tmp_path: Path) -> None:
    """`--community`: that community is built and published, the others are not touched; its own log and lock."""
    root = _street(tmp_path)
    log = root / "board-watch-hepingli.log"
    process = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--community", "hepingli"], cwd=root,
                               env={**os.environ, "BOARD_CLOCK": f"{START} x{SPEED}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: "发布完成" in log.read_text(encoding="utf-8"), 180, "the first build", process, log)
        assert "紧急提醒：谨防冒充燃气公司人员上门收费" in titles(root / "site" / "hepingli")
        assert sorted(p.name for p in (root / "site").iterdir() if p.is_dir()) == ["hepingli"]
    finally:
        _stop(process)
    assert not (root / "board-watch.log").exists()
