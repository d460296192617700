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
    return {c: "site.reused" in stats for c, stats in build_stats(root, *args, as_of=as_of)[0].items()}


def build_stats(root: Path, *args: str, as_of: str = AS_OF) -> tuple[dict[str, dict], list[str]]:
    """Build the street: what each community's build counted, and the warnings said."""
    result = run_board(root, "build", "--no-posters", "--as-of", as_of, *args, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "内部出错" not in result.stderr
    stats = {c: json.loads((root / "communities" / c / ".cache" / "build" / "last-build.json").read_text("utf-8"))
             for c in STREET_IDS}
    return stats, [line for line in result.stderr.splitlines() if "警告：" in line]


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
    """In a copy of the built street (the no-change stamps name the old folder) each community is
    loaded and found the same (its site's key); the next build loads none of them (each one's
    no-change stamp holds). Neither writes a file."""
    before = {c: files(street / "site" / c) for c in STREET_IDS}
    hashes = tree_hash(street / "site")
    assert all(build(street).values())
    assert {c: files(street / "site" / c) for c in STREET_IDS} == before
    stats, _ = build_stats(street)
    assert all(s == {"build.unchanged": 1, "site.reused": 1} for s in stats.values()), stats  # nothing else counted
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


def test_a_kept_community_says_its_mkdocs_warnings_again(street: Path) -> None:
    """MkDocs' link warnings of a community's last build are said again, word for word and once,
    when its site is kept, whether nothing changed (its no-change stamp) or only the clock moved
    (its site's key), as a single community's no-change build says them."""
    config = street / "communities" / "xingfuli" / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nvalidation:\n  anchors: warn\n", encoding="utf-8")
    article = street / "communities" / "xingfuli" / "content" / "notices" / "2026-11-23-周末义诊.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n详见[楼道清理](2026-11-21-楼道堆物清理.md#没有这一节)。\n"
                       "\n还有[这里](2026-11-21-楼道堆物清理.md#也没有)。\n", encoding="utf-8")
    stats, said = build_stats(street)
    assert [c for c in STREET_IDS if "site.reused" not in stats[c]] == ["xingfuli"]
    anchors = [line for line in said if "没有这一节" in line or "也没有" in line]
    assert len(anchors) == 2 and all(line.startswith("communities/xingfuli/content/notices/2026-11-23-周末义诊.md:")
                                     for line in anchors), said
    stats, again = build_stats(street)
    assert all(s.get("build.unchanged") == 1 for s in stats.values()) and again == said
    stats, later = build_stats(street, as_of="2026-11-26 10:05")
    assert all("site.reused" in s and "build.unchanged" not in s for s in stats.values()) and later == said
