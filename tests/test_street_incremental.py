"""A street rebuilds only the communities whose site would change (issue 17, with issue 12's cache).

The street (examples/street, no posters) is built once per module; each test copies it with its
.cache/ folders and site/, changes one thing, rebuilds, and checks:
- which communities were built again (each community's .cache/build/last-build.json says
  `site.reused` when its site online was kept) and that the kept ones' files are the very same
  files (inode and modification time unchanged: linked, never rewritten);
- that the street's whole site is byte for byte the one a clean build (no .cache/, no site/) makes.
The build's own clock is fixed (SOURCE_DATE_EPOCH) so the two builds may be compared whole.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import AS_OF, STREET_IDS, copy_street, run_board, tree_hash

ENV = {"SOURCE_DATE_EPOCH": "1795000000"}  # board.json's generated_at and the sitemap's lastmod
TWO = "content/notices/2026-11-22-燃气管道更新改造.md"  # a street notice naming xingfuli and hepingli


def build(root: Path, *args: str, as_of: str = AS_OF) -> dict[str, bool]:
    """Build the street; for each community, whether its site online was kept (not built again)."""
    result = run_board(root, "build", "--no-posters", "--as-of", as_of, *args, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "内部出错" not in result.stderr
    reused = {}
    for community in STREET_IDS:
        stats = json.loads((root / "communities" / community / ".cache" / "build" / "last-build.json").read_text("utf-8"))
        reused[community] = stats.get("site.reused", 0) == 1
    return reused


def files(site: Path) -> dict[str, tuple[int, int]]:
    """Each file's (inode, modification time): the same pair means the same file, not rewritten."""
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_as_clean(root: Path, tmp_path: Path, *args: str, as_of: str = AS_OF, folder: str = "") -> None:
    """The site (or one community's folder of it) is the one a build from nothing of the same files makes."""
    clean = Path(shutil.copytree(root, tmp_path / "clean", ignore=shutil.ignore_patterns(".cache", "site", ".site*")))
    result = run_board(clean, "build", "--no-posters", "--as-of", as_of, *args, env=ENV)
    assert result.returncode == 0, result.stderr
    mine, theirs = tree_hash(root / "site" / folder), tree_hash(clean / "site" / folder)
    assert set(mine) == set(theirs), set(mine) ^ set(theirs)
    assert [p for p in mine if mine[p] != theirs[p]] == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_street(tmp_path_factory.mktemp("street-incr") / "heping")
    assert not any(build(root).values())
    return root


@pytest.fixture
def street(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "heping", symlinks=True))


def test_nothing_changed_nothing_rebuilt(street: Path) -> None:
    before = {c: files(street / "site" / c) for c in STREET_IDS}
    hashes = tree_hash(street / "site")
    assert all(build(street).values())
    assert {c: files(street / "site" / c) for c in STREET_IDS} == before
    assert tree_hash(street / "site") == hashes


def test_one_communitys_article_rebuilds_only_that_community(street: Path, tmp_path: Path) -> None:
    kept = {c: files(street / "site" / c) for c in ("cuiyuan", "hepingli")}
    own = street / "communities" / "xingfuli" / "content" / "notices" / "2026-11-25-电梯检修.md"
    own.write_text("---\ntitle: 3号楼电梯检修\ntype: notice\ndate: 2026-11-25\nauthor: 幸福里社区居民委员会\n---\n\n"
                   "11月27日上午3号楼电梯检修，请走楼梯。\n", encoding="utf-8")
    assert build(street) == {"cuiyuan": True, "hepingli": True, "xingfuli": False}
    assert {c: files(street / "site" / c) for c in kept} == kept
    assert (street / "site" / "xingfuli" / "notices" / "2026-11-25-电梯检修" / "index.html").is_file()
    assert_same_as_clean(street, tmp_path, "--community", "xingfuli", folder="xingfuli")


def test_street_article_rebuilds_the_communities_it_names(street: Path, tmp_path: Path) -> None:
    """A street notice naming xingfuli and hepingli is edited, and the clock moves on five minutes
    (no article changes status): those two are built again; cuiyuan's pages are the very same
    files, and only its files that say when the site was made (board.json, the feed, the kiosk's
    first set) are made again, for the new time. The whole street equals a clean build."""
    before = files(street / "site" / "cuiyuan")
    notice = street / TWO
    notice.write_text(notice.read_text(encoding="utf-8").replace("施工不收取居民任何费用。", "施工不收取居民任何费用，也不推销任何产品。"),
                      encoding="utf-8")
    later = "2026-11-26 10:05"
    assert build(street, as_of=later) == {"cuiyuan": True, "hepingli": False, "xingfuli": False}
    after = files(street / "site" / "cuiyuan")
    assert {p for p in after if after[p] != before[p]} == {"board.json", "feed.xml", "kiosk/index.html"}
    assert json.loads((street / "site" / "cuiyuan" / "board.json").read_text("utf-8"))["as_of"].startswith("2026-11-26T10:05")
    for community in ("hepingli", "xingfuli"):
        page = street / "site" / community / "notices" / "2026-11-22-燃气管道更新改造" / "index.html"
        assert "也不推销任何产品" in page.read_text(encoding="utf-8")
    portal = (street / "site" / "index.html").read_text(encoding="utf-8")
    assert "2026-11-26 10:05" in portal or "10:05" in portal
    assert_same_as_clean(street, tmp_path, as_of=later)
