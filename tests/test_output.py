"""The output side: one writer that refuses a path twice, a site folder that is never someone
else's folder, `mkdocs build` as safe as `board build`, and the machine's faults as plain sentences."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT, copy_project, run_board, tree_hash, write_article
from generator.load import load_board
from generator.messages import Report
from generator.output.claims import claim_site
from generator.output.writer import OutputClash, OutputMap, Owner, SiteWriter
from generator.plan import plan_site
from generator.settings import load_settings
from generator.timeutil import parse_time

MACHINE = Path(__file__).parent / "machine.py"
PICTURE = ROOT / "content" / "notices" / "images" / "wenming-sunrise.jpg"


def article(title: str, type_: str = "notice", extra: str = "", body: str = "正文。") -> str:
    author = "author: 居委会\n" if type_ == "notice" else ""
    return f"---\ntitle: {title}\ntype: {type_}\ndate: 2026-11-20\n{author}{extra}---\n\n{body}\n"


def claims_of(project: Path) -> Report:
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    board = load_board(settings, parse_time(AS_OF), report)
    claim_site(plan_site(board), report)
    return report


def machine(project: Path, *faults: str, args: tuple[str, ...] = ("build", "--as-of", AS_OF, "--no-posters"),
            timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MACHINE), *faults, "--", *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout)


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith((".site-new-", ".site-old-")))


# -- the writer ------------------------------------------------------------------------------

A, B = Owner("甲", "content/a.md", 3), Owner("乙", "content/b.md", 4)


@pytest.mark.parametrize("first, second", [
    ("posters/x.pdf", "posters/x.pdf"),            # the same path
    ("posters/X.pdf", "posters/x.pdf"),            # differs only by case (Windows, macOS)
    ("notices/caf\u00e9.pdf", "notices/cafe\u0301.pdf"),  # differs only by Unicode normalization
    ("notices/附件.pdf", "notices/附件.pdf/index.html"),   # a file where a folder is needed
    ("notices/附件.pdf/index.html", "notices/附件.pdf"),   # a folder where a file is wanted
])
def test_output_map_refuses_one_path_twice(first: str, second: str) -> None:
    claims = OutputMap()
    assert claims.claim(first, A) is None
    clash = claims.claim(second, B)
    assert isinstance(clash, OutputClash) and clash.first == A and clash.second == B
    assert "甲" in clash.sentence() and "乙" in clash.sentence()


def test_tree_claims_keep_a_whole_folder(tmp_path: Path) -> None:
    claims = OutputMap()
    assert claims.claim_tree("kiosk", A) is None
    assert claims.claim("kiosk/qr/x.svg", A) is None  # its owner may write anything inside
    assert claims.claim("kiosk/logo.png", B) is not None
    assert claims.claim("kioskX/logo.png", B) is None
    writer = SiteWriter(tmp_path, claims)
    writer.write_text("kiosk/index.html", "<p>", A)
    with pytest.raises(OutputClash):
        writer.write_text("kiosk/index.html", "<p>again", A)  # the same owner twice is a bug too
    with pytest.raises(OutputClash):
        writer.write_bytes("kiosk/qr/y.svg", b"", B)
    assert (tmp_path / "kiosk" / "index.html").read_text(encoding="utf-8") == "<p>"
    (tmp_path / "stray.txt").write_text("x")
    assert writer.unclaimed() == ["stray.txt"]


@pytest.mark.parametrize("how", ["write_bytes", "move_in"])
def test_manifest_records_the_file_written_after_a_stat_of_the_old_one(tmp_path: Path, how: str) -> None:
    """unchanged_files() saw a file as it was, then the caller wrote it anyway (the search index falling
    back to its full merge): the manifest holds the new file's size and time, or the next build would
    find it "touched" and rewrite it for nothing."""
    site = tmp_path / "site"
    first = SiteWriter(site)
    first.write_bytes("search/shard-1.json", b"old", A)
    _, manifest = first.settle({})
    second = SiteWriter(site, previous=manifest)
    assert second.unchanged_files({"search/shard-1.json": manifest["search/shard-1.json"][0]}) == {"search/shard-1.json"}
    new = b"new and longer"
    if how == "write_bytes":
        second.write_bytes("search/shard-1.json", new, A)
    else:
        (tmp_path / "made").write_bytes(new)
        second.move_in("search/shard-1.json", tmp_path / "made", A)
    _, after = second.settle({"search/shard-1.json": None})
    st = (site / "search/shard-1.json").stat()
    assert after["search/shard-1.json"][1:3] == [len(new), st.st_mtime_ns] == [st.st_size, st.st_mtime_ns]


CLASHES = {
    # name: (files to write, article whose line is named, line, words both parties must show)
    "print-pack": ({"notices/打印.md": article("打印包测试", extra="slug: print-pack\n")},
                   "content/notices/打印.md", 6, ["posters/print-pack.pdf", "海报合集"]),
    "Print-Pack": ({"notices/打印.md": article("打印包测试", extra="slug: Print-Pack\n")},
                   "content/notices/打印.md", 6, ["posters/", "海报合集"]),
    "attachment": ({"notices/附件.pdf": b"%PDF-1.4\n", "notices/有附件.md": article("有附件", body="[表格](附件.pdf)"),
                    "notices/同名.md": article("同名文章", extra="slug: 附件.pdf\n")},
                   "content/notices/同名.md", 6, ["content/notices/附件.pdf", "同名文章"]),
    "theme-asset": ({"assets/images/favicon.png": PICTURE.read_bytes(),
                     "notices/图标.md": article("换图标", body="![图标](../assets/images/favicon.png)")},
                    "content/notices/图标.md", 1, ["assets", "网站主题"]),
    "kiosk-folder": ({"kiosk/index.html.png": PICTURE.read_bytes(),
                      "notices/电子屏.md": article("电子屏", body="![x](../kiosk/index.html.png)")},
                     "content/notices/电子屏.md", 1, ["电子屏页面"]),
    "poster-of-other": ({"posters/海报.pdf": b"%PDF-1.4\n", "notices/带海报.md": article("带海报", body="[下载](../posters/海报.pdf)"),
                         "notices/海报.md": article("海报")},
                        "content/notices/海报.md", 1, ["posters/海报.pdf"]),
    "tag-case": ({"notices/甲.md": article("甲", extra="tags: [WiFi]\n"), "notices/乙.md": article("乙", extra="tags: [wifi]\n")},
                 "content/notices/乙.md", 1, ["标签", "WiFi", "wifi"]),
    "reserved-short": ({"s/码.png": PICTURE.read_bytes(), "notices/短.md": article("短网址", body="![x](../s/码.png)")},
                       "content/notices/短.md", 1, ["短网址"]),
}


@pytest.mark.parametrize("name", sorted(CLASHES))
def test_clashing_outputs_are_messages_at_the_staff_file(name: str, project: Path) -> None:
    files, source, line, words = CLASHES[name]
    for relative, data in files.items():
        path = project / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    report = claims_of(project)
    clashes = [m for m in report.errors if m.code == "output.clash"]
    assert [(m.path, m.line) for m in clashes] == [(source, line)], report.messages
    for word in words:
        assert word in clashes[0].text, clashes[0].text
    check = run_board(project, "check", "--as-of", AS_OF)
    assert check.returncode == 1 and f"{source}:{line}: 错误：" in check.stderr, check.stderr


def test_slug_print_pack_and_attachment_name_never_reach_the_disk(tmp_path: Path, built_project: Path) -> None:
    """The two cases that used to be FileExistsError or a print pack overwriting a poster."""
    project = built_project  # the sample built at AS_OF without posters, site and cache copied
    before = tree_hash(project / "site")
    write_article(project, "notices/打印.md", article("打印包测试", extra="slug: print-pack\n"))
    write_article(project, "notices/同名.md", article("同名文章", extra="slug: wenming-sunrise.jpg\n"))
    shutil.copy(PICTURE, project / "content" / "notices" / "wenming-sunrise.jpg")
    write_article(project, "notices/用图.md", article("用图", body="![日出](wenming-sunrise.jpg)"))
    result = run_board(project, "build", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "FileExistsError" not in result.stderr and "内部出错" not in result.stderr
    assert "content/notices/打印.md:6: 错误：" in result.stderr
    assert "content/notices/同名.md:6: 错误：" in result.stderr
    assert tree_hash(project / "site") == before


SITE_NAMES = ["kiosk", "search", "index", "assets", "posters", "page", "tags", "archive"]


def test_names_the_site_uses_elsewhere_are_fine_as_slugs(project: Path) -> None:
    """No hand-kept list: a slug is refused only when its files would really clash. All eight in one
    build (CI time: one build each before): they cannot clash with each other, only with the site's names."""
    for slug in SITE_NAMES:
        write_article(project, f"science/{slug}.md", article(f"名叫{slug}的文章", type_="science"))
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for slug in SITE_NAMES:
        assert f"名叫{slug}的文章" in (site / "science" / slug / "index.html").read_text(encoding="utf-8"), slug
    assert "kiosk" in (site / "kiosk" / "index.html").read_text(encoding="utf-8")


def test_content_assets_never_replace_the_theme(project: Path) -> None:
    """A stray copy of the theme's script in content/assets is not published and does not remove the real one."""
    for name in ("assets/board/board.js", "assets/board/board.css", "assets/javascripts/bundle.js"):
        path = project / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("alert('hijacked')", encoding="utf-8")
    write_article(project, "science/a.md", article("科普", type_="science"))
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for name in ("board.js", "board.css"):  # published under a fingerprinted name (board.<hash>.js)
        stem, suffix = name.split(".")
        published = list((site / "assets/board").glob(f"{stem}.*.{suffix}"))
        assert [p.read_bytes() for p in published] == [(ROOT / "templates/overrides/assets/board" / name).read_bytes()]
        assert not (site / "assets/board" / name).exists()
    bundles = list((site / "assets" / "javascripts").glob("bundle*.js"))
    assert bundles and all("hijacked" not in b.read_text(encoding="utf-8") for b in bundles)
    assert not (site / "assets/javascripts/bundle.js").exists() or "hijacked" not in (site / "assets/javascripts/bundle.js").read_text()


# -- the site folder -------------------------------------------------------------------------

def _home_like(folder: Path) -> None:
    (folder / "Documents").mkdir(parents=True)
    (folder / "Documents" / "工作计划.docx").write_bytes(b"PK\x03\x04 plan")
    (folder / ".bashrc").write_text("export PATH\n")
    (folder / ".ssh").mkdir()
    (folder / ".ssh" / "id_ed25519").write_text("secret key")


def _other_files(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "照片.jpg").write_bytes(PICTURE.read_bytes())
    (folder / "index.html").write_text("<h1>别人的网站</h1>", encoding="utf-8")


@pytest.mark.parametrize("make", [_home_like, _other_files])
@pytest.mark.parametrize("how", ["--site-dir", "site_dir", "mkdocs"])
def test_a_folder_of_other_files_is_refused_and_kept(make, how: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    target = tmp_path / "target"
    make(target)
    before = tree_hash(target)
    if how == "--site-dir":
        result = run_board(project, "build", "--as-of", AS_OF, "--no-posters", "--site-dir", str(target))
    else:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("site_dir: site", f"site_dir: {target}"),
                          encoding="utf-8")
        if how == "site_dir":
            result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
        else:
            result = machine(project, "mkdocs", args=("build",))
    assert result.returncode == 1
    assert "不是以前生成的网站" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hash(target) == before
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in target.iterdir())
    assert leftovers(tmp_path) == []


def test_an_empty_folder_and_a_previous_site_are_fine(tmp_path: Path) -> None:
    """A first build (no cache, nothing built before) into an empty folder made beforehand (by hand, or a
    share mounted there), then a second build over the site it made."""
    project = copy_project(tmp_path / "p")
    target = tmp_path / "empty"
    target.mkdir()
    first = run_board(project, "build", "--as-of", AS_OF, "--no-posters", "--site-dir", str(target))
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr and "错误" not in first.stderr, first.stderr
    assert (target / ".board-site").is_file() and (target / "board.json").is_file()
    assert (target / "index.html").is_file() and (target / "kiosk" / "index.html").is_file()
    assert leftovers(project) == [] and not list(tmp_path.glob(".site-*")), list(tmp_path.iterdir())
    again = run_board(project, "build", "--as-of", "2026-12-01", "--no-posters", "--site-dir", str(target))
    assert again.returncode == 0, again.stderr
    assert '"as_of": "2026-12-01' in (target / "board.json").read_text(encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters", "--site-dir", str(a_file))
    assert result.returncode == 1 and "是一个文件" in result.stderr and a_file.read_text() == "x"


# -- mkdocs build ----------------------------------------------------------------------------

def test_mkdocs_build_keeps_the_site_when_it_fails(built_project: Path) -> None:
    project = built_project  # the sample built at AS_OF without posters: its checks kept (CI time)
    # Without posters, as `board build --no-posters`: both failures come before them, and the first
    # build's posters took most of this test's time (CI time; test_cli.py builds them by `mkdocs build`).
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      per_page: 20 ", "      posters: false\n      per_page: 20 ", 1),
                      encoding="utf-8")
    assert "posters: false" in config.read_text(encoding="utf-8")
    ok = machine(project, "mkdocs", args=("build",))
    assert ok.returncode == 0, ok.stderr
    site = project / "site"
    assert (site / ".board-site").is_file() and (site / "kiosk" / "index.html").is_file()
    before = tree_hash(site)
    write_article(project, "notices/坏.md", "---\ntitle: 坏\ntype: notice\ndate: 2026-13-45\n---\n正文\n")
    failed = machine(project, "mkdocs", args=("build",))
    assert failed.returncode == 1
    assert tree_hash(site) == before
    (project / "content" / "notices" / "坏.md").unlink()
    write_article(project, "notices/打印.md", article("打印包测试", extra="slug: print-pack\n"))
    failed = machine(project, "mkdocs", args=("build",))  # fails after the checks, at the output claims
    assert failed.returncode == 1 and "content/notices/打印.md:6" in failed.stderr, failed.stderr
    assert tree_hash(site) == before
    assert leftovers(project) == []


# -- the machine's faults --------------------------------------------------------------------

FAULTS = {
    "enospc=1": "磁盘空间不够",
    "enospc=40": "磁盘空间不够",
    "enospc=250": "磁盘空间不够",
    "eacces": "没有权限",
    "vanish=templates/kiosk/kiosk.js": "不见了",
    "vanish-public": "不见了",
}


# Faults that strike after the build has written part of its cache or staging folder. Each is followed by a
# build that must succeed from what it left, and each but the first starts again from the built sample: what
# one left behind cannot pass unseen because the next fault's build repaired it (or failed first with the same
# sentence). The others strike before anything is written and run in turn, each build getting as far as its fault.
LATE = ("enospc=40", "enospc=250", "vanish-public", "vanish=templates/kiosk/kiosk.js")


def test_machine_faults_are_a_sentence_and_keep_the_site(built_project: Path, sample_site: Path) -> None:
    """Each fault: its build fails with its sentence and keeps the site; after a late one the next build
    succeeds. One project, copied again (not built again) for each late fault (CI time)."""
    project = built_project  # the sample built at AS_OF without posters, site and cache copied
    before = tree_hash(project / "site")
    early = sorted(set(FAULTS) - set(LATE))
    for fault in [*early, *LATE]:
        if fault in LATE[1:]:
            shutil.rmtree(project)
            shutil.copytree(sample_site.parent, project, symlinks=True)
        result = machine(project, fault, args=("build", "--as-of", "2026-12-01", "--no-posters"))
        assert result.returncode == 1, (fault, result.stderr)
        assert FAULTS[fault] in result.stderr, (fault, result.stderr)
        assert "线上的网站保持原样" in result.stderr, fault
        assert "Traceback" not in result.stderr and "内部出错" not in result.stderr and "Error" not in result.stderr, fault
        assert tree_hash(project / "site") == before, fault
        assert leftovers(project) == [], fault
        shutil.copytree(ROOT / "templates", project / "templates", dirs_exist_ok=True)  # put back what vanished
        if fault in LATE:
            again = run_board(project, "build", "--as-of", "2026-12-01", "--no-posters")
            assert again.returncode == 0, (fault, again.stderr)
            assert '"as_of": "2026-12-01' in (project / "site" / "board.json").read_text(encoding="utf-8"), fault
            assert leftovers(project) == [], fault


def test_read_only_site_folder_leaves_nothing_behind(tmp_path: Path, built_project: Path) -> None:
    """A site made read-only by hand (or copied from a CD, or Windows' read-only flag) is still
    replaced, and the old copy is removed instead of staying as `.site-new-*` forever."""
    project = built_project  # the sample built at AS_OF without posters, site and cache copied
    site = project / "site"
    for path in [site, *site.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    for faults in (("posix-perms",), ("posix-perms", "windows")):
        result = machine(project, *faults, args=("build", "--as-of", "2026-12-01", "--no-posters"))
        assert result.returncode == 0, result.stderr
        assert '"as_of": "2026-12-01' in (site / "board.json").read_text(encoding="utf-8")
        assert leftovers(project) == [], faults
        for path in [site, *site.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)


def test_a_picture_deleted_after_the_check_is_published_as_checked(tmp_path: Path) -> None:
    """What goes online is the copy the check cleaned, so deleting the original mid-build changes nothing."""
    project = copy_project(tmp_path / "p")
    result = machine(project, "vanish=content/notices/images/wenming-sunrise.jpg")
    assert result.returncode == 0, result.stderr
    published = project / "site" / "notices" / "images" / "wenming-sunrise.jpg"
    from PIL import Image

    with Image.open(published) as picture:
        assert picture.width > 100 and not picture.getexif()
