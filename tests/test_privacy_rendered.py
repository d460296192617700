"""Personal numbers are checked on what is published: the rendered text with separators taken out,
every published front matter field, folder and file names, and the community settings.
Both sides are tested: the forms that hide a number, and the numbers that are not personal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import AS_OF
from generator.body_checks import check_body, check_privacy
from generator.content import RawArticle
from generator.messages import Report
from generator.privacy import _CHECK, _WEIGHTS, find_personal_numbers


def _id(base17: str) -> str:
    return base17 + _CHECK[sum(int(d) * w for d, w in zip(base17, _WEIGHTS)) % 11]


ID18 = _id("11010519800101001")  # valid check digit
ID18X = "11010519491231002X"  # as in tests/bad_inputs/id-number-body.md
CARD = "6222021234567890128"  # passes Luhn

FOUND = {
    "plain": "电话13812345678",
    "spaces 3-4-4": "138 1234 5678",
    "space between every digit": "1 3 8 1 2 3 4 5 6 7 8",
    "two spaces": "138  1234  5678",
    "long dashes": "138—1234—5678",
    "en dashes": "138–1234–5678",
    "hyphens": "138-1234-5678",
    "dots": "138.1234.5678",
    "middle dots": "138·1234·5678",
    "slashes": "138/1234/5678",
    "underscores": "138_1234_5678",
    "zero width": "138\u200b1234\u200b5678",
    "soft hyphen": "138\u00ad1234\u00ad5678",
    "ideographic space": "138\u30001234\u30005678",
    "full width": "１３８１２３４５６７８",
    "full width dashes": "１３８－１２３４－５６７８",
    "glued to letters": "tel13812345678abc",
    "plus 86": "+86 138 1234 5678",
    "plus 86 glued": "+8613812345678",
    "0086": "008613812345678",
    "after a landline": "0571-86001234/13812345678",
    "id 18": f"身份证{ID18}",
    "id 18 X": f"身份证号{ID18X}",
    "id lower x": f"号码{ID18X.lower()}",
    "id grouped": f"{ID18[:6]} {ID18[6:14]} {ID18[14:]}",
    "id dotted": ".".join(ID18[i:i + 3] for i in range(0, 18, 3)),
    "id glued": f"ID{ID18}abc",
    "card": f"卡号{CARD}",
    "card grouped": " ".join(CARD[i:i + 4] for i in range(0, 19, 4)),
    "card dashes": "-".join(CARD[i:i + 4] for i in range(0, 19, 4)),
    "card 6-13": f"{CARD[:6]} {CARD[6:]}",
}

QUIET = {
    "landline": "0571-86001234",
    "landline spaced": "0571 8600 1234",
    "landline extension": "0571-86001234-8021",
    "landline brackets": "(0571)86001234",
    "400": "400-820-8820",
    "400 spaced": "400 820 8820",
    "95": "95588",
    "12345": "12345 市民热线",
    "date": "2026-11-20",
    "date dots": "2026.11.20",
    "date range": "2026.11.20-2026.12.31",
    "date and time": "2026-11-20 08:30—11:30",
    "year list": "2019 2020 2021 2022",
    "law article": "《民法典》第1032条、第1034条",
    "law article range": "第1165条至第1187条",
    "money": "¥13800000000",
    "money yuan": "13800000000元",
    "money decimals": "共计138000000.00元",
    "percent": "增长13812345678%",
    "room": "3栋2单元1302室",
    "rooms": "1302、1303、1304、1305",
    "quantities": "13 800 150 200 12",
    "order number": "订单号20261120123456789012",
    "bad id checksum": "110105198001010010",
    "bad id date": "110105198013450016",
    "card without luhn": "6222021234567890123",
    "short mobile": "1381234567",
    "mobile prefix 12": "12812345678",
    "public phone": "13900001111",
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_personal_number_found(name: str) -> None:
    assert list(find_personal_numbers(FOUND[name])), FOUND[name]


@pytest.mark.parametrize("name", sorted(QUIET))
def test_not_a_personal_number(name: str) -> None:
    assert list(find_personal_numbers(QUIET[name], public=("13900001111",))) == [], QUIET[name]


# -- the rendered body ----------------------------------------------------------------------------

RENDERED = {
    "entities": "电话&#49;&#51;&#56;&#49;&#50;&#51;&#52;&#53;&#54;&#55;&#56;",
    "hex entities": "电话&#x31;&#x33;&#x38;12345678",
    "bold split": "电话**138**1234**5678**",
    "em split": "电话*138*_1234_5678",
    "span split": "电话<span>138</span>1234<span>5678</span>",
    "ruby": "电话<ruby>138<rt>幺三八</rt>12345678</ruby>",
    "inline code": "电话`138`12345678",
    "link text": "电话[138](https://example.org/)12345678",
    "tel link": "[请致电](tel:13812345678)",
    "tel percent": "[请致电](tel:%31%33%38%31%32%33%34%35%36%37%38)",
    "tel percent spaces": "[请致电](tel:138%201234%205678)",
    "url query": "[报名](https://example.org/?phone=13812345678)",
    "image alt": "![张三13812345678](a.png)",
    "title attribute": '<abbr title="13812345678">联系人</abbr>',
    "mark": "电话<mark>138</mark>-1234-5678",
    "zero width entity": "138&#8203;1234&#8203;5678",
    "soft hyphen entity": "138&shy;1234&shy;5678",
    "id entities": "".join(f"&#{ord(c)};" for c in ID18),
    "id bold": f"**{ID18[:6]}**{ID18[6:]}",
    "card spans": "".join(f"<span>{CARD[i:i + 4]}</span>" for i in range(0, 19, 4)),
    "table cell": f"| 姓名 | 证件 |\n|---|---|\n| 张三 | {ID18} |",
    "list item": "- 联系人：王阿姨 138 1234 5678",
    "heading": "## 联系 13812345678",
}


def _check(tmp_path: Path, body: str, front: dict | None = None, src_uri: str = "notices/a.md") -> Report:
    content = tmp_path / "content"
    path = content / src_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "a.png").write_bytes(b"x")
    raw = RawArticle(path=path, source=f"content/{src_uri}", src_uri=src_uri, front=front or {},
                     key_lines={k: n for n, k in enumerate(front or {}, start=2)}, body=body, body_line=8)
    report = Report()
    check_body(raw, content, report)
    return report


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_rendered_forms_are_found_at_their_line(tmp_path: Path, name: str) -> None:
    body = "第一段文字。\n\n" + RENDERED[name] + "\n\n最后一段。\n"
    report = _check(tmp_path, body)
    found = [(m.line, m.code) for m in report.errors]
    line = 10 + RENDERED[name].count("\n")  # the last line of each sample holds the number
    assert (line, "privacy.body") in found, [str(m) for m in report.messages]


RENDERED_QUIET = {
    "landline link": "[值班电话](tel:0571-86001234)",
    "landline bold": "电话**0571**-86001234",
    "date entities": "&#50;&#48;&#50;&#54;-11-20",
    "hidden script": "<script>var a = '13812345678';</script>正文",
    "comment": "<!-- 13812345678 -->正文",
    "separate cells": "| 楼 | 号 |\n|---|---|\n| 138 | 12345678 |",
    "separate paragraphs": "门牌138号\n\n12345678",
    "room and date": "1302室，2026年11月20日",
}


@pytest.mark.parametrize("name", sorted(RENDERED_QUIET))
def test_rendered_text_that_is_not_personal_stays_quiet(tmp_path: Path, name: str) -> None:
    report = _check(tmp_path, "第一段。\n\n" + RENDERED_QUIET[name] + "\n")
    assert [m for m in report.errors if m.code.startswith("privacy")] == [], [str(m) for m in report.messages]


# -- front matter, folders, file names, settings ----------------------------------------------------

@pytest.mark.parametrize("key,value", [
    ("title", "王阿姨（138 1234 5678）的好人好事"),
    ("summary", "联系人电话 138—1234—5678"),
    ("author", "联系人13812345678"),
    ("tags", ["志愿者", "1 3 8 1 2 3 4 5 6 7 8"]),
    ("slug", f"id-{ID18}"),
    ("event", {"start": "2026-12-01 09:00", "location": "3栋 138.1234.5678"}),
])
def test_published_front_matter_fields(tmp_path: Path, key: str, value) -> None:
    report = _check(tmp_path, "正文。\n", front={"title": "标题", key: value})
    assert any(m.code == "privacy.front_matter" and m.line == list({"title": 0, key: 0}).index(key) + 2
               for m in report.errors), [str(m) for m in report.messages]


@pytest.mark.parametrize("src_uri", ["notices/13812345678/a.md", "notices/王阿姨138-1234-5678.md",
                                     f"stories/{ID18}/通知.md"])
def test_folder_and_file_names(tmp_path: Path, src_uri: str) -> None:
    content = tmp_path / "content"
    raw = RawArticle(path=content / src_uri, source=f"content/{src_uri}", src_uri=src_uri, body="正文")
    report = Report()
    check_privacy(raw, (), report)
    assert [m.code for m in report.errors] == ["privacy.file_name"]


def test_contact_setting_is_checked(board_project) -> None:
    board_project.write("a.md", "---\ntitle: 标题\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n")
    config = board_project.config
    text = config.read_text(encoding="utf-8")
    assert re.search(r"contact: .*0571-86001234", text)
    result = board_project.run("check", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr  # a landline is the community's public contact
    config.write_text(re.sub(r"contact: .*", "contact: 王主任 138 1234 5678", text, count=1), encoding="utf-8")
    line = next(n for n, l in enumerate(config.read_text(encoding="utf-8").split("\n"), 1) if "contact:" in l)
    result = board_project.run("check", "--as-of", AS_OF)
    assert result.returncode == 1
    assert f"{board_project.prefix}mkdocs.yml:{line}: 错误：设置 contact 里有疑似手机号码" in result.stderr, result.stderr


def test_digit_like_is_every_character_folded_to_a_digit() -> None:
    """A text is searched for numbers only when it holds one of DIGIT_LIKE: exactly the characters
    fold() makes ASCII digits, in all of Unicode (else a number written with them goes unseen)."""
    from generator.fold import fold
    from generator.privacy import DIGIT_LIKE

    chars = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    assert [c for c in chars if fold(c) in "0123456789" and fold(c)] == [c for c in chars if DIGIT_LIKE.match(c)]
    assert [f.kind for f in find_personal_numbers("电话①３８１２３４５６７８")] == ["手机号码"]
