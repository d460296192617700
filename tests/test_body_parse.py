"""One parse of each body (generator.body) with the site's own Markdown: every body rule reads it.

Code is code, the summary is the first real paragraph, pasted floods stay linear, deep nesting is a
message, Word's tab tables become tables, Windows paths publish, and what the sanitizer removes is named.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import AS_OF, run_board, write_article
from generator.body import MAX_DEPTH, parse_body, too_deep
from generator.body_checks import check_body
from generator.content import RawArticle
from generator.messages import Report

BODY_LINE = 6  # bodies below start on line 6 of their file (5 lines of front matter)


def check(tmp_path: Path, body: str, files: tuple[str, ...] = ()) -> tuple[Report, object]:
    """check_body on one article in tmp_path/content/notices, with `files` beside it."""
    content = tmp_path / "content"
    folder = content / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"x")
    raw = RawArticle(path=folder / "a.md", source="content/notices/a.md", src_uri="notices/a.md",
                     body=body, body_line=BODY_LINE)
    report = Report()
    return report, check_body(raw, content, report)


def codes(report: Report) -> list[tuple[int, str]]:
    return sorted((m.line, m.code) for m in report.messages)


# -- code is not a reference ---------------------------------------------------------------------

CODE_SHOWS_SYNTAX = {
    "indented": "示例：\n\n    ![照片](images/没有.jpg)\n    [附件](没有.pdf)\n",
    "fenced": "```\n![照片](images/没有.jpg)\n<img src=\"没有.png\">\n```\n",
    "tilde": "~~~markdown\n[附件](没有.pdf)\n~~~\n",
    "inline": "图片这样写：`![照片](images/没有.jpg)`，链接这样写：``[附件](没有.pdf)``。\n",
    "in list": "1. 第一步\n\n        ![照片](images/没有.jpg)\n",
    "html in code": "`<img src=\"没有.png\" onerror=\"x\">` 是危险写法。\n",
}


@pytest.mark.parametrize("name", sorted(CODE_SHOWS_SYNTAX))
def test_syntax_shown_in_code_is_not_a_reference(tmp_path: Path, name: str) -> None:
    report, result = check(tmp_path, CODE_SHOWS_SYNTAX[name])
    assert report.messages == [], codes(report)
    assert result.parsed.links == []
    assert "没有" in result.parsed.safe_html  # shown to readers as code


def test_real_missing_image_after_code_is_reported_at_its_line(tmp_path: Path) -> None:
    body = "说明\n\n    ![x](images/没有.jpg)\n\n`![x](images/没有.jpg)`\n\n![现场](images/没有.jpg)\n\n[通知](附件.pdf)\n"
    report, result = check(tmp_path, body, files=("附件.pdf",))
    assert codes(report) == [(BODY_LINE + 6, "link.missing")]
    assert result.assets == ["notices/附件.pdf"]


def test_links_and_images_found_in_all_their_forms(tmp_path: Path) -> None:
    body = ("![a](images/a.jpg)\n\n[b](<images/b c.pdf>)\n\n<img src=\"images/d.png\" alt=\"d\">\n\n"
            "[ref][r]\n\n[r]: images/e.pdf\n")
    report, result = check(tmp_path, body, files=("images/a.jpg", "images/b c.pdf", "images/d.png", "images/e.pdf"))
    assert report.messages == []
    assert sorted(result.assets) == ["notices/images/a.jpg", "notices/images/b c.pdf", "notices/images/d.png",
                                     "notices/images/e.pdf"]


# -- the derived summary -------------------------------------------------------------------------

SUMMARIES = {
    "numbered 1、": ("各位居民：\n\n1、本周六上午九点停水，请提前储水。\n\n2、下午恢复。\n", "1、本周六上午九点停水，请提前储水。"),
    "bold start": ("**重要提醒**：本周六停电检修，请做好准备。\n\n其他。\n", "重要提醒：本周六停电检修，请做好准备。"),
    "q and a": ("问：楼上噪音太大怎么办？\n\n答：可以先协商，协商不成可向居委会反映。\n", "问：楼上噪音太大怎么办？"),
    "bold q": ("**问：** 养狗要登记吗？\n\n**答：** 要。\n", "问： 养狗要登记吗？"),
    "after heading and list": ("## 通知\n\n- 一\n- 二\n\n> 引用\n\n正文第一段在这里。\n", "正文第一段在这里。"),
    "after picture": ("![图](a.png)\n\n图片下面的第一段文字。\n", "图片下面的第一段文字。"),
    "starts with link": ("[社区网站](https://example.org)发布了新的办事指南。\n", "社区网站发布了新的办事指南。"),
    "soft breaks": ("第一行\n第二行\nsecond line\n", "第一行第二行second line"),
    "script": ("<p><script>alert('LEAKSRC')</script>停水通知正文。</p>\n", "停水通知正文。"),
    "script inline": ("停水<script>document.write('LEAKSRC')</script>通知正文。\n", "停水通知正文。"),
    "style": ("<style>.x{color:red}</style>\n\n正文。\n", "正文。"),
    "admonition first": ('!!! warning "注意"\n    提示框里的字。\n\n正文第一段。\n', "正文第一段。"),
}


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_summary_is_the_first_real_paragraph(name: str) -> None:
    body, expected = SUMMARIES[name]
    assert parse_body(body).summary == expected


def test_summary_without_script_source_on_the_site(tmp_path: Path) -> None:
    from conftest import copy_project

    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "a.md", "---\ntitle: 有脚本\ntype: science\ndate: 2026-11-20\n---\n\n"
                  "开头<script>alert('LEAKSRC')</script>正文第一段。\n")
    write_article(project, "b.md", "---\ntitle: 问答\ntype: law\ndate: 2026-11-20\n---\n\n"
                  "问：邻居装修太吵怎么办？\n\n答：先协商。\n")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    data = json.loads((site / "board.json").read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert "LEAKSRC" not in text
    summaries = {item["title"]: item["summary"] for item in _items(data)}
    assert summaries["有脚本"] == "开头正文第一段。"
    assert summaries["问答"] == "问：邻居装修太吵怎么办？"
    for page in site.rglob("*.html"):
        assert "LEAKSRC" not in page.read_text(encoding="utf-8"), page


def _items(data) -> list[dict]:
    """Every article object in board.json, wherever the format nests them."""
    found: list[dict] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("title"), str) and "summary" in value:  # not the kiosk's phrase `breaks`
                found.append(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


# -- linear time on pasted floods ----------------------------------------------------------------

FLOODS = ["[](", "![](", "<a ", "**", "`", "[", "<", "<![CDATA[", "*a", "a**", "[a](b)", "&amp;", "<span>",
          "\\[", "[[", "](", "<http://", "a  \n", "`a"]


# A flood of 300 KB, not the megabyte of old (19 floods took 35 s of CPU: CI time), held to the same rate:
# 10 s of CPU a megabyte. Quadratic work on 300 KB still takes minutes; test_megabyte_article parses a megabyte.
FLOOD_BYTES = 300_000
SECONDS_PER_MB = 10


@pytest.mark.parametrize("pattern", FLOODS)
def test_pasted_flood_checks_in_seconds(tmp_path: Path, pattern: str) -> None:
    body = "正文开头。\n\n" + pattern * (FLOOD_BYTES // len(pattern)) + "\n\n结尾一段。\n"
    started = time.process_time()  # CPU time: the test machine is shared, wall time says little
    report, result = check(tmp_path, body)
    elapsed = time.process_time() - started
    bound = SECONDS_PER_MB * FLOOD_BYTES / 1_000_000  # a bound (quadratic took hours), not a benchmark
    assert elapsed < bound, f"{pattern!r}: {elapsed:.1f} s"
    assert result.parsed.problem is None
    assert "\ue000" not in result.parsed.safe_html and "\ue003" not in result.parsed.safe_html
    assert "结尾一段。" in result.parsed.text


@pytest.mark.parametrize("size", [30_000, 100_000])
def test_smaller_floods_keep_their_text(size: int) -> None:
    started = time.process_time()
    parsed = parse_body("[](" * (size // 3))
    assert time.process_time() - started < 10
    assert parsed.text.count("[](") == size // 3  # published as the text it is


def test_megabyte_article_through_the_single_parse(tmp_path: Path) -> None:
    paragraph = "社区将于本周六上午在小区广场开展冬季环境卫生大扫除，请各位居民积极参加，[详情](附件.pdf)，**重要**提醒。\n"
    body = ("## 第一部分\n\n" + paragraph * 3 + "\n- 列表一\n- 列表二\n\n| 项目 | 时间 |\n|---|---|\n| 扫除 | 9:00 |\n\n") * 2400
    assert len(body.encode()) > 1_000_000
    started = time.process_time()
    report, result = check(tmp_path, body, files=("附件.pdf",))
    assert time.process_time() - started < 30  # generous: bench/body_parse.py measures the real speed
    assert report.messages == []
    assert result.parsed.summary.startswith("社区将于本周六")
    assert result.parsed.safe_html.count("<table>") == 2400


def test_markup_still_works_beside_a_flood() -> None:
    parsed = parse_body("[链接](a.pdf) **粗体** `代码`\n\n" + "[" * 50_000 + "\n\n![图](b.png)\n")
    assert [link.target for link in parsed.links] == ["a.pdf", "b.png"]
    assert "<strong>粗体</strong>" in parsed.safe_html and "<code>代码</code>" in parsed.safe_html


# -- deep nesting --------------------------------------------------------------------------------

DEEP = {
    "list 2 spaces": "\n".join("  " * i + "- 项" for i in range(300)),
    "list 4 spaces": "\n".join("    " * i + "- 项" for i in range(300)),
    "quotes on a line": "> " * 300 + "引用",
    "quotes by line": "\n".join(">" * i + " 引用" for i in range(1, 301)),
    "numbered on a line": "1. " * 300 + "项",
    "mixed": "- > 1. " * 100 + "项",
    "tabs": "\n".join("\t" * i + "- 项" for i in range(300)),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_a_chinese_message(tmp_path: Path, name: str) -> None:
    body = "第一段。\n\n" + DEEP[name] + "\n"
    report, result = check(tmp_path, body)
    found = [m for m in report.errors if m.code == "body.too_deep"]
    assert len(found) == 1 and "层" in found[0].text
    assert BODY_LINE + 2 <= found[0].line <= BODY_LINE + 2 + 300


def test_reasonable_nesting_is_fine(tmp_path: Path) -> None:
    body = "\n".join("    " * i + "- 第%d层" % i for i in range(5)) + "\n\n" + "> " * 5 + "引用\n"
    report, result = check(tmp_path, body)
    assert report.messages == []
    assert result.parsed.safe_html.count("<ul>") == 5 and MAX_DEPTH > 5


def test_long_emphasis_run_does_not_recurse() -> None:
    parsed = parse_body("*" * 3000 + "字" + "*" * 3000)
    assert parsed.problem is None and "字" in parsed.text


# -- Word tables and Windows paths ---------------------------------------------------------------

def test_tab_separated_rows_become_a_table() -> None:
    parsed = parse_body("值班表：\n\n日期\t值班人\t电话\n11月20日\t王主任\t0571-86001234\n11月21日\t李阿姨|志愿者\t同上\n\n结束。\n")
    table = BeautifulSoup(parsed.safe_html, "html.parser").find("table")
    rows = [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]
    assert rows == [["日期", "值班人", "电话"], ["11月20日", "王主任", "0571-86001234"], ["11月21日", "李阿姨|志愿者", "同上"]]


def test_one_tab_line_and_code_stay_as_they_are() -> None:
    parsed = parse_body("只有一行\t带制表符\n\n```\na\tb\nc\td\n```\n\n- 项目\t一\n- 项目\t二\n")
    assert "<table>" not in parsed.safe_html and parsed.safe_html.count("<li>") == 2


def test_windows_paths_spaces_and_case_on_the_built_site(tmp_path: Path) -> None:
    from conftest import copy_project

    project = copy_project(tmp_path / "p", with_content=False)
    images = project / "content" / "notices" / "images"
    images.mkdir(parents=True)
    for name in ("照片.jpg", "my photo.png", "small.jpg"):
        (images / name).write_bytes((Path(__file__).parent.parent / "content" / "notices" / "images" /
                                     "wenming-sunrise.jpg").read_bytes())
    write_article(project, "notices/a.md", "---\ntitle: 路径\ntype: notice\ndate: 2026-11-20\nauthor: 居委会\n---\n\n"
                  "![一](images\\照片.jpg)\n\n![二](<images/my photo.png>)\n\n![三](images/my photo.png)\n")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    assert "MkDocs" not in result.stderr
    page = project / "site" / "notices" / "a" / "index.html"
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    sources = [img["src"] for img in html.select("article img, .md-content img") if img.get("alt") in ("一", "二", "三")]
    assert len(sources) == 3
    from urllib.parse import unquote

    for src in sources:
        assert "\\" not in src
        assert (page.parent / unquote(src)).resolve().is_file(), src

    write_article(project, "notices/a.md", "---\ntitle: 路径\ntype: notice\ndate: 2026-11-20\nauthor: 居委会\n---\n\n"
                  "![一](images/SMALL.JPG)\n\n![二](images/照片.jpeg)\n\n![三](images/myphoto.png)\n")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1
    for line, meant in ((8, "images/small.jpg"), (10, "images/照片.jpg"), (12, "images/my photo.png")):
        assert f"content/notices/a.md:{line}: 错误：找不到图片" in result.stderr, result.stderr
        assert f"是不是想写“{meant}”" in result.stderr


# -- what the sanitizer removes is named, and never published ------------------------------------

SANITIZED = {
    "external img": ('<img src="https://evil.example/x.png" alt="外">', "html.external_image"),
    "external markdown img": ("![外](https://evil.example/x.png)", "html.external_image"),
    "protocol relative": ('<img src="//evil.example/x.png">', "html.external_image"),
    "urgent class": ('<div class="board-urgent">假的紧急通知</div>', "html.site_class"),
    "attr list class": ("假的横幅\n{: .board-urgent }", "html.site_class"),
    "material class": ('<span class="md-banner">横幅</span>', "html.site_class"),
    "kiosk id": ('<p id="kiosk-alert">假</p>', "html.site_class"),
    "script": ("<script>alert(1)</script>", "html.unsafe"),
    "onerror": ('<img src="a.png" onerror="alert(1)">', "html.unsafe"),
    "javascript link": ("[点我](javascript:alert(1))", "html.unsafe"),
}


@pytest.mark.parametrize("name", sorted(SANITIZED))
def test_removed_markup_is_named_at_its_line(tmp_path: Path, name: str) -> None:
    snippet, code = SANITIZED[name]
    report, result = check(tmp_path, "第一段。\n\n" + snippet + "\n", files=("a.png",))
    line = BODY_LINE + 2 + snippet.count("\n")  # where the offending text is written
    assert (line, code) in codes(report), codes(report)
    html = result.parsed.safe_html
    for needle in ("evil.example", "board-urgent", "md-banner", "kiosk-alert", "alert(1)"):
        assert needle not in html


def test_markdown_extensions_keep_their_classes() -> None:
    parsed = parse_body('!!! warning "注意"\n    内容\n\n```python\nx = 1\n```\n\n## 小标题\n')
    soup = BeautifulSoup(parsed.safe_html, "html.parser")
    assert soup.find("div", class_="admonition") and soup.find("div", class_="highlight")
    assert soup.find("h2").get("id")  # headings keep their anchors


def test_site_pages_render_with_the_same_parser(tmp_path: Path) -> None:
    """`board build` (MkDocs + the board plugin) renders the body as the checks read it."""
    from conftest import copy_project

    project = copy_project(tmp_path / "p", with_content=False)
    body = ("开头一段。\n\n日期\t值班人\n11月20日\t王主任\n11月21日\t李阿姨\n\n"
            "图片写法：`![照片](images/没有.jpg)`\n\n" + "[](" * 20_000 + "\n\n结尾一段。\n")
    write_article(project, "a.md", "---\ntitle: 同一解析\ntype: science\ndate: 2026-11-20\n---\n\n" + body)
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    assert "MkDocs" not in result.stderr
    page = (project / "site" / "science" / "a" / "index.html").read_text(encoding="utf-8")
    content = BeautifulSoup(page, "html.parser").select_one(".md-content")
    content.select_one(".board-facts").decompose()  # the facts box stands between the lead paragraph and the rest
    rows = [[c.get_text() for c in tr.find_all(["td", "th"])] for tr in content.find_all("tr")]
    assert rows == [["日期", "值班人"], ["11月20日", "王主任"], ["11月21日", "李阿姨"]]
    assert content.find("code").get_text() == "![照片](images/没有.jpg)"
    text = content.get_text()
    assert "[](" * 20_000 in text and "结尾一段。" in text
    assert not any("\ue000" <= ch <= "\ue00f" for ch in page)
    expected = parse_body(body)
    assert expected.text.replace("\n", "").replace(" ", "") in text.replace("\n", "").replace(" ", "")


MARKUP = ["[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "\\", "&", "#", ";", '"', "'", " ", "\n", "\t", "a", "1",
          "<!", "<![", "]]>", "-->", "<!--", "<?", "?>", "&#", "</", "<a ", "<img ", "```", "    ", "> ", "- ", "1. ",
          "!!! note", "???", "{:", '<div markdown="1">', "<script>", "<p>", "|", "---"]


@pytest.mark.parametrize("seed", range(4))
def test_any_markup_soup_parses_and_numbers_after_it_are_found(seed: int) -> None:
    import random

    chooser = random.Random(seed)
    for _ in range(300):
        soup = "".join(chooser.choice(MARKUP) for _ in range(chooser.randint(1, 80)))
        parsed = parse_body(soup + "\n\n电话13812345678\n")  # never raises; what follows is still read
        if parsed.problem is None and "13812345678" in BeautifulSoup(parsed.safe_html, "html.parser").get_text():
            from generator.privacy import find_personal_numbers

            assert any(list(find_personal_numbers(b.text)) for b in parsed.blocks), soup


# -- the page is filled from the same parse (generator.markdown_ext.render_page) ---------------------
PAGE_BODIES = [
    "# 标题\n\n正文 [另一篇](../law/2026-11-06-邻里噪音纠纷.md#第一条) 和 ![照片](images/照片.jpg \"标题\")\n",
    "[网址](https://example.org/?a=1&b=2) <someone@example.org> [空]() [锚](#_2)\n\n## 第二节\n\n文字\n",
    "![Windows 写法](images\\照片.jpg)\n\n| 表 | 头 |\n|---|---|\n| [格里的链接](a.md) | ![图](b.png) |\n",
    '<div markdown="1" id="raw-id">\n[块里的链接](c.md)\n</div>\n\n<a name="old-anchor" href="d.md">原样的</a>\n',
    "`[代码里](不是链接.md)`\n\n    ![缩进代码](e.jpg)\n\n!!! note \"提示\"\n    [提示里的](f.md)\n",
    "[[[[[[ 没关的括号 ](g.md) *** ___ \\[转义\\](h.md) [a&amp;b](i&j.md) [引号](\"k\".md)\n\n[好的](ok.md)\n",
]


def _rewrite(target: str) -> str:
    """A stand-in for MkDocs' relpath: a value that needs escaping and folds back characters."""
    return f"../{target}?x=<&\"\ue003>" if target else target


@pytest.mark.parametrize("body", PAGE_BODIES)
def test_page_from_the_parse_is_a_second_render_with_rewritten_targets(body: str) -> None:
    """fill() with rewritten targets gives what Python-Markdown gives with a rewriting step where
    MkDocs puts its own (last, at priority 0); with the targets as written, the parse's own HTML."""
    from markdown.treeprocessors import Treeprocessor

    from generator.markdown_ext import new_markdown, page_source, render_page

    class Relpath(Treeprocessor):
        def run(self, root):
            for element in root.iter():
                key = {"a": "href", "img": "src"}.get(element.tag)
                if key and element.get(key) is not None:
                    element.set(key, _rewrite(element.get(key)))

    source = page_source("\n\n" + body)
    md = new_markdown()
    md.treeprocessors.register(Relpath(md), "relpath", 0)
    expected = md.convert(source)
    plain = new_markdown()
    html, parts = render_page(source)
    assert html == plain.convert(source)
    assert parts is not None and parts.targets
    assert parts.fill([_rewrite(t) for t in parts.targets]) == expected
    assert parts.toc_tokens == md.toc_tokens
    assert parse_body(body).html == html


def test_page_markers_never_taken_from_the_text() -> None:
    """A body holding the marker characters is rendered by MkDocs itself (no parts), its HTML unchanged."""
    from generator.markdown_ext import new_markdown, render_page

    body = "文字 \ue0f00\ue0f1 [链接](a.md)\n"
    html, parts = render_page(body)
    assert parts is None and html == new_markdown().convert(body)


# -- the quick inline step (generator.markdown_ext._QuickInline) ------------------------------------
def _plain_inline_markdown():
    """The site's converter with Python-Markdown's own inline step in place of the quick one."""
    from markdown.treeprocessors import InlineProcessor

    from generator.markdown_ext import new_markdown

    md = new_markdown()
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    return md


@pytest.mark.parametrize("seed", range(3))
def test_quick_inline_step_renders_as_python_markdowns_own(seed: int) -> None:
    """Skipping texts no pattern can match changes no output: on the sample's articles, the hostile
    inputs and any soup of markup."""
    import random

    from generator.markdown_ext import _QuickInline, new_markdown

    quick, plain = new_markdown(), _plain_inline_markdown()
    assert type(quick.treeprocessors["inline"]) is _QuickInline
    assert [type(p).__name__ for p in quick.treeprocessors][1:] == [type(p).__name__ for p in plain.treeprocessors][1:]
    chooser = random.Random(seed)
    root = Path(__file__).resolve().parent.parent
    files = sorted([*(root / "content").rglob("*.md"), *(root / "tests" / "bad_inputs").rglob("*.md")])
    assert len(files) > 100
    bodies = PAGE_BODIES + [p.read_bytes().decode("utf-8", "replace") for p in files[seed::3]]
    bodies += ["".join(chooser.choice(MARKUP + ["社区", "通知 ", "  \n", "*强调*", "`代码`", "&amp;"])
                       for _ in range(chooser.randint(1, 120))) for _ in range(400)]
    for body in (b for b in bodies if too_deep(b) is None):  # deeper ones are never rendered
        quick.reset(), plain.reset()
        assert quick.convert(body) == plain.convert(body), body
        assert quick.toc_tokens == plain.toc_tokens


def test_quick_inline_step_tries_a_pattern_it_does_not_know() -> None:
    """An extension's own inline pattern may match any text: then no text is skipped."""
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    from generator.markdown_ext import new_markdown

    md = new_markdown()
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"()社区(.+?)社区", "mark"), "board_test_mark", 50)
    assert "<mark>公告</mark>" in md.convert("社区公告社区栏")
