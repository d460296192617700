"""Front matter and dates as careless or hostile hands write them: each class gets its own message code
on its own line (never a Python exception name, never English), and what looks right is read as written.

Check-only (in-process, as `board check` loads); the desk opens the same files without an internal error.
Classes covered elsewhere are not repeated here: full-width colons and spaces, draft look-alikes
(test_staff_mistakes.py), aliases, duplicate keys, tabs, control characters, GBK/UTF-16 (bad_inputs/).
"""

from __future__ import annotations

import io
import re
from email.message import Message as Headers
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import AS_OF, write_article
from generator.load import load_board
from generator.messages import Level, Report
from generator.settings import load_settings
from generator.timeutil import BadDate, parse_time

HEAD = "---\ntitle: 标题\ntype: science\ndate: 2026-11-20\n"  # lines 1-4; the line under test is line 5
EVENT = "---\ntitle: 活动\ntype: notice\nauthor: 居委会\ndate: 2026-11-20\nevent:\n  start: {}\n---\n\n正文。\n"  # line 7


def check(project: Path) -> tuple[object, Report]:
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    return load_board(settings, parse_time(AS_OF), report), report


def _cases() -> dict[str, str]:
    """Every file of this module's check tests: one project, one check (cheap enough for CI)."""
    files = {}
    for n, (written, _) in enumerate(DATE_HINTS):
        files[f"hint-event-{n}.md"] = EVENT.format(written)
        files[f"hint-date-{n}.md"] = f"---\ntitle: 标题\ntype: science\ndate: {written}\n---\n\n正文。\n"
    for n, written in enumerate(TIME_SPANS):
        files[f"span-{n}.md"] = EVENT.format(written)
    for n, (lines, _, _) in enumerate(FRONT_CLASSES):
        files[f"front-{n}.md"] = HEAD + lines + "---\n\n正文。\n"
    for n, title in enumerate(INVISIBLE_TITLES):
        files[f"invisible-{n}.md"] = f'---\ntitle: "{title}"\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n'
    for n, (key, written) in enumerate(AS_WRITTEN):
        files[f"number-{n}.md"] = (f"---\ntitle: {written}\n" if key == "title" else f"---\ntitle: 标题\n{key}: {written}\n") + \
            "type: science\ndate: 2026-11-20\n---\n\n正文。\n"
    for n, (lines, _, _, _) in enumerate(OWN_LINES):
        files[f"own-line-{n}.md"] = HEAD + lines + "summary: 摘要\n---\n\n正文。\n"
    files["references.md"] = HEAD + "---\n\n" + "\n\n".join(line for line, _ in REFERENCE_LINES) + "\n"
    files["tabs.md"] = ("---\ntitle: 标题\ntype: science\t# 注释\ndate:\t2026-13-20\nsummary:\t\t摘要\t\nauthor: \"甲\t乙\"\n"
                        "event:\n\tstart: 2026-12-01\n\tend: 明天\n---\n\n正文。\n")
    files["float-date.md"] = "---\ntitle: 标题\ntype: science\ndate: 2026.1120\n---\n\n正文。\n"
    return files


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[dict, Report]:
    """(articles by file name, messages) of one check of every case."""
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("front") / "p", with_content=False)
    for name, text in _cases().items():
        write_article(project, name, text)
    board, report = check(project)
    return {Path(a.source).name: a for a in board.articles}, report


def assert_message(report: Report, path: str, line: int, code: str, level: Level = Level.ERROR) -> list:
    found = [m for m in report.messages if (m.path, m.line, m.code, m.level) == (path, line, code, level)]
    assert found, [(m.path, m.line, m.code, m.text) for m in report.messages]
    for message in found:
        assert re.search(r"[\u4e00-\u9fff]", message.text)
        assert not re.search(r"Error|Exception|None|Traceback", message.text), message.text
        assert len(message.text) < 400, message.text  # a pasted page or 5000 digits is not repeated whole
    return found


# -- dates in the forms staff type: a hint with the contract's spelling (or the year left to fill in) ------
DATE_HINTS = [
    ("2026年12月1日", "2026-12-01"),
    ("2026/12/1", "2026-12-01"),
    ("2026.12.1", "2026-12-01"),
    ("20261201", "2026-12-01"),
    ("2026－12－01", "2026-12-01"),  # full-width hyphens from the input method
    ("2026-12-01 09：00", "2026-12-01 09:00"),  # full-width colon
    ("2026-12-01\u300009:00", "2026-12-01 09:00"),  # full-width space
    ("2026-12-01 下午3:00", "2026-12-01 15:00"),
    ("2026-12-01 下午 3:30", "2026-12-01 15:30"),
    ("2026年12月1日下午3点", "2026-12-01 15:00"),
    ("2026-12-01 上午9:30", "2026-12-01 09:30"),
    ("2026年12月1日 8点半", "2026-12-01 08:30"),
    ("2026-12-01 8点", "2026-12-01 08:00"),
    ("2026-12-01 晚上7点", "2026-12-01 19:00"),
    ("2026-12-01 3:00 PM", "2026-12-01 15:00"),
    ("12月1日", "YYYY-12-01"),  # no year: only staff know it
    ("12月1日下午2点", "YYYY-12-01 14:00"),
]


@pytest.mark.parametrize("n", range(len(DATE_HINTS)), ids=[h[0] for h in DATE_HINTS])
def test_dates_as_staff_write_them_get_the_right_spelling(n: int, checked) -> None:
    written, hint = DATE_HINTS[n]
    with pytest.raises(BadDate) as caught:
        parse_time(written)
    assert caught.value.hint == hint and caught.value.code == "date.unreadable"
    articles, report = checked
    for path, line in ((f"content/hint-event-{n}.md", 7), (f"content/hint-date-{n}.md", 4)):
        (message,) = assert_message(report, path, line, "date.unreadable")
        assert f"请改成 {hint}" in message.text
        assert Path(path).name not in articles


TIME_SPANS = ["2026-12-01 9:00-11:00", "2026-12-01 09:00~11:30", "2026-12-01 09:00～11:30", "2026-12-01 9点到11点",
              "2026-12-01 14:00—16:00", "2026-12-01 9:00 至 11:00"]


@pytest.mark.parametrize("n", range(len(TIME_SPANS)), ids=TIME_SPANS)
def test_a_time_span_in_one_value_is_refused_not_read_as_an_offset(n: int, checked) -> None:
    """`9:00-11:00` once read as 09:00 at UTC-11 (04:00 the next day in Beijing): the event moved in silence."""
    articles, report = checked
    (message,) = assert_message(report, f"content/span-{n}.md", 7, "date.time_span")
    assert "start" in message.text and "end" in message.text
    assert f"span-{n}.md" not in articles


@pytest.mark.parametrize("written,meant", [
    ("2026-12-1 8:00", "2026-12-01T08:00:00+08:00"),
    ("２０２６-１２-０１", "2026-12-01T00:00:00+08:00"),
    ("2026-12-01 09:00-05:00", "2026-12-01T22:00:00+08:00"),  # a real offset: the end before the start
    ("2026-12-01T09:00+08:00", "2026-12-01T09:00:00+08:00"),
])
def test_forms_the_contract_allows_still_read(written: str, meant: str) -> None:
    from generator.timeutil import iso

    assert iso(parse_time(written)) == meant


# -- values YAML would change or choke on ---------------------------------------------------------
FRONT_CLASSES = [
    # (front matter lines after HEAD, code, line)
    ("summary: !!binary 5pGY6KaB\n", "frontmatter.yaml_tag", 5),  # text silently became b'...'
    ("tags: !!set {停水, 通知}\n", "frontmatter.yaml_tag", 5),
    ("expires: !!timestamp 2026-12-01\n", "frontmatter.yaml_tag", 5),
    ("summary: !摘要 明天停水\n", "frontmatter.yaml_tag", 5),  # an exclamation mark meant as emphasis
    ("author: !important 居委会\n", "frontmatter.yaml_tag", 5),
    ("category: !x!y 社区环境\n", "frontmatter.yaml_tag", 5),
    ("event:\n  location: !!python/object/apply:os.system [ls]\n", "frontmatter.yaml_tag", 6),
    ("tags: " + "[" * 300 + "]" * 300 + "\n", "frontmatter.too_deep", 5),  # RecursionError before
    ("event: " + "{a: " * 300 + "1" + "}" * 300 + "\n", "frontmatter.too_deep", 5),
    ("tags:\n  - [[[[[[[[[[[[[[[[[[[[[[[[停水]]]]]]]]]]]]]]]]]]]]]]]]\n", "frontmatter.too_deep", 6),
    ("pinned: " + "9" * 5000 + "\n", "field.not_bool", 5),  # ValueError (int digits limit) before
    ("urgent: 1e999\n", "field.not_bool", 5),
    ("draft: 0x1F\n", "field.not_bool", 5),
]


@pytest.mark.parametrize("n", range(len(FRONT_CLASSES)), ids=[c[1] + ":" + c[0][:24] for c in FRONT_CLASSES])
def test_front_matter_yaml_would_mangle_gets_its_message(n: int, checked) -> None:
    _, code, line = FRONT_CLASSES[n]
    articles, report = checked
    assert_message(report, f"content/front-{n}.md", line, code)
    assert f"front-{n}.md" not in articles


# -- a nested key, a list item, an empty key: the message names that line, not its parent's or line 1 ------
E, W = Level.ERROR, Level.WARNING
OWN_LINES = [  # (front matter lines after HEAD (line 5 on), code, line, level)
    ("event:\n  location: 会议室\n  start: 2026-13-01\n", "date.unreadable", 7, E),
    ("event:\n  start: 2026-12-02\n  end: 2026-12-01\n", "event.end_before_start", 7, E),
    ("event:\n  start: 2026-12-02\n  location: 会议室\n  end: 明天上午\n", "date.unreadable", 8, E),
    ("event:\n  start: 2026-12-02\n  location: \"<b>活动室</b>\"\n", "event.bad_location", 7, E),
    ("event:\n  start: 2026-12-02\n  colour: red\n", "event.unknown_key", 7, W),
    ("event: {start: 2026-12-02,\n  end: 昨天}\n", "date.unreadable", 6, E),  # flow style over two lines
    ("poster:\n  orientation: portrait\n  size: B5\n", "poster.bad_size", 7, E),
    ("poster:\n  size: A4\n  orientation: 向上\n", "poster.bad_orientation", 7, E),
    ("poster:\n  size: A4\n  color: red\n", "poster.unknown_key", 7, W),
    ("tags:\n  - 停水\n  - \"a/b\"\n", "tags.bad_tag", 7, E),
    ("tags:\n  - 停水\n  -\n", "tags.not_text", 7, E),
    ("tags:\n  - 停水\n  - 通知\n  - CON\n", "tags.windows_name", 8, E),
    ("tags:\n  - 停水\n  - 通知，AUX\n", "tags.windows_name", 7, E),  # split at the full-width comma
    ("event:\n  start: 2026-12-02\n  location: 电话 13812345678\n", "privacy.front_matter", 7, E),
    (": 关于停水的通知\n", "frontmatter.empty_key", 5, E),
    (":\n", "frontmatter.empty_key", 5, E),
    ("：关于停水的通知\n", "frontmatter.empty_key", 5, E),  # full-width: PyYAML blamed the next line
    ("  : 关于停水的通知\n", "frontmatter.empty_key", 5, E),
    ("~: 关于停水的通知\n", "frontmatter.empty_key", 5, W),  # a null key: was line 1
    ("\"\": 关于停水的通知\n", "frontmatter.empty_key", 5, W),
    ("? \n: 关于停水的通知\n", "frontmatter.empty_key", 5, W),
    ("null: 关于停水的通知\n", "frontmatter.empty_key", 5, W),
    ("author: 冬季\u2028防火\n", "frontmatter.control_character", 5, E),  # YAML breaks the line there: was line 6
    ("author: 冬季\x85防火\n", "frontmatter.control_character", 5, E),
    ("author: 冬季\u00ad防\u200d火\u00a0提醒\n", None, 0, E),  # soft hyphen, joiner, NBSP: text as pasted, no message
    ("author: ‘冬季’防火“提醒”\n", None, 0, E),  # smart quotes are text
    ("标题:\n", "frontmatter.unknown_key", 5, W),
    ("true: 是\n", "frontmatter.unknown_key", 5, W),  # a key YAML reads as True: was line 1
]


@pytest.mark.parametrize("n", range(len(OWN_LINES)), ids=[f"{c[1]}:{c[0][:20]}" for c in OWN_LINES])
def test_each_key_and_item_is_reported_on_its_own_line(n: int, checked) -> None:
    _, code, line, level = OWN_LINES[n]
    articles, report = checked
    if code is None:
        assert not [m for m in report.messages if m.path == f"content/own-line-{n}.md"] and f"own-line-{n}.md" in articles
        return
    assert_message(report, f"content/own-line-{n}.md", line, code, level)
    assert not [m for m in report.messages if m.path == f"content/own-line-{n}.md" and m.line == 1]


# -- numeric character references to what no page may show: dropped like the raw characters, line named ----
REFERENCE_LINES = [  # (body paragraph, dropped), one paragraph every two lines from line 7
    ("甲&#xFFFE;乙", True), ("丙&#1;丁", True), ("戊&#xD800;己", True), ("庚&#x110000;辛", True),
    ("## 标题&#xFDD0;和&#x1FFFF;", True), ("[链接&#x202E;文字](https://example.com/ \"说明&#13;\")", True),
    ("零&#0;号", True), ("九&#" + "9" * 5000 + ";位", True), ("原样 \ufffe 字 \u2028 符", True),
    ("欧元&#128;与&#x85;号&#65533;", False),  # Windows-1252 as browsers read them, and U+FFFD written on purpose
    ("&amp;#1; 是写出来的字", False),
]


def test_references_to_invisible_characters_are_dropped_on_their_line(checked) -> None:
    from generator.controls import CONTROL

    articles, report = checked
    article = articles["references.md"]
    for n, (written, dropped) in enumerate(REFERENCE_LINES):
        on_line = [m for m in report.messages if m.path == "content/references.md" and m.line == 7 + 2 * n]
        assert [m.level for m in on_line] == ([Level.WARNING] if dropped else []), (written, on_line)
        assert all(m.code in ("body.bad_character_reference", "body.control_character") for m in on_line)
    for text in (article.body_html, article.text, article.body):
        assert not CONTROL.search(text.replace("\n", "")) and "\ufffd\ufffd" not in text
        shown = text.replace("&#1; 是写出来的字", "")  # the search text reads `&amp;#1;` as the reader does
        assert not re.search(r"&#(x0*(fffe|d800|110000|fdd0|1ffff|202e|d)|0*(1|0|9{9,}));", shown, re.I), text
    for kept in ("欧元\u20ac与\u2026号\ufffd", "甲乙", "戊己", "九位", "&amp;#1;"):
        assert kept in article.body_html, kept


def test_every_tab_and_the_mistakes_behind_them_in_one_run(checked) -> None:
    """PyYAML stopped at the first tab; each is now named on its line and the rest of the file still checked."""
    articles, report = checked
    found = sorted((m.line, m.code) for m in report.messages if m.path == "content/tabs.md")
    assert found == [(3, "frontmatter.tab"), (4, "date.unreadable"), (4, "frontmatter.tab"), (5, "frontmatter.tab"),
                     (8, "frontmatter.tab_indent"), (9, "date.unreadable"), (9, "frontmatter.tab_indent")], found
    assert "tabs.md" not in articles


INVISIBLE_TITLES = ["\u200b\u200b", "\u3000\u200d\u3000", "\ufeff", "\u2060\u00ad"]


@pytest.mark.parametrize("n", range(len(INVISIBLE_TITLES)))
def test_a_title_of_invisible_characters_is_missing(n: int, checked) -> None:
    articles, report = checked
    assert_message(report, f"content/invisible-{n}.md", 2, "field.missing")
    assert f"invisible-{n}.md" not in articles


AS_WRITTEN = [("title", "110"), ("title", ".nan"), ("title", "1_000"), ("slug", "007"), ("title", "0o17"),
              ("summary", "3.14159265358979323846"), ("title", "1e3")]


@pytest.mark.parametrize("n", range(len(AS_WRITTEN)), ids=[f"{k}: {v}" for k, v in AS_WRITTEN])
def test_numbers_in_front_matter_stay_as_written(n: int, checked) -> None:
    """YAML would make `slug: 007` 7 and `title: .nan` nan; no front matter value is a number."""
    key, written = AS_WRITTEN[n]
    articles, report = checked
    assert not [m for m in report.messages if m.path == f"content/number-{n}.md"]
    article = articles[f"number-{n}.md"]
    assert {"title": article.title, "slug": article.slug, "summary": article.summary}[key] == written


def test_dates_yaml_reads_as_numbers_are_quoted_back(checked) -> None:
    _, report = checked
    (message,) = assert_message(report, "content/float-date.md", 4, "date.unreadable")
    assert "“2026.1120”" in message.text  # as written, not YAML's float 2026.112


# -- the desk opens every such file (the form is written anew from what can be read) ----------------
DESK_FILES = {
    "deep.md": HEAD + "tags: " + "[" * 3000 + "]" * 3000 + "\n---\n\n正文。\n",
    "deep-map.md": HEAD + "event: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n---\n\n正文。\n",
    "bomb.md": HEAD + "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n\n正文。\n",
    "tags.md": HEAD + "summary: !!binary 5pGY6KaB\ntags: !!set {a, b}\n---\n\n正文。\n",
    "python.md": HEAD + "summary: !!python/object/apply:os.system [ls]\n---\n\n正文。\n",
    "digits.md": HEAD + "pinned: " + "9" * 5000 + "\n---\n\n正文。\n",
    "list.md": "---\n- a\n- b\n---\n\n正文。\n",
    "number.md": "---\n12345\n---\n\n正文。\n",
    "span.md": EVENT.format("2026-12-01 9:00-11:00"),
}


def test_the_desk_opens_and_checks_hostile_files(project: Path) -> None:
    from generator.desk.app import Desk

    for name, text in DESK_FILES.items():
        write_article(project, f"science/{name}", text)
    desk = Desk(project / "mkdocs.yml", parse_time(AS_OF), False, lambda _: None, local_name="测试")
    cookie: list[str] = []

    def request(method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        body = urlencode(form or {}).encode()
        handler = _Handler(path, body, cookie[0] if cookie else None)
        desk.handle(handler, method)
        if "Set-Cookie" in handler.sent:
            cookie[:] = [handler.sent["Set-Cookie"].split(";")[0]]
        return handler.status, handler.wfile.getvalue().decode("utf-8")

    status, page = request("GET", "/_desk/")
    assert status == 200 and "内部出错" not in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', request("GET", "/_desk/new")[1]).group(1)
    for name in DESK_FILES:
        status, page = request("GET", "/_desk/edit?" + urlencode({"path": f"science/{name}"}))
        assert status == 200 and "内部出错" not in page, name
        status, page = request("POST", "/_desk/check", {"csrf": csrf, "path": f"science/{name}", "title": "标题",
                                                        "type": "science", "date": "2026-11-20", "body": "正文。"})
        assert status == 200 and "内部出错" not in page, name


class _Handler:
    """What Desk.handle reads of http.server's handler, in memory."""

    def __init__(self, path: str, body: bytes, cookie: str | None) -> None:
        self.path, self.client_address = path, ("127.0.0.1", 1)
        self.headers = Headers()
        self.headers["Host"] = "127.0.0.1:8000"
        if cookie:
            self.headers["Cookie"] = cookie
        if body:
            self.headers["Content-Length"] = str(len(body))
            self.headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.rfile, self.wfile = io.BytesIO(body), io.BytesIO()
        self.status, self.sent = 0, {}

    def send_response(self, status: int) -> None:
        self.status = status

    def send_header(self, key: str, value: str) -> None:
        self.sent[key] = value

    def end_headers(self) -> None:
        pass


def test_control_matches_exactly_the_invisible_characters() -> None:
    """CONTROL (two branches, for speed) finds every C0 but tab and newline, DEL, C1, U+2028/2029, the bidi
    controls and the noncharacters of all planes, one character a match, and nothing else in Unicode."""
    from generator.controls import CONTROL

    invisible = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A), *range(0xFDD0, 0xFDF0), *(plane << 16 | low for plane in range(17) for low in (0xFFFE, 0xFFFF))]
    everything = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert [ord(found) for found in CONTROL.findall(everything)] == sorted(invisible)
    assert CONTROL.sub("", "甲\U0001fffe乙\U0001f600丙\u202e丁\x85") == "甲乙\U0001f600丙丁"
