"""The mistakes publicity staff really make (Word, WeChat, Notepad, a Chinese input method), each with
its own message code on the right line, and none passing in silence (issue 11, issue 10 items 6, 9, 10)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import AS_OF, run_board, write_article
from generator.load import load_board
from generator.messages import Level, Report
from generator.settings import load_settings
from generator.timeutil import parse_time

HEAD = "---\ntitle: 标题\ntype: science\ndate: 2026-11-20\n"  # lines 1-4; the line under test is line 5


def check(project: Path, as_of: str = AS_OF):
    """Load the project as `board check` does; the board and every message with its code."""
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    board = load_board(settings, parse_time(as_of), report)
    return board, report


def found(report: Report, path: str, line: int, code: str, level: Level = Level.ERROR) -> bool:
    return any(m.path == path and m.line == line and m.code == code and m.level is level for m in report.messages)


def codes(report: Report) -> list[tuple[str, int, str]]:
    return [(m.path, m.line, m.code) for m in report.sorted()]


# -- front matter slips: several inputs of each class, and the look-alikes that must stay quiet -------
SLIPS = [
    ("title：关于停水\n", "frontmatter.fullwidth_colon"),
    ("expires：2026-12-01\n", "frontmatter.fullwidth_colon"),
    ("author：幸福里社区居委会\n", "frontmatter.fullwidth_colon"),
    ("summary： 注意：明天停水\n", "frontmatter.fullwidth_colon"),
    ("tags：[停水]\n", "frontmatter.fullwidth_colon"),
    ("摘要：明天停水\n", "frontmatter.fullwidth_colon"),
    ("\u3000urgent: true\n", "frontmatter.invisible_space"),
    ("\u3000\u3000pinned: true\n", "frontmatter.invisible_space"),
    ("\u00a0pinned: true\n", "frontmatter.invisible_space"),
    ("\u2002pinned: true\n", "frontmatter.invisible_space"),
    ("\ufeffpinned: true\n", "frontmatter.invisible_space"),
    ("pin\u200bned: true\n", "frontmatter.invisible_space"),
    ("pinned\u3000: true\n", "frontmatter.invisible_space"),
    ("summary:摘要\n", "frontmatter.colon_no_space"),
    ("pinned:\u3000true\n", "frontmatter.colon_no_space"),
    ("expires:2026-12-01\n", "frontmatter.colon_no_space"),
    ("tags:\n-停水\n", "frontmatter.list_no_space"),
    ("tags:\n  -停水\n", "frontmatter.list_no_space"),
    ("tags:\n－停水\n", "frontmatter.list_no_space"),
    ("tags:\n— 停水\n", "frontmatter.list_no_space"),
    ("tags:\n• 停水\n", "frontmatter.list_no_space"),
    ("tags:\n  · 停水\n", "frontmatter.list_no_space"),
    ("Draft: true\n", "frontmatter.draft_misspelled"),
    ("DRAFT: true\n", "frontmatter.draft_misspelled"),
    ("drafts: true\n", "frontmatter.draft_misspelled"),
    ("草稿: true\n", "frontmatter.draft_misspelled"),
    ("草稿箱: 是\n", "frontmatter.draft_misspelled"),
    ("dratf: true\n", "frontmatter.draft_misspelled"),
    ("is_draft: yes\n", "frontmatter.draft_misspelled"),
    ('"draft ": true\n', "frontmatter.draft_misspelled"),
]


@pytest.mark.parametrize("line,code", SLIPS, ids=[repr(s[0]) for s in SLIPS])
def test_each_slip_is_an_error_on_its_own_line(line: str, code: str, project: Path) -> None:
    write_article(project, "a.md", HEAD + line + "---\n\n正文。\n")
    board, report = check(project)
    slip_line = 5 + (1 if line.startswith("tags:\n") else 0)
    assert found(report, "content/a.md", slip_line, code), codes(report)
    assert not board.articles  # refused, never published as something else
    # one message for the slip, not a second one about a line further down
    assert all(m.line <= slip_line for m in report.errors), codes(report)


def test_slips_in_several_lines_are_all_reported_with_the_rest(project: Path) -> None:
    write_article(project, "a.md", "---\ntitle：停水\ntype: notice\ndate: 2026-13-45\nexpires：2026-12-01\n"
                  "\u3000urgent: true\n---\n\n正文。\n")
    _, report = check(project)
    got = set(codes(report))
    assert {("content/a.md", 2, "frontmatter.fullwidth_colon"), ("content/a.md", 5, "frontmatter.fullwidth_colon"),
            ("content/a.md", 6, "frontmatter.invisible_space")} <= got
    assert any(m.line == 4 for m in report.errors)  # the bad date is found in the same run


LOOK_ALIKES = [
    "author: 居委会：值班室\n",
    "summary: \"注意: 明天停水\"\n",
    "summary: |\n  内容：明天\n  -停水\n  　　全角缩进的段落\n",
    "tags: [停水, 便民服务]\n",
    "tags:\n  - 停水\n  - -1\n",
    "event:\n  start: 2026-12-05 09:00\n  location: 二楼：活动室\n",
    "draft: false\n",
    "# 注释：随便写\n",
]


@pytest.mark.parametrize("line", LOOK_ALIKES)
def test_correct_front_matter_stays_quiet(line: str, project: Path) -> None:
    write_article(project, "a.md", HEAD + line + "---\n\n正文。\n")
    board, report = check(project)
    assert report.ok and len(board.articles) == 1, codes(report)
    assert not [m for m in report.messages if m.code.startswith("frontmatter.")], codes(report)


@pytest.mark.parametrize("tags", ["[停水，便民服务]", "[停水、便民服务]", "停水，便民服务", "【停水，便民服务】",
                                  "[停水；便民服务]", "\n  - 停水，便民服务"])
def test_fullwidth_commas_separate_tags(tags: str, project: Path) -> None:
    write_article(project, "a.md", HEAD + f"tags: {tags}\n---\n\n正文。\n")
    board, report = check(project)
    assert report.ok, codes(report)
    assert board.articles[0].tags == ("停水", "便民服务")


def test_fullwidth_comma_tags_reach_the_site_as_two_tags(project: Path) -> None:
    write_article(project, "a.md", HEAD + "tags: [停水，便民服务]\n---\n\n正文。\n")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))
    assert manifest["articles"][0]["tags"] == ["停水", "便民服务"]
    assert (project / "site" / "tags" / "停水" / "index.html").is_file()


def test_fullwidth_colon_message_says_how_to_fix_it(project: Path) -> None:
    write_article(project, "a.md", "---\ntitle：关于停水的通知\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n")
    result = run_board(project, "check")
    assert result.returncode == 1
    assert re.search(r"^content/a\.md:2: 错误：.*把中文冒号“：”改成英文冒号加空格“: ”", result.stderr, re.M), result.stderr
    assert not re.search(r"^content/a\.md:3:", result.stderr, re.M)


# -- file names ------------------------------------------------------------------------------------
NAMES = [
    (" .md", "file.name_blank", Level.ERROR),
    ("\u3000.md", "file.name_blank", Level.ERROR),
    ("\u200b.md", "file.name_blank", Level.ERROR),
    ("通\t知.md", "file.name_invisible", Level.ERROR),
    ("通\u200b知.md", "file.name_invisible", Level.ERROR),
    ("通知\u3000停水.md", "file.name_invisible", Level.ERROR),
    ("\ufeff通知.md", "file.name_invisible", Level.ERROR),
    ("通知 停水.md", "file.name_space", Level.WARNING),
    ("2026-11-20 冬季 大扫除.md", "file.name_space", Level.WARNING),
    ("通知.md.txt", "file.not_md", Level.WARNING),
    ("通知.MD.TXT", "file.not_md", Level.WARNING),
    ("通知.markdown", "file.not_md", Level.WARNING),
    ("通知.md ", "file.not_md", Level.WARNING),
]


@pytest.mark.parametrize("name,code,level", NAMES, ids=[repr(n[0]) for n in NAMES])
def test_every_odd_file_name_gets_a_message(name: str, code: str, level: Level, project: Path) -> None:
    write_article(project, f"notices/{name}", HEAD + "---\n\n正文。\n")
    _, report = check(project)
    assert found(report, f"content/notices/{name}", 1, code, level), codes(report)


def test_names_differing_only_by_unicode_form_or_case_clash(project: Path) -> None:
    nfc = unicodedata.normalize("NFC", "café-通知")
    nfd = unicodedata.normalize("NFD", "café-通知")
    assert nfc != nfd
    write_article(project, f"notices/{nfc}.md", HEAD + "---\n\n正文。\n")
    write_article(project, f"science/{nfd}.md", HEAD + "---\n\n正文。\n")
    write_article(project, "notices/Notice.md", HEAD + "---\n\n正文。\n")
    write_article(project, "law/notice.md", HEAD + "---\n\n正文。\n")
    board, report = check(project)
    clashes = [m for m in report.errors if m.code == "slug.duplicate"]
    assert len(clashes) == 2, codes(report)
    assert len(board.articles) == 2


def test_odd_names_in_the_cli_are_named_plainly(project: Path) -> None:
    write_article(project, "notices/通\u200b知.md", HEAD + "---\n\n正文。\n")
    write_article(project, "notices/停水.md.txt", HEAD + "---\n\n正文。\n")
    result = run_board(project, "check")
    assert result.returncode == 1
    assert "content/notices/通\u200b知.md:1: 错误：文件名“通［零宽字符］知.md”" in result.stderr, result.stderr
    assert re.search(r"^content/notices/停水\.md\.txt:1: 警告：.*改名为“停水\.md”", result.stderr, re.M)


# -- unfinished articles and drafts -----------------------------------------------------------------
def test_new_articles_are_drafts_until_staff_remove_the_line(project: Path) -> None:
    result = run_board(project, "new", "notice", "关于冬季大扫除的通知")
    assert result.returncode == 0 and "draft: true" in result.stdout, result.stdout
    [path] = (project / "content" / "notices").glob("*.md")
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^draft: true\s+# .*删掉这一行", text, re.M)
    later = "2099-01-01"  # `board new` dates the article today
    board, report = check(project, later)
    assert report.ok and board.articles[0].status.value == "draft" and not board.published
    assert not [m for m in report.messages if m.code == "body.template_prompt"]  # a draft is unfinished anyway
    path.write_text(re.sub(r"^draft: true.*\n", "", text, flags=re.M), encoding="utf-8")
    board, report = check(project, later)
    assert len(board.published) == 1
    prompt_line = text.splitlines().index("（在这里写正文：说明事由、时间、地点和需要居民配合的事项。）")  # one line fewer now
    assert found(report, board.published[0].source, prompt_line, "body.template_prompt", Level.WARNING), codes(report)


@pytest.mark.parametrize("kind", ["notice", "story", "science", "law"])
def test_every_template_prompt_is_noticed(kind: str, project: Path) -> None:
    assert run_board(project, "new", kind, "新文章").returncode == 0
    [path] = (project / "content").rglob("*.md")
    text = re.sub(r"^draft: true.*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(text.replace("consent: false", "consent: true"), encoding="utf-8")
    _, report = check(project)
    prompts = [m for m in report.warnings if m.code == "body.template_prompt"]
    expected = [n for n, line in enumerate(text.splitlines(), 1) if re.fullmatch(r"（.+）", line.strip())]
    assert expected and [m.line for m in prompts] == expected


STORY = "---\ntitle: 热心肠的李阿姨\ntype: story\ndate: {date}\n{extra}---\n\n好人好事。\n"
URGENT = ("---\ntitle: 紧急停水通知\ntype: notice\ndate: 2026-11-25\nauthor: 幸福里社区居民委员会\nurgent: true\n"
          "expires: 2026-11-30\n---\n\n今天停水。\n")


@pytest.mark.parametrize("date,extra,code", [
    ("2026-11-20", "draft: true\n", None),
    ("2026-11-20", "draft: true\nconsent: false\n", None),
    ("2026-12-20", "", "story.consent_pending"),
    ("2026-12-20 08:00", "consent: false\n", "story.consent_pending"),
])
def test_unpublished_story_without_consent_does_not_block_the_board(date, extra, code, tmp_path: Path) -> None:
    from conftest import copy_project

    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "stories/a.md", STORY.format(date=date, extra=extra))
    write_article(project, "notices/urgent.md", URGENT)
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "紧急停水通知" in home.get_text()  # as read: titles are wrapped phrase by phrase
    assert not (project / "site" / "stories" / "a").exists()
    _, report = check(project)
    assert [m.code for m in report.messages if m.path == "content/stories/a.md"] == ([code] if code else [])


@pytest.mark.parametrize("extra", ["", "consent: false\n", "Draft: true\n"])
def test_published_story_without_consent_is_an_error(extra: str, project: Path) -> None:
    write_article(project, "stories/a.md", STORY.format(date="2026-11-20", extra=extra))
    _, report = check(project)
    assert any(m.code == "story.consent" for m in report.errors), codes(report)


# -- nothing in English ------------------------------------------------------------------------------
# Words staff may see in our Chinese text: the command's own names, option names, keys they write.
ALLOWED = {"board", "build", "check", "new", "serve", "poster", "next", "publish", "watch", "deploy", "name", "SSH", "Wi", "Fi", "help", "as", "of", "site", "dir", "no", "posters",
           "fix", "encoding", "config", "file", "dev", "addr", "lan", "out", "notice", "story", "science", "law",
           "content", "md", "mkdocs", "yml", "YYYY", "MM", "DD", "HH", "UTF", "GBK", "orig", "proof", "pdf",
           "communities", "xingfuli", "user",  # a street project's folder example; `board user add`
           "frobnicate", "bogus", "extra", "poem"}  # the last ones: what the test typed, echoed back
ENGLISH = ["usage", "positional", "options", "arguments", "error", "required", "invalid", "choice",
           "unrecognized", "show this help", "expected", "Traceback"]


@pytest.mark.parametrize("args", [
    ["-h"], ["build", "-h"], ["check", "-h"], ["new", "-h"], ["serve", "-h"], ["poster", "-h"],
    [], ["frobnicate"], ["new"], ["new", "notice"], ["poster"], ["build", "--as-of", "明天"],
    ["check", "--bogus"], ["serve", "-a"], ["build", "extra"], ["new", "poem", "一首诗"],
    ["next", "-h"], ["publish", "-h"], ["watch", "-h"], ["next", "--limit", "x"],
])
def test_the_command_line_never_speaks_english(args: list[str], project: Path) -> None:
    result = run_board(project, *args)
    assert result.returncode in (0, 2), result.stderr
    said = result.stdout + result.stderr
    assert re.search(r"[\u4e00-\u9fff]", said), said
    for word in ENGLISH:
        assert word not in said, (word, said)
    leftover = re.sub(r"--?[A-Za-z][\w-]*|https?://\S+|[\w./-]+\.(md|yml|pdf|log)\b", " ", said)
    words = {w for w in re.findall(r"[A-Za-z]{2,}", leftover)} - ALLOWED
    assert not words, (words, said)
