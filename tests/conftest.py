"""Shared fixtures: a copy of the project in a temporary folder, and the sample site built from it.

The suite runs in parallel processes (pytest-xdist, `-n auto --dist loadfile` in .ci/run): the sample site
is built once for all of them (a file lock in the run's shared temporary folder), every server listens
on a free port of 127.0.0.1, and every file a test writes is under its own temporary folder.
Tests of what the site renderer itself does are marked `renderer` (see the marker below): CI's second pass
runs only them, under ProperDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-26 10:00"


def page_soup(html: str):
    """A built page as text reads: the <wbr> between phrases (generator/phrases.py) joins, not splits."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    for wbr in page.find_all("wbr"):
        wbr.decompose()
    page.smooth()
    return page


def copy_project(dest: Path, with_content: bool = True) -> Path:
    """mkdocs.yml, templates/ and (optionally) content/ of this project, in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copy(ROOT / "short-urls.txt", dest / "short-urls.txt")  # the sample's short URL codes, given for good
    shutil.copytree(ROOT / "templates", dest / "templates")
    if with_content:
        shutil.copytree(ROOT / "content", dest / "content")
    else:
        (dest / "content").mkdir()
    return dest


STREET_EXAMPLE = ROOT / "examples" / "street"
STREET_IDS = ("cuiyuan", "hepingli", "xingfuli")


def copy_street(dest: Path) -> Path:
    """examples/street with this project's templates/ copied in, as the README tells a street's IT person."""
    shutil.copytree(STREET_EXAMPLE, dest, ignore=shutil.ignore_patterns("site", ".cache", ".site*"))
    shutil.copytree(ROOT / "templates", dest / "templates")
    config = dest / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../../../templates/overrides",
                                                                 "../../templates/overrides"), encoding="utf-8")
    return dest


@dataclass
class BoardProject:
    """One community to test: a single-community project, or a community inside a street project.

    Tests parametrized over both run the same commands and read the same artefacts; only where
    the files are and how messages name them differ."""

    root: Path  # where staff run `board`
    home: Path  # the community's folder (mkdocs.yml, content/)
    community: str | None  # None: a single-community project

    @property
    def content(self) -> Path:
        return self.home / "content"

    @property
    def config(self) -> Path:
        return self.home / "mkdocs.yml"

    @property
    def prefix(self) -> str:
        """How messages name the community's files (from the project root)."""
        return f"communities/{self.community}/" if self.community else ""

    @property
    def site(self) -> Path:
        return self.root / "site" / self.community if self.community else self.root / "site"

    def run(self, command: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        chosen = ("--community", self.community) if self.community else ()
        return run_board(self.root, command, *chosen, *args, **kwargs)

    def write(self, relative: str, text: str) -> Path:
        return write_article(self.home, relative, text)


def make_board_project(kind: str, dest: Path, with_content: bool = True) -> BoardProject:
    if kind == "single":
        return BoardProject(copy_project(dest, with_content=with_content), dest, None)
    root = copy_street(dest)
    home = root / "communities" / "xingfuli"
    if not with_content:
        shutil.rmtree(home / "content")
        (home / "content").mkdir()
    return BoardProject(root, home, "xingfuli")


@pytest.fixture(params=["single", "street"], ids=["single", "in-street"])
def board_project(request, tmp_path: Path) -> BoardProject:
    """An empty community: on its own, or inside a street project (examples/street, with the street's articles)."""
    return make_board_project(request.param, tmp_path / "proj", with_content=False)


def run_board(project: Path, *args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the real command line, as staff would, in `project`."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def two_builds_at_once(project: Path, command=lambda *args: [sys.executable, "-m", "generator", *args]) -> dict:
    """Two `board build`s started together (as of AS_OF and 2026-12-01, each `command(*args)`): both succeed,
    the site is whole and from one of them, no staging folder is left; its board.json."""
    procs = [subprocess.Popen(command("build", "--as-of", t, "--no-posters"), cwd=project, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for t in (AS_OF, "2026-12-01")]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    site = project / "site"
    manifest = json.loads((site / "board.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] in ("2026-11-26T10:00:00+08:00", "2026-12-01T00:00:00+08:00")
    for article in manifest["articles"]:
        assert (site / article["url"] / "index.html").is_file()
    assert not [p for p in project.iterdir() if p.name.startswith((".site-new-", ".site-old-"))]
    return manifest


def renderer() -> tuple[str, str]:
    """The installed renderer's distribution and version: MkDocs 1.6, or ProperDocs in CI's second pass.
    By the distribution, not find_spec: once ProperDocs is imported it registers itself as
    sys.modules["mkdocs"] (properdocs/replacement.py)."""
    import importlib.metadata

    for name in ("mkdocs", "properdocs"):
        try:
            return name, importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    raise AssertionError("neither MkDocs nor ProperDocs is installed")


def renderer_command() -> list[str]:
    """The site renderer's own command line (`mkdocs` or `properdocs`); both read the same mkdocs.yml."""
    return [sys.executable, "-m", renderer()[0]]


def tree_hash(folder: Path) -> dict[str, str]:
    """Hash of every file under folder, keyed by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_article(project: Path, relative: str, text: str) -> Path:
    path = project / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def shared_folder(tmp_path_factory) -> Path:
    """The run's temporary folder that every xdist worker sees (each worker's own is inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory) -> Path:
    """The project with its sample content, copied once per run. Read only: tests that change a
    project make their own copy (copy_project)."""
    folder = shared_folder(tmp_path_factory)
    with FileLock(str(folder / "sample.lock")):
        project = folder / "sample-project"
        if not (project / "mkdocs.yml").exists():
            shutil.rmtree(project, ignore_errors=True)  # a copy cut short in an earlier worker
            copy_project(project.with_name("sample-project.part"))
            project.with_name("sample-project.part").rename(project)
    return project


@pytest.fixture(scope="session")
def sample_site(sample_project: Path, tmp_path_factory) -> Path:
    """The sample content built once per run (the first worker builds, the others wait for it), at
    the reference time, without posters (tested on their own)."""
    folder = shared_folder(tmp_path_factory)
    outcome = folder / "sample-build.json"
    with FileLock(str(folder / "sample-build.lock")):
        if not outcome.exists():
            result = run_board(sample_project, "build", "--as-of", AS_OF, "--no-posters")
            outcome.write_text(json.dumps({"returncode": result.returncode, "stderr": result.stderr}),
                               encoding="utf-8")
        result = json.loads(outcome.read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stderr"]
    return sample_project / "site"


@pytest.fixture(scope="session")
def sample_with_posters(tmp_path_factory) -> Path:
    """The project with its sample content built once per run as staff build it, posters included
    (`board build --as-of AS_OF`): for the tests that read its posters or compare its whole tree, which
    each built it before (CI time). Read only."""
    folder = shared_folder(tmp_path_factory)
    project = folder / "sample-posters-project"
    outcome = folder / "sample-posters-build.json"
    with FileLock(str(folder / "sample-posters.lock")):
        if not outcome.exists():
            shutil.rmtree(project, ignore_errors=True)  # a copy cut short in an earlier worker
            copy_project(project)
            result = run_board(project, "build", "--as-of", AS_OF, timeout=600)
            outcome.write_text(json.dumps({"returncode": result.returncode, "stderr": result.stderr}),
                               encoding="utf-8")
        result = json.loads(outcome.read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stderr"]
    return project


@pytest.fixture
def built_project(sample_site: Path, tmp_path: Path) -> Path:
    """A copy of the sample project as `board build --as-of AS_OF --no-posters` left it, site/ and
    .cache/ included: the starting point of the tests that break a second build, without building
    the first one again in every test (CI time)."""
    project = tmp_path / "p"
    shutil.copytree(sample_site.parent, project, symlinks=True)
    return project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "proj", with_content=False)


# -- the `renderer` marker --------------------------------------------------------------------------
# CI's second pass (.ci/run) runs only the tests marked `renderer` under ProperDocs: the trees of the
# sample site and the street example compared file for file with the MkDocs pass
# (tests/test_renderer_parity.py), the renderer's own command line (test_cli.py, test_settings.py) and
# its log lines (test_preview.py). Every other test reads pages those trees show to be the same.


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "renderer: checks what the site renderer itself does (MkDocs or ProperDocs); "
                                       "CI runs these again under ProperDocs")


# -- how many processes ------------------------------------------------------------------------------
@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist must still run
def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: one process more than the usable cores. Much of the suite waits (on Chromium, servers, the
    disk, a build's subprocess starting): with one process per core the CI runs of session 5 kept the two
    cores about 65% busy (31 CPU minutes in 24). A third process fills that; all runs stay bounded."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1


# -- the order of the files -------------------------------------------------------------------------
# `pytest -n auto --dist loadfile --no-loadscope-reorder` (.ci/run) hands whole files to the workers in
# collection order, each taking the next when it is done: a slow file handed out last keeps one worker
# busy while the other waits (xdist's default order, most tests first, put the slow files last). So the slowest files (pytest-reportlog of a whole run, slowest first) are collected first;
# the others keep their order, and every file's tests keep theirs (a module's fixtures stay shared).
SLOW_FILES_FIRST = (
    "test_incremental.py", "test_robustness.py", "test_settings.py", "test_output.py", "test_street.py", "test_cli.py",
    "test_portable.py", "test_body_parse.py", "test_typography_browser.py", "test_reading_browser.py", "test_street_incremental.py", "test_hostile_site.py",
    "test_staff_mistakes.py", "test_bad_inputs.py", "test_kiosk_browser.py", "test_posters.py", "test_lifecycle.py", "test_standards.py",
)


def pytest_collection_modifyitems(session, config, items) -> None:
    rank = {name: number for number, name in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # a stable sort
