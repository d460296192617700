"""Refresh the README's screenshots (docs-img/site-*.png, docs-img/kiosk-*.png).

Builds the sample site at a fixed moment into a temporary folder, serves it on 127.0.0.1 and takes
each page type as a resident sees it on a 390x844 phone, plus the kiosk; PNGs are reduced to a
palette so the README stays light. Needs the test extras (Playwright) and Debian's Chromium:

    .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import functools
import http.server
import io
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs-img"
AS_OF = "2026-11-26 10:00"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}

# name -> (path, font size, viewport, what to do before the shot)
SHOTS = {
    "site-home": ("", "m", PHONE, None),
    "site-article": ("notices/2026-11-24-冬季消防安全知识讲座/", "m", PHONE, None),
    "site-article-largest": ("notices/2026-11-24-冬季消防安全知识讲座/", "xl", PHONE, None),
    "site-settings-open": ("stories/2026-11-12-退休教师的四点半课堂/", "l", PHONE, "settings"),
    "site-table": ("notices/2026-11-10-文明社区创建/", "m", PHONE, "table"),
    "site-section": ("stories/", "m", PHONE, None),
    "site-archive": ("archive/", "m", PHONE, None),
    "site-search": ("search/?q=" + quote("消防"), "m", PHONE, "search"),
    "site-404": ("404.html", "m", PHONE, None),
    "kiosk-portrait": ("kiosk/", "m", {"width": 1080, "height": 1920}, "kiosk"),
    "kiosk-landscape": ("kiosk/", "m", {"width": 1920, "height": 1080}, "kiosk"),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def build(project: Path) -> Path:
    site = Path(tempfile.mkdtemp(prefix="board-shots-"))
    subprocess.run([sys.executable, "-m", "generator", "build", "--as-of", AS_OF, "--no-posters",
                    "--site-dir", str(site)], cwd=project, check=True)
    return site


def small_png(data: bytes, width: int) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    out = io.BytesIO()
    image.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    from playwright.sync_api import sync_playwright

    site = build(ROOT)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    OUT.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--headless"])
            for name, (path, size, viewport, action) in SHOTS.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                              device_scale_factor=1, service_workers="block")
                context.route("**/*", lambda r: r.fallback() if "127.0.0.1" in r.request.url else r.abort())
                page = context.new_page()
                if action == "kiosk":
                    page.clock.install(time="2026-11-26T10:00:00+08:00")
                if size != "m":  # the reader's stored choice, as board.js keeps it
                    page.goto(base)
                    page.evaluate(f"() => __md_set('__board_size', '{size}')")
                page.goto(base + quote(path, safe="/?=%"))
                page.emulate_media(reduced_motion="reduce")
                if action == "settings":
                    page.locator(".board-access__toggle").click()
                elif action == "table":
                    page.locator(".board-body table").first.scroll_into_view_if_needed()
                    page.evaluate("() => scrollBy(0, -80)")
                elif action == "search":
                    page.locator(".board-result").first.wait_for()
                page.wait_for_timeout(300)
                data = page.screenshot()
                (OUT / f"{name}.png").write_bytes(small_png(data, 390 if viewport is PHONE else 540))
                print(f"docs-img/{name}.png")
                context.close()
            browser.close()
    finally:
        server.shutdown()
        import shutil

        shutil.rmtree(site, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
