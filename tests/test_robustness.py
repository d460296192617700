"""Never losing anything: random input never crashes, killed builds keep the old site, builds may overlap."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, ROOT, copy_project, make_board_project, run_board, tree_hash, two_builds_at_once, write_article
from generator.load import load_board
from generator.messages import Report
from generator.settings import load_settings
from generator.timeutil import parse_time

KEYS = ["title", "type", "date", "expires", "author", "category", "tags", "summary", "cover", "pinned", "urgent",
        "draft", "event", "poster", "consent", "slug", "expire", "标题"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=80),
                    st.sampled_from(["notice", "通知公告", "story", "2026-11-20", "2026-11-20 08:30", "2027-01-01",
                                     "2026-02-30", "A3", "landscape", "environment", "../x.jpg", "images/a.png"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.sampled_from(["start", "end", "location", "size", "orientation", "x"]), inner, max_size=4)),
                      max_leaves=8)
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)
markdown = st.lists(st.one_of(st.text(alphabet=list("幸福里社区通知 \n#*-[]()!<>`|:：0123456789abc/\\.\"'\t"), max_size=20),
                              st.sampled_from(["<script>alert(1)</script>", "](../../x)", "![a](", "13812345678", "```\n",
                                               "<img src=x onerror=alert(1)>", "[t](javascript:x)", "\n\n---\n", "| a | b |\n|---|---|\n"])),
                     max_size=30).map("".join)


def _pipeline(project: Path) -> Report:
    """Load, check, plan and write the feeds in-process; return the messages."""
    from generator.feeds import board_json, calendar_ics, feed_xml
    from generator.plan import plan_site

    report = Report()
    settings_ = load_settings(project / "mkdocs.yml", report)
    board = load_board(settings_, parse_time(AS_OF), report)
    plan = plan_site(board)
    json.dumps(board_json(plan, posters=False), ensure_ascii=False)
    from xml.etree import ElementTree as ET

    import icalendar

    ET.fromstring(feed_xml(plan))  # well-formed whatever the text
    icalendar.Calendar.from_ical(calendar_ics(plan))
    return report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=front_matter, body=markdown, raw_yaml=st.booleans(), junk=st.text(max_size=60))
def test_random_front_matter_and_markdown_never_crash(tmp_path_factory, front, body, raw_yaml, junk) -> None:
    project = copy_project(tmp_path_factory.mktemp("h"), with_content=False)
    head = junk if raw_yaml else yaml.safe_dump(front, allow_unicode=True)
    write_article(project, "a.md", f"---\n{head}\n---\n{body}\n")
    write_article(project, "b.md", f"{body}")
    write_article(project, "c.md", "---\ntitle: 标题\ntype: notice\ndate: 2026-11-20\nauthor: 居委会\n"
                  "event: {start: 2026-12-01}\n---\n" + junk + body)
    report = _pipeline(project)
    for message in report.messages:
        assert message.path.startswith("content/") or message.path == "mkdocs.yml"
        assert str(message).startswith(f"{message.path}:")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=markdown, title=st.text(alphabet=st.sampled_from(list("社区通知“”《》'\"&#$*[]\\@")), min_size=1, max_size=30))
def test_random_markdown_renders_or_reports(tmp_path_factory, body, title) -> None:
    project = copy_project(tmp_path_factory.mktemp("r"), with_content=False)
    write_article(project, "a.md", "---\n" + yaml.safe_dump({"title": title, "type": "science", "date": "2026-11-20"},
                                                          allow_unicode=True) + "---\n" + body + "\n")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    if result.returncode == 0:
        page = (project / "site" / "science" / "a" / "index.html").read_text(encoding="utf-8")
        assert "<script>" not in page.split("<article", 1)[1].split("</article>", 1)[0]


def site_state(site: Path) -> dict[str, str]:
    """Hash of every file, leaving out the one thing two builds of the same input differ in: the build time."""
    import hashlib

    state = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name in ("board.json", "index.html") and b"generated_at" in data:
                data = re.sub(rb'"generated_at": ?"[^"]*"', b"", data)
            state[path.relative_to(site).as_posix()] = hashlib.sha256(data).hexdigest()
    return state


@pytest.mark.parametrize("kind", ["single", "street"])
def test_killed_builds_leave_the_previous_site_whole(tmp_path: Path, kind: str) -> None:
    """Killed at any moment, a build leaves either the previous site or (killed after the swap) the
    whole new one: never a mix, never a missing site. Also for one community of a street project
    (whose build swaps the street's whole site). Each attempt builds towards the other of the two
    sites from the one there, so no build is spent only to put the previous site back (CI time);
    a build that finishes leaves exactly the site it was asked for."""
    board_project = make_board_project(kind, tmp_path / "p")
    project = board_project.root
    chosen = ["--community", board_project.community] if board_project.community else []
    build = lambda as_of: board_project.run("build", "--as-of", as_of, "--no-posters")  # noqa: E731
    other = lambda as_of: "2026-12-01" if as_of == AS_OF else AS_OF  # noqa: E731
    assert build("2026-12-01").returncode == 0
    states = {"2026-12-01": site_state(project / "site")}
    started = time.monotonic()
    assert build(AS_OF).returncode == 0
    full = time.monotonic() - started
    states[AS_OF] = site_state(project / "site")
    assert states[AS_OF] != states["2026-12-01"]
    there = AS_OF
    rng = random.Random(7)
    kills = before_swap = 0
    for attempt in range(80):
        if kills >= 20:
            break
        wanted = other(there)
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", *chosen, "--as-of", wanted, "--no-posters"],
                                cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, full * 1.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = site_state(project / "site")
        if proc.returncode == -signal.SIGKILL:
            kills += 1
        assert state in (states[there], states[wanted]), f"a mixed site after attempt {attempt}"
        if proc.returncode == 0:
            assert state == states[wanted]
        if state == states[wanted]:  # finished or killed after the swap: the next attempt builds the other
            there = wanted
        else:
            before_swap += 1
    assert kills >= 20 and before_swap >= 10
    assert build(other(there)).returncode == 0
    assert site_state(project / "site") == states[other(there)]
    assert not list(project.glob(".site-new-*")), "leftovers of killed builds are cleared by the next build"


def test_two_builds_at_once(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    manifest = two_builds_at_once(project)
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    urgent_current = any(a["urgent"] and a["status"] == "current" for a in manifest["articles"])
    assert ("board-urgent" in home) == urgent_current  # the pages belong to the same build as the manifest


def test_gbk_file_fixed_then_built(project: Path) -> None:
    text = "---\ntitle: 冬季大扫除通知\ntype: notice\ndate: 2026-11-20\nauthor: 幸福里社区居民委员会\n---\n\n请各位居民周六上午参加大扫除。\n"
    path = project / "content" / "notices" / "记事本保存的通知.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    original = path.read_bytes()
    assert run_board(project, "build", "--as-of", AS_OF, "--no-posters").returncode == 1
    fixed = run_board(project, "check", "--fix-encoding", "--as-of", AS_OF)
    assert fixed.returncode == 0, fixed.stderr
    assert "content/notices/记事本保存的通知.md: 已从 GBK 转为 UTF-8" in fixed.stdout
    assert (path.parent / (path.name + ".orig")).read_bytes() == original
    assert "请各位居民周六上午参加大扫除" in path.read_text(encoding="utf-8")
    built = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert built.returncode == 0, built.stderr
    page = project / "site" / "notices" / "记事本保存的通知" / "index.html"
    assert "请各位居民周六上午参加大扫除" in page.read_text(encoding="utf-8")
    assert not list((project / "site").rglob("*.orig"))
