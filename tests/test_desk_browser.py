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
from generator.desk.frontmatter import ORDER

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
    page.get_by_label("发布时间", exact=False).fill("2026-11-25 09:00")
    page.get_by_label("过期时间", exact=False).fill("2026/12/31 18:00")  # a spelling staff often type: taken as 2026-12-31 18:00
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
        page.get_by_label("活动开始时间").fill("2026年12月3日 8:00")
        page.get_by_label("活动结束时间").fill("2026-12-03 12:00")
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
    assert notice.event.start.strftime("%Y-%m-%d %H:%M") == "2026-12-03 08:00"  # typed as 2026年12月3日 8:00
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
    page.get_by_label("过期时间", exact=False).fill("2026-11-01 08:00")  # before the date
    message = page.locator('#m-expires .msg[data-code="expires.before_date"]')
    message.wait_for(timeout=15_000)
    assert "早于" in message.inner_text()
    assert path.read_text(encoding="utf-8") == original  # nothing saved yet
    assert run_axe(page, axe_js) == []
    screenshot(page, "desk-edit-desktop", full_page=True)
    page.get_by_label("过期时间", exact=False).fill("2026-12-30 18:00")
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
    recorder = Recorder()
    context = desk_context(browser, DESKTOP, recorder)
    page = context.new_page()
    page.goto(served.url + "_desk/edit?path=" + quote(src_uri))
    page.get_by_role("button", name="删除（移到 _trash 文件夹）").click()
    page.get_by_role("dialog").get_by_role("button", name="确定删除").click()  # the page's own question
    page.wait_for_url("**/_desk/?notice=deleted")
    assert not (project / "content" / src_uri).exists()
    assert (project / "content" / "_trash" / src_uri).is_file()
    from generator.content import scan_content
    assert not any("_trash" in p.as_posix() for p in scan_content(project / "content").articles)
    assert "|删除：" in git(project, "log", "-1", "--format=%an|%s")
    assert recorder.dialogs == []  # no box of the browser's own
    context.close()


# Latin words the desk may show: file and folder names, and the front matter keys and commands staff type.
LATIN_OK = {"content", "_trash", "notices", "stories", "science", "law", "md", "jpg", "png", "heic", "git", "init",
            "board", "user", "add", "role", "writer", "reviewer", "false", "true", "deploy", "images",
            "start", "end", "location", *ORDER}
NATIVE_CONTROLS = """() => {
    // controls the browser draws in its own language, not the page's
    const found = [];
    for (const el of document.querySelectorAll("input, select, textarea, button, form")) {
        const type = (el.getAttribute("type") || "").toLowerCase();
        if (["date", "datetime-local", "time", "month", "week", "color", "email", "url", "number"].includes(type))
            found.push(`${type} #${el.id}`);
        if (type === "file") {
            const box = el.getBoundingClientRect();
            if (box.width > 1 || box.height > 1) found.push(`a visible file button #${el.id}`);
        }
        if (el.required || el.hasAttribute("pattern") || el.hasAttribute("min") || el.hasAttribute("max"))
            found.push(`a browser validation bubble for #${el.id || el.name}`);
    }
    return found;
}"""
SHOWN_TEXT = """() => [document.title, document.body.innerText,
    ...[...document.querySelectorAll("[title], [placeholder], [aria-label], [alt]")].flatMap(
        el => ["title", "placeholder", "aria-label", "alt"].map(a => el.getAttribute(a) || ""))].join("\\n")"""


def test_the_desk_speaks_chinese_in_an_english_browser(desk, browser) -> None:
    """Chromium started in English (--lang=en-US, page locale en-US), as on a staff computer with an
    English system: no control the browser draws in its own language (date pickers, the file button,
    validation bubbles, confirm boxes) and no English word in any desk page; times are typed as text
    and a mistake in one is explained in Chinese beside the field; delete asks in the page."""
    from browser import CHROMIUM, CHROMIUM_ARGS

    project, served = desk
    src_uri = "stories/2026-11-12-退休教师的四点半课堂.md"
    english = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--lang=en-US"])
    try:
        recorder = Recorder()
        context = new_context(english, DESKTOP, recorder, locale="en-US")
        page = context.new_page()
        pages = ["_desk/", "_desk/new?type=notice", "_desk/new?type=law", "_desk/edit?path=" + quote(src_uri),
                 "_desk/history?path=" + quote(src_uri), "_desk/edit?path=" + quote("notices/不存在.md")]
        for path in pages:
            page.goto(served.url + path)
            assert page.evaluate("() => navigator.language") == "en-US"
            assert page.evaluate(NATIVE_CONTROLS) == [], path
            latin = set(re.findall(r"[A-Za-z_]{2,}", page.evaluate(SHOWN_TEXT))) - LATIN_OK
            assert latin == set(), f"{path}: {sorted(latin)}"
        page.goto(served.url + "_desk/edit?path=" + quote(src_uri))
        for typed, code in (("2026-13-01", "date.unreadable"), ("11/30/2026", "date.unreadable"),
                            ("2026-11-01 08:00", "expires.before_date")):
            page.get_by_label("过期时间", exact=False).fill(typed)
            message = page.locator(f'#m-expires .msg[data-code="{code}"]')
            message.wait_for(timeout=15_000)
            assert not set(re.findall(r"[A-Za-z_]{2,}", message.inner_text())) - LATIN_OK, message.inner_text()
        screenshot(page, "desk-edit-english-browser", full_page=True)
        original = (project / "content" / src_uri).read_text(encoding="utf-8")
        page.get_by_role("button", name="删除（移到 _trash 文件夹）").click()
        dialog = page.get_by_role("dialog")
        assert "确定删除这篇文章吗" in dialog.inner_text()
        dialog.get_by_role("button", name="取消").click()
        assert not dialog.is_visible()
        assert (project / "content" / src_uri).read_text(encoding="utf-8") == original  # cancelled: nothing done
        assert recorder.dialogs == [] and recorder.errors == []
        context.close()
    finally:
        english.close()
