"""Lifecycle rules, checked on the real built sample site: HTML, board.json, feed, calendar, search, sitemap."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import icalendar
import pytest
from bs4 import BeautifulSoup

DRAFT_WORD = "未定稿"  # title of the sample draft
SCHEDULED_WORD = "迎新春"  # title of the sample scheduled notice
EXPIRED_SLUG = "2026-11-03-流感疫苗接种"
URGENT_SLUG = "2026-11-25-二期临时停水"
PINNED_SLUG = "2026-11-10-文明社区创建"


def soup(path: Path) -> BeautifulSoup:
    """The page as text reads: the <wbr> between phrases (generator/phrases.py) joins, not splits."""
    from conftest import page_soup

    return page_soup(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest(sample_site: Path) -> dict:
    return json.loads((sample_site / "board.json").read_text(encoding="utf-8"))


def resolve_link(site: Path, page: Path, ref: str) -> Path:
    """The file a link on `page` points at (404.html uses root-absolute links)."""
    ref = unquote(ref.split("#")[0])
    target = (site / ref.lstrip("/")) if ref.startswith("/") else (page.parent / ref)
    target = target.resolve()
    return target / "index.html" if target.is_dir() else target


def text_files(site: Path):
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".ics", ".txt", ".js"}:
            yield path


def test_drafts_and_scheduled_appear_nowhere(sample_site: Path, sample_project: Path) -> None:
    sources = [p for p in (sample_project / "content").rglob("*.md")]
    draft = next(p for p in sources if DRAFT_WORD in p.read_text(encoding="utf-8"))
    scheduled = next(p for p in sources if SCHEDULED_WORD in p.read_text(encoding="utf-8"))
    for hidden in (draft, scheduled):
        title_line = next(l for l in hidden.read_text(encoding="utf-8").splitlines() if l.startswith("title:"))
        title = title_line.split(":", 1)[1].strip().strip('"')
        for path in text_files(sample_site):
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".json":
                text = json.dumps(json.loads(text), ensure_ascii=False)
            assert title not in text, f"{title} leaked into {path}"
            assert hidden.stem not in unquote(text), f"{hidden.stem} leaked into {path}"
        assert not list(sample_site.rglob(f"*{hidden.stem}*"))


def test_manifest_lists_published_only_in_board_order(manifest: dict) -> None:
    articles = manifest["articles"]
    assert manifest["as_of"] == "2026-11-26T10:00:00+08:00"
    assert {a["status"] for a in articles} == {"current", "expired"}
    assert articles[0]["slug"] == URGENT_SLUG and articles[0]["urgent"]
    assert articles[1]["slug"] == PINNED_SLUG and articles[1]["pinned"]
    current = [a for a in articles if a["status"] == "current"]
    assert [a["date"] for a in current[2:]] == sorted((a["date"] for a in current[2:]), reverse=True)
    expired = [a for a in articles if a["status"] == "expired"]
    assert [a["slug"] for a in expired] == [EXPIRED_SLUG]
    assert expired[0]["poster"] is None
    for a in articles:
        assert set(a) >= {"slug", "source", "type", "title", "date", "expires", "status", "url", "poster",
                          "summary", "category", "tags", "pinned", "urgent", "event"}
        assert a["source"].startswith("content/") and a["url"].endswith(a["slug"] + "/")


def test_every_manifest_url_is_a_page(sample_site: Path, manifest: dict) -> None:
    for a in manifest["articles"]:
        page = sample_site / a["url"] / "index.html"
        assert page.is_file(), a["url"]
        assert a["title"] in soup(page).find("h1").get_text()


def test_expired_leaves_current_lists_and_stays_in_archive_marked(sample_site: Path) -> None:
    home = soup(sample_site / "index.html")
    assert EXPIRED_SLUG not in unquote(str(home))
    assert EXPIRED_SLUG not in unquote(str(soup(sample_site / "notices" / "index.html")))
    month = soup(sample_site / "archive" / "2026-11" / "index.html")
    card = next(li for li in month.select("li.board-card") if EXPIRED_SLUG in unquote(li.a["href"]))
    assert "已过期" in card.get_text()
    page = soup(sample_site / "notices" / EXPIRED_SLUG / "index.html")
    assert "已过期" in page.select_one(".board-expired-note").get_text()


def test_pinned_and_urgent_lead_the_lists(sample_site: Path) -> None:
    section = soup(sample_site / "notices" / "index.html")
    hrefs = [unquote(a["href"]) for a in section.select("li.board-card a.board-card__link")]
    assert URGENT_SLUG in hrefs[0] and PINNED_SLUG in hrefs[1]


def test_urgent_banner_on_every_page(sample_site: Path) -> None:
    # the kiosk is a full-screen display without site chrome; it shows urgent notices first (its own tests);
    # a short URL's page s/<code>/ only forwards to its article (test_short_urls.py), the copy pages under
    # wechat/ are for pasting into the official account's editor (test_wechat.py)
    pages = [p for p in sample_site.rglob("*.html")
             if not {"kiosk", "s", "wechat"} & set(p.relative_to(sample_site).parts[:1])]
    assert len(pages) > 20
    for page in pages:
        banner = soup(page).select_one(".md-banner .board-urgent")
        assert banner is not None, page
        target = resolve_link(sample_site, page, banner.a["href"])
        assert target == (sample_site / "notices" / URGENT_SLUG / "index.html").resolve(), page


def test_no_banner_once_the_urgent_notice_expires(tmp_path: Path) -> None:
    from conftest import copy_project, run_board

    project = copy_project(tmp_path / "p")
    result = run_board(project, "build", "--as-of", "2026-12-01 09:00", "--no-posters")
    assert result.returncode == 0, result.stderr
    home = soup(project / "site" / "index.html")
    assert home.select_one(".board-urgent") is None
    data = json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))
    statuses = {a["slug"]: a["status"] for a in data["articles"]}
    assert statuses[URGENT_SLUG] == "expired"


def test_article_page_shows_its_facts(sample_site: Path, manifest: dict) -> None:
    event_article = next(a for a in manifest["articles"] if a["event"] and a["expires"] and a["status"] == "current")
    page = soup(sample_site / event_article["url"] / "index.html")
    facts = page.select_one(".board-facts").get_text(" ", strip=True)
    assert "发布日期" in facts and "发布单位" in facts and "栏目" in facts
    assert "活动时间" in facts and "活动地点" in facts and event_article["event"]["location"] in facts
    assert "有效期至" in facts
    tags = [a.get_text() for a in page.select(".board-tags a")]
    assert tags == event_article["tags"]


def test_feed_has_current_articles_only(sample_site: Path, manifest: dict) -> None:
    channel = ET.parse(sample_site / "feed.xml").getroot().find("channel")
    links = [unquote(item.findtext("link")) for item in channel.findall("item")]
    current = [a for a in manifest["articles"] if a["status"] == "current"]
    assert len(links) == len(current)
    assert not any(EXPIRED_SLUG in link for link in links)
    assert all(link.startswith(manifest["site_url"]) for link in links)


def test_calendar_has_published_events_only(sample_site: Path, manifest: dict) -> None:
    calendar = icalendar.Calendar.from_ical((sample_site / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    expected = {a["title"] for a in manifest["articles"] if a["event"]}
    assert expected and {str(e["SUMMARY"]) for e in events} == expected
    for event in events:
        assert event["DTSTART"].dt.utcoffset().total_seconds() == 8 * 3600


def test_sitemap_lists_no_unpublished(sample_site: Path, manifest: dict) -> None:
    urls = [unquote(loc.text) for loc in ET.parse(sample_site / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for a in manifest["articles"]:
        assert any(u.endswith(a["url"]) for u in urls)
    assert not any(SCHEDULED_WORD in u or DRAFT_WORD in u for u in urls)


def test_chinese_urls_resolve(sample_site: Path) -> None:
    """Every internal link of every page points at a file that exists (Chinese paths percent-encoded)."""
    checked = 0
    for page in sample_site.rglob("*.html"):
        for tag in soup(page).select("a[href], img[src]"):
            ref = tag.get("href") or tag.get("src")
            if re.match(r"^(https?:|mailto:|tel:|#|javascript:)", ref) or "posters/" in ref:
                continue
            assert ref.isascii(), f"{page}: {ref} is not percent-encoded"
            target = resolve_link(sample_site, page, ref)
            assert target.exists(), f"{page}: {ref}"
            checked += 1
    assert checked > 100


def test_search_index_holds_articles_only(sample_site: Path, manifest: dict) -> None:
    """The index (search/data/, loaded only when a reader searches) has the articles' words, nothing else."""
    data = sample_site / "search" / "data"
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    rows = [row for page in sorted((data / "d").glob("*.json"), key=lambda p: int(p.stem))
            for row in json.loads(page.read_text(encoding="utf-8"))]
    assert meta["docs"] == len(rows) == len(manifest["articles"])
    assert {r[0] for r in rows} == {a["url"] for a in manifest["articles"]}
    fire = next(n for n, r in enumerate(rows) if "消防" in r[1])
    from generator.search_index import shard_of

    for bigram in ("消防", "防安", "安全", "讲座"):
        shard = json.loads((data / "s" / f"{shard_of(bigram, meta['shards'])}.json").read_text(encoding="utf-8"))
        assert fire in {entry[0] for entry in shard[bigram]}, bigram
    texts = "".join(p.read_text(encoding="utf-8") for p in (data / "t").glob("*.txt"))
    assert "紧急通知" not in texts.replace(rows[0][1], "")  # the banner repeated on every page is not indexed
    assert "往期归档" not in texts and "字号" not in texts  # nor navigation and page furniture


def test_nav_does_not_list_articles(sample_site: Path, manifest: dict) -> None:
    page = soup(sample_site / manifest["articles"][3]["url"] / "index.html")
    nav_links = {unquote(a["href"]) for a in page.select("nav.md-nav--primary a")}
    slugs = {a["slug"] for a in manifest["articles"]}
    assert not any(s in link for link in nav_links for s in slugs)


def test_kiosk_rotation_is_capped(tmp_path: Path) -> None:
    """A kiosk shows the first kiosk_items current articles (urgent, pinned, newest), not the whole board."""
    from conftest import AS_OF, copy_project, run_board

    project = copy_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("kiosk_items: 30", "kiosk_items: 3"), encoding="utf-8")
    assert run_board(project, "build", "--as-of", AS_OF, "--no-posters").returncode == 0
    page = soup(project / "site" / "kiosk" / "index.html")
    data = json.loads(page.select_one("#kiosk-data").string)
    assert [a["slug"] for a in data["articles"]] == [URGENT_SLUG, PINNED_SLUG, "2026-11-24-冬季消防安全知识讲座"]
    assert page.body["data-items"] == "3"
    # QR codes: the three on screen, and those that move up as earlier ones expire (kiosk.can_show),
    # never one for every article on the board
    qr = {path.stem for path in (project / "site" / "kiosk" / "qr").glob("*.svg")}
    assert {a["slug"] for a in data["articles"]} <= qr
    board = json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))
    assert len(qr) < len(board["articles"]), (sorted(qr), len(board["articles"]))
