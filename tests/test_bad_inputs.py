"""A corpus of hostile inputs (tests/bad_inputs/): each refused or published safely, with a `PATH:LINE:` message.

expected.yml gives, for each input, the level (错误 = exit 1, 警告 = published with the dangerous part
removed), the line the message must name and the message's stable code. Inputs that are not one .md
file (symlinks, pictures, SVGs) are built by tests/hostile_inputs.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

import generator.cli as cli
from conftest import AS_OF, ROOT, copy_project, run_board, tree_hash, write_article
from generator.cli import main as board_main
from generator.messages import Message
from hostile_inputs import place

BAD = Path(__file__).parent / "bad_inputs"
EXPECTED: dict[str, dict] = yaml.safe_load((BAD / "expected.yml").read_text(encoding="utf-8"))
ERRORS = sorted(n for n, e in EXPECTED.items() if e["level"] == "错误")
WARNINGS = sorted(n for n, e in EXPECTED.items() if e["level"] == "警告")
# What must never reach the site from the warning files (the sanitizer removes it).
DANGEROUS = ["LEAKSCRIPT", "LEAKFRAME", "LEAKCLICK", "LEAKSTYLE", "data:text/html",
             "javascript:", "onclick=", "<iframe", "<object", "evil.example"]
CODE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


def test_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 150
    for name, expected in EXPECTED.items():
        assert "make" in expected or (BAD / name).exists(), name
        assert CODE.match(expected["code"]), name  # a stable code, never a fragment of the text


def check_with_messages(project: Path) -> tuple[int, str, list[Message]]:
    """`board check` in-process, as staff run it; also the messages it printed, with their codes."""
    captured: list[Message] = []
    printed = cli.print_messages

    def spy(report) -> None:
        captured.extend(report.messages)
        printed(report)

    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(err):
        patch.setattr(cli, "print_messages", spy)
        patch.chdir(project)
        code = board_main(["check", "--as-of", AS_OF])
    return code, err.getvalue(), captured


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[int, str, list[Message], dict[str, str]]]:
    """level -> (exit code, what was printed, the messages, input name -> the path its message names): one
    `board check` over every input of that level together, not one check per input (CI time). The warnings
    alone must exit 0, so no warning input is an error; each input is asserted on its own below."""
    found = {}
    for level, names in (("错误", ERRORS), ("警告", WARNINGS)):
        project = copy_project(tmp_path_factory.mktemp("bad") / "proj", with_content=False)
        paths = {name: place(name, EXPECTED[name], BAD, project / "content") for name in names}
        found[level] = (*check_with_messages(project), paths)
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input_gets_its_message(name: str, checked) -> None:
    expected = EXPECTED[name]
    code, err, messages, paths = checked[expected["level"]]
    path = paths[name]
    assert "Traceback" not in err and "程序内部出错" not in err
    assert code == (1 if expected["level"] == "错误" else 0), err
    found = [m for m in messages if (m.path, max(m.line, 1), m.level.value, m.code)
             == (path, expected["line"], expected["level"], expected["code"])]
    assert found, f"no {expected['code']} ({expected['level']}) at {path}:{expected['line']} in:\n{err}\n" + \
        "\n".join(f"{m.path}:{m.line} {m.code}" for m in messages)
    for message in found:
        assert str(message) in err  # printed as staff see it: PATH:LINE: 错误：…
        assert re.search(r"[\u4e00-\u9fff]", message.text) and "Traceback" not in message.text


def test_all_errors_in_one_build_and_site_untouched(tmp_path: Path, built_project: Path) -> None:
    project = built_project  # the sample built at AS_OF without posters, site and cache copied
    before = tree_hash(project / "site")
    paths = {name: place(name, EXPECTED[name], BAD, project / "content" / "notices") for name in ERRORS}
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters", timeout=180)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "程序内部出错" not in result.stderr
    for name, path in paths.items():
        assert f"{path}:" in result.stderr, name
    assert tree_hash(project / "site") == before


def _gps_photo(path: Path) -> None:
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (30.0, 15.0, 0.0)  # GPSLatitude
    image.save(path, exif=exif.tobytes())


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, str]:
    """One build (not one each, CI time) of the sample with the warned inputs in content/science/ and, in
    content/, the articles of the tests below: a link to a draft, a photo with GPS, hostile text. Each test
    asserts on its own files. (project, the build's messages)"""
    project = copy_project(tmp_path_factory.mktemp("published") / "p")
    for name in WARNED:
        shutil.copy(BAD / name, project / "content" / "science" / name)
    write_article(project, "to-draft.md", "---\ntitle: 公开文章\ntype: science\ndate: 2026-11-20\n---\n\n请看[草稿文章](draft.md)。\n")
    write_article(project, "draft.md", "---\ntitle: 草稿文章\ntype: science\ndate: 2026-11-20\ndraft: true\n---\n\n草稿。\n")
    (project / "content" / "images").mkdir()
    _gps_photo(project / "content" / "images" / "photo.jpg")
    write_article(project, "gps.md", "---\ntitle: 有图\ntype: science\ndate: 2026-11-20\ncover: images/photo.jpg\n---\n\n![现场](images/photo.jpg)\n")
    shutil.copy(ROOT / "content" / "notices" / "images" / "wenming-sunrise.jpg", project / "content" / "images" / "pic.jpg")
    write_article(project, "markup-a.md", "---\ntitle: 'x\" onload=\"alert(1)'\ntype: science\ndate: 2026-11-20\n"
                  "cover: images/pic.jpg\ntags: [安全]\n---\n\n这是一段很长的正文文字内容 <img src=x onerror=alert(1)//\n")
    write_article(project, "markup-b.md", "---\ntitle: 第二篇\ntype: science\ndate: 2026-11-21\n"
                  f"summary: '{REFRESH}'\n---\n\n正文。\n")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    return project, result.stderr


WARNED = [n for n in WARNINGS if "make" not in EXPECTED[n]]
# a summary that would be a refresh to another site if printed unescaped (not evil.example: DANGEROUS has it)
REFRESH = '0;url=https://attacker.invalid" http-equiv="refresh'


def test_warned_inputs_are_published_without_the_danger(published) -> None:
    project, messages = published
    for name in WARNED:
        assert f"content/science/{name}:" in messages
    site = project / "site"
    for name in WARNED:
        page = site / "science" / Path(name).stem / "index.html"
        assert page.is_file(), name
        assert f"泄漏标记{Path(name).stem}" in page.read_text(encoding="utf-8")  # the text itself is published
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for needle in DANGEROUS:
                assert needle not in text, f"{needle} in {path}"


def test_link_to_draft_warns_and_is_not_a_link(published) -> None:
    project, messages = published
    assert re.search(r"^content/to-draft\.md:7: 警告：链接“draft\.md”.*草稿", messages, re.M)
    page = (project / "site" / "science" / "to-draft" / "index.html").read_text(encoding="utf-8")
    assert "草稿文章" in page and "draft.md" not in page


def test_gps_removed_from_published_pictures(published) -> None:
    from PIL import Image

    project, _ = published
    with Image.open(project / "content" / "images" / "photo.jpg") as original:
        assert 0x8825 in original.getexif()  # content/ is never rewritten
    with Image.open(project / "site" / "images" / "photo.jpg") as published_photo:
        assert 0x8825 not in published_photo.getexif()
        assert published_photo.size == (64, 48)


def test_article_text_never_becomes_markup(published) -> None:
    """Text from articles is escaped wherever the site prints it: cards, facts, attributes, meta tags."""
    from bs4 import BeautifulSoup

    project, _ = published
    pages = [p for p in (project / "site").rglob("*.html") if "kiosk" not in p.parts]
    assert len(pages) > 5
    for page in pages:
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in html.find_all(True):
            events = [name for name in element.attrs if name.lower().startswith("on")]
            assert not events, f"{page}: {element.name} {events}"
            if element.name == "meta" and element.get("http-equiv"):
                # only a short URL's own forward page refreshes, and only to an article page of this site
                assert page.parent.parent.name == "s" and page.parent.parent.parent == project / "site", page
                content = element["content"]
                assert content.startswith("0; url=../../"), content
                target = unquote(content.removeprefix("0; url="))  # a URL: the sample's Chinese slugs are %-encoded
                assert (page.parent / target / "index.html").resolve().is_file(), content
    head = BeautifulSoup((project / "site" / "science" / "markup-b" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert head.find("meta", attrs={"name": "description"})["content"] == REFRESH
    title = BeautifulSoup((project / "site" / "science" / "markup-a" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert 'x" onload="alert(1)' in title.get_text()  # the title is there, as text


def test_huge_file_is_refused_quickly(project: Path) -> None:
    path = project / "content" / "大文件.md"
    path.write_text("---\ntitle: 大\ntype: science\ndate: 2026-11-20\n---\n" + "很长的正文。" * 600_000, encoding="utf-8")
    assert path.stat().st_size > 10 * 1024 * 1024
    result = run_board(project, "check", "--as-of", AS_OF, timeout=30)
    assert result.returncode == 1
    assert re.search(r"^content/大文件\.md:1: 错误：文件太大", result.stderr, re.M)


def test_symlink_leaving_content_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"\xff\xd8\xff\xe0secret")
    (project / "content" / "images").mkdir()
    os.symlink(outside, project / "content" / "images" / "link.jpg")
    write_article(project, "a.md", "---\ntitle: 标题\ntype: science\ndate: 2026-11-20\ncover: images/link.jpg\n---\n\n![x](images/link.jpg)\n")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1
    assert re.search(r"^content/a\.md:5: 错误：.*外面", result.stderr, re.M)
    assert re.search(r"^content/a\.md:8: 错误：.*外面", result.stderr, re.M)


def test_site_dir_may_not_replace_the_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", with_content=False)  # one article: each refused build is quick
    write_article(project, "a.md", ARTICLE_TEXT)
    before = tree_hash(project / "content")
    for target in ("content", ".", "templates", "content/site"):
        result = run_board(project, "build", "--as-of", AS_OF, "--no-posters", "--site-dir", target)
        assert result.returncode == 1 and "重叠" in result.stderr, (target, result.stderr)
    assert tree_hash(project / "content") == before
    assert (project / "templates" / "overrides" / "main.html").is_file()


ARTICLE_TEXT = "---\ntitle: 标题\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n"


def test_camera_photos_are_scaled_for_phones_and_posters(project: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    (project / "content" / "images").mkdir()
    Image.effect_noise((4000, 3000), 60).convert("RGB").save(project / "content" / "images" / "big.jpg", quality=95)
    original = (project / "content" / "images" / "big.jpg").stat().st_size
    write_article(project, "a.md", "---\ntitle: 大照片\ntype: story\ndate: 2026-11-20\nconsent: true\n"
                  "cover: images/big.jpg\n---\n\n好人好事。\n")
    result = run_board(project, "build", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    published = project / "site" / "images" / "big.jpg"
    with Image.open(published) as picture:
        assert max(picture.size) == 1600 and picture.size[0] / picture.size[1] == pytest.approx(4 / 3, rel=0.01)
    assert published.stat().st_size < original / 3
    poster = project / "site" / "posters" / "a.pdf"
    assert poster.stat().st_size < original / 3 and len(PdfReader(poster).pages) == 1
