"""Incremental builds: after each kind of change, the site is byte for byte the one a clean build makes.

One project is built once (module fixture); each test copies it with its .cache/ and site/, changes
one thing, rebuilds, and compares the whole site tree with a clean build (no .cache/) of the same
files. The build's own clock is fixed (SOURCE_DATE_EPOCH) so the two builds may be compared whole.
.cache/build/last-build.json says what the build did again, so a test can also see work was skipped.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from conftest import AS_OF, copy_project, run_board, tree_hash, write_article
from processes import free_port, stop

ENV = {"SOURCE_DATE_EPOCH": "1795000000"}  # 2026-11-18: board.json's generated_at and the sitemap's lastmod
ARTICLES = 18  # the sample content's article files


def build(project: Path, *args: str) -> dict:
    """Build; what the build did (last-build.json), with the messages it printed under "messages"."""
    result = run_board(project, "build", "--no-posters", "--as-of", AS_OF, *args, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "内部出错" not in result.stderr
    stats = json.loads((project / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8"))
    stats["messages"] = [line for line in result.stderr.splitlines() if re.search(r":\d+: (错误|警告)：", line)]
    return stats


def clean_build(project: Path, where: Path, *args: str) -> dict:
    """The same project built from nothing: no .cache/, no earlier site/."""
    shutil.copytree(project, where, ignore=shutil.ignore_patterns(".cache", "site", ".site*"))
    stats = build(where, *args)
    assert stats.get("check.hit", 0) == 0 and stats.get("pages.reused", 0) == 0
    return stats


def assert_same_as_clean(project: Path, tmp_path: Path, *args: str) -> dict:
    """Rebuild, then build the same files from nothing: the same tree, byte for byte, and the same messages."""
    stats = build(project, *args)
    clean = clean_build(project, tmp_path / "clean", *args)
    mine, theirs = tree_hash(project / "site"), tree_hash(tmp_path / "clean" / "site")
    assert set(mine) == set(theirs), set(mine) ^ set(theirs)
    assert [p for p in mine if mine[p] != theirs[p]] == []
    assert sorted(stats["messages"]) == sorted(clean["messages"])
    return stats


def current_code() -> str:
    """The board's code version as a build started now computes it (the in-process value is cached)."""
    from generator.buildcache import code_version

    return code_version.__wrapped__()


BUILT_WITH: dict[Path, str] = {}  # the module build's project -> the code version it was built with


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("incr") / "proj")
    BUILT_WITH[project] = current_code()
    stats = build(project)
    assert stats["articles.checked"] == ARTICLES and stats.get("pages.reused", 0) == 0
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    copy = Path(shutil.copytree(built, tmp_path / "proj", symlinks=True))
    if current_code() != BUILT_WITH[built]:
        # generator/ changed since the module's build (a developer's edit or rebase while the tests run): every
        # cache entry is stale, so a test counting reused work failed for that alone ("flaky" test_changed_picture,
        # test_passing_time). Bring the copy's cache to this code first; the stamp goes, as a fresh copy has none.
        build(copy)
        (copy / ".cache" / "build" / "unchanged.json").unlink(missing_ok=True)
    return copy


def files_on_disk(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's inode and mtime: a file written again (even with the same bytes) changes them."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_unchanged_rebuild_redoes_nothing(project: Path) -> None:
    before = tree_hash(project / "site")
    stats = build(project)  # a copied project: its stamp names other paths, so this build looks at every article
    assert tree_hash(project / "site") == before
    assert stats.get("articles.checked", 0) == 0 and stats["check.hit"] == ARTICLES
    assert stats.get("pages.rendered", 0) == 0 and stats["pages.reused"] > ARTICLES
    on_disk = files_on_disk(project / "site")
    again = run_board(project, "build", "--no-posters", "--as-of", AS_OF, env=ENV)
    assert again.returncode == 0 and "没有改动" in again.stderr and "完成" in again.stdout
    assert json.loads((project / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8")) == {"build.unchanged": 1}
    assert files_on_disk(project / "site") == on_disk  # not one file written
    # Saved again without a change (an editor's "save", a copy back from a USB stick): still nothing to do.
    for folder in ("content", "templates"):
        for path in (project / folder).rglob("*"):
            if path.is_file():
                path.write_bytes(path.read_bytes())
    (project / "mkdocs.yml").write_bytes((project / "mkdocs.yml").read_bytes())
    assert build(project) == {"build.unchanged": 1, "messages": []}
    assert files_on_disk(project / "site") == on_disk
    # Another request is another site: --no-posters dropped, or another --as-of, is a build.
    assert "build.unchanged" not in build(project, "--as-of", "2026-11-27 10:00")


def test_only_changed_files_are_written(project: Path, tmp_path: Path) -> None:
    """Each build brings the folder the previous build replaced up to date: unchanged files are not written."""
    build(project)  # site: a tree written whole; no spare yet
    first = files_on_disk(project / "site")
    for n, name in enumerate(["science/2026-11-08-老年人防跌倒.md", "law/2026-11-16-高空抛物.md"]):
        path = project / "content" / name
        path.write_text(path.read_text(encoding="utf-8") + f"\n第{n}次补充的一段。\n", encoding="utf-8")
        stats = assert_same_as_clean(project, tmp_path / f"clean{n}")
    assert (project / ".site-spare").is_dir()
    assert stats["files.kept"] > len(first) // 2
    now = files_on_disk(project / "site")  # the first tree again, brought up to date
    untouched = "notices/2026-11-20-冬季大扫除/index.html"
    assert untouched in first and now[untouched] == first[untouched]
    assert now["science/2026-11-08-老年人防跌倒/index.html"] != first["science/2026-11-08-老年人防跌倒/index.html"]
    # Per-article files made from unchanged inputs (WeChat copy, short-URL page) are left, not made again.
    assert stats["wechat.left"] >= ARTICLES - 4
    kept_short = [p for p in first if p.startswith("s/") and now.get(p) == first[p]]
    assert len(kept_short) >= ARTICLES - 4
    assert now["wechat/2026-11-20-冬季大扫除.html"] == first["wechat/2026-11-20-冬季大扫除.html"]


def test_first_rebuild_links_the_site_online_and_never_writes_through(project: Path, tmp_path: Path) -> None:
    """With no spare folder yet, the staging folder is the site online as hard links: unchanged files are
    the same files, and every changed one is a new file, so the replaced site keeps exactly its old bytes."""
    shutil.rmtree(project / ".site-spare", ignore_errors=True)
    build(project)  # a changed request (the stamp names the copied project's old paths), into whatever is there
    shutil.rmtree(project / ".site-spare", ignore_errors=True)
    online_before = tree_hash(project / "site")
    inodes_before = files_on_disk(project / "site")
    for name in ("science/2026-11-08-老年人防跌倒.md", "notices/2026-11-20-冬季大扫除.md"):
        path = project / "content" / name
        path.write_text(path.read_text(encoding="utf-8") + "\n链接之后补充的一段。\n", encoding="utf-8")
    stats = assert_same_as_clean(project, tmp_path)
    assert tree_hash(project / ".site-spare") == online_before  # the replaced site: not one byte written through a link
    now = files_on_disk(project / "site")
    shared = [p for p in now if p in inodes_before and now[p] == inodes_before[p]]
    assert stats["files.kept"] > len(inodes_before) // 2 and len(shared) > len(inodes_before) // 2
    assert now["science/2026-11-08-老年人防跌倒/index.html"] != inodes_before["science/2026-11-08-老年人防跌倒/index.html"]
    assert "链接之后补充的一段" in (project / "site" / "notices" / "2026-11-20-冬季大扫除" / "index.html").read_text(encoding="utf-8")


def build_stopped_by_a_bad_article(project: Path):
    """Add an article with an impossible date and build: the checks stop the build, with no traceback."""
    broken = write_article(project, "notices/2026-11-21-坏了.md", "---\ntitle: 坏了\ntype: notice\ndate: 2026-13-40\n---\n\n正文。\n")
    result = run_board(project, "build", "--no-posters", "--as-of", AS_OF, env=ENV)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    return broken, result


def test_a_failed_first_rebuild_leaves_the_site_online_as_it_was(project: Path, tmp_path: Path) -> None:
    """The site online is linked into the staging folder while the articles are checked (a child process):
    when the checks then stop the build, the site online, its files and the record of it are untouched,
    no staging folder stays behind, and the next good build is a clean build's tree."""
    shutil.rmtree(project / ".site-spare", ignore_errors=True)
    online_before = tree_hash(project / "site")
    inodes_before = files_on_disk(project / "site")
    record_before = (project / ".site-trees.json").read_bytes()
    broken, result = build_stopped_by_a_bad_article(project)
    assert re.search(r"2026-11-21-坏了\.md:\d+: 错误：", result.stderr)
    assert tree_hash(project / "site") == online_before and files_on_disk(project / "site") == inodes_before
    assert (project / ".site-trees.json").read_bytes() == record_before
    assert not [p.name for p in project.iterdir() if p.name.startswith((".site-new-", ".site-old-", ".site-spare"))]
    broken.unlink()
    path = project / "content" / "science" / "2026-11-08-老年人防跌倒.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n失败之后补充的一段。\n", encoding="utf-8")
    assert_same_as_clean(project, tmp_path)
    assert tree_hash(project / ".site-spare") == online_before  # linked again, never written through


def test_a_failed_rebuild_keeps_the_spare(project: Path, tmp_path: Path) -> None:
    """A build the checks stop never takes the spare (the site the last build replaced) and throws it away:
    the spare, its files and the record stay, so the next build starts from it and is a clean build's tree."""
    path = project / "content" / "science" / "2026-11-08-老年人防跌倒.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充的一段。\n", encoding="utf-8")
    build(project)  # the site it replaced is now the spare
    assert (project / ".site-spare").is_dir()
    spare_before = tree_hash(project / ".site-spare")
    inodes_before = files_on_disk(project / ".site-spare")
    record_before = (project / ".site-trees.json").read_bytes()
    broken, result = build_stopped_by_a_bad_article(project)
    assert tree_hash(project / ".site-spare") == spare_before and files_on_disk(project / ".site-spare") == inodes_before
    assert (project / ".site-trees.json").read_bytes() == record_before
    broken.unlink()
    assert_same_as_clean(project, tmp_path)


@pytest.mark.parametrize("damage", ["edited_by_hand", "record_garbage", "record_truncated", "keyed_files_touched",
                                    "spare_read_only"])
def test_reused_folder_damaged(project: Path, tmp_path: Path, damage: str) -> None:
    """Whatever happened to the folder kept for reuse (or to its record), the next build is a clean build's tree."""
    build(project)
    path = project / "content" / "science" / "2026-11-08-老年人防跌倒.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充的一段。\n", encoding="utf-8")
    build(project)
    spare = project / ".site-spare"
    if damage == "edited_by_hand":
        page = spare / "notices" / "2026-11-20-冬季大扫除" / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>手改的</p></body>"), encoding="utf-8")
        (spare / "board.json").unlink()
    elif damage == "record_garbage":
        (project / ".site-trees.json").write_bytes(b"\x00garbage{")
    elif damage == "record_truncated":
        record = project / ".site-trees.json"
        record.write_bytes(record.read_bytes()[: record.stat().st_size // 2])
    elif damage == "keyed_files_touched":  # files kept by the digest of their inputs: edited, removed
        copy = spare / "wechat" / "2026-11-20-冬季大扫除.html"
        copy.write_text(copy.read_text(encoding="utf-8").replace("</body>", "<p>手改的</p></body>"), encoding="utf-8")
        for short in sorted((spare / "s").glob("*/index.html"))[:3]:
            short.unlink()
    else:
        spare.chmod(0o555)
    path.write_text(path.read_text(encoding="utf-8") + "\n又补充的一段。\n", encoding="utf-8")
    assert_same_as_clean(project, tmp_path)
    assert "手改的" not in (project / "site" / "notices" / "2026-11-20-冬季大扫除" / "index.html").read_text(encoding="utf-8")
    assert "手改的" not in (project / "site" / "wechat" / "2026-11-20-冬季大扫除.html").read_text(encoding="utf-8")


def _next_moment(project: Path):
    from generator.lifecycle import next_moments
    from generator.load import load_board
    from generator.messages import Report
    from generator.settings import load_settings
    from generator.timeutil import parse_time

    report = Report()
    board = load_board(load_settings(project / "mkdocs.yml", report), parse_time(AS_OF), report, write_cache=False)
    return next_moments(board.articles, parse_time(AS_OF))[0].at


def test_passing_moment_ends_the_no_change_path(project: Path, tmp_path: Path) -> None:
    """Built at "now" (no --as-of; SOURCE_DATE_EPOCH is the clock here): unchanged until an article's next
    moment (it appears, expires or its activity ends), then built again, as a clean build at that time."""
    from generator.timeutil import parse_time

    start, moment = int(parse_time(AS_OF).timestamp()), int(_next_moment(project).timestamp())
    assert moment - start > 120

    def at(project: Path, epoch: int) -> dict:
        result = run_board(project, "build", "--no-posters", env={"SOURCE_DATE_EPOCH": str(epoch)})
        assert result.returncode == 0, result.stderr
        return json.loads((project / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8"))

    assert "build.unchanged" not in at(project, start)
    assert at(project, start + 60) == {"build.unchanged": 1}
    assert at(project, moment - 1) == {"build.unchanged": 1}
    assert "build.unchanged" not in at(project, start - 60)  # the clock went back: statuses may differ
    assert "build.unchanged" not in at(project, moment)
    shutil.copytree(project, tmp_path / "clean", ignore=shutil.ignore_patterns(".cache", "site", ".site*"))
    at(tmp_path / "clean", moment)
    mine, theirs = tree_hash(project / "site"), tree_hash(tmp_path / "clean" / "site")
    assert [p for p in set(mine) | set(theirs) if mine.get(p) != theirs.get(p)] == []


def test_damaged_stamp_means_a_build(project: Path, tmp_path: Path) -> None:
    build(project)
    stamp = project / ".cache" / "build" / "unchanged.json"
    for damage in (b"", b"{\"key\": 1", b"[1, 2]", b'{"key": "x", "inputs": [], "roots": 3}'):
        stamp.write_bytes(damage)
        stats = build(project)
        assert "build.unchanged" not in stats and stats["check.hit"] == ARTICLES
    stamp.write_bytes(b"\xff\xfe garbage")
    assert_same_as_clean(project, tmp_path)


def test_edited_article(project: Path, tmp_path: Path) -> None:
    path = project / "content" / "science" / "2026-11-08-老年人防跌倒.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n补充：夜里起床先坐一会儿，再慢慢站起来。\n", encoding="utf-8")
    stats = assert_same_as_clean(project, tmp_path)
    assert stats["articles.checked"] == 1 and stats["check.hit"] == ARTICLES - 1
    assert 1 <= stats["pages.rendered"] < stats["pages.reused"]  # the article and the lists showing it
    assert stats["search.postings_made"] == 1  # the other articles' search postings are kept
    assert "夜里起床先坐一会儿" in (project / "site" / "science" / "2026-11-08-老年人防跌倒" / "index.html").read_text(encoding="utf-8")


def test_edited_title_reaches_every_list(project: Path, tmp_path: Path) -> None:
    path = project / "content" / "law" / "2026-11-16-高空抛物.md"
    path.write_text(re.sub(r"^title: .*$", "title: 高空抛物害人害己（修订）", path.read_text(encoding="utf-8"), count=1, flags=re.M),
                    encoding="utf-8")
    assert_same_as_clean(project, tmp_path)
    listing = BeautifulSoup((project / "site" / "law" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "高空抛物害人害己（修订）" in listing.get_text()  # as read: titles are wrapped phrase by phrase


def test_new_article(project: Path, tmp_path: Path) -> None:
    write_article(project, "notices/2026-11-26-电梯检修.md",
                  "---\ntitle: 三号楼电梯检修\ntype: notice\ndate: 2026-11-26\nauthor: 幸福里社区居民委员会\n"
                  "category: service\ntags: [电梯, 检修]\n---\n\n11 月 27 日上午三号楼电梯停运检修，请走楼梯。\n")
    stats = assert_same_as_clean(project, tmp_path)
    assert stats["articles.checked"] == 1
    assert (project / "site" / "tags" / "电梯" / "index.html").is_file()


def test_deleted_article(project: Path, tmp_path: Path) -> None:
    (project / "content" / "science" / "2026-10-30-垃圾分类.md").unlink()
    stats = assert_same_as_clean(project, tmp_path)
    assert stats.get("articles.checked", 0) == 0
    assert not (project / "site" / "science" / "2026-10-30-垃圾分类").exists()


def test_changed_picture(project: Path, tmp_path: Path) -> None:
    color = (200, 30, 30)
    picture = project / "content" / "notices" / "images" / "wenming-sunrise.jpg"
    with Image.open(picture) as old:
        size = old.size
    Image.new("RGB", size, color).save(picture, "JPEG")
    stats = assert_same_as_clean(project, tmp_path)
    assert stats.get("articles.checked", 0) == 0  # the text did not change, only what is published beside it
    site_picture = project / "site" / "notices" / "images" / "wenming-sunrise.jpg"
    with Image.open(site_picture) as new:
        assert max(abs(a - b) for a, b in zip(new.convert("RGB").getpixel((size[0] // 2, size[1] // 2)), color)) < 16


@pytest.mark.parametrize("template", ["overrides/partials/board/article.html", "overrides/main.html"])
def test_changed_template(project: Path, tmp_path: Path, template: str) -> None:
    path = project / "templates" / template
    text = path.read_text(encoding="utf-8")
    at = text.rfind("{% endblock %}") if "{% block" in text else len(text)
    path.write_text(text[:at] + "<p class=\"incr-mark\">模板改过了</p>\n" + text[at:], encoding="utf-8")
    stats = assert_same_as_clean(project, tmp_path)
    assert stats.get("articles.checked", 0) == 0 and stats["pages.rendered"] > 0
    assert stats["search.postings_made"] == 0  # the same texts: the search index is merged from kept postings
    assert "模板改过了" in (project / "site" / "law" / "2026-11-16-高空抛物" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("old,new", [("per_page: 20", "per_page: 5"), ("site_name: 幸福里社区公告栏", "site_name: 幸福里社区公告")])
def test_changed_setting(project: Path, tmp_path: Path, old: str, new: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert_same_as_clean(project, tmp_path)


@pytest.mark.parametrize("later", ["2027-01-05 09:00", "2027-06-01"])
def test_passing_time(project: Path, tmp_path: Path, later: str) -> None:
    """Articles become current (scheduled ones) or expire: decided by --as-of, never kept from before."""
    stats = assert_same_as_clean(project, tmp_path, "--as-of", later)
    assert stats.get("articles.checked", 0) <= 2  # only what the consent rule judges differently is checked again
    board = json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))
    assert board["as_of"].startswith(later[:10])


def _entries(project: Path) -> list[Path]:
    return sorted(p for p in (project / ".cache" / "build").rglob("*") if p.is_file() and p.name != "last-build.json")


DAMAGES = ("truncate", "garbage", "other_version", "wrong_shape", "empty", "missing")


def test_corrupt_cache(project: Path, tmp_path: Path) -> None:
    """Every kind of damage at once, on two entries in three: the build does that work again, and no message."""
    import pickle

    from generator.buildcache import HEADER

    entries = _entries(project)
    assert len(entries) > ARTICLES
    for n, entry in enumerate(entries):
        if n % 3 == 2:
            continue  # sound entries and damaged ones meet in one build
        damage, data = DAMAGES[n % len(DAMAGES)], entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            entry.write_bytes(bytes(range(256)) * 3)
        elif damage == "other_version":  # what another version of the board would have written
            entry.write_bytes(b"board-build-cache 0\n" + data[len(HEADER):])
        elif damage == "wrong_shape":
            entry.write_bytes(HEADER + pickle.dumps((entry.name, ("not", "what", "we", "keep"))))
        elif damage == "empty":
            entry.write_bytes(b"")
        else:
            entry.unlink()
    stats = assert_same_as_clean(project, tmp_path)  # the same messages as a clean build: no new ones
    assert stats["articles.checked"] > 0 and stats["pages.rendered"] > 0 and stats["pages.reused"] > 0


def test_check_writes_no_cache(project: Path) -> None:
    shutil.rmtree(project / ".cache" / "build")
    result = run_board(project, "check", "--as-of", AS_OF, env=ENV)
    assert result.returncode == 0, result.stderr
    assert not (project / ".cache" / "build").exists()


# -- board serve: a save rebuilds only what it changed, and the page shows it -------------------------

def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_only_the_saved_article(project: Path) -> None:
    import subprocess
    import sys
    import time
    from urllib.parse import quote

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    page = base + quote("science/2026-11-08-老年人防跌倒/")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}", "--as-of", AS_OF],
                            cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**__import__("os").environ, **ENV})
    try:
        deadline = time.monotonic() + 120
        version = None
        while version is None:
            assert proc.poll() is None and time.monotonic() < deadline, "board serve did not start"
            try:
                version = json.loads(_get(base + "_board/version"))["version"]
                if version < 1:
                    version = None
            except OSError:
                pass
            time.sleep(0.2)
        stats_file = project / ".cache" / "build" / "last-build.json"
        path = project / "content" / "science" / "2026-11-08-老年人防跌倒.md"
        edited = path.read_text(encoding="utf-8") + "\n预览里马上能看到这一句。\n"
        time.sleep(1)  # the watcher starts right after the first build
        before = stats_file.stat().st_mtime_ns

        def build_done(limit: float) -> dict:
            """last-build.json of the build after the save (the page itself is shown before it, by quick)."""
            deadline = time.monotonic() + limit
            while stats_file.stat().st_mtime_ns == before and time.monotonic() < deadline:
                time.sleep(0.25)
            return json.loads(stats_file.read_text(encoding="utf-8"))

        deadline, shown, saved = time.monotonic() + 180, False, 0.0
        while not shown and time.monotonic() < deadline:  # bounded: at most 180 s on a busy machine
            if time.monotonic() - saved > 30:  # saved again only if a save went unseen (the watcher was not up yet)
                path.write_text(edited, encoding="utf-8")
                saved = time.monotonic()
            time.sleep(0.25)
            shown = "预览里马上能看到这一句" in _get(page)
        assert shown, "the saved change never reached the served page"
        assert "/_board/preview.js" in _get(page)  # the script that reloads the page on the next build
        stats = build_done(180)
        # the saved file is checked once: by the build, or already by quick (then the build finds it kept)
        assert stats.get("articles.checked", 0) <= 1 and stats.get("articles.checked", 0) + stats["check.hit"] == ARTICLES
        assert 0 < stats["pages.rendered"] < stats["pages.reused"]
        before = stats_file.stat().st_mtime_ns
        # The next save goes into the folder the first build made, brought up to date: only changes are written.
        path.write_text(edited + "\n第二次保存的一句。\n", encoding="utf-8")
        deadline, shown = time.monotonic() + 120, False
        while not shown and time.monotonic() < deadline:
            time.sleep(0.25)
            shown = "第二次保存的一句" in _get(page)
        assert shown and "预览里马上能看到这一句" in _get(page)
        stats = build_done(120)
        assert stats["files.kept"] > 10 * stats["pages.rendered"]
    finally:
        stop(proc)


def test_the_no_change_stamp_never_opens_a_fifo_or_a_device(tmp_path: Path) -> None:
    """content/ may hold a FIFO or a link to /dev/zero (tests/hostile_inputs.py): the stamp records their
    kind without reading them, or a build would block forever before any check could name them."""
    import hashlib
    import os
    import subprocess
    import sys

    (tmp_path / "正文.md").write_text("x", encoding="utf-8")
    os.mkfifo(tmp_path / "管道.md")
    (tmp_path / "零.md").symlink_to("/dev/zero")
    probe = ("import json, sys; from pathlib import Path; from generator.unchanged import snapshot; "
             "print(json.dumps(snapshot([Path(sys.argv[1])]), ensure_ascii=False))")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    snap = json.loads(done.stdout)
    assert snap[str(tmp_path / "管道.md")][2].startswith("special:")
    assert snap[str(tmp_path / "零.md")][2].startswith("special:")
    assert snap[str(tmp_path / "正文.md")][2] == hashlib.sha256(b"x").hexdigest()
