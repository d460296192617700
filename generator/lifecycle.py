"""The moment-in-time rules, in one place: what is draft, scheduled, current or expired at a given
time, in what order current items are shown, and the moments after which the board changes by itself.

Table-tested in tests/test_lifecycle.py; `board next` and `board watch` read the moments from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Iterable

from generator.messages import Report
from generator.model import Article, Status
from generator.timeutil import SHANGHAI, has_time

# A notice about an activity that has no `expires` stays current through the day after the
# activity's last day (residents may still look it up, e.g. for a follow-up), then expires at
# 0:00: a 12月5日 activity's notice leaves the home page, kiosk and print pack at 12月7日 0:00.
EVENT_GRACE_DAYS = 1


def event_over_at(article: Article) -> datetime | None:
    """When the article's activity is over: its end (or start); a date without a time means that whole day."""
    if article.event is None:
        return None
    end = article.event.end or article.event.start
    if has_time(end):
        return end
    local = end.astimezone(SHANGHAI)
    return datetime.combine(local.date() + timedelta(days=1), time(0), SHANGHAI)


def implied_expiry(article: Article) -> datetime | None:
    """Issue 11's rule: a notice with an `event` and no `expires` expires EVENT_GRACE_DAYS after the activity's last day."""
    if article.type != "notice" or article.expires is not None or article.event is None:
        return None
    over = event_over_at(article)
    last_day = (over - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    return datetime.combine(last_day + timedelta(days=1 + EVENT_GRACE_DAYS), time(0), SHANGHAI)


def effective_expiry(article: Article) -> datetime | None:
    """The moment the article stops being current: its `expires`, or the implied one."""
    return article.expires if article.expires is not None else implied_expiry(article)


def status_at(article: Article, as_of: datetime) -> Status:
    if article.draft:
        return Status.DRAFT
    if article.date > as_of:
        return Status.SCHEDULED
    expires = effective_expiry(article)
    if expires is not None and expires <= as_of:
        return Status.EXPIRED
    return Status.CURRENT


def apply_status(articles: Iterable[Article], as_of: datetime) -> list[Article]:
    """Set every article's status; return the published ones (current and expired), newest first.

    An implied expiry is written into `expires`, so that every output (page, board.json and the
    kiosk that drops items by its own clock) sees the same moment.
    """
    published: list[Article] = []
    for article in articles:
        article.expires = effective_expiry(article)
        article.status = status_at(article, as_of)
        if article.status.published:
            published.append(article)
    return sorted(published, key=newest_first)


def hold_unapproved(articles: Iterable[Article], published: list[Article], report: Report) -> list[Article]:
    """With `review` on, an article nobody approved (`approved_by`) is not published: it waits as a draft."""
    held: set[int] = set()
    for article in articles:
        if article.status.published and not article.approved_by:
            article.status = Status.DRAFT
            held.add(id(article))
            report.warning(article.source, 1, "这篇文章还没有审核通过（mkdocs.yml 里打开了发布前审核 review），所以不会发布。"
                           "请审核人在工作台（board serve 的 /_desk/）里审核后发布；审核通过后文件里会写上 approved_by。",
                           code="review.not_approved")
    return [a for a in published if id(a) not in held]


def newest_first(article: Article) -> tuple:
    return (-article.date.timestamp(), article.title, article.slug)


def board_order(article: Article) -> tuple:
    """Urgent current notices, then pinned, then newest: the order of every list of current items."""
    current = article.status is Status.CURRENT
    return (not (current and article.urgent), not (current and article.pinned), *newest_first(article))


def current_in_board_order(articles: Iterable[Article]) -> list[Article]:
    return sorted((a for a in articles if a.status is Status.CURRENT), key=board_order)


# -- the moments the board changes by itself --------------------------------------------------

APPEARS, EXPIRES, EVENT_ENDS = "appears", "expires", "event_ends"
MOMENT_LABELS = {APPEARS: "定时发布", EXPIRES: "到期撤下", EVENT_ENDS: "活动结束"}


@dataclass(frozen=True)
class Moment:
    """One change the board makes without anyone editing a file."""

    at: datetime
    kind: str  # APPEARS | EXPIRES | EVENT_ENDS
    article: Article

    @property
    def label(self) -> str:
        return MOMENT_LABELS[self.kind]


def next_moments(articles: Iterable[Article], after: datetime) -> list[Moment]:
    """Every moment strictly after `after` when an article appears, expires, or its activity ends
    while it is shown (the home page lists coming activities), earliest first; drafts never change."""
    moments: list[Moment] = []
    for article in articles:
        if article.draft:
            continue
        expires = effective_expiry(article)
        if article.date > after:
            moments.append(Moment(article.date, APPEARS, article))
        if expires is not None and expires > after and expires > article.date:
            moments.append(Moment(expires, EXPIRES, article))
        over = event_over_at(article)
        shown_then = over is not None and article.date <= over and (expires is None or over < expires)
        if shown_then and over > after:
            moments.append(Moment(over, EVENT_ENDS, article))
    return sorted(moments, key=lambda m: (m.at, m.kind, m.article.slug))
