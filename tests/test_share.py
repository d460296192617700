"""Share pictures for WeChat (`shares/<slug>.png`), tested on the built files: opened with Pillow,
their QR codes read back with zxing-cpp and followed to the article page, the data each was drawn
from read from the picture itself, and a long article's picture read as text (same render as PDF)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdf
import pytest
import zxingcpp
from PIL import Image

from conftest import AS_OF, run_board, write_article
from generator.shares import MAX_HEIGHT_PX, WIDTH_PX
from generator.shares.render import TEXT_KEY
from share_site import LONG_SLUG, NO_SHARE_SLUG

pytest_plugins = ["share_site"]


@pytest.fixture(scope="module")
def board(share_site: Path) -> dict:
    return json.loads((share_site / "board.json").read_text(encoding="utf-8"))


def picture_says(path: Path) -> dict:
    with Image.open(path) as image:
        return json.loads(image.text[TEXT_KEY])


def page_behind(site: Path, base: str, link: str) -> Path:
    """The file a link of the site leads to (following a short URL's redirect page)."""
    assert link.startswith(base), link
    path = unquote(urlsplit(link).path)[len(urlsplit(base).path):]
    target = site / path / "index.html" if path.endswith("/") or not path else site / path
    assert target.is_file(), link
    text = target.read_text(encoding="utf-8")
    if 'http-equiv="refresh"' in text:  # a short URL: its page sends the reader on
        to = re.search(r'url=([^"]+)"', text).group(1)
        target = (target.parent / unquote(to) / "index.html").resolve()
    return target


def test_every_current_article_has_a_readable_share_picture(share_site: Path, board: dict) -> None:
    base = board["site_url"]
    current = [a for a in board["articles"] if a["status"] == "current" and a["slug"] != NO_SHARE_SLUG]
    assert len(current) >= 10
    for article in current:
        assert article["share"] == f"shares/{article['slug']}.png"
        path = share_site / article["share"]
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as image:
            assert image.width == WIDTH_PX
            assert 800 <= image.height <= MAX_HEIGHT_PX
            codes = zxingcpp.read_barcodes(image.convert("L"))
        links = [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]
        assert len(links) == 1, article["slug"]
        assert links[0] == base + article["short_url"]  # the short URL, as on posters and the kiosk
        page = page_behind(share_site, base, links[0])
        assert page == (share_site / unquote(article["url"]) / "index.html").resolve()
        said = picture_says(path)
        assert said["title"] == article["title"] and said["url"] == links[0]
        assert said["date"] == article["display"]["date"].split(" ")[0]


def test_expired_and_switched_off_articles_have_no_picture(share_site: Path, board: dict) -> None:
    by_slug = {a["slug"]: a for a in board["articles"]}
    assert by_slug[NO_SHARE_SLUG]["status"] == "current" and by_slug[NO_SHARE_SLUG]["share"] is None
    expired = [a for a in board["articles"] if a["status"] == "expired"]
    assert expired and all(a["share"] is None for a in expired)
    made = {p.stem for p in (share_site / "shares").glob("*.png")}
    assert made == {a["slug"] for a in board["articles"] if a["share"]}


def test_long_article_ends_with_the_qr_invitation_within_the_limit(share_project: Path, share_site: Path) -> None:
    path = share_site / "shares" / f"{LONG_SLUG}.png"
    with Image.open(path) as image:
        assert image.height <= MAX_HEIGHT_PX and image.height > MAX_HEIGHT_PX * 0.9
    assert picture_says(path)["complete"] is False
    # the same render as a PDF, whose text can be read in order
    from generator.load import load_board
    from generator.messages import Report
    from generator.plan import plan_site
    from generator.posters.fonts import load_fonts
    from generator.poster_step import poster_settings
    from generator.settings import load_settings
    from generator.share_step import share_job, shares_dir
    from generator.shares.render import ShareRenderer
    from generator.timeutil import parse_time

    report = Report()
    settings = load_settings(share_project / "mkdocs.yml", report, share_project / "site")
    plan = plan_site(load_board(settings, parse_time(AS_OF), report))
    article = next(a for a in plan.current if a.slug == LONG_SLUG)
    job = share_job(article, plan)
    renderer = ShareRenderer(poster_settings(plan), load_fonts(), shares_dir(plan), share_project / ".cache" / "t",
                             [job.cover] if job.cover else [])
    import io

    text = pypdf.PdfReader(io.BytesIO(renderer.pdf(job))).pages[0].extract_text()
    flat = "".join(text.split())
    assert flat.endswith("扫码阅读全文")
    assert "关于集中清理楼道堆放物品的通知" in flat and "2026年11月29日" in flat and "幸福里社区各楼栋楼道" in flat
    assert "幸福里社区居民委员会" in flat


def test_short_article_shows_everything(share_site: Path) -> None:
    slug = "2026-11-25-二期临时停水"
    said = picture_says(share_site / "shares" / f"{slug}.png")
    assert said["complete"] is True


@pytest.mark.parametrize("value", ["是", "'false'", "1"])
def test_share_flag_must_be_true_or_false(project: Path, value: str) -> None:
    write_article(project, "science/a.md", f"---\ntitle: 标题\ntype: science\ndate: 2026-11-20\nshare: {value}\n---\n\n正文。\n")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "content/science/a.md:5:" in result.stdout + result.stderr
