"""`board publish` to a local folder: releases side by side, nothing written when nothing changed,
a killed deploy leaves the previous release serving, `--rollback`; and the deploy settings' checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import run_board, write_article
from generator.messages import Report
from generator.publish.targets import load_targets
from generator.settings import load_settings
from publish_helpers import NOTICE, small_project

AS_OF = "2026-11-26 10:00"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file and folder: a deploy that writes nothing leaves it equal."""
    return {p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.lstat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def served(www: Path) -> Path:
    return www / "site"


def title_of_home(www: Path) -> str:
    return json.loads((served(www) / "board.json").read_text(encoding="utf-8"))["as_of"]


def test_second_deploy_of_the_same_site_writes_nothing_and_rollback(tmp_path: Path) -> None:
    www = tmp_path / "www"
    project = small_project(tmp_path, f"- name: 本机\n  type: folder\n  path: {www}/site\n  keep: 3\n")
    first = run_board(project, "publish", "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    assert served(www).is_symlink()
    release1 = os.readlink(served(www))
    assert not os.path.isabs(release1) and (www / release1 / "index.html").is_file()
    assert (served(www) / "notices" / "2026-11-20-大扫除" / "index.html").is_file()
    before = snapshot(www)

    time.sleep(1.1)  # a new release would get a new name (its time) and new mtimes
    second = run_board(project, "publish", "--as-of", AS_OF)
    assert second.returncode == 0, second.stderr
    assert "没有上传任何文件" in second.stdout
    assert snapshot(www) == before  # not one file or folder written

    dry = run_board(project, "publish", "--dry-run", "--as-of", AS_OF)
    assert dry.returncode == 0 and "不需要发布" in dry.stdout, dry.stdout + dry.stderr
    assert snapshot(www) == before

    write_article(project, "science/2026-11-26-新知识.md",
                  "---\ntitle: 新的科普知识\ntype: science\ndate: 2026-11-26\n---\n\n新内容。\n")
    dry = run_board(project, "publish", "--dry-run", "--as-of", AS_OF)
    assert "新增 science/2026-11-26-新知识/index.html" in dry.stderr, dry.stderr
    assert snapshot(www) == before
    third = run_board(project, "publish", "--as-of", AS_OF)
    assert third.returncode == 0, third.stderr
    release2 = os.readlink(served(www))
    assert release2 != release1
    assert (served(www) / "science" / "2026-11-26-新知识" / "index.html").is_file()
    # files that did not change are hard links to the previous release, not new copies
    css = next((www / release1 / "assets" / "stylesheets").glob("main.*.min.css"))
    twin = www / release2 / css.relative_to(www / release1)
    assert css.stat().st_ino == twin.stat().st_ino

    back = run_board(project, "publish", "--rollback")
    assert back.returncode == 0, back.stderr
    assert os.readlink(served(www)) == release1
    assert not (served(www) / "science" / "2026-11-26-新知识").exists()
    assert (www / release2).is_dir()  # kept: the newer release is not thrown away
    again = run_board(project, "publish", "--rollback")
    assert again.returncode == 1 and "没有更早的版本" in again.stderr


def test_releases_beyond_keep_are_removed(tmp_path: Path) -> None:
    www = tmp_path / "www"
    project = small_project(tmp_path, f"- name: 本机\n  type: folder\n  path: {www}/site\n  keep: 2\n")
    for day in ("2026-11-26", "2026-11-27", "2026-11-28"):
        write_article(project, f"law/{day}-法.md", f"---\ntitle: 法治{day}\ntype: law\ndate: {day}\n---\n\n正文。\n")
        result = run_board(project, "publish", "--as-of", f"{day} 12:00")
        assert result.returncode == 0, result.stderr
    releases = sorted(p.name for p in (www / "site-releases").iterdir() if p.is_dir())
    assert len(releases) == 2 and os.readlink(served(www)).endswith(releases[-1])
    assert len(list((www / "site-releases").glob("*.json"))) == 2


SLOW_DEPLOY = """
import sys, time
from generator.publish import folder
real_put = folder.LocalStore.put
def slow_put(self, local, remote):
    real_put(self, local, remote)
    time.sleep(0.05)
folder.LocalStore.put = slow_put
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_killed_deploy_leaves_the_previous_release_serving(tmp_path: Path) -> None:
    www = tmp_path / "www"
    project = small_project(tmp_path, f"- name: 本机\n  type: folder\n  path: {www}/site\n")
    assert run_board(project, "publish", "--as-of", AS_OF).returncode == 0
    release1 = os.readlink(served(www))
    good = {p.relative_to(www / release1).as_posix(): p.read_bytes() for p in (www / release1).rglob("*") if p.is_file()}

    # A change to every page (a new article is listed on the home page and in the archive).
    write_article(project, "notices/2026-11-26-新通知.md", NOTICE.format(
        title="新通知", date="2026-11-26", extra="", body="新通知正文。"))
    process = subprocess.Popen([sys.executable, "-c", SLOW_DEPLOY, "publish", "--as-of", AS_OF], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    incoming = None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        found = list((www / "site-releases").glob(".incoming-*"))
        if found and sum(1 for p in found[0].rglob("*") if p.is_file()) >= 20:
            incoming = found[0]
            break
        time.sleep(0.05)
    assert incoming is not None, "the deploy never got under way: " + (process.stderr.read().decode() if process.poll() is not None else "")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    assert os.readlink(served(www)) == release1
    live = served(www).resolve()
    now = {p.relative_to(live).as_posix(): p.read_bytes() for p in live.rglob("*") if p.is_file()}
    assert now == good  # the old release, whole and unchanged
    result = run_board(project, "publish", "--as-of", AS_OF)  # the next deploy clears what was left
    assert result.returncode == 0, result.stderr
    assert not list((www / "site-releases").glob(".incoming-*"))
    assert (served(www) / "notices" / "2026-11-26-新通知" / "index.html").is_file()


def test_failed_build_publishes_nothing(tmp_path: Path) -> None:
    www = tmp_path / "www"
    project = small_project(tmp_path, f"- name: 本机\n  type: folder\n  path: {www}/site\n")
    assert run_board(project, "publish", "--as-of", AS_OF).returncode == 0
    before = snapshot(www)
    write_article(project, "notices/坏.md", "---\ntitle: 坏\ntype: notice\ndate: 2026-13-45\n---\n正文\n")
    result = run_board(project, "publish", "--as-of", AS_OF)
    assert result.returncode == 1 and "线上的网站保持原样" in result.stderr
    assert snapshot(www) == before


def test_unwritable_target_reports_and_keeps_going(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    project = small_project(tmp_path, f"- name: 坏目标\n  type: folder\n  path: {blocker}/site\n"
                                      f"- name: 好目标\n  type: folder\n  path: {tmp_path}/ok/site\n")
    result = run_board(project, "publish", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "发布到“坏目标”（本机文件夹）失败" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "ok" / "site" / "index.html").is_file()
    one = run_board(project, "publish", "好目标", "--as-of", AS_OF)
    assert one.returncode == 0 and "坏目标" not in one.stdout + one.stderr
    unknown = run_board(project, "publish", "没有这个")
    assert unknown.returncode == 2 and "好目标" in unknown.stderr


DEPLOY_MISTAKES = """- name: 本机
  type: folder
  kep: 3
- name: 服务器
  type: ssh
  host: 192.0.2.10
  user: board
  path: var/www/site
  password: hunter2-secret
- name: 云
  type: s3
  bucket: Xingfuli_Board
  endpoint: oss-cn-hangzhou.aliyuncs.com
  secret_access_key: abc123secret
  max_delete: -1
- name: 工作台
  type: ftp
"""


def test_deploy_setting_mistakes_name_their_lines(tmp_path: Path) -> None:
    project = small_project(tmp_path, DEPLOY_MISTAKES)
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return next(i for i, l in enumerate(lines, 1) if l.strip() == text)

    report = Report()
    targets = load_targets(load_settings(project / "mkdocs.yml", report), report)
    got = {(m.code, m.line) for m in report.messages if m.code.startswith("deploy.")}
    expected = {
        ("deploy.unknown_key", line_of("kep: 3")),
        ("deploy.path", line_of("- name: 本机")),
        ("deploy.path_relative", line_of("path: var/www/site")),
        ("deploy.secret_in_config", line_of("password: hunter2-secret")),
        ("deploy.bucket", line_of("bucket: Xingfuli_Board")),
        ("deploy.endpoint", line_of("endpoint: oss-cn-hangzhou.aliyuncs.com")),
        ("deploy.secret_in_config", line_of("secret_access_key: abc123secret")),
        ("deploy.max_delete", line_of("max_delete: -1")),
        ("deploy.type", line_of("type: ftp")),
    }
    assert got >= expected, sorted(got)
    assert targets == []
    hint = next(m for m in report.messages if m.code == "deploy.unknown_key")
    assert "是不是想写“keep”" in hint.text
    result = run_board(project, "publish")
    assert result.returncode == 1 and "没有发布" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout and "abc123" not in result.stderr + result.stdout
    assert f"mkdocs.yml:{line_of('password: hunter2-secret')}: 错误：" in result.stderr


def test_no_deploy_setting_says_how(tmp_path: Path) -> None:
    project = small_project(tmp_path, "[]")
    result = run_board(project, "publish")
    assert result.returncode == 1 and "deploy" in result.stderr and "type: folder" in result.stderr
