"""Share pictures for WeChat (`shares/<slug>.png`), tested on the built files: opened with Pillow
(PNG, 1080 px wide, within the height limit, no metadata), their QR codes read back with zxing-cpp
and followed through the short URL to the article page; the data each is drawn from (the same
function the build renders with) holds the title and date; a long article's picture, rendered the
same way as a PDF, is read as text and ends with 扫码阅读全文."""

from __future__ import annotations

import io
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
from share_site import LONG_SLUG, NO_SHARE_SLUG

pytest_plugins = ["share_site"]


@pytest.fixture(scope="module")
def board(share_site: Path) -> dict:
    return json.loads((share_site / "board.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def drawing(share_project: Path):
    """(plan, renderer, share_job) for the built project: what the build drew each picture from."""
    from generator.load import load_board
    from generator.messages import Report
    from generator.plan import plan_site
    from generator.poster_step import poster_settings
    from generator.posters.fonts import load_fonts
    from generator.settings import load_settings
    from generator.share_step import share_job, shares_dir
    from generator.shares.render import ShareRenderer
    from generator.timeutil import parse_time

    report = Report()
    settings = load_settings(share_project / "mkdocs.yml", report, share_project / "site")
    plan = plan_site(load_board(settings, parse_time(AS_OF), report))
    covers = [share_job(a, plan).cover for a in plan.current]
    renderer = ShareRenderer(poster_settings(plan), load_fonts(), shares_dir(plan), share_project / ".cache" / "t",
                             [c for c in covers if c])
    return plan, renderer, share_job


def pdf_text(drawing, slug: str) -> str:
    plan, renderer, share_job = drawing
    job = share_job(next(a for a in plan.current if a.slug == slug), plan)
    return "".join(pypdf.PdfReader(io.BytesIO(renderer.pdf(job))).pages[0].extract_text().split())


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


def test_every_current_article_has_a_readable_share_picture(share_site: Path, board: dict, drawing) -> None:
    plan, renderer, share_job = drawing
    by_slug = {a.slug: a for a in plan.current}
    base = board["site_url"]
    current = [a for a in board["articles"] if a["status"] == "current" and a["slug"] != NO_SHARE_SLUG]
    assert len(current) >= 10
    for article in current:
        assert article["share"] == f"shares/{article['slug']}.png"
        path = share_site / article["share"]
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == WIDTH_PX
            assert 800 <= image.height <= MAX_HEIGHT_PX
            assert not getattr(image, "text", {}) and not image.getexif()  # published pictures carry no metadata
            codes = zxingcpp.read_barcodes(image.convert("L"))
        links = [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]
        assert len(links) == 1, article["slug"]
        assert links[0] == base + article["short_url"]  # the short URL, as on posters and the kiosk
        page = page_behind(share_site, base, links[0])
        assert page == (share_site / unquote(article["url"]) / "index.html").resolve()
        data = renderer.document(share_job(by_slug[article["slug"]], plan))
        assert data["title"].replace("\u200b", "") == article["title"]
        assert data["date"] == article["display"]["date"].split(" ")[0] and data["url"] == links[0]


MAX_BYTES = 200 * 1024  # the target: a share picture WeChat groups and old phones take without a wait


def test_share_pictures_are_small_and_as_sharp_as_drawn(share_site: Path, drawing) -> None:
    """Every picture under 200 KB, at the pixel size Typst drew it; the small one differs from Typst's own
    drawing only by colours too close to see: letters, the cover picture and the QR code stay as drawn."""
    import numpy as np

    sizes = {p.stem: p.stat().st_size for p in (share_site / "shares").glob("*.png")}
    assert len(sizes) >= 10 and max(sizes.values()) < MAX_BYTES, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    plan, renderer, share_job = drawing
    jobs = {a.slug: share_job(a, plan) for a in plan.current if a.slug in sizes}
    covered = [slug for slug, job in jobs.items() if job.cover is not None]
    assert covered
    for slug in (LONG_SLUG, *covered[:2]):  # the longest picture, and pictures with a cover photo
        full = renderer.drawn(jobs[slug])
        with Image.open(io.BytesIO(full)) as image:
            drawn = np.asarray(image.convert("RGB"), dtype=np.int16)
        with Image.open(share_site / "shares" / f"{slug}.png") as image:
            assert image.mode == "P" and not image.info.get("transparency")
            small = np.asarray(image.convert("RGB"), dtype=np.int16)
        assert small.shape == drawn.shape
        error = np.abs(small - drawn).max(axis=2)
        assert error.mean() < 2.0, (slug, error.mean())
        assert (error > 32).mean() < 0.002, (slug, (error > 32).mean())  # no letter or edge visibly changed
        assert sizes[slug] < len(full) / 2


def test_expired_and_switched_off_articles_have_no_picture(share_site: Path, board: dict) -> None:
    by_slug = {a["slug"]: a for a in board["articles"]}
    assert by_slug[NO_SHARE_SLUG]["status"] == "current" and by_slug[NO_SHARE_SLUG]["share"] is None
    expired = [a for a in board["articles"] if a["status"] == "expired"]
    assert expired and all(a["share"] is None for a in expired)
    made = {p.stem for p in (share_site / "shares").glob("*.png")}
    assert made == {a["slug"] for a in board["articles"] if a["share"]}


def test_long_article_ends_with_the_qr_invitation_within_the_limit(share_site: Path, drawing) -> None:
    with Image.open(share_site / "shares" / f"{LONG_SLUG}.png") as image:
        assert MAX_HEIGHT_PX * 0.9 < image.height <= MAX_HEIGHT_PX  # filled up to the limit, not beyond
    text = pdf_text(drawing, LONG_SLUG)
    assert text.endswith("扫码阅读全文") and "以上为节选" in text
    assert "关于集中清理楼道堆放物品的通知" in text and "2026年11月29日" in text and "幸福里社区各楼栋楼道" in text
    assert "幸福里社区居民委员会" in text and "2026年11月25日" in text


def test_short_article_shows_everything(drawing) -> None:
    text = pdf_text(drawing, "2026-11-25-二期临时停水")
    assert text.endswith("扫码查看原文") and "以上为节选" not in text and "扫码阅读全文" not in text


@pytest.mark.parametrize("value", ["是", "'false'", "1"])
def test_share_flag_must_be_true_or_false(project: Path, value: str) -> None:
    write_article(project, "science/a.md", f"---\ntitle: 标题\ntype: science\ndate: 2026-11-20\nshare: {value}\n---\n\n正文。\n")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "content/science/a.md:5:" in result.stdout + result.stderr
