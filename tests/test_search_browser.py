"""Search on the sample site in Chromium: typed into the header box, checked against the articles' text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from browser import PHONE, Recorder, new_context

pytest_plugins = ["browser"]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@pytest.fixture(scope="module")
def article_texts(sample_site: Path) -> dict[str, str]:
    """url -> the text a reader sees of each published article (title, facts, summary, tags, body)."""
    manifest = json.loads((sample_site / "board.json").read_text(encoding="utf-8"))
    texts = {}
    for a in manifest["articles"]:
        page = BeautifulSoup((sample_site / a["url"] / "index.html").read_text(encoding="utf-8"), "html.parser")
        body = "".join(b.get_text("") for b in page.select(".board-body"))  # the lead and the rest
        texts[a["url"]] = fold("\n".join([a["title"], a["summary"], " ".join(a["tags"]), body]))
    return texts


@pytest.fixture
def page(browser, site_url):
    recorder = Recorder()
    context = new_context(browser, PHONE, recorder)
    page = context.new_page()
    page.recorder = recorder
    page.goto(site_url)
    yield page
    assert recorder.outside() == [] and recorder.errors == [], (recorder.outside(), recorder.errors)
    context.close()


def search(page, query: str) -> list[dict]:
    """Type the query in the header's box, press Enter, open every page of results; return them."""
    box = page.locator("#board-header-q")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_function("() => /找到|没有找到|至少/.test(document.querySelector('.board-search__status').textContent)")
    more = page.locator(".board-search__more")
    while more.is_visible():
        count = page.locator(".board-result").count()
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('.board-result').length > {count}")
    return page.evaluate("""() => [...document.querySelectorAll('.board-result')].map(li => ({
        href: li.querySelector('a').getAttribute('href'),
        title: li.querySelector('a').textContent,
        marked: [...li.querySelectorAll('mark')].map(m => m.textContent),
        expired: !!li.querySelector('.board-badge--expired'),
        text: li.textContent}))""")


def result_urls(page, results: list[dict]) -> list[str]:
    base = page.url
    urls = []
    for r in results:
        path = urlsplit(page.evaluate("h => new URL(h, location.href).pathname", r["href"])).path
        urls.append(unquote(path).lstrip("/"))
    return urls


@pytest.mark.parametrize("query", ["消防安全", "未成年人保护", "年人保护", "垃圾分类", "文明社区", "志愿服务", "65周岁",
                                   "12月5日", "燃气", "高空抛物"])
def test_finds_exactly_the_articles_containing_the_phrase(page, article_texts, query) -> None:
    results = search(page, query)
    wanted = {url for url, text in article_texts.items() if fold(query) in text}
    assert wanted, f"the sample has no article containing {query}"
    assert set(result_urls(page, results)) == wanted
    for r in results:
        # the phrase is highlighted in the title or the excerpt, which comes from the body only
        # (a phrase found only in the tags is not shown there)
        if fold(query) in fold(r["title"]) or fold(query) in body_of(article_texts, page, r):
            assert any(fold(m) == fold(query) for m in r["marked"]), r


def body_of(article_texts: dict[str, str], page, result: dict) -> str:
    """The article's body as the index has it (after the title, summary and tags lines)."""
    text = article_texts[result_urls(page, [result])[0]]
    return text.split("\n", 3)[3] if text.count("\n") >= 3 else text


def test_cross_boundary_phrase(page, article_texts) -> None:
    """未成年人保护 is 未成年人|保护 to a word segmenter; 年人保 crosses both words: both are found."""
    for query in ("未成年人保护", "年人保"):
        results = search(page, query)
        assert len(results) == 1 and "未成年人保护" in results[0]["title"], query


def test_expired_article_is_found_and_marked(page) -> None:
    results = search(page, "流感疫苗")
    assert len(results) == 1 and results[0]["expired"] and "已过期" in results[0]["text"]
    current = search(page, "停水")
    assert current and not any(r["expired"] for r in current)


def test_result_shows_title_type_date_and_excerpt(page) -> None:
    result = search(page, "高空抛物")[0]
    assert "法治宣传" in result["text"] and "2026年11月16日" in result["text"]
    assert "高空抛物" in result["marked"] and "法官说法" in result["text"]  # an excerpt around the match


def test_results_open_the_article(page) -> None:
    search(page, "垃圾分类")
    page.locator(".board-result a").first.click()
    page.wait_for_load_state()
    assert "垃圾分类" in page.locator("article h1").inner_text()


def test_short_and_missing_queries_say_so(page) -> None:
    assert search(page, "垃") == []
    assert "至少输入两个字" in page.locator(".board-search__status").inner_text()
    assert search(page, "火星探测") == []
    assert "没有找到" in page.locator(".board-search__status").inner_text()


def test_page_views_fetch_no_index(page, site_url) -> None:
    for path in ("", "notices/2026-11-10-文明社区创建/", "law/", "search/"):
        page.goto(site_url + quote(path))
        page.wait_for_load_state("networkidle")
    requested = page.recorder.requests
    assert not [u for u in requested if "/search/data/" in u], "no index before a search"
    assert not [u for u in requested if "search_index" in u or "lunr" in u or "workers/search" in u]
    before = len(requested)
    search(page, "消防安全")
    fetched = [u for u in page.recorder.requests[before:] if "/search/data/" in u]
    shards = [u for u in fetched if "/search/data/s/" in u]
    assert fetched and 1 <= len(shards) <= 3  # 消防安全: bigrams 消防 and 安全 cover it
