"""Machine-readable outputs: board.json (kiosk and outside checks), feed.xml, calendar.ics."""

from __future__ import annotations

import json
import re
from datetime import timedelta, timezone
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import icalendar

from generator import urls
from generator.model import TYPES, Article, Status
from generator.output import claims
from generator.output.writer import SiteWriter
from generator.phrases import fixed_names, kiosk_breaks
from generator.plan import SitePlan
from generator.timeutil import beijing, event_span, iso, now_shanghai, to_beijing

FEED_ITEMS = 50
DC = "http://purl.org/dc/elements/1.1/"  # RSS 2.0's <author> must be an e-mail address; a name goes in dc:creator
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """Text with the characters XML 1.0 forbids (pasted control characters) removed."""
    return _NOT_XML.sub("", value)


def event_json(article: Article) -> dict | None:
    if article.event is None:
        return None
    event = article.event
    return {"start": iso(event.start), "end": iso(event.end) if event.end else None, "location": event.location}


def article_json(article: Article) -> dict:
    return {
        "slug": article.slug,
        "source": article.source,
        "type": article.type,
        "title": article.title,
        "date": iso(article.date),
        "expires": iso(article.expires) if article.expires else None,
        "status": article.status.value,
        "url": article.url,
        "short_url": article.short_url,
        "poster": article.poster_path,
        "share": urls.share_path(article.slug) if article.has_share else None,
        "summary": article.summary,
        "category": article.category,
        "tags": list(article.tags),
        "pinned": article.pinned,
        "urgent": article.urgent,
        "event": event_json(article),
        "author": article.author,
        "cover": article.cover,
        # as residents read them, from the one formatter the site and posters use (the kiosk shows these)
        "display": {
            "date": beijing(article.date),
            "expires": beijing(article.expires) if article.expires else None,
            "event": event_span(article.event.start, article.event.end) if article.event else None,
        },
    }


def manifest(plan: SitePlan, articles: list[Article], posters: bool) -> dict:
    """The board.json form, for board.json itself and the kiosk's embedded first set."""
    board = plan.board
    keep = fixed_names(board.settings)
    entries = []
    for article in articles:
        entry = article_json(article)
        if not posters:  # share pictures are drawn by Typst with the posters, and switched off with them
            entry["poster"] = entry["share"] = None
        if article.status is Status.CURRENT:  # where the kiosk's lines may break (generator/phrases.py)
            entry["breaks"] = kiosk_breaks(entry, keep)
        if board.settings.street is not None:  # a community of a street project (output contract)
            entry["from_street"] = article.from_street
        entries.append(entry)
    return {
        "generated_at": iso(now_shanghai()),
        "as_of": iso(board.as_of),
        "site_url": board.settings.site_url,
        "community": board.settings.community,
        "articles": entries,
    }


def board_json(plan: SitePlan, posters: bool) -> dict:
    """The manifest: every published article, current ones in board order first, then expired."""
    expired = [a for a in plan.board.published if a.status is Status.EXPIRED]
    return manifest(plan, plan.current + expired, posters)


def feed_xml(plan: SitePlan) -> bytes:
    """RSS 2.0 of the current articles, newest first."""
    settings = plan.board.settings
    base = settings.site_url or ""
    ET.register_namespace("dc", DC)
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = settings.site_name
    ET.SubElement(channel, "link").text = base or "./"
    labels = [t.label for t in TYPES.values()]
    ET.SubElement(channel, "description").text = f"{settings.community}的{'、'.join(labels[:-1])}和{labels[-1]}"
    ET.SubElement(channel, "language").text = "zh-CN"
    ET.SubElement(channel, "lastBuildDate").text = beijing(plan.board.as_of, "rfc822")
    newest = sorted(plan.current, key=lambda a: a.date, reverse=True)[:FEED_ITEMS]
    for article in newest:
        item = ET.SubElement(channel, "item")
        link = settings.full_url(article.url) or quote(article.url)
        ET.SubElement(item, "title").text = xml_text(article.title)
        ET.SubElement(item, "link").text = link
        ET.SubElement(item, "guid", isPermaLink="true" if settings.site_url else "false").text = link
        ET.SubElement(item, "description").text = xml_text(article.summary)
        ET.SubElement(item, "category").text = xml_text(article.type_label)
        ET.SubElement(item, "pubDate").text = beijing(article.date, "rfc822")
        if article.author:
            ET.SubElement(item, f"{{{DC}}}creator").text = xml_text(article.author)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="utf-8")


def calendar_ics(plan: SitePlan) -> bytes:
    """iCalendar of every published article with an event (expired ones too: past events stay on record)."""
    settings = plan.board.settings
    cal = icalendar.Calendar()
    cal.add("prodid", "-//board//幸福里社区公告栏//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", settings.site_name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    host = (settings.site_url or "board.local").split("//")[-1].strip("/").split("/")[0]
    for article in plan.board.published:
        if article.event is None:
            continue
        event = icalendar.Event()
        event.add("uid", f"{article.slug}@{host}")
        event.add("summary", article.title)
        event.add("dtstart", to_beijing(article.event.start))
        event.add("dtend", to_beijing(article.event.end or article.event.start + timedelta(hours=1)))
        event.add("dtstamp", article.date.astimezone(timezone.utc))  # RFC 5545: DTSTAMP is always UTC
        if article.event.location:
            event.add("location", article.event.location)
        event.add("description", article.summary)
        link = settings.full_url(article.url)
        if link:
            event.add("url", link)
        cal.add_component(event)
    cal.add_missing_timezones()  # the VTIMEZONE for every TZID used (RFC 5545 3.2.19), from the tz database
    return cal.to_ical()


def write_feeds(plan: SitePlan, writer: SiteWriter, posters: bool) -> None:
    writer.write_text(urls.BOARD_JSON, json.dumps(board_json(plan, posters), ensure_ascii=False, indent=2),
                      claims.MANIFEST)
    writer.write_bytes(urls.FEED, feed_xml(plan), claims.FEED)
    writer.write_bytes(urls.CALENDAR, calendar_ics(plan), claims.CALENDAR)
