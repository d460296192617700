"""What is published where: home, sections, categories, tags and the archive, paginated.

Independent of MkDocs: a renderer turns each ListingPage into a page at `dest_uri`.
Articles are deliberately not in the navigation: a nav with every article is rendered
into every page, which makes a large board quadratic. These listings do that job.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from math import ceil

from generator import urls
from generator.lifecycle import board_order, current_in_board_order, event_over_at, newest_first
from generator.load import Board
from generator.model import CATEGORIES, TYPES, Article, Status
from generator.timeutil import beijing


@dataclass
class ListingPage:
    """One page of one list. `url` is relative to the site root (board.json form)."""

    kind: str  # home | section | category | tag | tags | archive | month | search
    key: str
    title: str
    url: str
    items: list[Article] = field(default_factory=list)
    number: int = 1
    count: int = 1
    first_url: str = ""
    prev_url: str | None = None
    next_url: str | None = None
    groups: list[tuple[str, str, int]] = field(default_factory=list)  # (label, url, count) for index pages
    home: dict[str, list[Article]] = field(default_factory=dict)  # the home page's blocks

    @property
    def dest_uri(self) -> str:
        return urls.page_file(self.url)

    @property
    def src_uri(self) -> str:
        # `_` keeps these apart from any article file: such names are never articles.
        return "_board/" + (self.url or "home/") + "index.md"


@dataclass
class SitePlan:
    board: Board
    pages: list[ListingPage]
    current: list[Article]  # board order: urgent, pinned, newest
    urgent: list[Article]
    nav: list[tuple[str, str]]  # (title, url) of the top-level sections
    tag_urls: dict[str, str]
    category_urls: dict[str, str]

    @property
    def home(self) -> ListingPage:
        return self.pages[0]


tag_url = urls.tag_url  # kept importable from here
category_url = urls.category_url


def paginate(kind: str, key: str, title: str, base_url: str, items: list[Article], per_page: int) -> list[ListingPage]:
    count = max(1, ceil(len(items) / per_page))
    page_urls = [urls.numbered_page(base_url, n) for n in range(1, count + 1)]
    pages = []
    for n in range(1, count + 1):
        pages.append(ListingPage(
            kind=kind, key=key, title=title if n == 1 else f"{title}（第 {n} 页）", url=page_urls[n - 1],
            items=items[(n - 1) * per_page: n * per_page], number=n, count=count, first_url=base_url,
            prev_url=page_urls[n - 2] if n > 1 else None, next_url=page_urls[n] if n < count else None,
        ))
    return pages


def current_then_expired(articles: list[Article]) -> list[Article]:
    """Category and tag pages: what is current first (board order), then the expired, marked."""
    current = sorted((a for a in articles if a.status is Status.CURRENT), key=board_order)
    expired = sorted((a for a in articles if a.status is Status.EXPIRED), key=newest_first)
    return current + expired


def home_blocks(current: list[Article], as_of, per_type: int) -> dict[str, list[Article]]:
    """The home page's blocks, each article in one only, in the first that fits it: urgent (the banner
    at the top of the page shows it), pinned, coming events, then the newest of each type."""
    shown: set[str] = set()

    def take(articles) -> list[Article]:
        out = [a for a in articles if a.slug not in shown]
        shown.update(a.slug for a in out)
        return out

    blocks = {"urgent": take(a for a in current if a.urgent)}
    blocks["pinned"] = take(a for a in current if a.pinned)
    upcoming = sorted((a for a in current if a.event and event_over_at(a) > as_of and a.slug not in shown),
                      key=lambda a: a.event.start)
    blocks["events"] = take(upcoming[:5])
    for type_key in TYPES:
        blocks[type_key] = take([a for a in current if a.type == type_key and a.slug not in shown][:per_type])
    return blocks


def plan_site(board: Board) -> SitePlan:
    settings = board.settings
    per_page = settings.per_page
    published = board.published
    current = current_in_board_order(published)
    urgent = [a for a in current if a.urgent]

    home = ListingPage(kind="home", key="home", title="首页", url=urls.HOME, first_url=urls.HOME)
    home.home = home_blocks(current, board.as_of, settings.home_per_type)
    pages = [home]

    nav: list[tuple[str, str]] = []
    for type_key, (label, section) in TYPES.items():  # ArticleType unpacks as (label, section)
        items = [a for a in current if a.type == type_key]
        pages += paginate("section", type_key, label, urls.section_url(section), items, per_page)
        nav.append((label, urls.section_url(section)))

    by_category: dict[str, list[Article]] = defaultdict(list)
    by_tag: dict[str, list[Article]] = defaultdict(list)
    by_month: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        if article.category:
            by_category[article.category].append(article)
        for tag in article.tags:
            by_tag[tag].append(article)
        by_month[beijing(article.date, "month")].append(article)

    category_urls = {}
    for key, label in CATEGORIES.items():
        if key in by_category:
            category_urls[key] = category_url(key)
            pages += paginate("category", key, label, category_url(key), current_then_expired(by_category[key]), per_page)

    tag_urls = {tag: tag_url(tag) for tag in by_tag}
    tags_index = ListingPage(kind="tags", key="tags", title="全部标签", url=urls.TAGS, first_url=urls.TAGS)
    tags_index.groups = [(tag, tag_urls[tag], len(items))
                         for tag, items in sorted(by_tag.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    pages.append(tags_index)
    for tag, items in sorted(by_tag.items()):
        pages += paginate("tag", tag, f"标签：{tag}", tag_urls[tag], current_then_expired(items), per_page)

    archive = ListingPage(kind="archive", key="archive", title="往期归档", url=urls.ARCHIVE, first_url=urls.ARCHIVE)
    for month in sorted(by_month, reverse=True):
        label = beijing(by_month[month][0].date, "month_cn")
        archive.groups.append((label, urls.month_url(month), len(by_month[month])))
        pages += paginate("month", month, f"{label}归档", urls.month_url(month),
                          sorted(by_month[month], key=newest_first), per_page)
    pages.append(archive)
    nav.append(("往期归档", urls.ARCHIVE))
    pages.append(ListingPage(kind="search", key="search", title="搜索", url=urls.SEARCH_PAGE, first_url=urls.SEARCH_PAGE))

    return SitePlan(board=board, pages=pages, current=current, urgent=urgent, nav=nav,
                    tag_urls=tag_urls, category_urls=category_urls)
