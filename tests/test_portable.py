"""Runs where staff work: Windows' missing pieces simulated (no fcntl, no renameat2), names
Windows can store, fonts read without locking them."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AS_OF, copy_project, run_board, two_builds_at_once, write_article
from generator.load import load_board
from generator.messages import Report
from generator.output import clear_leftovers
from generator.output.claims import claim_site
from generator.plan import plan_site
from generator.settings import load_settings
from generator.timeutil import parse_time
from test_robustness import site_state

MACHINE = Path(__file__).parent / "machine.py"


def windows(project: Path, *args: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, str(MACHINE), "windows", *extra, "--", *args]


def run_windows(project: Path, *args: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(windows(project, *args, extra=extra), cwd=project, capture_output=True, text=True, timeout=300)


def test_the_simulation_really_removes_the_pieces() -> None:
    """Without fcntl filelock falls back to its marker-file lock; without renameat2 the swap renames:
    test_killed_between_the_two_renames_the_old_site_comes_back shows a build dying in the gap only
    the rename path has (that build was run here too; once is enough)."""
    probe = ("import sys; sys.modules['fcntl'] = None\n"
             "import warnings; warnings.simplefilter('ignore')\n"
             "import filelock; print(filelock.FileLock.__name__)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "SoftFileLock"


def test_build_without_fcntl_and_renameat2(tmp_path: Path, built_project: Path) -> None:
    project = built_project  # the sample built at AS_OF without posters, site and cache copied
    linux = site_state(project / "site")
    result = run_windows(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    assert result.stderr.isascii() is False and "warn" not in result.stderr.lower()
    assert site_state(project / "site") == linux
    again = run_windows(project, "build", "--as-of", "2026-12-01", "--no-posters")
    assert again.returncode == 0, again.stderr
    assert site_state(project / "site") != linux
    assert not [p for p in project.iterdir() if p.name.startswith((".site-new-", ".site-old-"))]


def test_killed_between_the_two_renames_the_old_site_comes_back(tmp_path: Path, built_project: Path) -> None:
    project = built_project  # the sample built at AS_OF without posters, site and cache copied
    old = site_state(project / "site")
    result = run_windows(project, "build", "--as-of", "2026-12-01", "--no-posters", extra=("die-between-renames",))
    assert result.returncode == -signal.SIGKILL  # it died in the gap only the rename path has
    aside = list(project.glob(".site-old-*"))
    assert not (project / "site").exists() and len(aside) == 1
    assert site_state(aside[0]) == old  # the previous site whole, only renamed
    clear_leftovers(project / "site")  # what the next build does first, under the lock
    assert site_state(project / "site") == old
    assert not list(project.glob(".site-*-*"))


def test_killed_builds_without_fcntl_and_renameat2(tmp_path: Path) -> None:
    """As tests/test_robustness.py does on Linux: killed at random moments, the previous site or
    the whole new one, never a mix; the next build clears what the killed one left. Each attempt
    builds towards the other of the two sites from the one there, so no build is spent only to put
    the previous site back (CI time); a build that finishes leaves exactly the site it was asked for."""
    project = copy_project(tmp_path / "p")
    site = project / "site"
    assert run_windows(project, "build", "--as-of", "2026-12-01", "--no-posters").returncode == 0
    states = {"2026-12-01": site_state(site)}
    started = time.monotonic()
    assert run_windows(project, "build", "--as-of", AS_OF, "--no-posters").returncode == 0
    full = time.monotonic() - started
    states[AS_OF] = site_state(site)
    assert states[AS_OF] != states["2026-12-01"]
    there = AS_OF
    rng = random.Random(11)
    kills = 0
    for attempt in range(40):
        if kills >= 12:
            break
        wanted = "2026-12-01" if there == AS_OF else AS_OF
        proc = subprocess.Popen(windows(project, "build", "--as-of", wanted, "--no-posters"), cwd=project,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full * 1.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += proc.returncode == -signal.SIGKILL
        if not site.exists():  # killed in the gap between the two renames: the next build recovers
            clear_leftovers(site)
        state = site_state(site)
        assert state in (states[there], states[wanted]), f"a mixed site after attempt {attempt}"
        if proc.returncode == 0:
            assert state == states[wanted]
        there = wanted if state == states[wanted] else there
    assert kills >= 8
    final = "2026-12-01" if there == AS_OF else AS_OF
    assert run_windows(project, "build", "--as-of", final, "--no-posters").returncode == 0
    assert site_state(site) == states[final]
    assert not [p for p in project.iterdir() if p.name.startswith((".site-new-", ".site-old-"))]


def test_two_builds_at_once_without_fcntl(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    two_builds_at_once(project, lambda *args: windows(project, *args))


# -- names Windows can store -----------------------------------------------------------------

def _report(project: Path) -> Report:
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    board = load_board(settings, parse_time(AS_OF), report)
    claim_site(plan_site(board), report)
    return report


@pytest.mark.parametrize("slug", ["CON", "nul.txt", "aux", "Com1", "LPT9.pdf", "prn", "时间10:30", "甲|乙", "为什么?",
                                  "a*b", "<标题>", '"引号"', "结尾点."])
def test_slugs_windows_cannot_store(slug: str, project: Path) -> None:
    write_article(project, "science/a.md",
                  f"---\ntitle: 科普\ntype: science\ndate: 2026-11-20\nslug: {json.dumps(slug, ensure_ascii=False)}\n---\n正文。\n")
    report = _report(project)
    hits = [m for m in report.errors if m.path == "content/science/a.md" and m.line == 5]
    assert hits, report.messages  # < > " are refused earlier by the rule for all front matter text


@pytest.mark.parametrize("name", ["CON", "nul", "aux.txt", "COM3"])
def test_file_names_windows_cannot_store(name: str, project: Path) -> None:
    write_article(project, f"science/{name}.md", "---\ntitle: 科普\ntype: science\ndate: 2026-11-20\n---\n正文。\n")
    report = _report(project)
    assert [(m.path, m.line, m.code) for m in report.errors] == [(f"content/science/{name}.md", 2, "slug.windows_name")]


@pytest.mark.parametrize("tag", ["a:b", "甲|乙", "为什么?", "星*", "CON", "nul.txt", "结尾."])
def test_tags_windows_cannot_store(tag: str, project: Path) -> None:
    write_article(project, "science/a.md",
                  f"---\ntitle: 科普\ntype: science\ndate: 2026-11-20\ntags: [{json.dumps(tag, ensure_ascii=False)}]\n---\n正文。\n")
    report = _report(project)
    hits = [m for m in report.errors if (m.path, m.line) == ("content/science/a.md", 5)]
    assert hits and hits[0].code in ("tags.windows_name", "tags.bad_tag"), report.messages  # ? was refused before


@pytest.mark.parametrize("name", ["aux.png", "con.pdf", "文件夹./x.png", "a:b.png"])
def test_attachment_names_windows_cannot_store(name: str, project: Path) -> None:
    target = project / "content" / "science" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"%PDF-1.4\n" if name.endswith(".pdf") else (Path(__file__).parent.parent / "content/notices/images/wenming-sunrise.jpg").read_bytes())
    write_article(project, "science/a.md",
                  f"---\ntitle: 科普\ntype: science\ndate: 2026-11-20\n---\n正文 [附件](<{name}>)。\n")
    report = _report(project)
    hits = [m for m in report.errors if m.code == "asset.windows_name"]
    assert [(m.path, m.line) for m in hits] == [("content/science/a.md", 1)], report.messages


def test_windows_names_that_are_fine(project: Path) -> None:
    for slug in ("console", "auxiliary", "com10", "nul-办法", "2026-11-20-冬季大扫除"):
        write_article(project, f"science/{slug}.md", "---\ntitle: 科普\ntype: science\ndate: 2026-11-20\n---\n正文。\n")
    assert _report(project).ok


# -- fonts -----------------------------------------------------------------------------------

def test_poster_fonts_are_read_without_mapping_or_holding_them(tmp_path: Path) -> None:
    """Windows locks a memory-mapped file: staff could not replace a font while `board serve` runs."""
    probe = (
        "import mmap, os, shutil, sys\n"
        "def refuse(*a, **k): raise AssertionError('font memory-mapped')\n"
        "mmap.mmap = refuse\n"
        "from generator.posters.fonts import load_fonts, coverage, missing_glyphs\n"
        "fonts = load_fonts()\n"
        "assert fonts.regular.postscript.startswith('NotoSansCJK') and fonts.bold.weight >= 700\n"
        "assert missing_glyphs(fonts, '社区公告栏\\U00020000') == ['\\U00020000']\n"
        "held = [os.readlink(f'/proc/self/fd/{fd}') for fd in os.listdir('/proc/self/fd') if os.path.exists(f'/proc/self/fd/{fd}')]\n"
        "assert not [h for h in held if h.endswith(('.otf', '.ttf', '.ttc'))], held\n"
        "copy = sys.argv[1]\n"
        "shutil.copy(fonts.regular.path, copy)\n"
        "face = load_fonts(copy).regular\n"
        "os.remove(copy)  # nothing keeps it open\n"
        "print(face.postscript)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "override.otf")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("NotoSansCJK")
