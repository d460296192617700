"""Chinese typesetting of the posters, read back from the PDFs (character positions through
pypdfium2, see poster_lines.py): full-width punctuation keeps its width inside a line, lines are
justified by spreading the stretch over the paragraph, no paragraph ends with one or two
characters alone, and short texts grow to fill the sheet."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import copy_project, run_board

from generator.posters import PosterJob, PosterSettings, render_posters
from poster_lines import PUNCT, body_lines, filled, read_lines, short_last_lines, spacing_outliers, squeezed_punctuation

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Shanghai")
MM = 72 / 25.4

GAS = ("各位居民朋友：\n\n冬天天冷，家家户户都在用燃气取暖做饭。为了大家的安全，社区将联合燃气公司于12月3日至5日"
       "入户检查燃气管道和灶具，请大家配合。如发现燃气泄漏，请立即关闭阀门、打开门窗，不要开关电器，并到室外拨打"
       "燃气公司抢修电话 0571-87654321 或社区值班电话 0571-86001234。\n\n检查期间请家中留人，检查人员会出示工作证，"
       "不收取任何费用。如有疑问请联系社区居委会。\n\n特此通知。")
LIST = ("各位居民：\n\n请注意以下事项：\n\n1. 出门前关好燃气阀门，长时间外出请关闭总阀；\n"
        "2. 使用燃气时保持通风，不要在封闭的房间里使用燃气热水器；\n3. 定期检查软管有无老化、龟裂、松动，软管使用满两年请更换；\n"
        "4. 闻到异味不要开灯、不要打电话，到室外再拨打 0571-87654321。\n\n谢谢大家配合。")
SHORT = "各位居民：\n\n社区定于12月6日（星期六）上午在小区广场举办义诊活动，欢迎居民朋友们踊跃参加。\n\n特此通知。"
PARTS = "社区定于下周六上午在小区广场举办义诊活动欢迎居民朋友们踊跃参加请大家相互转告并带好医保卡和病历资料谢谢合作"


def lengths_body() -> str:
    """Paragraphs of every length from 30 to 75 characters: some would end a line or two short."""
    paras = []
    for n in range(30, 76, 3):
        text = (PARTS * 3)[:n]
        paras.append(text[: n // 2] + "，" + text[n // 2:] + "。")
    return "各位居民：\n\n" + "\n\n".join(paras)


def job(slug: str, body: str, type: str = "notice", **kw) -> PosterJob:
    fields = dict(slug=slug, source=f"content/{slug}.md", type=type, title="关于冬季燃气安全检查的通知",
                  author="幸福里社区居民委员会" if type == "notice" else None, date=datetime(2026, 11, 20, tzinfo=TZ),
                  summary="", body_markdown=body, cover=None, event=None, category_label=None, tags=(), urgent=False,
                  pinned=False, url="https://xingfuli.example.org/s/abc23/", size="A4", orientation="portrait")
    fields.update(kw)
    return PosterJob(**fields)


JOBS = [
    job("燃气", GAS), job("燃气A3横", GAS, size="A3", orientation="landscape"), job("燃气A3", GAS, size="A3"),
    job("清单", LIST), job("清单科普", LIST, type="science"), job("短通知", SHORT),
    job("各种长度", lengths_body()), job("各种长度A3横", lengths_body(), size="A3", orientation="landscape"),
    job("问答", "问：楼上噪音太大怎么办？\n\n答：可以先协商，协商不成可向居委会反映，也可以拨打 0571-86001234 咨询。\n\n"
        "问：装修可以从几点开始？\n\n答：按小区管理规约，工作日8:00至12:00、14:00至18:00可以施工，节假日不得进行产生噪声的装修。",
        type="law"),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("typo")
    tpl = tmp / "posters"
    shutil.copytree(ROOT / "templates" / "posters", tpl)
    settings = PosterSettings(community="幸福里社区", committee="幸福里社区居民委员会", templates_dir=tpl)
    report = render_posters(JOBS, tmp / "out", settings, tmp / "cache")
    out = {}
    for j in JOBS:
        fit = report.fits[j.slug]
        lines, page = read_lines(tmp / "out" / f"{j.slug}.pdf")
        out[j.slug] = dict(job=j, fit=fit, lines=lines, page=page, body=body_lines(lines, fit.body_pt))
    return out


@pytest.mark.parametrize("slug", [j.slug for j in JOBS])
def test_full_width_punctuation_keeps_its_width_inside_lines(rendered, slug) -> None:
    lines = rendered[slug]["lines"]  # every line: a template may set points larger than the body
    assert sum(c.text in "，。" for line in lines for c in line.chars) >= 2
    assert squeezed_punctuation(lines) == []


@pytest.mark.parametrize("slug", [j.slug for j in JOBS])
def test_stretch_is_spread_not_one_line_spaced_out(rendered, slug) -> None:
    # neighbours within 0.06 em of each other; no line spaced out by more than 0.3 em
    assert spacing_outliers(rendered[slug]["body"], tolerance=0.1, most=0.3) == []


@pytest.mark.parametrize("slug", [j.slug for j in JOBS])
def test_no_paragraph_ends_with_one_or_two_characters(rendered, slug) -> None:
    assert short_last_lines(rendered[slug]["body"]) == []


@pytest.mark.parametrize("slug", ["燃气", "清单", "清单科普", "燃气A3"])
def test_short_texts_grow_to_fill_the_sheet(rendered, slug) -> None:
    r = rendered[slug]
    k = 1.0 if r["job"].size == "A4" else 1.4142
    assert r["fit"].complete and r["fit"].body_pt > (20 if k == 1 else 28)  # larger than the old fixed maximum
    assert filled(r["lines"], r["page"], (14 * MM * k, 12 * MM * k)) >= 0.7


def test_a_very_short_notice_stops_at_the_largest_size(rendered) -> None:
    """40 characters cannot fill A4 at a size a line of 20 characters allows (about 25 pt): it
    stops there, with its paragraphs spaced out, rather than growing into a headline."""
    r = rendered["短通知"]
    assert r["fit"].complete and abs(r["fit"].body_pt - (210 - 32) * MM / 20) < 0.05
    assert filled(r["lines"], r["page"], (14 * MM, 12 * MM)) >= 0.5


@pytest.fixture(scope="module")
def sample_proofs(tmp_path_factory) -> list[Path]:
    """Every sample article's poster, as `board poster` proofs it."""
    project = copy_project(tmp_path_factory.mktemp("samples") / "p")
    articles = sorted((project / "content").rglob("*.md"))
    result = run_board(project, "poster", *[str(p.relative_to(project)) for p in articles])
    assert result.returncode == 0, result.stderr
    proofs = sorted((project / "proof").glob("*.pdf"))
    assert len(proofs) >= len(articles) - 2  # an article may say poster: false
    return proofs


def _body_size(lines) -> float:
    """The size most characters are set in."""
    count: dict[float, int] = {}
    for line in lines:
        count[round(line.size, 2)] = count.get(round(line.size, 2), 0) + len(line.chars)
    return max(count, key=count.get)


def test_sample_posters_read_as_typeset(sample_proofs) -> None:
    for path in sample_proofs:
        lines, page = read_lines(path)
        body = body_lines(lines, _body_size(lines))
        k = 1.0 if max(page) < 900 else 1.4142
        assert squeezed_punctuation(lines) == [], path.name
        assert spacing_outliers(body, tolerance=0.1, most=0.3) == [], path.name
        assert short_last_lines(body) == [], path.name
        assert filled(lines, page, (14 * MM * k, 12 * MM * k)) >= 0.7, path.name


@pytest.mark.parametrize("slug", ["燃气", "燃气A3", "清单"])
def test_notice_follows_gb_t_9704(rendered, slug) -> None:
    """Masthead (the issuing body, the largest type, at the top), title below it, addressees
    flush left, and at the bottom right the date four characters from the right edge with the
    issuing body centred over it."""
    r = rendered[slug]
    lines, body_pt, job = r["lines"], r["fit"].body_pt, r["job"]
    texts = ["".join(line.text.split()) for line in lines]
    top = lines[0]
    assert texts[0] == job.author and top.size == max(line.size for line in lines)
    title = texts.index(job.title)
    assert title == 1 and body_pt < lines[1].size < top.size
    body = body_lines(lines, body_pt)
    left = min(line.left for line in body)
    right = max(line.right for line in body if line.chars[-1].text not in PUNCT)  # a trimmed mark at a line end still has a full box
    assert body[0].text.startswith("各位居民") and abs(body[0].left - left) < 1
    date = next(line for line in body if line.text == "2026年11月20日")
    signature = body[body.index(date) - 1]
    assert signature.text == job.author
    assert abs((right - date.right) / body_pt - 4) < 0.3  # 右空四字
    centre = lambda line: (line.left + line.right) / 2  # noqa: E731
    assert abs(centre(signature) - centre(date)) < 0.3 * body_pt


def test_a3_landscape_body_column_is_filled(rendered) -> None:
    """A3 landscape (the issue: "about 70% empty"): the body column, left of the side column
    with the QR code, is filled top to bottom in type larger than the old 28 pt limit."""
    r = rendered["燃气A3横"]
    k = 1.4142
    side = r["page"][0] - (16 + 64) * MM * k  # margin and side column (common.typ)
    column = [line for line in r["lines"] if line.right < side]
    assert r["fit"].complete and r["fit"].body_pt > 28
    assert len(column) >= 8 and filled(column, r["page"], (14 * MM * k, 12 * MM * k)) >= 0.7
