"""Reading on a 390x844 phone in every font size, and on the kiosk, in a real Chromium (issue #13):
line boxes of headings and kiosk lines (read with Range.getClientRects), each home item once, the
first screen of an article in the largest size, tables, thumbnails, portrait photos, tel: links,
the archive's order, no sideways scrolling, axe-core.

One site is built for the module: the sample content plus articles of our own whose titles carry
each class of the issue (dates, numbers with units, building numbers, short fixed phrases)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from browser import LANDSCAPE, PHONE, PORTRAIT, Recorder, new_context, run_axe, screenshot, serve

pytest_plugins = ["browser"]

AS_OF = "2026-11-26 10:00"
SIZES = ("m", "l", "xl")
PORTRAIT_COVER = "images/portrait-wang.jpg"

# Our own articles: each title mixes the classes the issue names. Words that must stay whole are
# listed with them; dates and numbers with units are found by NUMBERS below, in any text.
OWN = {
    "notices/2026-11-25-电梯停运.md": ("notice", "11月28日3号楼电梯停运维修，请住在高层的65周岁以上老人提前安排出行", True, False),
    "notices/2026-11-24-大米领取.md": ("notice", "关于2026年12月3日前到幸福里社区居委会领取每户2.5公斤爱心大米的通知", False, True),
    "stories/2026-11-23-好邻居.md": ("story", "十年如一日照顾瘫痪邻居的好邻居", False, False),
    "notices/2026-11-22-改造施工.md": ("notice", "关于2027年1月15日至1月20日第二期老旧小区改造12号楼施工期间停水停电的通知", False, False),
}
WORDS = ("十年如一日", "幸福里社区", "电梯", "公告栏", "十二号楼", "居委会", "老旧", "小区", "停水", "停电", "大米", "邻居", "改造")
NUMBERS = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}|"
                     r"\d+(?:\.\d+)?(?:周岁|公斤|号楼|岁|号|楼|元|人|户|个|天|分钟|小时|年|月|日)")
NOT_LETTERS = re.compile(r"[\s\u3000-\u303f\uff00-\uffef“”‘’—…·、]")
PUBLIC_PHONE = "0571-86001234"

# Line boxes of an element: the text of each line, with its top and bottom, character by character.
LINES = """(el) => {
  const range = document.createRange();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const lines = [];
  let cur = null;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++) {
      const code = node.data.charCodeAt(i);
      const n = (code >= 0xd800 && code < 0xdc00) ? 2 : 1;
      range.setStart(node, i); range.setEnd(node, i + n);
      const r = [...range.getClientRects()].find(r => r.width > 0 && r.height > 0);
      const ch = node.data.slice(i, i + n);
      i += n - 1;
      if (!r) { if (cur) cur.text += ch; continue; }
      if (!cur || r.top >= cur.bottom - 2) { cur = {text: "", top: r.top, bottom: r.bottom}; lines.push(cur); }
      cur.text += ch; cur.bottom = Math.max(cur.bottom, r.bottom);
    }
  }
  return lines;
}"""

SITE_LINES = "h1, h2, .board-card__title, .board-urgent__link, .board-facts dd"
KIOSK_LINES = ".kiosk-slide__title, .kiosk-slide__summary, .kiosk-fact dd"


def article(type_: str, title: str, pinned: bool, _unused: bool) -> str:
    lines = ["---", f"title: {title}", f"type: {type_}", "date: 2026-11-24 09:00", "author: 幸福里社区居民委员会"]
    if type_ == "notice":
        lines.append("expires: 2026-12-20")
    if type_ == "story":
        lines += ["consent: true", f"cover: {PORTRAIT_COVER}"]
    if pinned:
        lines.append("pinned: true")
    lines += ["---", "", f"各位居民：本通知涉及2026年12月3日、3号楼和65周岁以上老人。咨询请打社区电话 {PUBLIC_PHONE}，"
              f"或者 {PUBLIC_PHONE.replace('-', '')}（同一个号码），工作日有人接听。", "",
              "| 楼栋 | 停水时间 | 停电时间 | 联系人 |", "|---|---|---|---|",
              "| 12号楼 | 2027年1月15日 8:00—12:00 | 2027年1月16日 13:00—17:00 | 幸福里社区物业服务中心王师傅 |",
              "| 3号楼 | 2027年1月17日 8:00—12:00 | 2027年1月18日 13:00—17:00 | 幸福里社区物业服务中心李师傅 |", "",
              "其他安排另行通知。", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def own_site(tmp_path_factory) -> Path:
    from PIL import Image

    from conftest import copy_project, run_board, write_article

    project = copy_project(tmp_path_factory.mktemp("typography"))
    for relative, spec in OWN.items():
        write_article(project, relative, article(*spec))
    picture = project / "content" / "stories" / PORTRAIT_COVER
    image = Image.new("RGB", (600, 900), (200, 170, 140))  # a portrait: head at the top, feet at the bottom
    for y in range(0, 120):
        for x in range(200, 400, 4):
            image.putpixel((x, y), (20, 20, 160))
    for y in range(780, 900):
        for x in range(200, 400, 4):
            image.putpixel((x, y), (20, 140, 20))
    image.save(picture, "JPEG", quality=90)
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def own_url(own_site: Path):
    with serve(own_site) as url:
        yield url


@pytest.fixture(scope="module")
def manifest(own_site: Path) -> dict:
    return json.loads((own_site / "board.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages(manifest: dict) -> dict[str, str]:
    """Every kind of page, by name -> path."""
    current = [a for a in manifest["articles"] if a["status"] == "current"]
    out = {"home": "", "search": "search/?q=" + quote("停水"), "archive": "archive/", "tags": "tags/",
           "month": "archive/2026-11/", "404": "404.html"}
    for a in manifest["articles"]:
        out[a["slug"]] = a["url"]
    for section in ("notices/", "stories/", "science/", "law/"):
        out[section] = section
    out["tag"] = "tags/" + quote(current[0]["tags"][0]) + "/" if current[0]["tags"] else ""
    out["category"] = "category/safety/"
    return {k: v for k, v in out.items() if v or k == "home"}


@pytest.fixture(scope="module")
def sized(browser, own_url):
    """One browser context per font size, the reader's choice stored as board.js stores it."""
    made = {}

    def get(size: str, viewport: dict = PHONE):
        key = (size, viewport["width"])
        if key not in made:
            recorder = Recorder()
            context = new_context(browser, viewport, recorder)
            page = context.new_page()
            page.goto(own_url)
            page.evaluate(f"() => __md_set('__board_size', '{size}')")
            made[key] = (page, recorder)
        return made[key][0]

    yield get
    for page, recorder in made.values():
        assert recorder.outside() == [] and recorder.errors == [], (recorder.outside(), recorder.errors)
        page.context.close()


def broken(lines: list[dict]) -> list[str]:
    """What a line break cuts: a date, a number with its unit, a word of WORDS; one character alone."""
    texts = [re.sub(r"\s", "", line["text"]) for line in lines]
    whole = "".join(texts)
    cuts, at = set(), 0
    for text in texts[:-1]:
        at += len(text)
        cuts.add(at)
    problems = []
    spans = [m.span() for m in NUMBERS.finditer(whole)]
    spans += [(m.start(), m.end()) for word in WORDS for m in re.finditer(re.escape(word), whole)]
    for start, end in spans:
        if any(start < cut < end for cut in cuts):
            problems.append(f"“{whole[start:end]}” broken in {' / '.join(texts)}")
    if len(texts) > 1 and len(NOT_LETTERS.sub("", texts[-1])) < 2:
        problems.append(f"one character alone on the last line: {' / '.join(texts)}")
    return problems


# Visible as Playwright's is_visible() has it: a box of some size, and not visibility: hidden.
VISIBLE_LINES = f"""(els) => els
  .filter(el => {{ const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
                  getComputedStyle(el).visibility === "visible"; }})
  .map({LINES})"""


def line_problems(page, selector: str) -> list[str]:
    """broken() of every visible element the selector finds: read in one call to the page, not two
    per element (CI time: hundreds of round trips per page)."""
    problems = []
    for lines in page.locator(selector).evaluate_all(VISIBLE_LINES):
        problems += broken(lines)
    return problems


# -- line breaks and sideways scrolling, every page type in every size ---------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_headings_never_break_inside_a_date_number_or_word_and_nothing_scrolls_sideways(sized, own_url, pages, size) -> None:
    page = sized(size)
    problems, wide, checked = [], [], 0
    for name, path in pages.items():
        page.goto(own_url + path)
        if name == "search":
            page.locator(".board-result").first.wait_for()
        width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        if width > inner:
            wide.append(f"{name}: {width}px")
        found = line_problems(page, SITE_LINES)
        problems += [f"{name}: {p}" for p in found]
        checked += page.locator(SITE_LINES).count()
    assert checked > 100
    assert wide == [], f"sideways scrolling at size {size}"
    assert problems == []


def test_the_checks_catch_a_broken_date() -> None:
    """broken() itself: a cut inside a date, a unit, a word or before one last character is found."""
    line = lambda t: {"text": t, "top": 0, "bottom": 1}  # noqa: E731
    assert broken([line("有效期至 2026年12月3"), line("日")])
    assert broken([line("3号"), line("楼电梯维修")])
    assert broken([line("十年如"), line("一日照顾邻居")])
    assert broken([line("幸福里社"), line("区公告栏")])
    assert broken([line("关于举办讲座的通"), line("知")])
    assert broken([line("关于举办讲座"), line("的通知")]) == []


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE, PHONE], ids=["portrait", "landscape", "phone"])
def test_kiosk_lines_never_break_inside_a_date_number_or_word(browser, own_url, manifest, viewport) -> None:
    recorder = Recorder()
    context = new_context(browser, viewport, recorder)
    page = context.new_page()
    page.clock.install(time=datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    page.goto(own_url + "kiosk/")
    page.wait_for_function("() => window.boardKiosk && boardKiosk.status().fetches >= 1")
    count = len([a for a in manifest["articles"] if a["status"] == "current"])
    problems, seen = [], set()
    for _ in range(count):
        title = page.locator(".kiosk-slide__title").inner_text()
        seen.add(title.replace("\n", ""))
        problems += [f"{title[:12]}: {p}" for p in line_problems(page, KIOSK_LINES)]
        page.locator(".kiosk-btn[data-action=next]").click()
    assert len(seen) == count
    assert problems == []
    context.close()
    assert recorder.errors == []


# -- the home page -------------------------------------------------------------------------------------
def test_home_shows_each_item_once_with_the_urgent_notice_first(sized, own_url, manifest) -> None:
    page = sized("m")
    page.goto(own_url)
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => new URL(a.href).pathname)")
    urls = {"/" + quote(a["url"]): a for a in manifest["articles"]}
    linked = [h for h in hrefs if h in urls]
    assert len(linked) == len(set(linked)), [h for h in linked if linked.count(h) > 1]
    current = [a for a in manifest["articles"] if a["status"] == "current"]
    assert len(set(linked)) >= min(len(current), 12)
    first = urls[linked[0]]
    assert first["urgent"], "the urgent notice comes first"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 8100 * 0.8, f"home page {height}px tall"
    screenshot(page, "typography-home")


# -- an article's first screen in the largest size ------------------------------------------------------
def test_largest_size_first_screen_shows_title_and_first_lines(sized, own_url, manifest) -> None:
    page = sized("xl")
    problems = []
    for a in [a for a in manifest["articles"] if a["status"] == "current"]:
        page.goto(own_url + quote(a["url"]))
        height = page.evaluate("() => innerHeight")
        title = page.locator(".board-article h1").first
        if title.bounding_box()["y"] + title.bounding_box()["height"] > height:
            problems.append(f"{a['slug']}: title below the first screen")
            continue
        lines = []
        for handle in page.query_selector_all(".board-body p"):
            lines += [line for line in page.evaluate(LINES, handle) if line["text"].strip()]
            if len(lines) >= 2:
                break
        if len([line for line in lines[:2] if line["bottom"] <= height]) < 2:
            problems.append(f"{a['slug']}: fewer than two lines of text on the first screen")
    assert problems == []
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.board-body p')).fontSize)")
    assert size >= 30


def test_reading_settings_are_one_button_that_opens_them(sized, own_url, manifest) -> None:
    page = sized("xl")
    url = next(a["url"] for a in manifest["articles"] if a["type"] == "notice" and a["status"] == "current")
    page.goto(own_url + quote(url))
    toggle = page.locator(".board-access__toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("button[data-board-size]").first.is_visible() is False
    box = toggle.bounding_box()
    assert box["height"] >= 60 and box["width"] >= 60
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    for name in ("标准", "大", "特大", "高对比度", "朗读全文"):
        assert page.get_by_role("button", name=name, exact=True).is_visible(), name
    toggle.click()
    assert page.locator("button[data-board-size]").first.is_visible() is False


# -- tables ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_tables_follow_the_size_and_stack_on_the_phone(sized, own_url, size) -> None:
    page = sized(size)
    page.goto(own_url + quote("notices/2026-11-22-改造施工/"))
    facts = page.evaluate("""() => {
      const body = parseFloat(getComputedStyle(document.querySelector('.board-body p')).fontSize);
      const cells = [...document.querySelectorAll('.board-body td, .board-body th')].filter(c => c.offsetParent)
        .map(c => parseFloat(getComputedStyle(c).fontSize));
      const td = document.querySelector('.board-body td');
      const wraps = [...document.querySelectorAll('.board-body table')].map(t => {
        let w = t.parentElement; while (w && !w.classList.contains('md-typeset__scrollwrap')) w = w.parentElement;
        return w ? [w.scrollWidth, w.clientWidth] : [t.scrollWidth, t.clientWidth]; });
      return {body, cells, display: getComputedStyle(td).display, label: getComputedStyle(td, '::before').content,
              wraps, width: document.documentElement.scrollWidth, inner: innerWidth};
    }""")
    assert facts["cells"] and min(facts["cells"]) >= facts["body"] - 0.1
    assert facts["display"] == "block" and "停水时间" in facts["label"] or "楼栋" in facts["label"]
    assert all(scroll <= client for scroll, client in facts["wraps"]), facts["wraps"]
    assert facts["width"] <= facts["inner"]
    if size == "xl":
        page.locator(".board-body table").first.scroll_into_view_if_needed()
        screenshot(page, "typography-table-xl")


def test_a_wide_screen_keeps_the_table(browser, own_url) -> None:
    recorder = Recorder()
    context = new_context(browser, LANDSCAPE, recorder)
    page = context.new_page()
    page.goto(own_url + quote("notices/2026-11-22-改造施工/"))
    assert page.evaluate("() => getComputedStyle(document.querySelector('.board-body td')).display") == "table-cell"
    context.close()


# -- pictures --------------------------------------------------------------------------------------------
def test_list_cards_show_the_cover_thumbnail(sized, own_url) -> None:
    page = sized("m")
    page.goto(own_url + "stories/")
    thumbs = page.locator(".board-card__thumb")
    assert thumbs.count() >= 2
    for i in range(thumbs.count()):
        thumbs.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumbs.nth(i).element_handle())
        box = thumbs.nth(i).bounding_box()
        assert 60 <= box["width"] <= 200 and box["height"] > 40


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_kiosk_shows_a_portrait_photo_whole(browser, own_url, viewport) -> None:
    recorder = Recorder()
    context = new_context(browser, viewport, recorder)
    page = context.new_page()
    page.clock.install(time=datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    page.goto(own_url + "kiosk/")
    page.wait_for_function("() => window.boardKiosk && boardKiosk.status().fetches >= 1")
    for _ in range(30):
        if "十年如一日" in page.locator(".kiosk-slide__title").inner_text().replace("\n", ""):
            break
        page.locator(".kiosk-btn[data-action=next]").click()
    img = page.locator(".kiosk-cover img")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    # the picture drawn inside the element's box: the whole of it, head (blue) to feet (green)
    drawn = page.evaluate("""(img) => {
      const fit = getComputedStyle(img).objectFit, w = img.clientWidth, h = img.clientHeight;
      const scale = fit === 'cover' ? Math.max(w / img.naturalWidth, h / img.naturalHeight)
                                     : Math.min(w / img.naturalWidth, h / img.naturalHeight);
      return {fit, shownHeight: img.naturalHeight * scale, boxHeight: h, shownWidth: img.naturalWidth * scale, boxWidth: w};
    }""", img.element_handle())
    assert drawn["shownHeight"] <= drawn["boxHeight"] + 1 and drawn["shownWidth"] <= drawn["boxWidth"] + 1, drawn
    assert drawn["shownHeight"] >= 0.95 * drawn["boxHeight"] or drawn["shownWidth"] >= 0.95 * drawn["boxWidth"]
    screenshot(page, f"typography-kiosk-portrait-photo-{viewport['width']}")
    context.close()


# -- small ones -------------------------------------------------------------------------------------------
def test_registered_public_numbers_are_tel_links(sized, own_url) -> None:
    page = sized("m")
    page.goto(own_url + quote("notices/2026-11-24-大米领取/"))
    links = page.evaluate("() => [...document.querySelectorAll('.board-body a[href^=\"tel:\"]')].map(a => [a.getAttribute('href'), a.innerText])")
    assert links == [["tel:057186001234", PUBLIC_PHONE], ["tel:057186001234", PUBLIC_PHONE.replace("-", "")]]
    page.goto(own_url)
    assert page.locator(".board-lead a[href='tel:057186001234']").count() == 1


def test_archive_months_read_in_order_in_one_column(sized, own_url) -> None:
    page = sized("m")
    page.goto(own_url + "archive/")
    months = page.evaluate("""() => [...document.querySelectorAll('.board-groups a')].map(a => {
        const r = a.getBoundingClientRect(); return [a.innerText, r.left, r.top]; })""")
    assert len(months) >= 2
    keys = [tuple(int(n) for n in re.findall(r"\d+", text)) for text, _, _ in months]
    assert keys == sorted(keys, reverse=True)
    assert len({round(left) for _, left, _ in months}) == 1
    assert [top for _, _, top in months] == sorted(top for _, _, top in months)


@pytest.mark.parametrize("size", ["m", "xl"])
def test_axe_is_clean_on_the_new_layouts(sized, own_url, axe_js, size) -> None:
    page = sized(size)
    for path in ("", "notices/2026-11-22-改造施工/", "stories/", "archive/"):
        page.goto(own_url + quote(path))
        page.locator(".board-access__toggle").click()
        assert run_axe(page, axe_js) == [], path


@pytest.mark.parametrize("query", ["停水", "居委会", "消防", "大米"])
def test_search_snippets_come_from_the_body_with_chinese_dates(sized, own_url, own_site, query) -> None:
    from conftest import page_soup

    page = sized("m")
    page.goto(own_url + "search/?q=" + quote(query))
    page.locator(".board-result").first.wait_for()
    results = page.evaluate("""() => [...document.querySelectorAll('.board-result')].map(li => ({
        url: new URL(li.querySelector('a').href).pathname, date: li.querySelector('time').innerText,
        excerpt: li.querySelector('.board-result__excerpt').innerText}))""")
    assert results
    for result in results:
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", result["date"]), result["date"]
        from urllib.parse import unquote

        body = page_soup((own_site / unquote(result["url"]).lstrip("/") / "index.html").read_text(encoding="utf-8"))
        text = re.sub(r"\s", "", "".join(b.get_text() for b in body.select(".board-body")))
        for piece in re.sub(r"\s", "", result["excerpt"]).split("…"):
            assert piece in text, f"{result['url']}: “{piece}” is not from the body"
