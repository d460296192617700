"""The standards the outputs claim: RSS 2.0 (feed.xml), RFC 5545 (calendar.ics), and one Beijing time
for every date whatever offset the front matter gave, on the page, the poster and the kiosk alike.

Validators: feedparser (the feed readers' parser) with its bozo check, plus an RSS 2.0 schema
(tests/schemas/rss-2.0.xsd, checked by xmlschema) because no maintained RSS validator is on PyPI.
The calendar is read by icalendar's parser with its error list, and the RFC 5545 rules that neither
icalendar nor the other Python parsers (ical, vobject) enforce (they accept a missing DTSTAMP and a
TZID without VTIMEZONE) are checked by `rfc5545_problems` below; each rule has a failing case.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import icalendar
import pypdf
import pytest
import xmlschema

from conftest import copy_project, run_board, write_article
from generator.timeutil import SHANGHAI, beijing, event_span, parse_time

RSS_SCHEMA = Path(__file__).parent / "schemas" / "rss-2.0.xsd"
ROOT = Path(__file__).resolve().parent.parent


# -- the one formatter -----------------------------------------------------------------------------
@pytest.mark.parametrize("written, auto, day", [
    ("2026-11-20T20:00Z", "2026年11月21日 04:00", "2026-11-21"),        # UTC evening: next morning in Beijing
    ("2026-11-20 20:00", "2026年11月20日 20:00", "2026-11-20"),          # no offset: Beijing already
    ("2026-12-31T16:00:00Z", "2027年1月1日", "2027-01-01"),              # midnight in Beijing: no clock shown
    ("2026-11-20T09:30-05:00", "2026年11月20日 22:30", "2026-11-20"),
    ("2026-11-21T06:15+09:00", "2026年11月21日 05:15", "2026-11-21"),
    ("2026-03-01", "2026年3月1日", "2026-03-01"),
])
def test_one_formatter_writes_beijing_time_for_any_offset(written: str, auto: str, day: str) -> None:
    moment = parse_time(written)
    assert beijing(moment) == auto
    assert beijing(moment, "day") == day
    local = moment.astimezone(SHANGHAI)
    assert beijing(moment, "iso") == local.isoformat() and beijing(moment, "iso").endswith("+08:00")
    assert beijing(moment, "rfc822").endswith("+0800")


def test_a_naive_time_is_beijing_time_never_the_machines() -> None:
    assert beijing(datetime(2026, 11, 20, 8, 30)) == "2026年11月20日 08:30"


@pytest.mark.parametrize("start, end, text", [
    ("2026-11-28T23:30Z", "2026-11-29T03:00Z", "2026年11月29日（星期日）07:30—11:00"),
    ("2026-11-29", None, "2026年11月29日（星期日）"),
    ("2026-11-29", "2026-11-30", "2026年11月29日（星期日） 至 2026年11月30日（星期一）"),
    ("2026-11-29 18:00", "2026-11-30 09:00", "2026年11月29日（星期日）18:00 至 2026年11月30日（星期一）09:00"),
])
def test_event_span(start: str, end: str | None, text: str) -> None:
    assert event_span(parse_time(start), parse_time(end) if end else None) == text


DATE_FORMATTING = re.compile(r"strftime|\.isoformat\(|format_datetime|:%[YmdHM]|cn_date|\}年\{|\+ *\"年\"|getUTC\w+\(")
# The kiosk's clock shows the screen's own current time: the one date the build cannot write.
CLOCK_LINES = ("function shanghai(ms)", "return { y: d.getUTCFullYear()", "min: d.getUTCMinutes()",
               'getElementById("kiosk-date")')


def test_no_output_formats_a_date_by_itself() -> None:
    """Every date an output shows goes through timeutil.beijing: no strftime, isoformat, RFC 822
    formatter or hand-made 年月日 anywhere else in the package or its templates."""
    offenders = []
    for path in sorted([*ROOT.glob("generator/**/*.py"), *ROOT.glob("templates/**/*.html"),
                        *ROOT.glob("templates/**/*.js"), *ROOT.glob("templates/**/*.typ")]):
        if path.name == "timeutil.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DATE_FORMATTING.search(line) and not any(c in line for c in CLOCK_LINES):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
    assert DATE_FORMATTING.search('f"{when:%Y-%m-%d}"') and DATE_FORMATTING.search("value.isoformat()")


# -- a board whose times are written in UTC ----------------------------------------------------------
UTC_NOTICE = """---
title: 关于楼道消防通道清理的通知
type: notice
date: 2026-11-20T20:00Z
expires: 2026-12-10T16:00Z
author: 幸福里社区居民委员会
event:
  start: 2026-11-28T23:30Z
  end: 2026-11-29T03:00Z
  location: 幸福里社区各楼栋
---

各位居民朋友：

本周日上午集中清理楼道杂物，请提前搬走个人物品。
"""
DATE_TEXT = "2026年11月21日 04:00"  # 20:00 UTC is 04:00 the next morning in Beijing
DAY_TEXT = "2026年11月21日"
EVENT_TEXT = "2026年11月29日（星期日）07:30—11:00"
EXPIRES_TEXT = "2026年12月11日"  # 16:00 UTC is midnight in Beijing


@pytest.fixture(scope="module")
def utc_site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("utc"), with_content=False)
    write_article(project, "notices/2026-11-20-消防通道.md", UTC_NOTICE)
    result = run_board(project, "build", "--as-of", "2026-11-26 10:00")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_page_poster_and_kiosk_show_the_same_beijing_time(utc_site: Path) -> None:
    manifest = json.loads((utc_site / "board.json").read_text(encoding="utf-8"))
    (entry,) = manifest["articles"]

    from conftest import page_soup

    page = page_soup((utc_site / entry["url"] / "index.html").read_text(encoding="utf-8"))
    facts = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
             for dt in page.select(".board-facts dt")}
    assert facts["发布日期"] == DATE_TEXT
    assert facts["活动时间"] == EVENT_TEXT
    assert facts["有效期至"] == EXPIRES_TEXT
    assert page.select_one(".board-facts time")["datetime"] == "2026-11-21T04:00:00+08:00"
    assert DAY_TEXT in page.select_one(".board-signature").get_text()

    poster = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(utc_site / entry["poster"]).pages))
    assert DAY_TEXT in poster and "2026年11月20日" not in poster
    assert re.sub(r"\s+", "", EVENT_TEXT) in poster

    # the kiosk shows what board.json carries, written by the same formatter
    assert entry["display"] == {"date": DATE_TEXT, "expires": EXPIRES_TEXT, "event": EVENT_TEXT}
    kiosk = (utc_site / "kiosk" / "index.html").read_text(encoding="utf-8")
    embedded = json.loads(re.search(r'id="kiosk-data">(.*?)</script>', kiosk, re.S).group(1))
    assert embedded["articles"][0]["display"] == entry["display"]

    home = page_soup((utc_site / "index.html").read_text(encoding="utf-8"))
    card = home.select_one(".board-card")
    assert card.select_one("time").get_text() == DAY_TEXT
    assert EVENT_TEXT in card.select_one(".board-card__event").get_text()


def test_feed_is_valid_rss_with_beijing_dates(utc_site: Path) -> None:
    data = (utc_site / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    (item,) = parsed.entries
    assert item.author == "幸福里社区居民委员会"  # from dc:creator
    assert item.published == "Sat, 21 Nov 2026 04:00:00 +0800"
    assert datetime(*item.published_parsed[:6], tzinfo=timezone.utc) == datetime(2026, 11, 20, 20, 0, tzinfo=timezone.utc)
    assert rss_problems(data) == []


# -- RSS 2.0 ------------------------------------------------------------------------------------------
def rss_problems(data: bytes) -> list[str]:
    schema = xmlschema.XMLSchema11(str(RSS_SCHEMA))
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(data.decode("utf-8"))]


def test_sample_feed_is_valid_rss(sample_site: Path) -> None:
    data = (sample_site / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.version == "rss20" and parsed.entries
    assert rss_problems(data) == []
    manifest = json.loads((sample_site / "board.json").read_text(encoding="utf-8"))
    authors = {a["title"]: a["author"] for a in manifest["articles"]}
    assert b"<author>" not in data
    assert [e.get("author") for e in parsed.entries] == [authors[e.title] for e in parsed.entries]


@pytest.mark.parametrize("right, wrong", [
    ("<dc:creator>幸福里社区居民委员会</dc:creator>", "<author>幸福里社区居民委员会</author>"),  # a name in <author>
    ("<pubDate>Sat, 21 Nov 2026 04:00:00 +0800</pubDate>", "<pubDate>2026-11-21T04:00:00+08:00</pubDate>"),
    ("<title>幸福里社区公告栏</title>", ""),  # a channel without its title
    ('version="2.0"', 'version="0.91"'),
])
def test_the_rss_check_can_fail(utc_site: Path, right: str, wrong: str) -> None:
    data = (utc_site / "feed.xml").read_bytes()
    assert right.encode() in data
    assert rss_problems(data.replace(right.encode(), wrong.encode(), 1))


# -- RFC 5545 -----------------------------------------------------------------------------------------
def rfc5545_problems(data: bytes) -> list[str]:
    """What RFC 5545 requires of our calendar beyond parsing: CRLF lines of at most 75 octets
    (3.1), VERSION and PRODID (3.6), UID and DTSTAMP in UTC on every VEVENT (3.6.1, 3.8.7.2),
    a VTIMEZONE for every TZID used (3.2.19), DTEND after DTSTART (3.8.2.2)."""
    problems = []
    lines = data.split(b"\r\n")
    if lines[-1] != b"" or b"\n" in b"".join(lines):
        problems.append("lines must end in CRLF")
    problems += [f"line longer than 75 octets: {line[:30]!r}" for line in lines if len(line) > 75]
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        problems += [f"{component.name} {name}: {error}" for name, error in component.errors]
    for key in ("VERSION", "PRODID"):
        if key not in calendar:
            problems.append(f"VCALENDAR without {key}")
    tzids = {tz["TZID"] for tz in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for key in ("UID", "DTSTAMP", "DTSTART"):
            if key not in event:
                problems.append(f"VEVENT without {key}")
        if "DTSTAMP" in event and b"DTSTAMP:" not in data.replace(b"\r\n ", b"") or \
                "DTSTAMP" in event and event["DTSTAMP"].dt.utcoffset() != timedelta(0):
            problems.append("DTSTAMP not in UTC")
        for key in ("DTSTART", "DTEND"):
            if key in event and "TZID" in event[key].params and event[key].params["TZID"] not in tzids:
                problems.append(f"{key} TZID={event[key].params['TZID']} has no VTIMEZONE")
        if "DTEND" in event and "DTSTART" in event and event["DTEND"].dt <= event["DTSTART"].dt:
            problems.append("DTEND not after DTSTART")
    return problems


def test_calendar_is_valid_rfc5545_with_a_vtimezone(utc_site: Path) -> None:
    data = (utc_site / "calendar.ics").read_bytes()
    assert rfc5545_problems(data) == []
    calendar = icalendar.Calendar.from_ical(data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Shanghai"
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    # what a phone's calendar computes from the VTIMEZONE: the moment the staff wrote, in UTC
    start = zone.to_tz().localize(event["DTSTART"].dt.replace(tzinfo=None)) if hasattr(zone.to_tz(), "localize") \
        else event["DTSTART"].dt.replace(tzinfo=None).replace(tzinfo=zone.to_tz())
    assert start.astimezone(timezone.utc) == datetime(2026, 11, 28, 23, 30, tzinfo=timezone.utc)
    assert event["DTEND"].dt.astimezone(timezone.utc) == datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)


def test_sample_calendar_is_valid_rfc5545(sample_site: Path) -> None:
    data = (sample_site / "calendar.ics").read_bytes()
    assert rfc5545_problems(data) == []
    assert icalendar.Calendar.from_ical(data).walk("VEVENT")


@pytest.mark.parametrize("breaks", ["vtimezone", "dtstamp", "dtstamp_local", "uid", "lf", "dtend"])
def test_the_calendar_check_can_fail(utc_site: Path, breaks: str) -> None:
    data = (utc_site / "calendar.ics").read_bytes()
    if breaks == "vtimezone":
        broken = re.sub(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", b"", data, flags=re.S)
    elif breaks == "dtstamp":
        broken = re.sub(rb"DTSTAMP:[^\r]*\r\n", b"", data)
    elif breaks == "dtstamp_local":
        broken = re.sub(rb"DTSTAMP:(\w+)Z", rb"DTSTAMP;TZID=Asia/Shanghai:\1", data)
    elif breaks == "uid":
        broken = re.sub(rb"UID:[^\r]*\r\n( [^\r]*\r\n)*", b"", data)
    elif breaks == "lf":
        broken = data.replace(b"\r\n", b"\n")
    else:
        broken = re.sub(rb"DTEND;TZID=Asia/Shanghai:\d{8}T\d{6}", b"DTEND;TZID=Asia/Shanghai:20261101T000000", data)
    assert broken != data
    assert rfc5545_problems(broken)


# -- one table for each fact ---------------------------------------------------------------------------
def _lines(*patterns: str):
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                yield path.relative_to(ROOT).as_posix(), number, line


def test_each_fact_has_one_table() -> None:
    """The types, the file suffixes, the QR maker and the board.json wrapper each live in one place:
    a second list of them anywhere in the package or its templates fails here."""
    labels = ("通知公告", "道德模范", "科普知识", "法治宣传")
    keys = ('"notice"', '"story"', '"science"', '"law"')
    suffixes = ('".jpg"', '".png"', '".webp"', '".pdf"', '".docx"')
    found: dict[str, list[str]] = {"types": [], "suffixes": [], "qr": [], "manifest": []}
    for path, number, line in _lines("generator/**/*.py", "templates/overrides/**/*.html", "templates/kiosk/*",
                                     "templates/posters/*.typ"):
        where = f"{path}:{number}"
        if sum(label in line for label in labels) >= 2 or sum(key in line for key in keys) >= 2 \
                or (path.endswith(".typ") and any(f'"{label}"' in line for label in labels)):
            found["types"].append(where)
        if sum(suffix in line for suffix in suffixes) >= 2:
            found["suffixes"].append(where)
        if "segno.make" in line:
            found["qr"].append(where)
        if '"generated_at"' in line:
            found["manifest"].append(where)
    assert {w.split(":")[0] for w in found["types"]} <= {"generator/model.py"}, found["types"]
    assert {w.split(":")[0] for w in found["suffixes"]} == {"generator/model.py"}, found["suffixes"]
    assert [w.split(":")[0] for w in found["qr"]] == ["generator/qr.py"], found["qr"]
    assert [w.split(":")[0] for w in found["manifest"]] == ["generator/feeds.py"], found["manifest"]
