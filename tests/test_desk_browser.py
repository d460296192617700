"""The staff desk at /_desk/ of `board serve`, driven in Chromium: articles of every type written
through the form (fields found by their labels), a phone photo uploaded, check messages beside
their fields while typing, history and restore; axe-core on every desk page."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from browser import Recorder, new_context, require_browser, run_axe, screenshot
from conftest import AS_OF
from desk_helpers import GPS_IFD, desk_serve, git, git_project, gps_photo

pytest_plugins = ["browser"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NEW = {  # one article of each type, as a staff member fills the form
    "notice": {"标题": "关于十二月小区停水检修的通知", "落款单位": "幸福里社区居民委员会", "tag": "停水", "body": "各位居民：十二月三日上午停水检修，请提前储水。"},
    "story": {"标题": "修鞋的李师傅", "落款单位": "", "tag": "好人好事", "body": "李师傅在小区门口修鞋二十年，常常免费帮老人修鞋。"},
    "science": {"标题": "冬季取暖防一氧化碳中毒", "落款单位": "", "tag": "安全", "body": "使用煤炉取暖要开窗通风，安装一氧化碳报警器。"},
    "law": {"title": None, "标题": "租房合同要注意什么", "落款单位": "", "tag": "普法", "body": "签订租房合同前，请核对房东的房产证和身份证。"},
}


def load_checked(project: Path, src_uri: str):
    """The file read and checked by the board's own loader and checks."""
    from generator.checks import check_article
    from generator.content import read_article
    from generator.messages import Report
    from generator.timeutil import parse_time

    report = Report()
    content = project / "content"
    raw = read_article(content / src_uri, project, content, report)
    article = check_article(raw, content, report, (), parse_time(AS_OF)) if raw is not None else None
    return article, report


def board(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=project, capture_output=True, text=True,
                          timeout=300)


def preview_page(served, path: str, timeout: float = 120) -> str:
    """The page from the preview once its rebuild after the desk's writes has it (polled, bounded in time)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(served.url + quote(path), timeout=10) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            if exc.code != 404 or time.monotonic() > deadline:
                raise
        time.sleep(1)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    require_browser()
    project = git_project(tmp_path_factory.mktemp("desk") / "p")
    with desk_serve(project) as served:
        yield project, served


def desk_context(browser, viewport: dict, recorder: Recorder, axe_js: str | None = None):
    """A browser context for the desk; axe-core injected by the browser itself (an init script), because
    the desk's Content-Security-Policy rightly refuses the inline script tag run_axe would add."""
    context = new_context(browser, viewport, recorder)
    if axe_js:
        context.add_init_script(axe_js)
    return context


def fill_article(page, kind: str, data: dict, photo: Path | None) -> None:
    page.get_by_label("标题", exact=False).first.fill(data["标题"])
    page.get_by_label("类型", exact=True).select_option(kind)
    page.get_by_label("发布时间", exact=False).fill("2026-11-25T09:00")
    page.get_by_label("过期时间", exact=False).fill("2026-12-31T18:00")
    if data["落款单位"]:
        page.get_by_label("落款单位", exact=False).fill(data["落款单位"])
    page.get_by_label("栏目", exact=True).select_option("service")
    tags = page.get_by_label("标签", exact=False)
    tags.fill(data["tag"])
    tags.press("Enter")
    page.get_by_label("草稿", exact=False).uncheck()
    if kind == "story":
        page.get_by_label("本人同意发布").check()
    if kind == "notice":
        page.get_by_label("活动开始时间").fill("2026-12-03T08:00")
        page.get_by_label("活动结束时间").fill("2026-12-03T12:00")
        page.get_by_label("活动地点").fill("小区东门")
    page.get_by_label("正文", exact=True).fill(data["body"])
    if photo is not None:
        page.get_by_label("插入图片", exact=False).set_input_files(str(photo))
        page.wait_for_function("() => document.getElementById('upload-status').textContent.includes('已上传')",
                               timeout=30_000)


def test_new_articles_of_every_type_through_the_form(desk, browser, axe_js, tmp_path: Path) -> None:
    project, served = desk
    photo = gps_photo(tmp_path / "IMG_0001 现场.JPG")
    recorder = Recorder()
    context = desk_context(browser, PHONE, recorder, axe_js)
    page = context.new_page()
    written = {}
    for kind, data in NEW.items():
        page.goto(served.url + f"_desk/new?type={kind}")
        fill_article(page, kind, data, photo if kind == "notice" else None)
        if kind == "notice":
            assert run_axe(page, axe_js) == []
            screenshot(page, "desk-new-phone", full_page=True)
        page.get_by_role("button", name="发布", exact=True).click()
        page.wait_for_selector("#notice")
        assert "已保存并发布" in page.locator("#notice").inner_text()
        src_uri = re.search(r"path=([^&]+)", page.url).group(1)
        from urllib.parse import unquote
        written[kind] = unquote(src_uri)
    assert recorder.outside() == [] and recorder.errors == []

    for kind, src_uri in written.items():
        assert src_uri.startswith(f"{ {'notice': 'notices', 'story': 'stories', 'science': 'science', 'law': 'law'}[kind]}/")
        article, report = load_checked(project, src_uri)
        assert report.errors == [], report.errors
        assert article is not None and article.type == kind and article.title == NEW[kind]["标题"]
        assert article.tags == (NEW[kind]["tag"],) and article.category == "service"
        assert article.draft is False and article.editor
        assert article.expires is not None and article.expires.strftime("%Y-%m-%d %H:%M") == "2026-12-31 18:00"
        assert (kind == "story") == article.consent
        text = (project / "content" / src_uri).read_text(encoding="utf-8")
        assert text.startswith("---\n") and "draft: false" in text
    notice, _ = load_checked(project, written["notice"])
    assert notice.event is not None and notice.event.location == "小区东门"
    # the photo: beside the article, named safely, in the body, without GPS or any EXIF, scaled
    assert len(notice.assets) == 1
    picture = project / "content" / notice.assets[0]
    assert picture.parent == (project / "content" / written["notice"]).parent / "images"
    assert re.fullmatch(r"[\w\u4e00-\u9fff-]+\.jpg", picture.name), picture.name
    with Image.open(picture) as image:
        assert not image.getexif() and "exif" not in image.info
        assert max(image.size) <= 1600
    # every save is a commit by the staff member
    log = git(project, "log", "--format=%an|%s")
    assert f"王芳|发布：{NEW['law']['标题']}" in log and "王芳|上传图片：" in log
    # board check is clean, and the preview shows the new article
    check = board(project, "check", "--as-of", AS_OF)
    assert check.returncode == 0, check.stderr
    section = written["science"].split("/")[0]
    stem = Path(written["science"]).stem
    assert NEW["science"]["标题"] in preview_page(served, f"{section}/{stem}/")
    # the list shows them with their status, filterable by type
    page.goto(served.url + "_desk/?type=law")
    titles = page.locator(".article h2").all_inner_texts()
    assert NEW["law"]["标题"] in titles and NEW["notice"]["标题"] not in titles
    assert run_axe(page, axe_js) == []
    page.goto(served.url + "_desk/?status=scheduled")
    assert page.locator(".article .badge").all_inner_texts() == ["定时发布"]  # the sample's one scheduled notice
    page.set_viewport_size(DESKTOP)
    page.goto(served.url + "_desk/")
    assert "在期" in page.locator(".article .badge").all_inner_texts()
    screenshot(page, "desk-list-desktop")
    context.close()


def test_edit_shows_check_message_then_saves_commits_and_restores(desk, browser, axe_js) -> None:
    project, served = desk
    src_uri = "notices/2026-11-20-冬季大扫除.md"
    path = project / "content" / src_uri
    original = path.read_text(encoding="utf-8")
    recorder = Recorder()
    context = desk_context(browser, DESKTOP, recorder, axe_js)
    page = context.new_page()
    page.goto(served.url + "_desk/edit?path=" + quote(src_uri))
    title = load_checked(project, src_uri)[0].title
    assert page.get_by_label("标题", exact=False).first.input_value() == title
    page.get_by_label("过期时间", exact=False).fill("2026-11-01T08:00")  # before the date
    message = page.locator('#m-expires .msg[data-code="expires.before_date"]')
    message.wait_for(timeout=15_000)
    assert "早于" in message.inner_text()
    assert path.read_text(encoding="utf-8") == original  # nothing saved yet
    assert run_axe(page, axe_js) == []
    screenshot(page, "desk-edit-desktop", full_page=True)
    page.get_by_label("过期时间", exact=False).fill("2026-12-30T18:00")
    page.wait_for_function("() => !document.querySelector('#m-expires .msg')", timeout=15_000)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_selector("#notice")
    changed = path.read_text(encoding="utf-8")
    assert "expires: 2026-12-30 18:00" in changed
    # only the changed line differs: the staff member's own formatting (comments, spacing) stays
    old_lines = [l for l in original.split("\n") if not l.startswith("expires:")]
    new_lines = [l for l in changed.split("\n") if not l.startswith("expires:") and not l.startswith("editor:")]
    assert old_lines == new_lines
    assert git(project, "log", "-1", "--format=%s", "--", f"content/{src_uri}").strip() == f"修改：{title}"
    # 历史版本: restore the version before the edit
    page.get_by_role("link", name="历史版本").click()
    page.wait_for_selector(".versions")
    assert run_axe(page, axe_js) == []
    page.get_by_role("button", name="恢复这个版本").first.click()
    page.wait_for_selector("#notice")
    assert path.read_text(encoding="utf-8") == original
    assert git(project, "log", "-1", "--format=%s").startswith("恢复：")
    assert recorder.errors == []
    context.close()


def test_delete_moves_to_trash_which_is_never_published(desk, browser) -> None:
    project, served = desk
    src_uri = "science/2026-10-30-垃圾分类.md"
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")  # its own dialog handler: accept the confirm()
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(served.url + "_desk/edit?path=" + quote(src_uri))
    page.get_by_role("button", name="删除（移到 _trash 文件夹）").click()
    page.wait_for_url("**/_desk/?notice=deleted")
    assert not (project / "content" / src_uri).exists()
    assert (project / "content" / "_trash" / src_uri).is_file()
    from generator.content import scan_content
    assert not any("_trash" in p.as_posix() for p in scan_content(project / "content").articles)
    assert "|删除：" in git(project, "log", "-1", "--format=%an|%s")
    context.close()
