"""Table tests at the edges, as Hugo's TestShouldBuild does: status to the second and across time
zones, the board order, pagination at exactly `per_page`, and which slugs are accepted.

(tests/test_lifecycle.py tables the minute edges and the implied expiry of activities.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import copy_project, write_article
from generator.lifecycle import apply_status, board_order, current_in_board_order, status_at
from generator.load import load_board
from generator.messages import Report
from generator.model import Article, Status
from generator.plan import paginate, plan_site
from generator.settings import load_settings
from generator.timeutil import parse_time


def t(text: str) -> datetime:
    return parse_time(text)


def article(slug: str = "a", date: str = "2026-11-20 08:00", expires: str | None = None, draft: bool = False,
            urgent: bool = False, pinned: bool = False, type_: str = "notice", title: str | None = None) -> Article:
    return Article(source=f"content/{slug}.md", src_uri=f"{slug}.md", path=Path(f"{slug}.md"), slug=slug,
                   title=title or f"标题{slug}", type=type_, date=t(date), body="", summary="",
                   expires=t(expires) if expires else None, draft=draft, urgent=urgent, pinned=pinned)


# (date, expires, as-of, expected): one second either side of each edge, and the same instants
# written in other zones (Z, +09:00, -05:00) on either side of the comparison.
STATUS_EDGES = [
    ("2026-11-26 10:00", None, "2026-11-26 09:59:59", Status.SCHEDULED),
    ("2026-11-26 10:00", None, "2026-11-26 10:00:00", Status.CURRENT),  # scheduled at exactly now: out
    ("2026-11-26 10:00", None, "2026-11-26 10:00:01", Status.CURRENT),
    ("2026-11-20", "2026-11-30 18:00", "2026-11-30 17:59:59", Status.CURRENT),
    ("2026-11-20", "2026-11-30 18:00", "2026-11-30 18:00:00", Status.EXPIRED),  # expires equal to as-of: gone
    ("2026-11-20", "2026-11-30 18:00", "2026-11-30 18:00:01", Status.EXPIRED),
    # the same moments written in UTC: 10:00 Beijing is 02:00Z
    ("2026-11-26T02:00Z", None, "2026-11-26 09:59:59", Status.SCHEDULED),
    ("2026-11-26T02:00Z", None, "2026-11-26 10:00", Status.CURRENT),
    ("2026-11-20", "2026-11-30T10:00Z", "2026-11-30 17:59:59", Status.CURRENT),
    ("2026-11-20", "2026-11-30T10:00Z", "2026-11-30 18:00", Status.EXPIRED),
    # as-of in another zone than the article
    ("2026-11-26 10:00", None, "2026-11-26T01:59:59Z", Status.SCHEDULED),
    ("2026-11-26 10:00", None, "2026-11-26T11:00+09:00", Status.CURRENT),
    ("2026-11-20", "2026-11-30 18:00", "2026-11-30T04:59:59-05:00", Status.CURRENT),
    ("2026-11-20", "2026-11-30 18:00", "2026-11-30T05:00-05:00", Status.EXPIRED),
    # a date-only expiry is that day's midnight in Beijing, not in UTC
    ("2026-11-20", "2026-12-01", "2026-11-30T15:59:59Z", Status.CURRENT),
    ("2026-11-20", "2026-12-01", "2026-11-30T16:00:00Z", Status.EXPIRED),
]


@pytest.mark.parametrize("date, expires, as_of, expected", STATUS_EDGES)
def test_status_at_the_second_and_across_zones(date: str, expires: str | None, as_of: str, expected: Status) -> None:
    assert status_at(article(date=date, expires=expires), t(as_of)) is expected


@pytest.mark.parametrize("as_of", ["2026-11-19", "2026-11-26 10:00", "2030-01-01"])
def test_a_draft_is_never_published_whatever_the_time(as_of: str) -> None:
    draft = article(draft=True, date="2026-11-20", expires="2026-11-25")
    assert status_at(draft, t(as_of)) is Status.DRAFT
    assert apply_status([draft], t(as_of)) == []


# (articles as (slug, date, urgent, pinned, expires), as-of, expected order of the current ones)
ORDER_TABLE = [
    # newest first; the same date: by title, then slug
    ([("a", "2026-11-20", False, False, None), ("b", "2026-11-22", False, False, None)], "2026-11-26", ["b", "a"]),
    ([("b", "2026-11-22 08:00", False, False, None), ("a", "2026-11-22 08:00", False, False, None)], "2026-11-26",
     ["a", "b"]),
    # urgent before pinned before newest, whatever their dates
    ([("new", "2026-11-25", False, False, None), ("pin", "2026-11-01", False, True, None),
      ("urg", "2026-10-01", True, False, None)], "2026-11-26", ["urg", "pin", "new"]),
    # two urgent: newest first; urgent and pinned at once goes before urgent alone
    ([("u1", "2026-11-20", True, False, None), ("u2", "2026-11-21", True, False, None),
      ("p", "2026-11-24", False, True, None)], "2026-11-26", ["u2", "u1", "p"]),
    ([("u1", "2026-11-20", True, True, None), ("u2", "2026-11-21", True, False, None),
      ("p", "2026-11-24", False, True, None)], "2026-11-26", ["u1", "u2", "p"]),
    # an urgent notice leaves the top the second it expires, and the list
    ([("urg", "2026-11-20", True, False, "2026-11-26 10:00"), ("n", "2026-11-21", False, False, None)],
     "2026-11-26 09:59:59", ["urg", "n"]),
    ([("urg", "2026-11-20", True, False, "2026-11-26 10:00"), ("n", "2026-11-21", False, False, None)],
     "2026-11-26 10:00", ["n"]),
    # a scheduled article is not listed until its second, then it is the newest
    ([("old", "2026-11-20", False, False, None), ("sch", "2026-11-26 10:00", False, False, None)],
     "2026-11-26 09:59:59", ["old"]),
    ([("old", "2026-11-20", False, False, None), ("sch", "2026-11-26T02:00Z", False, False, None)],
     "2026-11-26 10:00", ["sch", "old"]),
    # dates written in different zones are compared as instants: 2026-11-22 01:00+08:00 is earlier
    # than 2026-11-21T18:00Z (2026-11-22 02:00 in Beijing)
    ([("bj", "2026-11-22 01:00", False, False, None), ("utc", "2026-11-21T18:00Z", False, False, None)],
     "2026-11-26", ["utc", "bj"]),
]


@pytest.mark.parametrize("rows, as_of, expected", ORDER_TABLE)
def test_board_order(rows: list[tuple], as_of: str, expected: list[str]) -> None:
    items = [article(slug=s, date=d, urgent=u, pinned=p, expires=e, title="同题") for s, d, u, p, e in rows]
    published = apply_status(items, t(as_of))
    assert [a.slug for a in current_in_board_order(published)] == expected
    # expired items never rank as urgent or pinned anywhere they are still listed
    for a in published:
        if a.status is Status.EXPIRED:
            assert board_order(a)[:2] == (True, True)


# (items, per page, expected sizes of the pages)
PAGES_TABLE = [
    (0, 20, [0]),  # an empty section still has its first page
    (1, 20, [1]),
    (19, 20, [19]),
    (20, 20, [20]),  # exactly per_page: one page, no "next"
    (21, 20, [20, 1]),  # one more: a second page
    (40, 20, [20, 20]),
    (41, 20, [20, 20, 1]),
    (3, 1, [1, 1, 1]),
]


@pytest.mark.parametrize("count, per_page, sizes", PAGES_TABLE)
def test_pagination(count: int, per_page: int, sizes: list[int]) -> None:
    items = [article(slug=f"s{n}") for n in range(count)]
    pages = paginate("section", "notice", "通知公告", "notices/", items, per_page)
    assert [len(p.items) for p in pages] == sizes
    assert [a for p in pages for a in p.items] == items  # every item once, in order
    assert [p.url for p in pages] == ["notices/"] + [f"notices/page/{n}/" for n in range(2, len(sizes) + 1)]
    assert [p.number for p in pages] == list(range(1, len(sizes) + 1))
    assert all(p.count == len(sizes) for p in pages)
    assert pages[0].prev_url is None and pages[-1].next_url is None
    for before, after in zip(pages, pages[1:]):
        assert before.next_url == after.url and after.prev_url == before.url
    assert pages[0].title == "通知公告" and all("第" in p.title for p in pages[1:])


@pytest.mark.parametrize("count, pages_expected", [(4, 1), (5, 1), (6, 2)])
def test_section_pages_of_a_real_board(tmp_path: Path, count: int, pages_expected: int) -> None:
    """Notices through load and plan at per_page 5 (the least allowed): exactly 5 give one page, one more two."""
    per_page = 5
    project = copy_project(tmp_path / "p", with_content=False)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_page: 20", f"per_page: {per_page}"),
                      encoding="utf-8")
    for n in range(count):
        write_article(project, f"notices/2026-11-1{n}-n{n}.md",
                      f"---\ntitle: 通知{n}\ntype: notice\ndate: 2026-11-1{n}\nauthor: 居委会\n---\n\n正文。\n")
    report = Report()
    settings = load_settings(config, report)
    assert settings is not None and settings.per_page == per_page, report.messages
    plan = plan_site(load_board(settings, t("2026-11-26"), report))
    assert report.ok, report.messages
    notices = [p for p in plan.pages if p.kind == "section" and p.key == "notice"]
    assert len(notices) == pages_expected
    assert [a.title for p in notices for a in p.items] == [f"通知{n}" for n in reversed(range(count))]
    assert [len(p.items) for p in notices] == [min(count, per_page)] + ([count - per_page] if count > per_page else [])


# (file stem, front matter slug or None, expected slug or the message code)
SLUG_TABLE = [
    ("2026-11-20-冬季大扫除", None, "2026-11-20-冬季大扫除"),
    ("notice", "winter-cleanup", "winter-cleanup"),
    ("2026-11-20-x", "2026-11-20-冬季大扫除", "2026-11-20-冬季大扫除"),
    ("index", None, "index"),  # no reserved list: a slug is refused only when an output clashes (test_output.py)
    ("Tags", None, "Tags"),
    ("a", "kiosk", "kiosk"),
    ("a", "posters", "posters"),
    ("a", "nul.txt", "slug.windows_name"),  # names Windows cannot store (test_portable.py has more)
    ("a", "a:b", "slug.windows_name"),
    ("a", "a/b", "slug.bad_characters"),
    ("a", "a#b", "slug.bad_characters"),
    ("a", "50%", "slug.bad_characters"),
    ("a", "-lead", "slug.bad_characters"),
    ("_draft", None, None),  # not an article at all: a name starting with _ is never read
    ("a", "", "slug.empty"),
    ("a", "长" * 81, "field.too_long"),
    ("长" * 80 + "x", None, "slug.too_long"),  # 241 bytes of file name
]


@pytest.mark.parametrize("stem, slug, expected", SLUG_TABLE)
def test_slugs(tmp_path: Path, stem: str, slug: str | None, expected: str | None) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    front = "title: 标题\ntype: science\ndate: 2026-11-20\n" + (f"slug: \"{slug}\"\n" if slug is not None else "")
    try:
        write_article(project, f"science/{stem}.md", f"---\n{front}---\n\n正文。\n")
    except OSError:
        pytest.skip("this file system refuses the name itself")
    report = Report()
    board = load_board(load_settings(project / "mkdocs.yml", report), t("2026-11-26"), report)
    codes = [m.code for m in report.errors]
    if expected is None:
        assert board.articles == [] and codes == []
    elif "." in expected and expected.split(".")[0] in ("slug", "field"):
        assert board.articles == [] and expected in codes, report.messages
    else:
        assert codes == [], report.messages
        assert [a.slug for a in board.articles] == [expected]
        assert board.articles[0].url == f"science/{expected}/"


@pytest.mark.parametrize("first, second", [("冬季大扫除", "冬季大扫除"), ("Winter", "winter"), ("Café", "Cafe\u0301")])
def test_duplicate_slugs_are_refused_case_and_form_insensitively(tmp_path: Path, first: str, second: str) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    for n, slug in enumerate((first, second)):
        write_article(project, f"science/a{n}.md",
                      f"---\ntitle: 标题{n}\ntype: science\ndate: 2026-11-2{n}\nslug: \"{slug}\"\n---\n\n正文。\n")
    report = Report()
    board = load_board(load_settings(project / "mkdocs.yml", report), t("2026-11-26"), report)
    assert [m.code for m in report.errors] == ["slug.duplicate"]
    assert len(board.articles) == 1
