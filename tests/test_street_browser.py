"""The street portal (site/index.html of a street project) in a real Chromium, on a phone:
axe-core finds nothing serious, nothing scrolls sideways, every link is big enough to tap and
leads into a community's site, and nothing is fetched from outside the site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from browser import PHONE, Recorder, new_context, no_horizontal_scroll, run_axe, screenshot, serve
from conftest import AS_OF, STREET_IDS, copy_street, run_board

pytest_plugins = ["browser"]  # fixtures: browser, axe_js
SMALL = 44  # px: the smallest tap target for the portal's own links (its text links are whole lines)


@pytest.fixture(scope="module")
def street_url(tmp_path_factory):
    root = copy_street(tmp_path_factory.mktemp("street") / "heping")
    result = run_board(root, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    with serve(root / "site") as url:
        yield url, root / "site"


def test_portal_on_a_phone(browser, axe_js, street_url) -> None:
    url, site = street_url
    recorder = Recorder()
    context = new_context(browser, PHONE, recorder)
    try:
        page = context.new_page()
        page.goto(url)
        assert run_axe(page, axe_js) == []
        width, inner = no_horizontal_scroll(page)
        assert width <= inner
        links = page.evaluate("""() => [...document.querySelectorAll('main a[href]')].map(a => {
            const r = a.getBoundingClientRect(); return {href: a.getAttribute('href'), h: r.height, w: r.width}; })""")
        assert {l["href"] for l in links if l["href"].count("/") == 1} == {f"{c}/" for c in STREET_IDS}
        for link in links:
            assert (site / unquote(link["href"]) / "index.html").is_file(), link
        for link in page.locator(".community h3 a, .places a").all():
            box = link.bounding_box()
            assert box["height"] >= SMALL - 0.5, link.inner_text()
        screenshot(page, "street-portal-phone", full_page=True)
        page.locator("#community-xingfuli h3 a").click()
        page.wait_for_load_state()
        assert page.url == urljoin(url, "xingfuli/")
        assert "幸福里社区" in page.title()
        assert recorder.outside() == [] and recorder.errors == []
    finally:
        context.close()
