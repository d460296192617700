"""Posters, tested on the real artefacts: PDFs rendered by Typst, opened with
pypdf (pages, sizes, embedded fonts, text) and pypdfium2 + zxing-cpp (the QR
code read back from a rendered image of the page)."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pypdfium2
import pytest
import zxingcpp

from generator.posters import (
    PosterError,
    PosterJob,
    PosterSettings,
    poster_inputs_hash,
    render_posters,
)
from generator.posters.body import blocks_from_markdown
from generator.posters.fonts import check_embedded, load_fonts

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Shanghai")  # as the core passes them (not a fixed offset)
SITE = "https://xfl.example.org/"
A4 = (595.3, 841.9)
A3 = (841.9, 1190.6)

SENTENCES = [
    "为营造干净整洁的居住环境，社区将组织居民开展环境卫生整治活动。",
    "请各位居民提前清理楼道内堆放的个人物品，保持消防通道畅通。",
    "社区志愿者将在活动当天为行动不便的老人提供上门帮助。",
    "垃圾分类投放点周边的卫生由物业服务企业负责每日清扫。",
    "如有疑问，请在工作日上午九点至下午五点到社区居委会咨询。",
    "邻里之间互相帮助，共同维护美好家园，是每一位居民的责任。",
    "冬季气温较低，请注意用火用电安全，外出时关闭燃气阀门。",
]


def chinese_text(chars: int, per_paragraph: int = 160) -> str:
    """Markdown paragraphs of real-looking Chinese, about `chars` long."""
    paras, para, total, i = [], "", 0, 0
    while total < chars:
        s = SENTENCES[i % len(SENTENCES)]
        i += 1
        para += s
        total += len(s)
        if len(para) >= per_paragraph:
            paras.append(para)
            para = ""
    if para:
        paras.append(para)
    return "\n\n".join(paras)


def tiny_png(path: Path, w: int = 60, h: int = 80) -> Path:
    """A small valid PNG (a warm gradient) written without Pillow."""
    rows = b"".join(b"\0" + bytes((200, 120 + y, 90) * w) for y in range(h))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def make_job(slug: str, type: str = "notice", **kw) -> PosterJob:
    fields = dict(
        slug=slug, source=f"content/{type}/{slug}.md", type=type,
        title="关于开展冬季环境卫生大扫除的通知", author="幸福里社区居民委员会" if type == "notice" else None,
        date=datetime(2026, 11, 20, tzinfo=TZ), summary="社区定于11月22日开展冬季大扫除。",
        body_markdown="各位居民：\n\n" + chinese_text(400), cover=None, event=None,
        category_label="社区环境", tags=(), urgent=False, pinned=False,
        url=SITE + f"{type}/{slug}/".replace("冬", "%E5%86%AC"), size="A4", orientation="portrait",
    )
    fields.update(kw)
    return PosterJob(**fields)


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> PosterSettings:
    # a copy of the templates, so a test may edit one without touching the project
    tpl = tmp_path_factory.mktemp("tpl") / "posters"
    shutil.copytree(ROOT / "templates" / "posters", tpl)
    return PosterSettings(community="幸福里社区", committee="幸福里社区居民委员会", templates_dir=tpl)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, settings):
    tmp = tmp_path_factory.mktemp("posters")
    cover = tiny_png(tmp / "张阿姨.png")
    event = {"start": datetime(2026, 12, 5, 9, 0, tzinfo=TZ), "end": datetime(2026, 12, 5, 11, 30, tzinfo=TZ),
             "location": "社区党群服务中心二楼"}
    jobs = [
        make_job("2026-11-20-冬季大扫除", "notice", event=event, urgent=True),
        make_job("张阿姨的故事", "story", title="张秀英：二十年如一日照顾独居老人", cover=cover,
                 tags=("助人为乐模范",), body_markdown=chinese_text(500)),
        make_job("流感预防", "science", title="冬季流感高发 预防要点请收好", summary="做好四点，降低感染风险。",
                 body_markdown="冬季是流感高发季节。\n\n1. 勤洗手\n2. 常通风\n3. 戴口罩\n4. 打疫苗\n"),
        make_job("邻里纠纷", "law", title="邻里纠纷怎么办？法律为你支招",
                 body_markdown="问：楼上噪音太大怎么办？\n\n答：可以先协商，协商不成可向居委会反映。\n"),
        make_job("a3-通知", "notice", size="A3", event=event),
        make_job("横版故事", "story", orientation="landscape", cover=cover, event=event,
                 title="横版：好人好事", body_markdown=chinese_text(300)),
        make_job("横版A3", "law", size="A3", orientation="landscape", title="横版 A3 法治宣传"),
    ]
    out, cache = tmp / "out", tmp / "cache"
    calls = []
    report = render_posters(jobs, out, settings, cache, progress=lambda d, t: calls.append((d, t)))
    return dict(jobs=jobs, out=out, cache=cache, report=report, calls=calls, tmp=tmp)


# --- helpers ---------------------------------------------------------------

def pdf_fonts(path: Path) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(path).pages:
        for ref in page["/Resources"]["/Font"].values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def pdf_text(path: Path) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def qr_codes(path: Path, page: int = 0) -> list[str]:
    doc = pypdfium2.PdfDocument(str(path))
    image = doc[page].render(scale=2.5).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def expected_size(job: PosterJob) -> tuple[float, float]:
    w, h = A4 if job.size == "A4" else A3
    return (h, w) if job.orientation == "landscape" else (w, h)


# --- every poster ------------------------------------------------------------

def test_batch_renders_all(batch):
    report = batch["report"]
    assert sorted(report.rendered) == sorted(j.slug for j in batch["jobs"])
    assert report.reused == [] and report.warnings == []
    assert batch["calls"][-1] == (len(batch["jobs"]), len(batch["jobs"]))


@pytest.mark.parametrize("index", range(7))
def test_poster_pdf(batch, settings, index):
    job = batch["jobs"][index]
    path = batch["out"] / f"{job.slug}.pdf"
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    w, h = expected_size(job)
    assert abs(float(box.width) - w) <= 1 and abs(float(box.height) - h) <= 1

    fonts = pdf_fonts(path)
    assert any(re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKtc-Regular(-Identity-H)?", f) for f in fonts), fonts
    assert any(re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKtc-Bold(-Identity-H)?", f) for f in fonts), fonts

    text = squash(pdf_text(path))
    assert squash(job.title) in text
    assert (job.author or settings.committee) in text
    assert settings.community in text
    assert qr_codes(path) == [job.url]


def test_body_size_reported(batch):
    fits = batch["report"].fits
    for job in batch["jobs"]:
        minimum = 10.5 if job.size == "A4" else 14
        assert fits[job.slug].complete and fits[job.slug].body_pt >= minimum


def test_event_and_cover(batch):
    text = pdf_text(batch["out"] / "2026-11-20-冬季大扫除.pdf")
    assert "活动时间" in text and "活动地点" in text and "社区党群服务中心二楼" in squash(text)
    assert "2026年12月5日" in squash(text)
    assert b"/Subtype/Image" in (batch["out"] / "张阿姨的故事.pdf").read_bytes().replace(b" ", b"")


def test_notice_form(batch):
    text = squash(pdf_text(batch["out"] / "2026-11-20-冬季大扫除.pdf"))
    assert "各位居民：" in text and "2026年11月20日" in text and "紧急通知" in text


def test_law_question_and_answer(batch):
    text = squash(pdf_text(batch["out"] / "邻里纠纷.pdf"))
    assert "问楼上噪音太大怎么办？" in text and "答可以先协商" in text


def test_print_pack(batch):
    pack = batch["out"] / "print-pack.pdf"
    reader = pypdf.PdfReader(pack)
    assert len(reader.pages) == len(batch["jobs"])
    for page, job in zip(reader.pages, batch["jobs"]):
        assert squash(job.title) in squash(page.extract_text())
    assert qr_codes(pack, 1) == [batch["jobs"][1].url]


# --- fitting -----------------------------------------------------------------

def test_long_article_prints_excerpt_and_warns(tmp_path, settings):
    job = make_job("长文", "law", title="很长的法治文章", body_markdown=chinese_text(5000),
                   summary="本文介绍了居民应当了解的法律常识。")
    report = render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    path = tmp_path / "out" / "长文.pdf"
    assert len(pypdf.PdfReader(path).pages) == 1
    text = squash(pdf_text(path))
    assert "扫码阅读全文" in text and "本文介绍了居民应当了解的法律常识。" in text
    assert report.fits["长文"].complete is False and report.fits["长文"].body_pt == 10.5
    [warning] = report.warnings  # spoken to staff: names the article and what to change
    assert (warning.source, warning.code) == ("content/law/长文.md", "poster.cut")
    assert "《很长的法治文章》" in warning.text and "summary" in warning.text and "poster: {size: A3}" in warning.text
    assert qr_codes(path) == [job.url]
    # reused from cache, the warning still comes
    again = render_posters([job], tmp_path / "out2", settings, tmp_path / "cache")
    assert again.reused == ["长文"] and again.warnings == report.warnings


def test_1200_characters_fit_whole_on_a4(tmp_path, settings):
    body = chinese_text(1200, per_paragraph=200)
    assert 1200 <= len(squash(body)) < 1300
    job = make_job("中等长度", "notice", body_markdown=body)
    report = render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    fit = report.fits["中等长度"]
    assert fit.complete and fit.body_pt >= 10.5
    text = squash(pdf_text(tmp_path / "out" / "中等长度.pdf"))
    for para in body.split("\n\n"):
        assert squash(para) in text
    assert "扫码阅读全文" not in text and report.warnings == []


def test_a3_minimum_is_larger(tmp_path, settings):
    job = make_job("a3长文", "science", size="A3", body_markdown=chinese_text(6000))
    report = render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    assert report.fits["a3长文"] .body_pt == 14 and not report.fits["a3长文"].complete
    assert "poster: {size: A3}" not in report.warnings[0].text  # already A3: shorten or summarise
    reader = pypdf.PdfReader(tmp_path / "out" / "a3长文.pdf")
    assert len(reader.pages) == 1 and abs(float(reader.pages[0].mediabox.height) - A3[1]) <= 1


# --- QR code, literal text -------------------------------------------------

def test_no_qr_without_url(tmp_path, settings):
    jobs = [make_job("无网址", "notice", url=None),
            make_job("无网址长文", "law", url=None, body_markdown=chinese_text(5000))]
    report = render_posters(jobs, tmp_path / "out", settings, tmp_path / "cache")
    for job in jobs:
        path = tmp_path / "out" / f"{job.slug}.pdf"
        assert qr_codes(path) == []
        assert "扫码" not in pdf_text(path)
    assert [(w.source, w.code) for w in report.warnings] == [("content/law/无网址长文.md", "poster.cut")]
    assert "site_url" in report.warnings[0].text


def test_markup_characters_render_literally(tmp_path, settings):
    title = '#import "x" $a$ *b* [c] \\d @e <f> "g"'
    body = '费用 $5 #话题 @居委会 a < b "引号" 反斜杠 \\ [备注] 5 * 3 #import "x": y #set page(width: 1cm)'
    shown = body  # Markdown leaves all of these as they are
    job = make_job("字符", "science", title=title, body_markdown=body, summary='摘要 #[x] $y$')
    render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    text = squash(pdf_text(tmp_path / "out" / "字符.pdf"))
    assert squash(title) in text
    assert squash(shown) in text
    assert squash('摘要 #[x] $y$') in text


# --- incremental -------------------------------------------------------------

def test_incremental(tmp_path, settings):
    jobs = [make_job(f"增量{i}", "notice", title=f"第{i}号通知") for i in range(3)]
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = render_posters(jobs, out, settings, cache)
    assert len(first.rendered) == 3
    second = render_posters(jobs, tmp_path / "out2", settings, cache)
    assert second.rendered == [] and sorted(second.reused) == sorted(j.slug for j in jobs)
    assert (tmp_path / "out2" / "增量1.pdf").read_bytes() == (out / "增量1.pdf").read_bytes()
    assert len(pypdf.PdfReader(tmp_path / "out2" / "print-pack.pdf").pages) == 3
    jobs[1] = replace(jobs[1], body_markdown=jobs[1].body_markdown + "\n\n补充一句。")
    third = render_posters(jobs, out, settings, cache)
    assert third.rendered == ["增量1"] and sorted(third.reused) == ["增量0", "增量2"]
    assert "补充一句。" in pdf_text(out / "增量1.pdf")


def test_inputs_hash_covers_cover_bytes_and_templates(tmp_path, settings):
    cover = tiny_png(tmp_path / "c.png")
    job = make_job("封面", "story", cover=cover)
    before = poster_inputs_hash(job, settings)
    assert poster_inputs_hash(job, settings) == before
    tiny_png(cover, w=61)
    assert poster_inputs_hash(job, settings) != before
    other = replace(settings, templates_dir=tmp_path / "tpl")
    shutil.copytree(settings.templates_dir, other.templates_dir)
    h = poster_inputs_hash(job, other)
    with open(other.templates_dir / "common.typ", "a", encoding="utf-8") as f:
        f.write("\n// edited\n")
    assert poster_inputs_hash(job, other) != h
    assert poster_inputs_hash(replace(job, url=None), other) != poster_inputs_hash(job, other)


# --- fonts -------------------------------------------------------------------

def test_missing_font_file_is_an_error(tmp_path, settings):
    bad = replace(settings, font_regular=tmp_path / "方正小标宋.ttf")
    with pytest.raises(PosterError, match="找不到海报字体文件"):
        render_posters([make_job("x")], tmp_path / "out", bad, tmp_path / "cache")
    (tmp_path / "坏字体.ttf").write_bytes(b"not a font at all")
    with pytest.raises(PosterError, match="无法使用"):
        render_posters([make_job("x")], tmp_path / "out", replace(settings, font_regular=tmp_path / "坏字体.ttf"),
                       tmp_path / "cache")


def test_pdf_without_our_font_is_rejected():
    import typst

    pdf = typst.compile(b'#set text(font: "Libertinus Serif")\n\xe4\xb8\xad\xe6\x96\x87', ignore_system_fonts=True)
    with pytest.raises(PosterError, match="方框"):
        check_embedded(pdf, load_fonts(), "content/x.md")


def test_override_font_is_used(tmp_path, settings):
    # the bundled Bold standing in as a committee-owned font for everything
    bold = load_fonts().bold.path
    own = replace(settings, font_regular=bold, font_bold=bold)
    render_posters([make_job("自有字体")], tmp_path / "out", own, tmp_path / "cache")
    fonts = pdf_fonts(tmp_path / "out" / "自有字体.pdf")
    assert all("NotoSansCJKtc-Bold" in f for f in fonts), fonts


# --- Markdown body -----------------------------------------------------------

def test_blocks_from_markdown():
    md = ("各位居民：\n\n为营造**干净**的环境，社区定于\n11月22日开展大扫除。详见[网站](http://x)。![图](a.png)\n\n"
          "## 安排\n\n1. 清理楼道\n2. 清扫绿化带\n\n| 楼栋 | 时间 |\n|---|---|\n| 1号楼 | 9:00 |\n\n"
          "<div>HTML 里的字<script>alert(1)</script></div>\n")
    blocks = blocks_from_markdown(md)
    assert blocks[1] == {"k": "p", "runs": ["为营造", ["干净", 1], "的环境，社区定于11月22日开展大扫除。详见网站。"]}
    assert blocks[2] == {"k": "h", "level": 2, "runs": ["安排"]}
    assert [b["num"] for b in blocks if b["k"] == "li"] == [1, 2]
    assert {"k": "table", "rows": [["楼栋", "时间"], ["1号楼", "9:00"]], "head": True} in blocks
    assert blocks[-1] == {"k": "p", "runs": ["HTML 里的字"]}
    qa = blocks_from_markdown("**问：** 怎么办？\n\n答：这样办。", "law")
    assert qa == [{"k": "q", "runs": ["怎么办？"]}, {"k": "a", "runs": ["这样办。"]}]


def test_characters_without_glyph_are_left_out_with_warning(tmp_path, settings):
    job = make_job("表情", "notice", title="大扫除🎉通知", body_markdown="欢迎参加😀！\n\n居民\U0002A6A5先生。")
    report = render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    assert [(w.source, w.code) for w in report.warnings] == [("content/notice/表情.md", "poster.missing_glyphs")]
    assert "🎉 😀 \U0002A6A5" in report.warnings[0].text
    text = squash(pdf_text(tmp_path / "out" / "表情.pdf"))
    assert "大扫除通知" in text and "居民先生。" in text and "😀" not in text


def test_long_notice_excerpt_starts_with_its_summary(tmp_path, settings):
    job = make_job("长通知", "notice", body_markdown="各位居民：\n\n" + chinese_text(5000),
                   summary="本周六全面清理楼道，请提前搬走个人物品。")
    report = render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    text = squash(pdf_text(tmp_path / "out" / "长通知.pdf"))
    assert "内容提要：本周六全面清理楼道，请提前搬走个人物品。" in text
    assert "扫码阅读全文" in text and "幸福里社区居民委员会" in text and "2026年11月20日" in text
    assert not report.fits["长通知"].complete


# --- the sample site, built by the real command ----------------------------

def test_sample_site_posters(sample_with_posters):
    """`board build` on the project's sample content: every current article's
    poster is one page, in the Chinese fonts, with its title, its issuing
    body and a QR code to its short URL; the print pack holds them all."""
    import json

    import yaml

    project = sample_with_posters  # built by `board build --as-of AS_OF` (tests/conftest.py)
    site = project / "site"
    board = json.loads((site / "board.json").read_text(encoding="utf-8"))
    current = [a for a in board["articles"] if a["poster"]]
    assert current and all(a["status"] == "current" for a in current)
    for article in current:
        path = site / article["poster"]
        reader = pypdf.PdfReader(path)
        assert len(reader.pages) == 1, path
        front = yaml.safe_load((project / article["source"]).read_text(encoding="utf-8").split("---")[1])
        poster = front.get("poster") or {}
        size = (A4 if poster.get("size", "A4") == "A4" else A3)
        if poster.get("orientation") == "landscape":
            size = size[::-1]
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - size[0]) <= 1 and abs(float(box.height) - size[1]) <= 1
        fonts = pdf_fonts(path)
        assert any(re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKtc-Regular(-Identity-H)?", f) for f in fonts), fonts
        assert any(re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKtc-Bold(-Identity-H)?", f) for f in fonts), fonts
        text = squash(pdf_text(path))
        assert squash(article["title"]) in text
        assert squash(front.get("author") or "幸福里社区居民委员会") in text
        assert qr_codes(path) == [board["site_url"] + article["short_url"]], path  # leads on: test_short_urls.py
    pack = pypdf.PdfReader(site / "posters" / "print-pack.pdf")
    assert len(pack.pages) == len(current)


def test_long_words_and_urls_stay_on_the_sheet(tmp_path, settings):
    """A title or text without spaces (a URL, a long number) wraps instead of running off the page."""
    import pypdfium2

    url = "https://xingfuli.example.org/very/long/path/to/a/document/that/does/not/end/anywhere/soon.html"
    job = make_job("长网址", "notice", title="A" * 64, body_markdown=f"各位居民：\n\n请访问 {url} 编号 {'1234567890' * 4}。")
    render_posters([job], tmp_path / "out", settings, tmp_path / "cache")
    pdf = pypdfium2.PdfDocument(str(tmp_path / "out" / "长网址.pdf"))
    page = pdf[0]
    width = page.get_width()
    text = page.get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    assert boxes and all(0 <= left and right <= width for left, _, right, _ in boxes)
    assert squash(pdf_text(tmp_path / "out" / "长网址.pdf")).count("A") >= 64


# --- worker pool ---------------------------------------------------------------

def test_worker_pool_gives_the_same_bytes(tmp_path, settings):
    """Posters rendered over two worker processes are byte for byte those of one process, in order,
    with the same fit reports: every type, a cover, a long body that is cut, a glyph the font lacks."""
    cover = tiny_png(tmp_path / "c.png")
    jobs = [make_job("池通知", "notice", title="停水通知"),
            make_job("池故事", "story", cover=cover),
            make_job("池科普", "science", body_markdown=chinese_text(6000)),
            make_job("池法治", "law", title="民法典\U000f0000宣传"),
            make_job("池通知二", "notice", size="A3"),
            make_job("池通知三", "notice", orientation="landscape")]
    one = render_posters(jobs, tmp_path / "one", settings, tmp_path / "cache1", workers=1)
    calls: list[tuple[int, int]] = []
    two = render_posters(jobs, tmp_path / "two", settings, tmp_path / "cache2", workers=2,
                         progress=lambda d, t: calls.append((d, t)))
    assert two.rendered == one.rendered == [j.slug for j in jobs]
    assert two.fits == one.fits
    assert [w.code for w in two.warnings] == [w.code for w in one.warnings] and two.warnings
    for job in jobs:
        assert (tmp_path / "two" / f"{job.slug}.pdf").read_bytes() == (tmp_path / "one" / f"{job.slug}.pdf").read_bytes()
    assert (tmp_path / "two" / "print-pack.pdf").read_bytes() == (tmp_path / "one" / "print-pack.pdf").read_bytes()
    assert calls == [(n, len(jobs)) for n in range(1, len(jobs) + 1)]


def test_worker_pool_passes_poster_errors_on(tmp_path, settings):
    """A poster that cannot be made in a worker stops the batch with the same Chinese message."""
    jobs = [make_job(f"坏{i}", "notice") for i in range(3)]
    bad = replace(settings, templates_dir=tmp_path / "没有模板")
    for workers in (1, 2):
        with pytest.raises(PosterError) as caught:
            render_posters(jobs, tmp_path / f"out{workers}", bad, tmp_path / f"cache{workers}", workers=workers)
        assert "找不到海报模板" in str(caught.value)


def test_worker_count():
    from generator.posters.workers import PER_WORKER, worker_count

    assert worker_count(1000, cores=1) == 1
    assert worker_count(PER_WORKER * 2 - 1, cores=2) == 1
    assert worker_count(PER_WORKER * 2, cores=2) == 2
    assert worker_count(1000, cores=4) == 4
