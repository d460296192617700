"""Decide, from the build's as-of time, what is draft, scheduled, current or expired, and in what order."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from generator.model import Article, Status


def status_at(article: Article, as_of: datetime) -> Status:
    if article.draft:
        return Status.DRAFT
    if article.date > as_of:
        return Status.SCHEDULED
    if article.expires is not None and article.expires <= as_of:
        return Status.EXPIRED
    return Status.CURRENT


def apply_status(articles: Iterable[Article], as_of: datetime) -> list[Article]:
    """Set every article's status; return the published ones (current and expired), newest first."""
    published: list[Article] = []
    for article in articles:
        article.status = status_at(article, as_of)
        if article.status.published:
            published.append(article)
    return sorted(published, key=newest_first)


def newest_first(article: Article) -> tuple:
    return (-article.date.timestamp(), article.title, article.slug)


def board_order(article: Article) -> tuple:
    """Urgent current notices, then pinned, then newest: the order of every list of current items."""
    current = article.status is Status.CURRENT
    return (not (current and article.urgent), not (current and article.pinned), *newest_first(article))


def current_in_board_order(articles: Iterable[Article]) -> list[Article]:
    return sorted((a for a in articles if a.status is Status.CURRENT), key=board_order)
