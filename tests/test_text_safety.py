"""Text from mkdocs.yml and articles is data: never markup in pages, never control characters in any output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import AS_OF, copy_project, run_board, write_article

HOSTILE_NAMES = [
    '幸福里<script>alert("LEAKSCRIPT")</script>',
    '幸福里" onmouseover="alert(1)',
    "幸福里</title><img src=x onerror=alert(1)>",
    "阳光&amp;幸福 <b>社区</b> 'x'",
]


def _set(project: Path, **values) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for key, value in values.items():
        text = re.sub(rf"^{key}:.*$", f"{key}: {json.dumps(value, ensure_ascii=False)}",
                      text, count=1, flags=re.M)
    config.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_site_name_is_text_in_every_page(name: str, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    project = copy_project(tmp_path / "p")
    _set(project, site_name=name, site_description=name)
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    pages = sorted((project / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], (page, element.name)
            assert not (element.name == "img" and element.get("src") == "x"), page
        assert not [s for s in soup.find_all("script") if "LEAKSCRIPT" in s.get_text()], page
        assert not soup.find("b", string="社区"), page
    home = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title.get_text().endswith(name)  # shown as written, not run
    assert home.find("meta", attrs={"name": "description"})["content"] == name


CONTROL_VALUES = ["\\x07", "\\u0085", "\\x1b[31m", "\\u202e", "\\u2028", "\\x00", "\\x7f", "\\x0c"]


@pytest.mark.parametrize("escape", CONTROL_VALUES)
def test_control_characters_in_front_matter_are_refused(escape: str, project: Path) -> None:
    write_article(project, "a.md", "---\ntitle: 标题\ntype: notice\nauthor: 居委会\ndate: 2026-11-20\n"
                  f"event:\n  start: 2026-12-01 09:00\n  location: \"活动室{escape}二楼\"\n---\n\n正文。\n")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1, result.stderr
    assert re.search(r"^content/a\.md:8: 错误：这一行有看不见的控制字符", result.stderr, re.M), result.stderr


def test_control_characters_never_reach_calendar_or_feed(project: Path) -> None:
    """Pasted control characters in the body are removed (with a warning); outputs stay clean."""
    write_article(project, "a.md", "---\ntitle: 活动通知\ntype: notice\nauthor: 居委会\ndate: 2026-11-20\n"
                  "event:\n  start: 2026-12-01 09:00\n  location: 活动室\n---\n\n第一段\x07文字\x0b。\n\n第二段\u0085文字。\n")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^content/a\.md:11: 警告：这一行有看不见的控制字符", result.stderr, re.M), result.stderr
    assert re.search(r"^content/a\.md:13: 警告：这一行有看不见的控制字符", result.stderr, re.M), result.stderr
    site = project / "site"
    for path in [site / "calendar.ics", site / "feed.xml", site / "board.json", *site.rglob("*.html"),
                 *(site / "search").rglob("*")]:
        if path.is_file():
            text = path.read_bytes().decode("utf-8")
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]", text), path
    assert "第一段文字" in (site / "notices" / "a" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["site_name", "site_description"])
def test_control_characters_in_settings_are_refused(key: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(re.sub(rf"^{key}:.*$", lambda _: f'{key}: "幸福里\\x07社区"', config.read_text(encoding="utf-8"),
                             count=1, flags=re.M), encoding="utf-8")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1
    line = next(n for n, l in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if l.startswith(f"{key}:"))
    assert re.search(rf"^mkdocs\.yml:{line}: 错误：.*{key}.*看不见的控制字符", result.stderr, re.M), result.stderr
