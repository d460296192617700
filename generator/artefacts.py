"""Files a build writes beside the pages: feeds, the kiosk page and posters (renderer-independent)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from generator.feeds import write_feeds
from generator.incremental import cache_kind
from generator.kiosk import write_kiosk
from generator.messages import Report
from generator.output.writer import SiteWriter
from generator.plan import SitePlan
from generator.search_index import SearchDoc, write_search_index
from generator.shorturls import write_short_urls
from generator.share_step import link_path
from generator.wechat import write_wechat


def write_artefacts(plan: SitePlan, writer: SiteWriter, search_docs: list[SearchDoc], *, posters: bool,
                    report: Report, progress: Callable[[str], None] | None = None,
                    bodies_done: Callable[[], None] | None = None, copies_written: bool = False) -> None:
    """Write board.json, feed.xml, calendar.ics, the kiosk, the short URLs, the article copies (write_copies,
    unless copies_written) and the search index. bodies_done is called once nothing more reads an article's
    body, HTML or products: the search index, last, is a build's largest transient."""
    board = plan.board
    write_feeds(plan, writer, posters)
    write_kiosk(plan, writer)
    write_short_urls(plan, writer)
    if not copies_written:
        write_copies(plan, writer, posters=posters, report=report, progress=progress)
    if bodies_done is not None:
        bodies_done()
    # Each article's postings are kept (by its text); the index is merged from them each build.
    write_search_index(search_docs, writer, board.cache, cache_kind(board, "postings"))
    if board.cache is not None:
        for name in ("search", "wechat"):  # "search": the whole index, as older builds kept it
            board.cache.prune(cache_kind(board, name))


def write_copies(plan: SitePlan, writer: SiteWriter, *, posters: bool, report: Report,
                 progress: Callable[[str], None] | None = None) -> None:
    """What reads each article's body, HTML and products: the WeChat copy pages and (unless switched off) the
    posters and share pictures."""
    write_wechat(plan, writer, link_path)
    if posters:
        from generator.poster_step import write_posters  # imported late: Typst is only needed here

        write_posters(plan, writer, report, progress)
        from generator.share_step import write_shares

        write_shares(plan, writer, report)


def stderr_progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
