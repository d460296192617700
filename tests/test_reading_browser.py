"""Elder-friendly reading on the public site, in a real Chromium (工信部《互联网网站适老化通用设计规范》):
font-size switch, high contrast, read-aloud, sizes, touch targets, no horizontal scrolling,
axe-core, and nothing fetched from outside the site."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from browser import LANDSCAPE, PHONE, VIEWPORTS, Recorder, new_context, no_horizontal_scroll, run_axe, screenshot

pytest_plugins = ["browser"]  # fixtures: site_url, browser, axe_js (one browser for both browser test files)

ARTICLE = "notices/2026-11-24-冬季消防安全知识讲座/"
OTHER_ARTICLE = "science/2026-11-08-老年人防跌倒/"
SECTION = "notices/"
PAGES = {
    "home": "",
    "article": ARTICLE,
    "story": "stories/2026-11-12-退休教师的四点半课堂/",
    "expired": "notices/2026-11-03-流感疫苗接种/",
    "section": SECTION,
    "category": "category/safety/",
    "tags": "tags/",
    "archive": "archive/",
}
SIZES = {"m": "标准", "l": "大", "xl": "特大"}

# Interactive elements that are not big enough to tap: links inside running text are exempt
# (WCAG 2.5.8's inline exception), and so is what is hidden or off screen.
SMALL_TARGETS = """(min) => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, label[for], summary')) {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    if (el.closest('.board-body, .board-lead, .board-empty, .md-skip')) continue;
    if (el.matches('input.md-toggle, input.md-option')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= innerWidth) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""

BODY_TEXT = """() => {
  const p = document.querySelector('.board-body p') || document.querySelector('.md-content .md-typeset p');
  const cs = getComputedStyle(p);
  return {size: parseFloat(cs.fontSize), line: parseFloat(cs.lineHeight) / parseFloat(cs.fontSize)};
}"""


@pytest.fixture
def open_page(browser, site_url):
    contexts = []

    def open_(path: str, viewport: dict = PHONE, *, recorder: Recorder | None = None, speech: bool = False):
        recorder = recorder or Recorder()
        context = new_context(browser, viewport, recorder)
        contexts.append((context, recorder))
        page = context.new_page()
        if speech:  # record what would be spoken: headless Chromium has no voices or sound
            page.add_init_script("""
                window.__spoken = []; window.__cancelled = 0;
                speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate});
                const cancel = speechSynthesis.cancel.bind(speechSynthesis);
                speechSynthesis.cancel = () => { window.__cancelled += 1; cancel(); };
            """)
        page.goto(site_url + quote(path))
        return page

    yield open_
    for context, recorder in contexts:
        assert recorder.outside() == [], f"requests outside the site: {recorder.outside()}"
        assert recorder.errors == [], f"script errors: {recorder.errors}"
        assert recorder.popups == [] and recorder.dialogs == [], "no pop-ups"
        context.close()


def body_text(page) -> dict:
    return page.evaluate(BODY_TEXT)


def open_settings(page) -> None:
    """The reading settings are behind one button (字号和朗读 / 字号和对比度): open them."""
    toggle = page.locator(".board-access__toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"


def choose_size(page, size: str) -> None:
    open_settings(page)
    page.get_by_role("button", name=SIZES[size], exact=True).click()
    assert page.get_by_role("button", name=SIZES[size], exact=True).get_attribute("aria-pressed") == "true"


def open_search(page, query: str) -> None:
    """Type into the search box in the header, as a reader does, and wait for the results."""
    box = page.locator("#board-header-q")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")
    page.locator(".board-result").first.wait_for()


# -- font size ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_font_size_switch_changes_body_text_and_is_remembered_across_pages(open_page, site_url, name) -> None:
    viewport = VIEWPORTS[name]
    page = open_page(ARTICLE, viewport)
    standard = body_text(page)["size"]
    assert standard >= 18
    choose_size(page, "l")
    large = body_text(page)["size"]
    assert large >= 24 and large > standard
    choose_size(page, "xl")
    largest = body_text(page)["size"]
    assert largest >= 30 and largest > large

    # another page, reached by a link: the size is kept
    page.locator(".board-article__kind a").first.click()
    page.wait_for_url(f"**/{SECTION}")
    open_settings(page)
    assert page.get_by_role("button", name="特大", exact=True).get_attribute("aria-pressed") == "true"
    assert body_text(page)["size"] == largest
    page.goto(site_url + quote(OTHER_ARTICLE))
    assert body_text(page)["size"] == largest
    if name == "phone":
        screenshot(page, "site-phone-article-largest")
        screenshot(page, "site-phone-article-largest-full", full_page=True)

    choose_size(page, "m")
    page.reload()
    assert body_text(page)["size"] == standard
    open_settings(page)
    assert page.get_by_role("button", name="标准", exact=True).get_attribute("aria-pressed") == "true"


def test_phone_defaults_body_18px_line_spacing_and_no_horizontal_scrolling(open_page, site_url) -> None:
    page = open_page("")
    screenshot(page, "site-phone-home")
    screenshot(page, "site-phone-home-full", full_page=True)
    for name, path in PAGES.items():
        page.goto(site_url + quote(path))
        sizes = page.evaluate("""() => [...document.querySelectorAll('.md-content .md-typeset p, .md-content .md-typeset li')]
            .filter(e => e.offsetParent && e.innerText.trim())
            .map(e => { const cs = getComputedStyle(e); return [e.innerText.slice(0, 15), parseFloat(cs.fontSize),
                         parseFloat(cs.lineHeight) / parseFloat(cs.fontSize)]; })""")
        assert sizes, name
        for text, size, line in sizes:
            assert size >= 18, f"{name}: “{text}” is {size}px"
            assert line >= 1.3, f"{name}: “{text}” has line spacing {line:.2f}"


@pytest.mark.parametrize("size", list(SIZES))
def test_no_horizontal_scrolling_on_the_phone(open_page, site_url, size) -> None:
    page = open_page("")
    choose_size(page, size)
    for name, path in PAGES.items():
        page.goto(site_url + quote(path))
        width, inner = no_horizontal_scroll(page)
        assert width <= inner, f"{name} at size {size}: {width}px wide in a {inner}px screen"
        body = page.evaluate("() => document.body.scrollWidth")
        assert body <= inner, f"{name} at size {size}: body {body}px"
    open_search(page, "消防")
    width, inner = no_horizontal_scroll(page)
    assert width <= inner, f"search results at size {size}"


# -- touch targets ----------------------------------------------------------------------------------
@pytest.mark.parametrize("viewport", ["phone", "landscape"])
@pytest.mark.parametrize("size", ["m", "xl"])
def test_touch_targets_are_44px_and_60px_in_the_large_sizes(open_page, site_url, viewport, size) -> None:
    minimum = 44 if size == "m" else 60
    page = open_page("", VIEWPORTS[viewport])
    choose_size(page, size)
    problems = []
    for name, path in PAGES.items():
        page.goto(site_url + quote(path))
        problems += [f"{name}: {p}" for p in page.evaluate(SMALL_TARGETS, minimum)]
    page.goto(site_url + quote(ARTICLE))
    open_search(page, "消防")
    problems += [f"search: {p}" for p in page.evaluate(SMALL_TARGETS, minimum)]
    assert problems == []


def test_menu_drawer_links_are_big_enough_on_the_phone(open_page) -> None:
    page = open_page(ARTICLE)
    page.locator("label.md-header__button[for=__drawer]").click()
    page.wait_for_timeout(400)  # the drawer slides in
    assert page.evaluate(SMALL_TARGETS, 44) == []
    width, inner = no_horizontal_scroll(page)
    assert width <= inner


# -- high contrast --------------------------------------------------------------------------------
def test_high_contrast_switch_is_remembered_across_pages(open_page) -> None:
    page = open_page(ARTICLE)
    open_settings(page)
    button = page.get_by_role("button", name="高对比度", exact=True)
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    colours = """() => ({scheme: document.body.dataset.mdColorScheme,
        bg: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.querySelector('.board-body p, .md-typeset p')).color})"""
    state = page.evaluate(colours)
    assert state == {"scheme": "board-contrast", "bg": "rgb(0, 0, 0)", "text": "rgb(255, 255, 255)"}
    assert button.get_attribute("aria-pressed") == "true"
    screenshot(page, "site-phone-article-contrast")
    page.locator(".board-article__kind a").first.click()
    page.wait_for_url(f"**/{SECTION}")
    assert page.evaluate(colours)["scheme"] == "board-contrast"
    open_settings(page)
    assert page.get_by_role("button", name="高对比度", exact=True).get_attribute("aria-pressed") == "true"
    # the header's own palette toggle (mkdocs-material) switches back, and the text button follows
    page.locator("form[data-md-component=palette] label:not([hidden])").click()
    assert page.evaluate(colours)["scheme"] == "default"
    assert page.get_by_role("button", name="高对比度", exact=True).get_attribute("aria-pressed") == "false"


# -- read aloud ----------------------------------------------------------------------------------
def test_article_pages_read_aloud_with_a_visible_switch(open_page, site_url) -> None:
    page = open_page(ARTICLE, speech=True)
    open_settings(page)
    switch = page.locator("button[data-board-speak]")
    assert switch.is_visible() and switch.inner_text().strip() == "朗读全文"
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true" and switch.inner_text().strip() == "停止朗读"
    spoken = page.evaluate("window.__spoken")
    text = "".join(u["text"] for u in spoken)
    assert text.startswith("关于举办冬季消防安全知识讲座的通知")
    assert "活动地点：幸福里社区党群服务中心二楼活动室" in text
    assert "电动自行车安全充电" in text  # a list item of the body
    assert all(u["lang"] == "zh-CN" and len(u["text"]) <= 100 for u in spoken)
    switch.click()
    assert switch.get_attribute("aria-pressed") == "false" and switch.inner_text().strip() == "朗读全文"
    assert page.evaluate("window.__cancelled") >= 2

    page.goto(site_url + SECTION)
    assert page.locator("button[data-board-speak]").count() == 0  # lists are not read aloud


# -- accessibility and privacy --------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["home", "article", "section", "search", "kiosk"])
def test_axe_finds_no_serious_problems_on_the_phone(open_page, axe_js, where) -> None:
    path = {"home": "", "article": ARTICLE, "section": SECTION, "search": ARTICLE, "kiosk": "kiosk/"}[where]
    page = open_page(path)
    page.emulate_media(reduced_motion="reduce")
    if where == "search":
        open_search(page, "消防")
        assert "消防" in page.locator(".board-search__results").inner_text()
    assert run_axe(page, axe_js) == []


@pytest.mark.parametrize("mode", ["xl", "contrast"])
def test_axe_finds_no_serious_problems_in_the_large_and_contrast_modes(open_page, site_url, axe_js, mode) -> None:
    page = open_page(ARTICLE)
    if mode == "xl":
        choose_size(page, "xl")
    else:
        open_settings(page)
        page.get_by_role("button", name="高对比度", exact=True).click()
    for path in ("", ARTICLE, SECTION):
        page.goto(site_url + quote(path))
        assert run_axe(page, axe_js) == [], path
    open_search(page, "消防")
    assert run_axe(page, axe_js) == []


def test_site_pages_fetch_nothing_from_outside(open_page, site_url) -> None:
    recorder = Recorder()
    page = open_page("", LANDSCAPE, recorder=recorder)
    for path in PAGES.values():
        page.goto(site_url + quote(path))
        page.wait_for_load_state("networkidle")
    open_search(page, "消防")
    page.wait_for_load_state("networkidle")
    assert any("/search/data/s/" in u for u in recorder.requests)
    assert recorder.outside() == []
