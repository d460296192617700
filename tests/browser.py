"""Real-browser test helpers: the built sample site over http on 127.0.0.1, Debian's Chromium driven
by Playwright, axe-core injected from the npm package, and the screenshot folder.

Needs (see README, "Browser tests"): `pip install -e '.[test]'` (Playwright for Python, no
`playwright install`: Playwright drives the system Chromium), `apt-get install chromium
fonts-noto-cjk`, and `npm install axe-core@4` somewhere, named by AXE_CORE_JS if not found below.
Set BOARD_SKIP_BROWSER=1 to skip these tests on a machine without a browser; CI never sets it.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("BOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_CANDIDATES = [
    ROOT / "node_modules/axe-core/axe.min.js",
    Path.home() / ".cache/board-axe/node_modules/axe-core/axe.min.js",
    Path("/work/.cache/axe/node_modules/axe-core/axe.min.js"),
]

PHONE = {"width": 390, "height": 844}
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
VIEWPORTS = {"phone": PHONE, "portrait": PORTRAIT, "landscape": LANDSCAPE}


def require_browser() -> None:
    """Fail (not skip) when the browser tools are missing, unless BOARD_SKIP_BROWSER=1."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright for Python is not installed: pip install -e '.[test]'"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set BOARD_CHROMIUM)"
    if problem:
        if os.environ.get("BOARD_SKIP_BROWSER") == "1":
            pytest.skip(problem)
        pytest.fail(problem + "  (BOARD_SKIP_BROWSER=1 skips the browser tests)")


def axe_source() -> str:
    """axe-core's axe.min.js, from AXE_CORE_JS or the usual install folders."""
    candidates = ([Path(os.environ["AXE_CORE_JS"])] if os.environ.get("AXE_CORE_JS") else []) + AXE_CANDIDATES
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    message = ("axe-core not found: npm install --prefix ~/.cache/board-axe axe-core@4 "
               "(or set AXE_CORE_JS to axe.min.js)")
    if os.environ.get("BOARD_SKIP_BROWSER") == "1":
        pytest.skip(message)
    pytest.fail(message)


# -- the site over http ------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # a browser leaving a page mid-download is normal


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# -- pages ---------------------------------------------------------------------------------------
@dataclass
class Recorder:
    """Every request a browser context made, and any pop-up or dialog it tried to open."""

    requests: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests that did not go to the site on 127.0.0.1 (data: and blob: stay in the page)."""
        bad = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.scheme not in ("http", "https") or parts.hostname != "127.0.0.1":
                bad.append(url)
        return bad


def new_context(browser, viewport: dict, recorder: Recorder, *, touch: bool = True, **options):
    """A fresh context (empty storage) at `viewport`, recording requests; anything outside is refused.
    `options` go to Playwright's new_context (e.g. service_workers="allow", bypass_csp=True)."""
    settings = {"viewport": viewport, "has_touch": touch, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
                "device_scale_factor": 1, "service_workers": "block", **options}
    context = browser.new_context(**settings)
    context.on("request", lambda request: recorder.requests.append(request.url))

    def refuse_outside(route):
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.fallback()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", refuse_outside)

    def on_page(page):
        page.on("popup", lambda popup: recorder.popups.append(popup.url))
        page.on("dialog", lambda dialog: (recorder.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: recorder.errors.append(str(error)))

    context.on("page", on_page)
    return context


def run_axe(page, axe_js: str) -> list[str]:
    """axe-core on the page as it is now: its violations of impact serious or critical, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_js)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 300))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str, **options) -> Path:
    """tests/screenshots/<name>.png, for people to look at (not compared by the tests)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    return path


def no_horizontal_scroll(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


# -- fixtures (imported by the browser test modules) -----------------------------------------------
@pytest.fixture(scope="session")
def site_url(sample_site: Path) -> Iterator[str]:
    require_browser()
    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's launch() gives Chromium a new, empty temporary profile (user data dir) every time.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_js() -> str:
    require_browser()
    return axe_source()

