"""The built sample site served by Debian's nginx with deploy/nginx/board.conf, in a real Chromium:
response headers as configured (caching, types, security headers), gzip, the Content-Security-
Policy satisfied by every page and the kiosk, the Chinese 404 page, and the law's footer."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from test_reading_browser import open_settings

from browser import LANDSCAPE, PHONE, Recorder, new_context, run_axe, screenshot
from nginx import Nginx, require_nginx

pytest_plugins = ["browser"]  # fixtures: browser, axe_js

ARTICLE = "notices/2026-11-10-文明社区创建/"  # has a table
YEAR = 365 * 24 * 3600
FINGERPRINT = re.compile(r"\.[0-9a-f]{8,}\.(?:min\.)?(?:js|css)$")

# Records every CSP violation the page reports (the listener is added before any page script runs).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def served(sample_site: Path, tmp_path_factory) -> str:
    require_nginx()
    with Nginx(sample_site, tmp_path_factory.mktemp("nginx")) as nginx:
        yield nginx.url


class Visit:
    """A browser context that keeps every response's headers and every console complaint."""

    def __init__(self, browser, viewport: dict = PHONE, **options) -> None:
        self.recorder = Recorder()
        self.context = new_context(browser, viewport, self.recorder, **options)
        self.context.add_init_script(CSP_LISTENER)
        self.responses: dict[str, object] = {}
        self.console: list[str] = []
        self.context.on("response", lambda r: self.responses.setdefault(r.url, r))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

    def open(self, url: str):
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self) -> list[str]:
        return self.page.evaluate("() => window.__cspViolations")

    def complaints(self) -> list[str]:
        """Console messages about CSP or Permissions-Policy (an unknown feature is reported there)."""
        return [m for m in self.console if re.search(r"Content Security Policy|Permissions.Policy|feature", m, re.I)]

    def close(self) -> None:
        self.context.close()


def headers(response) -> dict[str, str]:
    return response.all_headers()


def max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def csp_directives(value: str) -> dict[str, list[str]]:
    return {parts[0]: parts[1:] for parts in (d.split() for d in value.split(";")) if parts}


def assert_security_headers(url: str, h: dict[str, str]) -> None:
    csp = csp_directives(h.get("content-security-policy", ""))
    assert csp, f"{url}: no Content-Security-Policy"
    assert csp["default-src"] == ["'self'"], url
    assert csp["script-src"] == ["'self'"], f"{url}: scripts only from the site, never inline"
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in csp["script-src"], url
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], url
    assert csp["base-uri"] == ["'self'"], url
    assert h.get("x-content-type-options") == "nosniff", url
    assert h.get("x-frame-options") == "DENY", url
    assert h.get("referrer-policy") in ("strict-origin-when-cross-origin", "same-origin", "no-referrer"), url
    permissions = h.get("permissions-policy", "")
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions, f"{url}: {feature} not switched off"
    assert "server" not in h or not re.search(r"\d", h["server"]), f"{url}: server version shown ({h['server']})"


PAGES = ["", ARTICLE, "notices/", "archive/", "search/?q=" + quote("垃圾分类"), "tags/" + quote("停水") + "/"]


def test_pages_headers_gzip_and_csp(browser, served: str, sample_site: Path) -> None:
    """Every page and everything it loads: security headers; pages never cached; scripts and styles
    fingerprinted and cached a year; text compressed; and the CSP never blocks anything."""
    visit = Visit(browser)
    try:
        for path in PAGES:
            response = visit.open(served + path)
            assert response.status == 200, path
            # the reader's controls run under the policy too (font size, high contrast), behind one button
            open_settings(visit.page)
            visit.page.get_by_role("button", name="特大").click()
            visit.page.get_by_role("button", name="高对比度").first.click()
            visit.page.wait_for_timeout(100)
            assert visit.page.evaluate("document.documentElement.getAttribute('data-board-size')") == "xl", path
            assert visit.violations() == [], path
            visit.page.get_by_role("button", name="标准").click()
            visit.page.get_by_role("button", name="高对比度").first.click()
        # the search page really searched (its script and index loaded under the policy)
        visit.open(served + PAGES[4])
        visit.page.wait_for_selector(".board-result", timeout=10000)
        assert visit.violations() == [] and visit.complaints() == [], visit.complaints()
        assert visit.recorder.errors == []

        scripts_and_styles = 0
        for url, response in visit.responses.items():
            parts = urlsplit(url)
            if parts.hostname != "127.0.0.1" or response.status >= 300:
                continue
            h = headers(response)
            assert_security_headers(url, h)
            kind = response.request.resource_type
            cache = h.get("cache-control", "")
            if kind == "document" or parts.path.endswith(".json"):
                assert cache == "no-cache", f"{url}: pages and data must be checked on every use, got {cache!r}"
            if kind in ("script", "stylesheet"):
                scripts_and_styles += 1
                assert FINGERPRINT.search(parts.path), f"{url}: a script or style without a content hash in its name"
                assert "immutable" in cache and max_age(cache) >= YEAR, f"{url}: {cache!r}"
            size = int(h.get("content-length", "1000"))
            if h["content-type"].split(";")[0] in ("text/html", "text/css", "application/javascript",
                                                   "application/json", "image/svg+xml") and size > 256:
                assert h.get("content-encoding") == "gzip", f"{url}: not compressed"
                assert "accept-encoding" in h.get("vary", "").lower(), url
        assert scripts_and_styles >= 6  # material's bundle and styles, boot, palette, board, search
    finally:
        visit.close()


def test_fingerprints_are_content_hashes(sample_site: Path) -> None:
    """A fingerprinted name changes whenever the file does, so a year's caching is never stale."""
    ours = [p for p in (sample_site / "assets" / "board").iterdir()] + \
           [p for p in (sample_site / "kiosk").iterdir() if p.suffix in (".js", ".css")]
    assert {p.suffix for p in ours} == {".js", ".css"} and len(ours) >= 6
    for path in ours:
        if path.name == "sw.js":
            continue  # the kiosk's service worker keeps its name (browsers look for updates at it)
        match = re.search(r"\.([0-9a-f]{10})\.(js|css)$", path.name)
        assert match, f"{path.name} has no content hash"
        assert match.group(1) == hashlib.sha256(path.read_bytes()).hexdigest()[:10], path.name


def test_data_files_types_caching_and_compression(browser, served: str) -> None:
    """board.json, feed.xml, calendar.ics and the kiosk, opened in the browser as a resident would."""
    visit = Visit(browser)
    expected = {
        "board.json": "application/json",
        "feed.xml": ("text/xml", "application/rss+xml", "application/xml"),
        "calendar.ics": "text/calendar",
        "kiosk/": "text/html",
    }
    try:
        visit.open(served)
        for path, types in expected.items():
            # fetched by the page itself: opening calendar.ics directly makes the browser download it
            text = visit.page.evaluate("async (p) => (await fetch(p)).text()", served + path)
            response = visit.responses[served + path]
            h = headers(response)
            assert response.status == 200, path
            media, _, params = h["content-type"].partition(";")
            assert media.strip() in ((types,) if isinstance(types, str) else types), f"{path}: {h['content-type']}"
            assert "charset=utf-8" in params.replace(" ", "").lower(), f"{path}: {h['content-type']}"
            assert h.get("cache-control") == "no-cache", path
            assert h.get("content-encoding") == "gzip", path
            assert_security_headers(path, h)
            if path == "calendar.ics":
                assert text.startswith("BEGIN:VCALENDAR")  # the browser got the real file, uncompressed
    finally:
        visit.close()


def test_pictures_cached_an_hour(browser, served: str, sample_site: Path) -> None:
    visit = Visit(browser)
    try:
        picture = next(p for p in (sample_site / "notices" / "images").iterdir() if p.suffix == ".jpg")
        response = visit.page.goto(served + "notices/images/" + quote(picture.name))
        h = headers(response)
        assert h["content-type"] == "image/jpeg"
        assert 0 < max_age(h["cache-control"]) <= 24 * 3600 and "immutable" not in h["cache-control"]
    finally:
        visit.close()


@pytest.mark.parametrize("path", ["no/such/page/", "notices/2020-01-01-早就删掉的通知/", "missing.html"])
def test_404_page_in_chinese_with_a_way_home(browser, served: str, axe_js: str, path: str) -> None:
    visit = Visit(browser)
    try:
        response = visit.open(served + quote(path))
        assert response.status == 404
        h = headers(response)
        assert h["content-type"].startswith("text/html") and h.get("content-encoding") == "gzip"
        assert_security_headers(path, h)
        page = visit.page
        assert page.locator("h1").first.inner_text() == "找不到这个页面"
        assert "Not found" not in page.content()
        # styled: the stylesheets loaded (the 404 page links them from the site's root)
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
        assert visit.violations() == []
        if path == "no/such/page/":
            screenshot(page, "404-phone")
        page.get_by_role("link", name="回到首页").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path == "/"
        assert page.locator(".board-home, .board-listing, main").count() >= 1
        assert page.title() and "找不到" not in page.title()
    finally:
        visit.close()
    # axe-core is injected as an inline script, which the policy rightly refuses: check without it
    visit = Visit(browser, bypass_csp=True)
    try:
        visit.open(served + quote(path))
        assert run_axe(visit.page, axe_js) == []
    finally:
        visit.close()


@pytest.mark.parametrize("size", ["m", "xl"])
def test_footer_law_numbers_centred_and_readable(browser, served: str, size: str) -> None:
    """Every page ends with the committee and the filing numbers, centred, at every font size."""
    visit = Visit(browser)
    try:
        for path in ["", ARTICLE, "no/such/page/"]:
            visit.open(served + path)
            page = visit.page
            if size != "m" and path == "":
                open_settings(page)
                page.get_by_role("button", name="特大").click()  # remembered on the next pages
            assert (page.evaluate("document.documentElement.getAttribute('data-board-size')") or "m") == size
            footer = page.locator("footer.board-footer")
            icp = footer.locator("a[data-board-beian=icp]")
            police = footer.locator("a[data-board-beian=police]")
            assert icp.inner_text() == "浙ICP备12345678号"
            assert icp.get_attribute("href") == "https://beian.miit.gov.cn/"
            assert police.inner_text() == "浙公网安备33010602000001号"
            assert police.get_attribute("href").startswith("https://beian.mps.gov.cn/")
            assert police.get_attribute("href").endswith("33010602000001")
            assert "幸福里社区居民委员会" in footer.inner_text()
            footer.scroll_into_view_if_needed()
            width = page.viewport_size["width"]
            for link in (icp, police):
                box = link.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"{path}: runs off the screen"
            # centred: the filing line's middle is the screen's middle
            line = footer.locator(".board-footer__beian").bounding_box()
            first, last = icp.bounding_box(), police.bounding_box()
            middle = (min(first["x"], last["x"]) + max(first["x"] + first["width"], last["x"] + last["width"])) / 2
            if abs(first["y"] - last["y"]) < 2:  # on one line
                assert abs(middle - (line["x"] + line["width"] / 2)) < 4
            assert abs(line["x"] + line["width"] / 2 - width / 2) < 4
            font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.board-footer__link')).fontSize)")
            body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
            assert font >= (16 if size == "m" else 26), f"{path}: footer text {font}px at size {size}"
            assert font >= 0.85 * body, f"{path}: footer {font}px, body text {body}px"
            # not Material's empty black bar: the footer has the page's own light ground
            ground = page.evaluate("getComputedStyle(document.querySelector('footer.board-footer')).backgroundColor")
            assert ground != "rgb(0, 0, 0)", ground
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        if size == "xl":
            screenshot(visit.page, "footer-phone-xl", full_page=False)
    finally:
        visit.close()


def test_kiosk_under_the_policy(browser, served: str) -> None:
    visit = Visit(browser, LANDSCAPE)
    try:
        visit.open(served + "kiosk/")
        visit.page.wait_for_selector(".kiosk-slide")
        visit.page.wait_for_function("() => window.boardKiosk && boardKiosk.status().goodFetches >= 1")
        assert visit.page.locator(".kiosk-qr__code svg").count() == 1  # the inline QR code is drawn
        assert visit.violations() == [] and visit.complaints() == []
        assert visit.recorder.errors == []
    finally:
        visit.close()


def test_policy_is_enforced(browser, served: str) -> None:
    """The policy is really in force (so the tests above could fail): an inline script is blocked."""
    visit = Visit(browser)
    try:
        visit.open(served)
        ran = visit.page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'window.__inlineRan = true';
            document.head.appendChild(s);
            return window.__inlineRan === true;
        }""")
        assert ran is False
        visit.page.wait_for_timeout(100)
        assert any(v.startswith("script-src") for v in visit.violations())
    finally:
        visit.close()


def test_caching_and_types_agree_with_the_deploy_table(served: str, sample_site: Path) -> None:
    """Every file of the built site gets from nginx the caching (and type) that board publish gives
    it on object storage: one rule, generator/publish/files.py. Plain HEAD requests, one per file."""
    import http.client

    from generator.publish.files import cache_control, content_type

    files = sorted(p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file())
    assert 50 < len(files) < 5000
    port = urlsplit(served).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for rel in files:
            connection.request("HEAD", "/" + quote(rel))
            response = connection.getresponse()
            response.read()
            assert response.status == 200, rel
            assert response.getheader("Cache-Control") == cache_control(rel), rel
            ours = response.getheader("Content-Type").split(";")[0].strip()
            theirs = content_type(rel).split(";")[0].strip()
            same = {ours, theirs} <= {"text/javascript", "application/javascript"} or \
                {ours, theirs} <= {"text/xml", "application/xml"}
            assert ours == theirs or same, f"{rel}: nginx {ours}, deploy table {theirs}"
        # directory addresses are pages too
        for rel in ("", "notices/", "kiosk/", "search/"):
            connection.request("HEAD", "/" + rel)
            response = connection.getresponse()
            response.read()
            assert response.getheader("Cache-Control") == "no-cache", rel
    finally:
        connection.close()
