"""WeChat sharing in a real Chromium: the copy page's 复制全文 puts rich HTML on the clipboard, and
an article's 分享 panel at 390x844 copies the short link, offers the share picture, shows the QR
code large, and passes axe-core."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import PHONE, Recorder, new_context, no_horizontal_scroll, run_axe, screenshot, serve
from share_site import LONG_SLUG

pytest_plugins = ["browser", "share_site"]
READ_CLIPBOARD = """async () => {
  const items = await navigator.clipboard.read();
  const out = {};
  for (const item of items) for (const type of item.types) out[type] = await (await item.getType(type)).text();
  return out;
}"""


@pytest.fixture(scope="module")
def served(share_site: Path):
    with serve(share_site) as url:
        yield url


@pytest.fixture(scope="module")
def board(share_site: Path) -> dict:
    return json.loads((share_site / "board.json").read_text(encoding="utf-8"))


@pytest.fixture
def phone(browser, served):
    recorder = Recorder()
    context = new_context(browser, PHONE, recorder)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    yield context.new_page(), recorder
    context.close()


def test_copy_button_puts_rich_html_on_the_clipboard(phone, served: str) -> None:
    page, recorder = phone
    page.goto(served + "wechat/" + quote(LONG_SLUG) + ".html")
    page.get_by_role("button", name="复制全文").click()
    page.wait_for_function("() => document.getElementById('wx-status').textContent.includes('已复制')", timeout=5000)
    copied = page.evaluate(READ_CLIPBOARD)
    html = copied["text/html"]
    assert "<section" in html and "style=" in html and "class=" not in html and "<script" not in html
    assert "font-size: 16px" in html and "〔图片 1" in html and "<table" in html
    assert "清理楼道" in copied["text/plain"] or "楼道" in copied["text/plain"]
    assert not recorder.errors and not recorder.outside()
    screenshot(page, "wechat-copy-page-phone", full_page=False)


def test_share_panel_on_a_phone(phone, served: str, board: dict, axe_js: str, share_site: Path) -> None:
    page, recorder = phone
    entry = next(a for a in board["articles"] if a["slug"] == "2026-11-20-冬季大扫除")
    page.goto(served + quote(entry["url"]))
    button = page.get_by_role("button", name="分享")
    button.scroll_into_view_if_needed()
    button.click()
    dialog = page.get_by_role("dialog", name="分享这篇文章")
    assert dialog.is_visible()
    dialog.get_by_role("button", name="复制链接").click()
    page.wait_for_function("() => document.querySelector('.board-share__status').textContent.includes('已复制')",
                           timeout=5000)
    assert page.evaluate("() => navigator.clipboard.readText()") == board["site_url"] + entry["short_url"]
    download = dialog.get_by_role("link", name="下载分享图片（发到微信群）")
    href = download.get_attribute("href")
    answer = page.request.get(served + quote(entry["url"]) + href)
    assert answer.ok and answer.body()[:8] == b"\x89PNG\r\n\x1a\n"
    qr = dialog.get_by_role("img", name="本文短网址的二维码").bounding_box()
    assert qr["width"] >= 250 and qr["x"] >= 0 and qr["x"] + qr["width"] <= PHONE["width"]
    assert no_horizontal_scroll(page)[0] <= PHONE["width"]
    screenshot(page, "share-panel-phone")
    problems = run_axe(page, axe_js)
    assert not problems, "\n".join(problems)
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "分享"
    assert not recorder.errors and not recorder.outside()
