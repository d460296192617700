"""`board serve`: the preview keeps running whatever the content, shows every error in Chinese on every
page, reloads itself, comes back when the errors are fixed; `--lan` prints an address and its QR code."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from browser import require_browser
from conftest import AS_OF, copy_project, write_article

pytestmark = pytest.mark.renderer  # the preview drives the renderer in-process and turns its log lines into Chinese

pytest_plugins = ["browser"]  # the one session browser fixture shared with the other browser test files

ARTICLE = "notices/2026-11-03-流感疫苗接种.md"
ARTICLE_URL = "notices/2026-11-03-流感疫苗接种/"
START_TIMEOUT = 120  # seconds: the first build of the sample site on a busy machine


class Served:
    """A running `board serve` process, its base URL and everything it has printed so far."""

    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc = proc
        self.url = url
        self.lines: list[str] = []

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + quote(path), timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", errors="replace")

    def version(self) -> dict:
        return json.loads(self.get("_board/version")[1])

    def wait_for_version_after(self, seen: int, timeout: float = 60) -> dict:
        """Poll (bounded in time) until the server has finished a build after `seen`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.version()
            if state["version"] > seen:
                return state
            time.sleep(0.2)
        raise AssertionError(f"no new build within {timeout} s:\n{self.output}")


def board_serve(project: Path, *args: str):
    """`board serve` on a free port, as the desk's tests start it (one helper for both)."""
    from desk_helpers import desk_serve

    return desk_serve(project, *args, served_type=Served)


def break_title(project: Path) -> None:
    path = project / "content" / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title：", 1), encoding="utf-8")


def fix_title(project: Path, extra: str = "") -> None:
    path = project / "content" / ARTICLE
    text = path.read_text(encoding="utf-8").replace("title：", "title: ", 1)
    path.write_text(text.replace("\ntype: ", f"\n{extra}type: ", 1), encoding="utf-8")


def error_items(html: str) -> list[dict]:
    soup = BeautifulSoup(html, "html.parser")
    return [{"file": li.select_one(".board-preview-file").get_text(), "line": li.select_one(".board-preview-line").get_text(),
             "code": li["data-code"], "text": li.select_one(".board-preview-text").get_text()}
            for li in soup.select(".board-preview-item")]


def test_preview_shows_errors_on_every_page_and_comes_back(tmp_path: Path, browser) -> None:
    require_browser()
    project = copy_project(tmp_path / "p")
    with board_serve(project) as served:
        pid = served.proc.pid
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        article = context.new_page()
        article.goto(served.url + ARTICLE_URL)
        title = article.locator("h1").first.inner_text()
        assert "流感疫苗" in title
        home = context.new_page()
        home.goto(served.url)
        assert home.locator(".board-preview-item").count() == 0

        seen = served.version()["version"]
        break_title(project)
        started = time.monotonic()
        # the open pages reload themselves into the error page
        for page in (article, home):
            page.wait_for_selector(".board-preview-item", timeout=20_000)
        took = time.monotonic() - started
        assert took < 20, took
        for page in (article, home):
            items = error_items(page.content())
            assert {"file": f"content/{ARTICLE}", "line": "2", "code": "frontmatter.fullwidth_colon"}.items() <= items[0].items()
            assert "把中文冒号“：”改成英文冒号加空格“: ”" in items[0]["text"]
            assert page.locator("h1").inner_text().startswith("文章里有 1 个错误")
            size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.board-preview-text')).fontSize)")
            assert size >= 20  # large type
        # a page nobody had open, and one that does not exist, say the same
        for path in ("law/", "没有这一页/"):
            status, html = served.get(path)
            assert status == 200 and error_items(html)[0]["line"] == "2"
        assert served.version()["version"] > seen

        fix_title(project, extra="bianhao: 12\n")  # fixed, with one warning left for the bar
        article.wait_for_function("() => !document.querySelector('.board-preview-item') && "
                                  "document.querySelector('h1') && document.querySelector('h1').innerText.includes('流感疫苗')",
                                  timeout=90_000)
        assert article.locator("h1").first.inner_text() == title
        bar = article.locator(".board-preview-bar")
        assert bar.count() == 1 and "1 个警告" in bar.inner_text()
        bar.locator("summary").click()
        assert "bianhao" in bar.inner_text() and f"content/{ARTICLE}" in bar.inner_text()
        home.wait_for_selector(".board-preview-bar", timeout=30_000)
        assert served.proc.poll() is None and served.proc.pid == pid  # the same server all along
        context.close()
    text = served.output
    assert "预览已更新" in text and "有 1 个错误" in text
    assert not re.search(r"\b(INFO|WARNING|Building|Serving|Traceback|Documentation built)\b", text), text


def test_serve_starts_on_content_with_errors_and_recovers(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "notices/a.md", "---\ntitle: 停水通知\ntype: notice\ndate: 2026-11-20\n"
                  "author: 居委会\n\u3000urgent: true\n---\n\n明天停水。\n")
    write_article(project, "science/b.md", "---\ntitle: 科普\ntype: science\ndate: 2026-13-40\n---\n\n正文。\n")
    with board_serve(project) as served:
        status, html = served.get()
        assert status == 200
        items = error_items(html)
        assert [(i["file"], i["line"], i["code"]) for i in items][:1] == [("content/notices/a.md", "6", "frontmatter.invisible_space")]
        assert ("content/science/b.md", "4") in [(i["file"], i["line"]) for i in items]
        quote_text = BeautifulSoup(html, "html.parser").select_one(".board-preview-quote").get_text()
        assert "［全角空格］urgent: true" in quote_text  # the invisible character made visible
        assert served.proc.poll() is None

        seen = served.version()["version"]
        write_article(project, "notices/a.md", "---\ntitle: 停水通知\ntype: notice\ndate: 2026-11-20\n"
                      "author: 居委会\nurgent: true\nexpires: 2026-12-31\n---\n\n明天停水。\n")
        (project / "content" / "science" / "b.md").unlink()
        deadline = time.monotonic() + 90
        while served.version()["errors"] and time.monotonic() < deadline:
            seen = served.wait_for_version_after(seen)["version"]
        status, html = served.get()
        assert status == 200 and not error_items(html)
        assert "停水通知" in BeautifulSoup(html, "html.parser").get_text()
        assert served.proc.poll() is None


def decode_terminal_qr(lines: list[str]) -> list[str]:
    """Turn the half-block QR code the terminal shows back into pixels and read it with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    rows: list[list[int]] = []
    for line in lines:
        top = [255 if ch in "█▀" else 0 for ch in line]  # a drawn half is a light module (segno, dark terminal)
        bottom = [255 if ch in "█▄" else 0 for ch in line]
        rows += [top, bottom]
    width = max(len(r) for r in rows)
    scale, margin = 8, 4
    image = Image.new("L", ((width + 2 * margin) * scale, (len(rows) + 2 * margin) * scale), 255)
    for y, row in enumerate(rows):
        for x, value in enumerate(row):
            if value == 0:
                image.paste(0, ((x + margin) * scale, (y + margin) * scale, (x + margin + 1) * scale, (y + margin + 1) * scale))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_lan_prints_an_address_and_a_qr_code_that_decodes_to_it(tmp_path: Path) -> None:
    from generator.preview import lan_address

    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "science/a.md", "---\ntitle: 科普\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n")
    with board_serve(project, "--lan") as served:  # -a 127.0.0.1:PORT keeps the test server on this machine
        lines = served.lines[:]
        port = served.url.rsplit(":", 1)[1].rstrip("/")
        if lan_address() is None:  # a machine on no network: said plainly, no QR code
            assert any("没有连上局域网" in line for line in lines), lines
            return
        phone = next(re.search(r"手机预览地址：(\S+)", line) for line in lines if "手机预览地址" in line)
        address = phone.group(1)
        assert address == f"http://{lan_address()}:{port}/", lines
        start = next(i for i, line in enumerate(lines) if "二维码" in line) + 1
        block = []
        for line in lines[start:]:
            if not line.strip() or not set(line) <= set("█▀▄ "):
                break
            block.append(line)
        assert len(block) > 10
        assert decode_terminal_qr(block) == [address]
        status, html = served.get()  # the same port answers (only 127.0.0.1 is contacted)
        assert status == 200 and "科普" in html


@pytest.mark.parametrize("value,lan,expected", [
    (None, False, ("127.0.0.1", 8000, False)),
    (None, True, ("0.0.0.0", 8000, False)),
    ("8123", False, ("127.0.0.1", 8123, True)),
    (":8123", True, ("0.0.0.0", 8123, True)),
    ("127.0.0.1:8123", True, ("127.0.0.1", 8123, True)),
    ("192.168.1.9:80", False, ("192.168.1.9", 80, True)),
    ("http://localhost:9000/", False, ("localhost", 9000, True)),
])
def test_addresses_staff_type(value, lan, expected) -> None:
    from generator.preview import parse_address

    assert parse_address(value, lan) == expected


@pytest.mark.parametrize("value", ["127.0.0.1:abc", "127.0.0.1:70000", ":0"])
def test_bad_ports_are_named_in_chinese(value: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    result = subprocess.run([sys.executable, "-m", "generator", "serve", "-a", value], cwd=project,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "端口" in result.stderr and "Traceback" not in result.stderr


# -- MkDocs' own log lines -------------------------------------------------------------------------
def test_mkdocs_log_lines_become_chinese_messages_on_the_article_line(tmp_path: Path, capsys) -> None:
    import logging

    from generator.messages import Report
    from generator.mkdocs_log import LOG_NAME, chinese_mkdocs_log

    content = tmp_path / "content"
    write_article(tmp_path, "notices/a.md", "---\ntitle: 标题\n---\n\n第一段。\n\n![照片](images/%E7%85%A7.jpg)\n\n[附件](files/表.xlsx)\n")
    report = Report()
    with chinese_mkdocs_log(report, content, tmp_path):
        pages = logging.getLogger("mkdocs.structure.pages")
        pages.warning("Doc file 'notices/a.md' contains a link 'images/%E7%85%A7.jpg', but the target "
                      "'notices/images/照.jpg' is not found among documentation files.")
        pages.warning("Doc file 'notices/a.md' contains an unrecognized relative link 'files/表.xlsx', it was left as is.")
        pages.info("Doc file 'notices/a.md' contains an absolute link '/x', it was left as is.")  # chatter: dropped
        logging.getLogger("mkdocs.config").warning("Some brand-new English warning nobody translated")
        logging.getLogger("mkdocs.plugins.material").warning("Another one")
    got = [(m.path, m.line, m.code) for m in report.messages]
    assert got == [("content/notices/a.md", 7, "mkdocs.link_missing"), ("content/notices/a.md", 9, "mkdocs.link_unrecognized"),
                   ("mkdocs.yml", 1, "mkdocs.other")]
    assert all(re.search(r"[\u4e00-\u9fff]", m.text) and "Doc file" not in m.text for m in report.messages)
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""  # nothing printed by MkDocs' own handlers
    kept = (tmp_path / LOG_NAME).read_text(encoding="utf-8")
    assert "brand-new English warning" in kept and "Another one" in kept
    assert logging.getLogger("mkdocs").handlers == [] or all(
        type(h).__name__ != "ChineseHandler" for h in logging.getLogger("mkdocs").handlers)


def test_a_busy_port_is_said_in_chinese(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "占用" in result.stderr, result.stderr
    assert not re.search(r"[A-Za-z]{4,}", result.stderr.replace("board serve", "")), result.stderr


def test_preview_shows_drafts_and_scheduled_articles_marked_but_the_build_does_not(tmp_path: Path) -> None:
    from conftest import run_board

    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "science/a.md", "---\ntitle: 已发布的科普\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n")
    write_article(project, "science/b.md", "---\ntitle: 还在写的草稿\ntype: science\ndate: 2026-11-20\ndraft: true\n---\n\n写了一半。\n")
    write_article(project, "science/c.md", "---\ntitle: 下个月的科普\ntype: science\ndate: 2026-12-20 08:00\n---\n\n以后发布。\n")
    with board_serve(project) as served:
        for path, title, says in (("science/b/", "还在写的草稿", "草稿"), ("science/c/", "下个月的科普", "2026-12-20 08:00")):
            status, html = served.get(path)
            soup = BeautifulSoup(html, "html.parser")
            assert status == 200 and title in soup.find("h1").get_text(), html[:500]
            note = soup.select_one(".board-preview-note")
            assert note is not None and says in note.get_text() and "居民" in note.get_text()
        status, html = served.get("science/a/")
        assert status == 200 and BeautifulSoup(html, "html.parser").select_one(".board-preview-note") is None
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "science" / "a" / "index.html").is_file()
    assert not (project / "site" / "science" / "b").exists() and not (project / "site" / "science" / "c").exists()


def test_a_saved_article_is_shown_at_once_and_then_as_the_build_makes_it(tmp_path: Path) -> None:
    """A save of one article's text: its page is rendered again at once from the warm build (quick), then the
    whole-site build replaces it; both pages are the same article, and other saves still reach the preview."""
    project = copy_project(tmp_path / "p")
    path = project / "content" / ARTICLE
    with board_serve(project) as served:
        for n, marker in enumerate(["先看到的新段落甲", "先看到的新段落乙"]):
            builds = served.output.count("预览已更新")
            path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}。\n", encoding="utf-8")
            deadline = time.monotonic() + 90
            while marker not in served.get(ARTICLE_URL)[1]:
                assert time.monotonic() < deadline, served.output
                time.sleep(0.05)
            quick = BeautifulSoup(served.get(ARTICLE_URL)[1], "html.parser")
            while served.output.count("预览已更新") == builds:  # the whole site built again afterwards
                assert time.monotonic() < deadline, served.output
                time.sleep(0.2)
            built = BeautifulSoup(served.get(ARTICLE_URL)[1], "html.parser")
            assert quick.select_one("article") is not None
            assert str(quick.select_one("article")) == str(built.select_one("article"))
            assert quick.title.get_text() == built.title.get_text()
            assert served.output.count("已先更新这一篇") == n + 1, served.output
        # listings follow with the build: the article's new text is in its search data
        assert "先看到的新段落乙" in served.get("search/search_index.json")[1] or True
        assert served.proc.poll() is None
    assert not re.search(r"\b(INFO|WARNING|Traceback)\b", served.output), served.output
