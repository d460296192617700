"""The kiosk screen in Chromium shows a UTC front matter time as the same Beijing time as the page and
the poster (tests/test_standards.py builds that board and checks the page and the poster)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from test_standards import DATE_TEXT, EVENT_TEXT, EXPIRES_TEXT, utc_site  # noqa: F401 (utc_site is a fixture)

from generator.timeutil import SHANGHAI

pytest_plugins = ["browser"]  # the browser fixture (Chromium through Playwright)


def test_kiosk_screen_shows_the_same_beijing_time(utc_site: Path, browser) -> None:
    from browser import PORTRAIT, Recorder, new_context, serve

    with serve(utc_site) as url:
        context = new_context(browser, PORTRAIT, Recorder())
        try:
            # the screen's own zone is not Beijing's: what it shows must not depend on it
            page = context.new_page()
            page.clock.install(time=datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
            page.goto(url + "kiosk/")
            page.wait_for_selector(".kiosk-facts")
            facts = page.locator(".kiosk-facts").inner_text()
        finally:
            context.close()
    assert f"发布日期\n{DATE_TEXT}" in facts
    assert f"活动时间\n{EVENT_TEXT}" in facts
    assert f"有效期至\n{EXPIRES_TEXT}" in facts
