"""Every mistake staff can make in front matter gets a `PATH:LINE:` message in Chinese, all in one run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_board, write_article

GOOD = """---
title: 测试通知
type: notice
date: 2026-11-20
author: 幸福里社区居民委员会
---

各位居民朋友：正文。
"""

# (file text, line the message must name, words the message must contain)
BAD = {
    "no-title": ("---\ntype: notice\ndate: 2026-11-20\nauthor: 居委会\n---\n正文\n", 5, "title"),
    "bad-type": ("---\ntitle: 标题\ntype: 通告\ndate: 2026-11-20\n---\n正文\n", 3, "通知公告"),
    "bad-date": ("---\ntitle: 标题\ntype: science\ndate: 2026/11/20\n---\n正文\n", 4, "2026-11-20"),
    "words-date": ("---\ntitle: 标题\ntype: science\ndate: 明天\n---\n正文\n", 4, "看不懂"),
    "expires-first": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\nexpires: 2026-11-01\n---\n正文\n", 5, "expires"),
    "no-author": ("---\ntitle: 标题\ntype: notice\ndate: 2026-11-20\n---\n正文\n", 5, "author"),
    "story-no-consent": ("---\ntitle: 好人\ntype: story\ndate: 2026-11-20\n---\n正文\n", 3, "consent"),
    "urgent-science": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\nurgent: true\n---\n正文\n", 5, "urgent"),
    "list-title": ("---\ntitle: [一, 二]\ntype: science\ndate: 2026-11-20\n---\n正文\n", 2, "文字"),
    "long-title": ("---\ntitle: " + "长" * 70 + "\ntype: science\ndate: 2026-11-20\n---\n正文\n", 2, "64"),
    "yaml-colon": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\nsummary: 注意: 这里: 有冒号\n---\n正文\n", 5, "冒号"),
    "tab": ("---\ntitle: 标题\n\ttype: science\ndate: 2026-11-20\n---\n正文\n", 3, "Tab"),
    "duplicate-key": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\ntitle: 又一个\n---\n正文\n", 5, "两次"),
    "unclosed": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\n正文\n", 1, "---"),
    "no-front": ("正文而已\n", 1, "---"),
    "empty": ("", 1, "空"),
    "bad-category": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\ncategory: 社区卫生\n---\n正文\n", 5, "社区环境"),
    "pinned-word": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\npinned: 是\n---\n正文\n", 5, "true"),
    "bad-poster": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\nposter:\n  size: B5\n---\n正文\n", 6, "A4"),  # the size line itself
    "cover-outside": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\ncover: ../../etc/passwd\n---\n正文\n", 5, "content"),
    "cover-missing": ("---\ntitle: 标题\ntype: science\ndate: 2026-11-20\ncover: images/none.jpg\n---\n正文\n", 5, "找不到"),
    "alias": ("---\ntitle: &a 标题\ntype: science\ndate: 2026-11-20\nsummary: *a\n---\n正文\n", 5, "别名"),
}


def messages(stderr: str) -> list[tuple[str, int, str]]:
    found = []
    for line in stderr.splitlines():
        m = re.match(r"^(.+?):(\d+): (错误|警告)：(.+)$", line)
        if m:
            found.append((m.group(1), int(m.group(2)), m.group(3) + "：" + m.group(4)))
    return found


def test_every_mistake_reported_in_one_run(board_project) -> None:
    for name, (text, _, _) in BAD.items():
        board_project.write(f"bad/{name}.md", text)
    board_project.write("good/好文章.md", GOOD)
    result = board_project.run("check", "--as-of", "2026-11-26")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = messages(result.stderr)
    for name, (_, line, words) in BAD.items():
        mine = [m for m in found if m[0] == f"{board_project.prefix}content/bad/{name}.md" and m[2].startswith("错误")]
        assert mine, f"{name}: no error in\n{result.stderr}"
        assert any(m[1] == line and words in m[2] for m in mine), f"{name}: {mine}"
    assert not [m for m in found if "好文章" in m[0]]


def test_unknown_key_is_a_warning_with_suggestion(project: Path) -> None:
    write_article(project, "a.md", GOOD.replace("author:", "expire: 2026-12-01\nauthor:"))
    result = run_board(project, "check", "--as-of", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert any(m == ("content/a.md", 5, "警告：不认识的设置“expire”，这一行不会起作用。是不是想写 expires？") for m in messages(result.stderr))


def test_chinese_labels_accepted(project: Path) -> None:
    write_article(project, "a.md", GOOD.replace("type: notice", "type: 通知公告") .replace(
        "author:", "category: 社区环境\nauthor:"))
    result = run_board(project, "build", "--as-of", "2026-11-26", "--no-posters")
    assert result.returncode == 0, result.stderr
    import json

    entry = json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))["articles"][0]
    assert (entry["type"], entry["category"]) == ("notice", "environment")


def test_duplicate_slug_names_both_files(project: Path) -> None:
    write_article(project, "notices/同名.md", GOOD)
    write_article(project, "law/同名.md", GOOD.replace("type: notice", "type: law"))
    result = run_board(project, "check", "--as-of", "2026-11-26")
    assert result.returncode == 1
    assert "content/notices/同名.md" in result.stderr and "content/law/同名.md" in result.stderr
    assert "重复" in result.stderr


def test_bom_and_crlf_pass_silently(project: Path) -> None:
    path = project / "content" / "windows.md"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    result = run_board(project, "check", "--as-of", "2026-11-26")
    assert result.returncode == 0 and "警告" not in result.stderr, result.stderr


def test_gbk_file_is_named_as_such(project: Path) -> None:
    (project / "content" / "记事本.md").write_bytes(GOOD.encode("gbk"))
    result = run_board(project, "check", "--as-of", "2026-11-26")
    assert result.returncode == 1
    assert "content/记事本.md:" in result.stderr and "GBK" in result.stderr and "UTF-8" in result.stderr


def test_underscore_and_dot_files_are_not_articles(project: Path) -> None:
    write_article(project, "_templates/模板.md", "不是文章")
    write_article(project, ".notes/x.md", "不是文章")
    write_article(project, "a.md", GOOD)
    assert run_board(project, "check", "--as-of", "2026-11-26").returncode == 0


@pytest.mark.parametrize("value,expected", [("2026-11-20", "2026-11-20T00:00:00+08:00"),
                                            ("2026-11-20 08:30", "2026-11-20T08:30:00+08:00"),
                                            ("2026-11-20T08:30+00:00", "2026-11-20T16:30:00+08:00")])
def test_date_forms(value: str, expected: str) -> None:
    from generator.timeutil import iso, parse_time

    assert iso(parse_time(value)) == expected


def test_reading_time_counts_chinese_characters() -> None:
    from generator.body import parse_body

    assert parse_body("字" * 3000).minutes == 10
    assert parse_body("字" * 300).minutes == 1
    assert parse_body("```\n" + "字" * 3000 + "\n```\n<script>" + "字" * 3000 + "</script>").minutes == 10
    # punctuation, Latin words, digits and other scripts between them count as words or not at all
    assert parse_body("字，。" * 900 + "\uf900㐀 ①Ⅻ word 12 " * 300 + "\n\n" + "ようこそ" * 600).minutes == 8


def test_the_single_community_check_cases_inside_a_street(tmp_path: Path) -> None:
    """The check cases above (run on a single community) hold for a community of a street project
    too, and for the street's own articles, in one `board check` of the whole street: each message
    names the file from the street's folder, a street article's message is said once (not once per
    community it is checked for), and clean files say nothing."""
    from conftest import make_board_project

    street = make_board_project("street", tmp_path / "street", with_content=False)
    own, root = street.prefix + "content/", "content/"
    street.write("a.md", GOOD.replace("author:", "expire: 2026-12-01\nauthor:"))
    street.write("notices/同名.md", GOOD)
    street.write("law/同名.md", GOOD.replace("type: notice", "type: law"))
    (street.content / "windows.md").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    (street.content / "记事本.md").write_bytes(GOOD.replace("测试通知", "记事本通知").encode("gbk"))
    street.write("_templates/模板.md", "不是文章")
    street.write(".notes/x.md", "不是文章")
    write_article(street.root, "notices/街道通知.md", GOOD.replace("测试通知", "街道测试通知")
                  .replace("author:", "expire: 2026-12-01\nauthor:"))
    (street.root / "content" / "街道记事本.md").write_bytes(GOOD.replace("测试通知", "街道记事本").encode("gbk"))
    result = run_board(street.root, "check", "--as-of", "2026-11-26")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = messages(result.stderr)
    unknown = "警告：不认识的设置“expire”，这一行不会起作用。是不是想写 expires？"
    assert found.count((own + "a.md", 5, unknown)) == 1
    assert found.count((root + "notices/街道通知.md", 5, unknown)) == 1  # checked in three communities, said once
    lines = result.stderr.splitlines()
    duplicate = [line for line in lines if "重复" in line and "同名.md" in line]  # one file's line names the other
    assert len(duplicate) == 1 and own + "notices/同名.md" in duplicate[0] and own + "law/同名.md" in duplicate[0], result.stderr
    for gbk in (own + "记事本.md", root + "街道记事本.md"):
        said = [line for line in lines if line.startswith(gbk + ":")]
        assert len(said) == 1 and "GBK" in said[0] and "UTF-8" in said[0], result.stderr
    assert not [m for m in found if "windows.md" in m[0] or "模板.md" in m[0] or "x.md" in m[0]], result.stderr
