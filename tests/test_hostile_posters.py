"""Bodies and titles pasted from anywhere reach posters and share pictures: each class is laid out on
one sheet (or one picture) in bounded work, or its characters are left out with a warning.

The cause of the slow cases was the data sent to Typst: a budget that kept the first block whole (one
pasted code block, a 10,000-character paragraph or a 300-row table went whole) and a break point after
every character of a long Latin run (Typst's optimizing breaker then weighs every pair: minutes).
The data tests below check the cause on every class; one batch renders them for real.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from generator.posters import PosterSettings, render_posters
from generator.posters.data import _capacity, _width, poster_data
from generator.posters.fonts import load_fonts
from generator.shares import render_shares
from generator.shares.data import _CAPACITY as SHARE_CAPACITY, share_data
from test_posters import ROOT, make_job

CODE_LINE = "code_line_without_any_spaces_" * 40
BODIES = {
    "long-paragraph": "很" * 10000,
    "long-latin": "x" * 10000,
    "long-url": "请访问 https://example.org/" + "a/" * 3000 + " 查看",
    "code-block": "```\n" + (CODE_LINE + "\n") * 200 + "```\n",
    "indented-code": "".join("    " + CODE_LINE + "\n" for _ in range(100)),
    "inline-code": "`" + "z" * 5000 + "`",
    "huge-table": "|" + "|".join(f"列{i}" for i in range(40)) + "|\n|" + "---|" * 40 + "\n"
                  + ("|" + "|".join(f"格{i}" for i in range(40)) + "|\n") * 300,
    "wide-cell": "| a | b |\n|---|---|\n| " + "长" * 5000 + " | " + "y" * 3000 + " |\n",
    "many-rows": "| 标题 |\n|---|\n" + "| 内容 |\n" * 2000,
    "deep-list": "".join("    " * i + f"- 第{i}层列表项，内容比较长一些用来换行测试\n" for i in range(15)),
    "emoji": "😀🙏🏻👨‍👩‍👧‍👦🇨🇳" * 500,
    "ext-b": "𠀀𠀁𠀂𪚥𫝀𬺰𠮷" * 1500,
    "rtl": "مرحبا بكم في الحي שלום עולם " * 300,
    "zero-width": "停\u200b水\u200d通\u2060知\ufeff\u200e\u200f" * 1000,
    "many-paragraphs": "\n\n".join(f"第{i}段。" for i in range(3000)),
    "headings-only": "\n\n".join(f"## 标题{i}" for i in range(300)),
}
TITLES = {"latin": "A" * 64, "digits": "1234567890" * 6 + "1234", "punctuation": "！" * 64,
          "emoji": "🔥🚒🧯" * 21, "url": "https://example.org/" + "x" * 44}
SLACK = 60  # full-width characters past the capacity: the cut block's slack and one block's margin


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> PosterSettings:
    tpl = tmp_path_factory.mktemp("tpl") / "posters"
    shutil.copytree(ROOT / "templates" / "posters", tpl)
    return PosterSettings(community="幸福里社区", committee="幸福里社区居民委员会", templates_dir=tpl)


def _jobs():
    jobs = []
    for n, (name, body) in enumerate(BODIES.items()):
        kind = ("notice", "story", "science", "law")[n % 4]
        jobs.append(make_job(f"body-{name}", kind, body_markdown=body, summary="",
                             orientation="landscape" if n % 2 else "portrait"))
    for name, title in TITLES.items():
        jobs.append(make_job(f"title-{name}", "notice", title=title))
    return jobs


JOBS = _jobs()
# Rendered for real (each costs a layout): the classes that once broke, and one of each script.
RENDERED = [j for j in JOBS if j.slug in {"body-code-block", "body-huge-table", "body-long-url", "body-ext-b",
                                          "title-emoji", "title-punctuation"}]


def _text(block: dict) -> str:
    """A data block's text (poster paragraphs keep their last characters in {"keep": runs})."""
    def flat(runs) -> str:
        return "".join(r if isinstance(r, str) else flat(r["keep"]) if isinstance(r, dict) else r[0] for r in runs)
    return "\n".join(" ".join(row) for row in block["rows"]) if block["k"] == "table" else flat(block["runs"])


def _sent(data: dict) -> float:
    return sum(_width(_text(b).replace("\u200b", "")) for b in data["blocks"])


@pytest.mark.parametrize("job", [j for j in JOBS if j.slug.startswith("body-")], ids=lambda j: j.slug)
def test_no_more_text_goes_to_typst_than_a_sheet_can_show(job, settings) -> None:
    fonts = load_fonts(settings.font_regular, settings.font_bold)
    poster = poster_data(job, settings, fonts, None)
    assert _sent(poster) <= _capacity(job.size, job.orientation) + SLACK
    share = share_data(job, settings, fonts, None)
    assert _sent(share) <= SHARE_CAPACITY + SLACK
    for data in (poster, share):
        assert not data["fit"]["complete"] or _sent(data) < 3000, job.slug
        for block in data["blocks"]:
            for run in re.findall(r"[\x21-\x7e\u200b]+", _text(block)):  # a break point at least every 8 letters
                assert all(len(piece) <= 8 for piece in run.split("\u200b")), (job.slug, run[:40])


def test_break_points_never_split_an_emoji_or_a_word_joiner_sequence(settings) -> None:
    fonts = load_fonts(settings.font_regular, settings.font_bold)
    job = make_job("emoji", "notice", title="👨‍👩‍👧‍👦🇨🇳" * 4 + "停水", body_markdown="🇨🇳👍🏻" * 40 + "https://example.org/abcdefghijklmnop")
    data = poster_data(job, settings, fonts, None)
    text = data["title"] + "".join(_text(b) for b in data["blocks"])
    assert "\u200b" not in text.split("https")[0]  # only the Latin run gets break points
    assert "https:\u200b//" in text or "https:/\u200b/" in text or "https://\u200b" in text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, settings) -> tuple[Path, Path, object, object]:
    """Every hostile job as a poster and as a share picture, in one batch each."""
    tmp = tmp_path_factory.mktemp("hostile-posters")
    posters = render_posters(RENDERED, tmp / "posters", settings, tmp / "cache", workers=1)
    shares = render_shares(RENDERED, tmp / "shares", settings, ROOT / "templates" / "shares", tmp / "cache")
    return tmp / "posters", tmp / "shares", posters, shares


@pytest.mark.parametrize("job", RENDERED, ids=lambda j: j.slug)
def test_each_class_makes_one_sheet_and_one_picture(job, rendered) -> None:
    from PIL import Image

    posters, shares, poster_report, share_report = rendered
    reader = pypdf.PdfReader(posters / f"{job.slug}.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "幸福里社区" in text
    fit = poster_report.fits[job.slug]
    codes = [w.code for w in poster_report.warnings if w.source == job.source]
    assert fit.complete or "poster.cut" in codes  # an excerpt is never silent
    assert not fit.omitted or "poster.missing_glyphs" in codes  # nor a character left out
    with Image.open(shares / f"{job.slug}.png") as picture:
        assert picture.format == "PNG" and picture.width == 1080 and picture.height <= 4000


@pytest.mark.parametrize("slug", ["title-emoji", "title-punctuation"])
def test_a_title_of_no_words_gets_the_type_as_its_headline(slug: str, rendered, settings) -> None:
    """A title of only emoji printed nothing where the headline goes (the font has no emoji), one of only
    punctuation a row of marks: the sheet is headed by the type's name, as an ordinary title heads it."""
    posters, _, poster_report, _ = rendered
    reader = pypdf.PdfReader(posters / f"{slug}.pdf")
    assert reader.metadata.title == "通知公告"
    assert "通知公告" in reader.pages[0].extract_text()
    fonts = load_fonts(settings.font_regular, settings.font_bold)
    for title, words in [("😀🙏🏻", False), ("★☆※", False), ("……！？", False), ("🔥 冬季防火", True), ("110", True),
                         ("A", True), ("①②", True)]:
        job = make_job("t", "science", title=title)
        for data in (poster_data(job, settings, fonts, None), share_data(job, settings, fonts, None)):
            printed = data["title"].replace("\u200b", "")
            assert printed == (title.replace("🔥", "") if words else "科普知识") or printed == title, (title, printed)
