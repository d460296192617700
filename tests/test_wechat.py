"""The official account (公众号) copy pages `wechat/<slug>.html`, parsed: no <style>, only the copy
button's script, no class inside the article, every visible element of the article styled inline,
pictures as upload boxes listed beside it, links as plain text with a QR code to the article."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from share_site import LONG_SLUG

pytest_plugins = ["share_site"]
NOT_SHOWN = {"br"}  # elements with nothing of their own to style


@pytest.fixture(scope="module")
def board(share_site: Path) -> dict:
    return json.loads((share_site / "board.json").read_text(encoding="utf-8"))


def page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "wechat" / f"{slug}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_article_has_a_copy_page_fit_for_the_editor(share_site: Path, board: dict) -> None:
    assert len(board["articles"]) >= 15
    for entry in board["articles"]:
        soup = page(share_site, entry["slug"])
        assert soup.find("style") is None and not soup.select("link[rel=stylesheet]")
        scripts = soup.find_all("script")  # one, the copy button's, as a file (the site's CSP allows no inline script)
        assert len(scripts) == 1 and not scripts[0].string and re.fullmatch(r"copy\.[0-9a-f]{10}\.js", scripts[0]["src"])
        code = (share_site / "wechat" / scripts[0]["src"]).read_text(encoding="utf-8")
        assert "wx-copy" in code and "ClipboardItem" in code
        button = soup.find("button", id="wx-copy")
        assert button is not None and button.get_text(strip=True) == "复制全文"
        article = soup.find(id="wx-article")
        assert article is not None and article.get("style")
        for element in [article, *article.find_all(True)]:
            assert not element.has_attr("class"), element
            assert not any(name.startswith("on") for name in element.attrs), element
            if element.name not in NOT_SHOWN:
                assert element.get("style", "").strip(), f"{entry['slug']}: <{element.name}> without style"
        assert not article.find_all(["a", "img", "script", "iframe", "svg"])
        # everything else on the page is styled inline too
        for element in soup.body.find_all(True):
            if element.name not in NOT_SHOWN | {"script"}:
                assert element.get("style", "").strip(), f"{entry['slug']}: <{element.name}> without style"
        assert entry["title"] in soup.title.get_text()


def test_pictures_become_upload_boxes_listed_beside(share_site: Path) -> None:
    soup = page(share_site, LONG_SLUG)
    article = soup.find(id="wx-article")
    text = article.get_text()
    assert "〔图片 1：请在这里上传 wenming-sunrise.jpg：清理后的楼道〕" in text
    side = soup.find("aside")
    assert "公众号编辑器不接受" in side.get_text()
    links = [a["href"] for a in side.find_all("a", download=True)]
    assert len(links) == 2  # the picture and the QR code
    for href in links:
        target = (share_site / "wechat" / unquote(href)).resolve()
        assert target.is_file() and target.read_bytes()[:4] in (b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1",
                                                               b"\xff\xd8\xff\xdb", b"\x89PNG")


def test_links_become_text_and_a_qr_code_to_the_article(share_site: Path, board: dict) -> None:
    soup = page(share_site, LONG_SLUG)
    text = soup.find(id="wx-article").get_text()
    assert "消防知识网站" in text and "报名表" in text and "https://www.example.org/fire" not in text
    assert "文中提到的网址和文件" in text and "长按识别二维码" in text
    entry = next(a for a in board["articles"] if a["slug"] == LONG_SLUG)
    qr = share_site / "wechat" / f"{LONG_SLUG}.qr.png"
    with Image.open(qr) as image:
        codes = zxingcpp.read_barcodes(image.convert("L"))
    assert len(codes) == 1
    assert codes[0].text in text  # the address is also written out
    assert codes[0].text == board["site_url"] + entry["short_url"]


def test_article_keeps_its_structure(share_site: Path) -> None:
    article = page(share_site, LONG_SLUG).find(id="wx-article")
    assert article.find("table") is not None and len(article.find_all("tr")) == 3
    assert "温馨提示" in article.get_text()
    facts = article.get_text()
    assert "活动时间" in facts and "幸福里社区各楼栋楼道" in facts
    assert article.find_all("p")[-1] is not None and "幸福里社区居民委员会" in facts
    first_p = article.find("p")
    assert "font-size" in first_p["style"] or "font-size" in article["style"]


def test_article_pages_carry_open_graph_tags(share_site: Path, board: dict) -> None:
    base = board["site_url"]
    for entry in board["articles"]:
        soup = BeautifulSoup((share_site / unquote(entry["url"]) / "index.html").read_text(encoding="utf-8"), "html.parser")
        og = {}
        for meta in soup.head.find_all("meta", property=re.compile(r"^og:")):
            assert meta["property"] not in og, meta  # each once
            og[meta["property"]] = meta["content"]
        assert og["og:type"] == "article" and og["og:title"] == entry["title"]
        assert og["og:description"] == entry["summary"] and og["og:description"].strip()
        assert og["og:url"] == base + quote(entry["url"])
        image = og.get("og:image")
        if entry["cover"] or entry["share"]:
            assert image and image.startswith(base), entry["slug"]
            assert (share_site / unquote(image[len(base):])).is_file()
            if not entry["cover"]:
                assert image == base + quote(entry["share"])
        else:
            assert image is None


def test_share_panel_offers_link_picture_and_qr(share_site: Path, board: dict) -> None:
    for entry in board["articles"]:
        soup = BeautifulSoup((share_site / unquote(entry["url"]) / "index.html").read_text(encoding="utf-8"), "html.parser")
        panel = soup.find(attrs={"data-board-share": True})
        assert panel is not None and panel.has_attr("hidden")  # shown by its script only
        assert panel.find("input")["value"] == board["site_url"] + entry["short_url"]
        download = panel.find("a", download=True)
        if entry["share"]:
            page_dir = share_site / unquote(entry["url"])
            assert (page_dir / unquote(download["href"])).resolve() == (share_site / entry["share"]).resolve()
        else:
            assert download is None
        assert panel.find("svg") is not None


def test_preview_links_each_article_to_its_copy_page(tmp_path: Path) -> None:
    from conftest import copy_project, write_article
    from test_preview import board_serve

    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "science/a.md", "---\ntitle: 已发布的科普\ntype: science\ndate: 2026-11-20\n---\n\n正文第一段。\n")
    write_article(project, "science/b.md", "---\ntitle: 还在写的草稿\ntype: science\ndate: 2026-11-20\ndraft: true\n---\n\n写了一半。\n")
    with board_serve(project) as served:
        for path, text in (("science/a/", "正文第一段"), ("science/b/", "写了一半")):
            status, html = served.get(path)
            link = BeautifulSoup(html, "html.parser").select_one(".board-preview-wechat a")
            assert status == 200 and link is not None and "公众号" in link.get_text()
            status, copy_page = served.get(unquote(link["href"]).lstrip("/"))
            soup = BeautifulSoup(copy_page, "html.parser")
            assert status == 200 and text in soup.find(id="wx-article").get_text()
            assert soup.find("button", id="wx-copy") is not None
        status, html = served.get("")
        assert BeautifulSoup(html, "html.parser").select_one(".board-preview-wechat") is None  # articles only


def test_without_site_url_nothing_claims_an_address(tmp_path: Path) -> None:
    """No site_url: no og:url, og:image relative to the page, no QR code to upload, the copy page still works."""
    from conftest import copy_project, run_board, write_article

    project = copy_project(tmp_path / "p", with_content=False)
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    (project / "content" / "science" / "images").mkdir(parents=True)
    Image.new("RGB", (64, 48), (200, 120, 90)).save(project / "content" / "science" / "images" / "封面.jpg")
    write_article(project, "science/a.md", "---\ntitle: 有封面的科普\ntype: science\ndate: 2026-11-20\ncover: images/封面.jpg\n"
                  "---\n\n请看[这个网站](https://www.example.org/)。\n")
    result = run_board(project, "build", "--as-of", "2026-11-26 10:00", "--no-posters")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    soup = BeautifulSoup((site / "science" / "a" / "index.html").read_text(encoding="utf-8"), "html.parser")
    og = {m["property"]: m["content"] for m in soup.head.find_all("meta", property=re.compile("^og:"))}
    assert "og:url" not in og and og["og:title"] == "有封面的科普"
    assert ((site / "science" / "a") / unquote(og["og:image"])).resolve() == (site / "science" / "images" / "封面.jpg").resolve()
    assert soup.find(attrs={"data-board-share": True}).find("svg") is None  # no address, no QR code
    copy_page = BeautifulSoup((site / "wechat" / "a.html").read_text(encoding="utf-8"), "html.parser")
    text = copy_page.find(id="wx-article").get_text()
    assert "这个网站" in text and "https://www.example.org/" not in text and "请到社区公告栏网站查看原文" in text
    assert not list((site / "wechat").glob("*.qr.png"))


@pytest.mark.parametrize("url", ["https://xingfuli.example.org/s/3k", "http://例子.cn/法治/文章?x=1&y=2",
                                 "https://xingfuli.example.org/" + "a" * 300])
def test_qr_png_is_segnos_own_png_and_decodes(url: str) -> None:
    """generator.qr.qr_png (numpy) writes segno's PNG: the same header and pixels (compressed less
    hard), and it reads back as the URL."""
    import io
    import zlib

    import numpy as np

    from generator.qr import make_qr, qr_png

    ours = qr_png(url)
    theirs = io.BytesIO()
    make_qr(url).save(theirs, kind="png", scale=10, border=3)
    theirs = theirs.getvalue()
    assert ours[:33] == theirs[:33] and ours.endswith(theirs[-12:])  # signature, IHDR; IEND
    assert zlib.decompress(ours[41:-16]) == zlib.decompress(theirs[41:-16])  # the IDAT's filtered rows
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(ours))), np.asarray(Image.open(io.BytesIO(theirs))))
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(ours)).convert("L"))
    assert [d.text for d in decoded] == [url]


@pytest.mark.parametrize("url", ["https://xingfuli.example.org/s/3k", "http://例子.cn/法治/文章?x=1&y=2",
                                 "https://xingfuli.example.org/" + "a" * 300])
@pytest.mark.parametrize("options", [(4, 1, False), (2, 4, True), (0, 1, True), (3, 2, False)])
def test_qr_svg_is_segnos_own_svg(url: str, options: tuple[int, int, bool]) -> None:
    """generator.qr's SVG (numpy) is what segno's writer gives with the same options (kiosk, posters, shares)."""
    import io

    from generator.qr import _qr_svg, make_qr

    quiet_zone, scale, sized = options
    theirs = io.BytesIO()
    make_qr(url).save(theirs, kind="svg", border=quiet_zone, scale=scale, xmldecl=False, svgns=True,
                      omitsize=not sized, dark="#000000", light="#ffffff")
    assert _qr_svg(url, quiet_zone, scale, sized) == theirs.getvalue().decode("ascii")
