"""The moment-in-time rules (generator/lifecycle.py), table-tested at every edge, and `board next`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import run_board, write_article
from generator.lifecycle import (APPEARS, EVENT_ENDS, EXPIRES, event_over_at, implied_expiry, next_moments,
                                 status_at)
from generator.load import load_board
from generator.messages import Report
from generator.model import Article, Event, Status
from generator.settings import load_settings
from generator.timeutil import parse_time


def t(text: str) -> datetime:
    return parse_time(text)


def article(type_: str = "notice", date: str = "2026-11-20", expires: str | None = None, draft: bool = False,
            event: tuple[str, str | None] | None = None, slug: str = "a") -> Article:
    return Article(source=f"content/{slug}.md", src_uri=f"{slug}.md", path=Path(f"{slug}.md"), slug=slug,
                   title=f"标题{slug}", type=type_, date=t(date), body="", summary="",
                   expires=t(expires) if expires else None, draft=draft,
                   event=Event(t(event[0]), t(event[1]) if event[1] else None) if event else None)


# (article, as-of, expected status)
STATUS_TABLE = [
    (article(draft=True), "2026-11-26", Status.DRAFT),
    (article(draft=True, date="2027-01-01"), "2026-11-26", Status.DRAFT),
    (article(date="2026-11-26 10:00"), "2026-11-26 09:59", Status.SCHEDULED),
    (article(date="2026-11-26 10:00"), "2026-11-26 10:00", Status.CURRENT),  # exactly at date: out
    (article(expires="2026-11-30 18:00"), "2026-11-30 17:59", Status.CURRENT),
    (article(expires="2026-11-30 18:00"), "2026-11-30 18:00", Status.EXPIRED),  # exactly at expiry: gone
    (article(), "2030-01-01", Status.CURRENT),  # no expires, no event: current for ever
    # issue 11: a notice whose activity is over and that has no expires
    (article(event=("2026-12-05 09:00", "2026-12-05 11:00")), "2026-12-05 12:00", Status.CURRENT),
    (article(event=("2026-12-05 09:00", "2026-12-05 11:00")), "2026-12-06 23:59", Status.CURRENT),
    (article(event=("2026-12-05 09:00", "2026-12-05 11:00")), "2026-12-07 00:00", Status.EXPIRED),
    (article(event=("2026-12-05", None)), "2026-12-06 23:59", Status.CURRENT),  # a whole-day activity
    (article(event=("2026-12-05", None)), "2026-12-07 00:00", Status.EXPIRED),
    (article(event=("2026-12-05 09:00", "2026-12-07")), "2026-12-08 23:00", Status.CURRENT),  # ends on the 7th
    (article(event=("2026-12-05 09:00", "2026-12-07")), "2026-12-09 00:00", Status.EXPIRED),
    (article(event=("2026-12-05 20:00", "2026-12-06 00:30")), "2026-12-07 23:59", Status.CURRENT),
    (article(event=("2026-12-05 20:00", "2026-12-06 00:30")), "2026-12-08 00:00", Status.EXPIRED),
    # an expires written by staff always wins, earlier or later
    (article(expires="2026-12-20", event=("2026-12-05", None)), "2026-12-10", Status.CURRENT),
    (article(expires="2026-12-01", event=("2026-12-05", None)), "2026-12-01", Status.EXPIRED),
    # only notices: a story or science article about an activity stays on the board
    (article(type_="story", event=("2026-12-05", None)), "2027-06-01", Status.CURRENT),
    (article(type_="science", event=("2026-12-05", None)), "2027-06-01", Status.CURRENT),
]


@pytest.mark.parametrize("item, as_of, expected", STATUS_TABLE)
def test_status_at(item: Article, as_of: str, expected: Status) -> None:
    assert status_at(item, t(as_of)) is expected


def test_event_over_and_implied_expiry() -> None:
    assert event_over_at(article()) is None
    assert event_over_at(article(event=("2026-12-05 09:00", None))) == t("2026-12-05 09:00")
    assert event_over_at(article(event=("2026-12-05", None))) == t("2026-12-06 00:00")
    assert implied_expiry(article(event=("2026-12-05 09:00", "2026-12-05 11:00"))) == t("2026-12-07 00:00")
    assert implied_expiry(article(expires="2026-12-31", event=("2026-12-05", None))) is None
    assert implied_expiry(article(type_="law", event=("2026-12-05", None))) is None


def test_next_moments_table() -> None:
    scheduled = article(date="2026-12-01 08:00", expires="2026-12-03 18:00", slug="s")
    activity = article(event=("2026-11-29 08:30", "2026-11-29 11:00"), slug="e")
    draft = article(date="2026-12-01", draft=True, slug="d")
    forever = article(slug="f")
    gone = article(expires="2026-11-22", slug="g")
    moments = next_moments([scheduled, activity, draft, forever, gone], t("2026-11-26 10:00"))
    assert [(m.at, m.kind, m.article.slug) for m in moments] == [
        (t("2026-11-29 11:00"), EVENT_ENDS, "e"),
        (t("2026-12-01 00:00"), EXPIRES, "e"),  # the implied expiry of issue 11
        (t("2026-12-01 08:00"), APPEARS, "s"),
        (t("2026-12-03 18:00"), EXPIRES, "s"),
    ]
    # strictly after: a moment equal to the as-of time has already happened
    later = next_moments([scheduled], t("2026-12-01 08:00"))
    assert [(m.at, m.kind) for m in later] == [(t("2026-12-03 18:00"), EXPIRES)]
    # an activity ending after the notice expired changes nothing on the board
    short = article(expires="2026-11-28", event=("2026-11-29", None), slug="x")
    assert [m.kind for m in next_moments([short], t("2026-11-26"))] == [EXPIRES]


NOTICE = """---
title: {title}
type: notice
date: {date}
author: 幸福里社区居民委员会
{extra}---

各位居民：正文。
"""


def load(project: Path, as_of: str):
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    return load_board(settings, t(as_of), report), report


def test_urgent_without_expires_warns_on_its_line(project: Path) -> None:
    write_article(project, "notices/停电.md", NOTICE.format(title="紧急停电", date="2026-11-25", extra="urgent: true\n"))
    write_article(project, "notices/停水.md", NOTICE.format(title="紧急停水", date="2026-11-25",
                                                           extra="urgent: true\nexpires: 2026-11-30 18:00\n"))
    write_article(project, "notices/活动.md", NOTICE.format(
        title="紧急活动", date="2026-11-25", extra="urgent: true\nevent:\n  start: 2026-12-05 09:00\n"))
    write_article(project, "notices/普通.md", NOTICE.format(title="普通", date="2026-11-25", extra=""))
    _board, report = load(project, "2026-11-26 10:00")
    found = [(m.path, m.line) for m in report.warnings if m.code == "notice.urgent_no_expires"]
    assert found == [("content/notices/停电.md", 6)], report.messages
    assert report.ok


def test_ended_activity_leaves_the_built_site(project: Path) -> None:
    """Issue 11's rule on the real artefacts: board.json carries the implied expiry; two days on it is expired."""
    import json

    write_article(project, "notices/2026-11-20-讲座.md", NOTICE.format(
        title="消防讲座", date="2026-11-20", extra="event:\n  start: 2026-11-27 09:00\n  end: 2026-11-27 11:00\n"))
    for as_of, status in (("2026-11-28 20:00", "current"), ("2026-11-29 00:00", "expired")):
        result = run_board(project, "build", "--as-of", as_of, "--no-posters")
        assert result.returncode == 0, result.stderr
        manifest = json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))
        entry = next(a for a in manifest["articles"] if a["title"] == "消防讲座")
        assert entry["status"] == status
        assert entry["expires"] == "2026-11-29T00:00:00+08:00"


def test_board_next_lists_the_moments_in_chinese(project: Path) -> None:
    write_article(project, "notices/2026-12-01-新通知.md", NOTICE.format(
        title="十二月新通知", date="2026-12-01 08:00", extra="expires: 2026-12-03 18:00\n"))
    write_article(project, "notices/2026-11-20-大扫除.md", NOTICE.format(
        title="大扫除", date="2026-11-20", extra="event: {start: 2026-11-29 08:30, end: 2026-11-29 11:00}\n"))
    write_article(project, "notices/草稿.md", NOTICE.format(title="草稿通知", date="2026-12-02", extra="draft: true\n"))
    first = run_board(project, "next", "--as-of", "2026-11-26 10:00")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[1:] == [
        "2026-11-29 11:00（周日） 活动结束（从首页“近期活动”撤下）：《大扫除》 content/notices/2026-11-20-大扫除.md",
        "2026-12-01 00:00（周二） 到期撤下：《大扫除》 content/notices/2026-11-20-大扫除.md",
        "2026-12-01 08:00（周二） 定时发布：《十二月新通知》 content/notices/2026-12-01-新通知.md",
        "2026-12-03 18:00（周四） 到期撤下：《十二月新通知》 content/notices/2026-12-01-新通知.md",
    ]
    assert run_board(project, "next", "--as-of", "2026-11-26 10:00").stdout == first.stdout  # reproducible
    after = run_board(project, "next", "--as-of", "2026-12-01 08:00")
    assert [l.split("：《")[1].split("》")[0] for l in after.stdout.splitlines()[1:]] == ["十二月新通知"]
    none = run_board(project, "next", "--as-of", "2027-01-01")
    assert none.returncode == 0 and "不会自动变化" in none.stdout
