"""A kiosk that survives the night, in a real Chromium through nginx (deploy/nginx/board.conf) on
127.0.0.1 (service workers are allowed on localhost over http): loaded once, restarted with the
server gone it shows its slides and pictures from the service worker's copy, drops an item at its
expiry by its own clock, says "内容更新于…" when board.json is over an hour old, and keeps quiet
hours (kiosk_hours) with only a dim clock and the duty phone, an urgent notice excepted."""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from browser import LANDSCAPE, PORTRAIT, Recorder, new_context, screenshot
from conftest import AS_OF as AS_OF_TEXT, copy_project, run_board
from generator.publish.files import content_hash
from nginx import Nginx, require_nginx
from test_web_settings import set_options

pytest_plugins = ["browser"]  # fixture: browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
URGENT = "2026-11-25-二期临时停水"  # expires 2026-11-30 18:00
URGENT_EXPIRES = datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
HOURS = "06:30-22:00"


@pytest.fixture(scope="module")
def kiosk_site(tmp_path_factory) -> Path:
    """The sample content with quiet hours set, built at the reference time."""
    require_nginx()
    project = copy_project(tmp_path_factory.mktemp("kiosk-night"))
    set_options(project, kiosk_hours=HOURS)
    result = run_board(project, "build", "--as-of", AS_OF_TEXT, "--no-posters")
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def manifest(kiosk_site: Path) -> dict:
    return json.loads((kiosk_site / "board.json").read_text(encoding="utf-8"))


@pytest.fixture
def nginx(kiosk_site: Path, tmp_path: Path):
    server = Nginx(kiosk_site, tmp_path / "nginx").start()
    yield server
    server.stop()


class Screen:
    """A kiosk browser context with service workers allowed and the screen's clock under test control."""

    def __init__(self, browser, url: str, at: datetime, viewport: dict = LANDSCAPE) -> None:
        self.recorder = Recorder()
        self.context = new_context(browser, viewport, self.recorder, service_workers="allow")
        self.page = self.context.new_page()
        self.page.clock.install(time=at)
        self.url = url + "kiosk/"
        self.page.goto(self.url)
        self.settle()

    def status(self) -> dict:
        return self.page.evaluate("() => boardKiosk.status()")

    def settle(self) -> dict:
        self.page.wait_for_function("() => window.boardKiosk && boardKiosk.status().fetches >= 1")
        self.page.wait_for_function(
            "() => { const s = boardKiosk.status(); return s.goodFetches + s.badFetches >= s.fetches; }", polling=50)
        return self.status()

    def caches(self) -> dict[str, list[str]]:
        """Every cache of the kiosk's origin: name -> the URLs in it, percent-decoded."""
        found = self.page.evaluate("""async () => {
            const all = {};
            for (const name of await caches.keys()) {
                all[name] = (await (await caches.open(name)).keys()).map(r => decodeURI(r.url));
            }
            return all;
        }""")
        return found

    def wait_installed(self) -> None:
        """Until a service worker controls the page. It takes over only once its install has put every
        file it keeps into its cache (sw.js), so from then on the screen survives a restart offline."""
        self.page.wait_for_function("""() => { const c = navigator.serviceWorker.controller;
            return Boolean(c && c.state === 'activated'); }""", timeout=30000, polling=100)

    def go_to(self, slug: str) -> None:
        for _ in range(40):
            if self.status()["current"] == slug:
                return
            self.page.locator("[data-action=next]").click()
        raise AssertionError(f"{slug} never came on screen")

    def close(self) -> None:
        self.context.close()


def current_slugs(manifest: dict, at: datetime) -> list[str]:
    """What should be on rotation at `at`: current, not expired by then, urgent then pinned first."""
    items = [a for a in manifest["articles"] if a["status"] == "current"
             and not (a["expires"] and datetime.fromisoformat(a["expires"]) <= at)]
    order = sorted(range(len(items)), key=lambda i: (0 if items[i]["urgent"] else 1 if items[i]["pinned"] else 2, i))
    return [items[i]["slug"] for i in order]


def pictures(manifest: dict, site: str) -> set[str]:
    """The URLs (decoded) of every picture the kiosk may show from this board.json: covers and QR codes."""
    urls = set()
    for article in manifest["articles"]:
        if article["status"] == "current":
            urls.add(f"{site}kiosk/qr/{article['slug']}.svg")
            if article.get("cover"):
                urls.add(site + article["cover"])
    return urls


def kept(screen: Screen) -> set[str]:
    """What the one cache of the installed worker holds."""
    found = screen.caches()
    assert len(found) == 1 and next(iter(found)).startswith("board-kiosk-"), found  # one build, one cache
    return set(next(iter(found.values())))


def every_slide(page) -> dict[str, dict]:
    """Step through the rotation once (paused, so it does not move by itself), waiting on each slide
    until its pictures have loaded or failed: slug -> its cover and QR code, and each picture's
    naturalWidth (a picture that fails to load is removed by the page). One call into the page."""
    page.locator("[data-action=pause]").click()
    return page.evaluate("""async () => {
        const seen = {};
        for (const _ of boardKiosk.status().order) {
            const slide = document.querySelector('.kiosk-slide');
            const pictures = [...slide.querySelectorAll('img')];
            await Promise.all(pictures.map(img => img.complete ? null : new Promise(done => {
                img.addEventListener('load', done); img.addEventListener('error', done); })));
            seen[slide.dataset.slug] = {cover: Boolean(slide.querySelector('.kiosk-cover img')),
                qr: Boolean(slide.querySelector('.kiosk-qr svg, .kiosk-qr img')),
                widths: pictures.map(img => img.isConnected ? img.naturalWidth : 0)};
            document.querySelector('[data-action=next]').click();
        }
        return seen;
    }""")


def test_restart_without_network_shows_the_last_content(browser, nginx, manifest) -> None:
    screen = Screen(browser, nginx.url, AS_OF)
    try:
        page = screen.page
        assert screen.status()["goodFetches"] >= 1
        site = nginx.url
        screen.wait_installed()
        kiosk_files = [p.name for p in (nginx.site / "kiosk").iterdir() if p.suffix in (".js", ".css") and p.name != "sw.js"]
        need = {site + "kiosk/", site + "board.json"} | {site + "kiosk/" + n for n in kiosk_files} | pictures(manifest, site)
        assert any(u.endswith(".jpg") for u in need), "the sample has current articles with pictures"
        assert need <= kept(screen), need - kept(screen)

        nginx.stop()  # the network is down: the server cannot be reached at all
        page.reload()
        page.wait_for_selector(".kiosk-slide")
        status = screen.settle()
        assert status["controlled"], "the page came from the service worker"
        assert status["offlineFetches"] >= 1 and status["goodFetches"] == 0  # board.json from the copy
        expected = current_slugs(manifest, AS_OF)
        assert status["order"] == expected and status["current"] == URGENT
        assert page.locator(".kiosk-slide__title").inner_text() == manifest["articles"][0]["title"]
        # styled (kiosk.css came from the copy too), and every slide whole, its pictures loaded
        assert page.evaluate("getComputedStyle(document.querySelector('.kiosk-top')).display") == "flex"
        covers = {a["slug"]: bool(a.get("cover")) for a in manifest["articles"]}
        assert sum(covers[slug] for slug in expected) >= 2
        slides = every_slide(page)
        assert list(slides) == expected
        for slug, slide in slides.items():
            assert slide["cover"] == covers[slug] and slide["qr"], (slug, slide)
            assert all(width > 0 for width in slide["widths"]), (slug, slide)
        assert page.locator("#kiosk-stale").is_hidden()  # fetched from the server less than an hour ago
        screen.go_to(next(slug for slug in expected if covers[slug]))
        page.wait_for_function("() => document.querySelector('.kiosk-cover img').naturalWidth > 0")
        screenshot(page, "kiosk-offline-restart", animations="disabled")
        page.locator("[data-action=pause]").click()  # carry on

        # two hours on, still no network: the screen says how old its content is
        page.clock.fast_forward("02:00:00")
        page.wait_for_function("() => !document.getElementById('kiosk-stale').hidden", timeout=5000)
        assert page.locator("#kiosk-stale").inner_text() == "内容更新于 11月26日 10:00"

        # at the urgent notice's expiry it leaves the screen by the screen's own clock
        now = page.evaluate("Date.now()")
        page.clock.fast_forward(int(URGENT_EXPIRES.timestamp() * 1000 - now) + 1000)
        page.wait_for_function(f"() => !boardKiosk.status().order.includes({json.dumps(URGENT)})", timeout=5000)
        status = screen.status()
        assert status["order"] == current_slugs(manifest, URGENT_EXPIRES + timedelta(seconds=1))
        assert URGENT not in page.locator("#kiosk-stage").inner_text()
        assert page.locator("#kiosk-alert").is_hidden()
        assert screen.recorder.errors == []
    finally:
        screen.close()


def new_build_without(site: Path, slug: str) -> None:
    """Make `site` what the next build serves once `slug` has left the board: board.json without it, and
    the service worker's list (sw.js, written by generator/kiosk.py) without its pictures, under a new build id."""
    board = json.loads((site / "board.json").read_text(encoding="utf-8"))
    gone = next(a for a in board["articles"] if a["slug"] == slug)
    board["articles"].remove(gone)
    (site / "board.json").write_text(json.dumps(board, ensure_ascii=False), encoding="utf-8")
    sw = (site / "kiosk" / "sw.js").read_text(encoding="utf-8")
    listed = re.search(r"^\}\)\((\{.*\})\);$", sw, re.M)
    precache = json.loads(listed.group(1))
    for path in (f"kiosk/qr/{slug}.svg", gone["cover"]):
        del precache[path]
    sw = sw.replace(listed.group(1), json.dumps(precache, ensure_ascii=False))
    sw, changed = re.subn(r'var BUILD = "(\w+)";', r'var BUILD = "\1next";', sw)
    assert changed == 1
    (site / "kiosk" / "sw.js").write_text(sw, encoding="utf-8")


def test_a_new_build_drops_the_pictures_of_articles_gone_from_the_board(browser, kiosk_site, manifest, tmp_path) -> None:
    """The cache stays bounded: once a build without an article is online, the screen takes its worker
    (within one re-read of board.json) and the article's cover and QR code leave the cache."""
    site = tmp_path / "site"
    shutil.copytree(kiosk_site, site)
    server = Nginx(site, tmp_path / "nginx").start()
    screen = Screen(browser, server.url, AS_OF)
    try:
        page = screen.page
        screen.wait_installed()
        gone = next(a for a in manifest["articles"] if a["status"] == "current" and a.get("cover") and not a["urgent"])
        before = kept(screen)
        assert {server.url + gone["cover"], f"{server.url}kiosk/qr/{gone['slug']}.svg"} <= before

        new_build_without(site, gone["slug"])
        page.clock.fast_forward("00:05:01")  # the next re-read of board.json finds the new build
        page.wait_for_function("() => boardKiosk.status().goodFetches >= 2", timeout=10000)
        deadline = time.monotonic() + 30
        while True:  # bounded: the new worker installs and takes over within 30 s
            found = screen.caches()
            if len(found) == 1 and next(iter(found)).endswith("next"):
                break
            assert time.monotonic() < deadline, found
            page.wait_for_timeout(200)
        after = kept(screen)
        left = {a["slug"]: a for a in manifest["articles"] if a["slug"] != gone["slug"]}
        assert pictures({"articles": list(left.values())}, server.url) <= after
        assert not {u for u in after if gone["slug"] in u or u == server.url + gone["cover"]}, after
        assert len(after) < len(before)
    finally:
        screen.close()
        server.stop()


def test_fresh_content_shows_no_stale_line(browser, nginx) -> None:
    """With the server up, two hours later board.json has been re-read: no "内容更新于" line."""
    screen = Screen(browser, nginx.url, AS_OF)
    try:
        page = screen.page
        page.clock.fast_forward("02:00:00")
        page.wait_for_function("() => boardKiosk.status().goodFetches >= 2", timeout=10000)
        page.clock.run_for(1000)
        assert page.locator("#kiosk-stale").is_hidden()
        assert screen.status()["freshAt"] >= AS_OF.timestamp() * 1000 + 2 * 3600 * 1000
    finally:
        screen.close()


def test_stale_line_after_an_hour_without_the_server(browser, nginx) -> None:
    """The server stops while the screen runs (no restart): an hour later the line appears, not before."""
    screen = Screen(browser, nginx.url, AS_OF)
    try:
        page = screen.page
        nginx.stop()
        page.clock.fast_forward("00:50:00")
        page.clock.run_for(1000)
        assert page.locator("#kiosk-stale").is_hidden()
        page.clock.fast_forward("00:15:00")
        page.wait_for_function("() => !document.getElementById('kiosk-stale').hidden", timeout=5000)
        assert page.locator("#kiosk-stale").inner_text().startswith("内容更新于 11月26日 10:0")
        assert screen.status()["order"]  # the slides stay
    finally:
        screen.close()


def test_stale_line_counts_from_the_last_fetch_not_from_generated_at(browser, kiosk_site, tmp_path) -> None:
    """board publish does not upload a board.json that differs only in its generated_at stamp
    (publish/files.py), so the board.json online may carry a stamp days old while its content is
    current. The kiosk dates its content by when it last fetched board.json from the server."""
    site = tmp_path / "site"
    shutil.copytree(kiosk_site, site)
    board = site / "board.json"
    built = board.read_bytes()
    for days in (3, 30):
        stamp = (AS_OF - timedelta(days=days)).isoformat()
        old = re.sub(rb'"generated_at":\s*"[^"]*"', f'"generated_at": "{stamp}"'.encode(), built, count=1)
        assert old != built and json.loads(old)["generated_at"] == stamp
        # what publish compares: the same file, so a publish keeps the old stamp online
        assert content_hash("board.json", old) == content_hash("board.json", built)
        board.write_bytes(old)
        server = Nginx(site, tmp_path / f"nginx-{days}").start()
        screen = Screen(browser, server.url, AS_OF)
        try:
            page = screen.page
            page.clock.run_for(2000)
            assert screen.status()["goodFetches"] >= 1
            assert page.locator("#kiosk-stale").is_hidden()  # just fetched: fresh, whatever the stamp says
            page.clock.fast_forward("02:00:00")  # the server is up: board.json is re-read, still fresh
            page.wait_for_function("() => boardKiosk.status().goodFetches >= 2", timeout=10000)
            page.clock.run_for(1000)
            assert page.locator("#kiosk-stale").is_hidden()
            fetched = screen.status()["freshAt"]
            server.stop()  # now the link breaks: an hour after the last fetch the line appears
            page.clock.fast_forward("01:05:00")
            page.wait_for_function("() => !document.getElementById('kiosk-stale').hidden", timeout=5000)
            at = datetime.fromtimestamp(fetched / 1000, SHANGHAI)
            assert page.locator("#kiosk-stale").inner_text() == f"内容更新于 {at.month}月{at.day}日 {at:%H:%M}"
            assert at.date() == AS_OF.date() and at.hour == 12  # the fetch two hours on, not the stamp
        finally:
            screen.close()
            server.stop()


@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_quiet_hours(browser, nginx, manifest, viewport) -> None:
    # 23:00 with an urgent notice current: only the urgent notice shows
    screen = Screen(browser, nginx.url, datetime(2026, 11, 26, 23, 0, tzinfo=SHANGHAI), viewport)
    try:
        page = screen.page
        status = screen.status()
        assert status["quiet"] and status["order"] == [URGENT]
        assert page.locator(".kiosk-slide").get_attribute("data-slug") == URGENT
        assert page.locator("#kiosk-quiet").is_hidden()
    finally:
        screen.close()

    # 23:00 after the urgent notice expired: a dim clock and the duty phone, nothing else
    screen = Screen(browser, nginx.url, datetime(2026, 12, 1, 23, 0, tzinfo=SHANGHAI), viewport)
    try:
        page = screen.page
        assert screen.status()["quiet"] and screen.status()["order"] == []
        quiet = page.locator("#kiosk-quiet")
        assert quiet.is_visible()
        assert page.locator("#kiosk-quiet-time").inner_text() == "23:00"
        assert "0571-86001234" in quiet.inner_text()
        for hidden in (".kiosk-top", "#kiosk-stage", ".kiosk-bar"):
            assert page.locator(hidden).is_hidden(), hidden
        colours = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
            getComputedStyle(document.getElementById('kiosk-quiet-time')).color]""")
        assert colours[0] == "rgb(0, 0, 0)"
        grey = [int(v) for v in colours[1][colours[1].index("(") + 1:-1].split(",")[:3]]
        assert max(grey) <= 170 and min(grey) >= 100, colours  # dim, but readable
        screenshot(page, f"kiosk-quiet-{'landscape' if viewport is LANDSCAPE else 'portrait'}")
        # the clock keeps time in quiet hours
        page.clock.fast_forward("00:05:00")
        page.wait_for_function("() => document.getElementById('kiosk-quiet-time').textContent === '23:05'")
    finally:
        screen.close()

    # 06:29 is still quiet; at 06:30 the rotation comes back by itself
    screen = Screen(browser, nginx.url, datetime(2026, 12, 1, 6, 29, tzinfo=SHANGHAI), viewport)
    try:
        page = screen.page
        assert screen.status()["quiet"]
        page.clock.fast_forward("00:01:30")
        page.wait_for_function("() => !boardKiosk.status().quiet", timeout=5000)
        at = datetime(2026, 12, 1, 6, 30, 30, tzinfo=SHANGHAI)
        assert screen.status()["order"] == current_slugs(manifest, at)
        assert page.locator("#kiosk-quiet").is_hidden() and page.locator(".kiosk-slide").count() == 1
        assert page.locator(".kiosk-top").is_visible()
    finally:
        screen.close()
