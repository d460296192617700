"""Short URLs `s/<code>/`: the same code in every later build, never shared, never reused;
the redirect works without JavaScript; every QR code (posters, kiosk) carries the short URL.

Tested on real builds of the command line: board.json, the pages under site/s/, the registry
file, and the posters' QR codes decoded from a 100 dpi rendering."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pypdfium2
import pytest
import zxingcpp
from bs4 import BeautifulSoup

from conftest import AS_OF, ROOT, copy_project, run_board, write_article
from generator.shorturls import ALPHABET, LENGTH, REGISTRY, candidate

ARTICLE = """---
title: {title}
type: notice
date: 2026-11-{day:02d}
author: 幸福里社区居民委员会
---

各位居民朋友：{title}，详见社区公告栏。
"""


def build(project: Path, *extra: str) -> dict:
    result = run_board(project, "build", "--as-of", AS_OF, *extra)
    assert result.returncode == 0, result.stderr
    return json.loads((project / "site" / "board.json").read_text(encoding="utf-8"))


def codes(manifest: dict) -> dict[str, str]:
    """slug -> code, from board.json's short_url."""
    out = {}
    for entry in manifest["articles"]:
        short = entry["short_url"]
        assert short.startswith("s/") and short.endswith("/"), short
        out[entry["slug"]] = short[2:-1]
    return out


def registry_codes(project: Path) -> dict[str, str]:
    """code -> slug, as the registry file records them."""
    out = {}
    for line in (project / REGISTRY).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, slug = line.split(maxsplit=1)
            out[code] = slug
    return out


def follow(site: Path, short_url: str) -> tuple[str, BeautifulSoup]:
    """Open s/<code>/ as a browser without JavaScript would: read the meta refresh, resolve it
    against the page's own URL. Returns the URL it leads to (site-relative) and that page."""
    page = site / short_url / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("script") is None
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    delay, _, target = refresh.partition(";")
    assert delay.strip() == "0" and target.strip().startswith("url=")
    href = target.strip()[4:]
    assert soup.find("a", href=href) is not None, "a link to tap when the refresh does not happen"
    base = "http://h/" + short_url
    landed = unquote(urlsplit(urljoin(base, href)).path)[1:]
    return landed, soup


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    """The sample built twice, with a day's changes between: a title edited, an article added,
    one deleted, the cache cleared. The first build has posters."""
    project = copy_project(tmp_path_factory.mktemp("short") / "p")
    first = build(project)
    site1 = project / "site"
    kept_site = project.parent / "site1"
    shutil.copytree(site1, kept_site)
    registry1 = registry_codes(project)

    notice = project / "content" / "notices" / "2026-11-20-冬季大扫除.md"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(re.sub(r"(?m)^title: .*$", "title: 冬季大扫除改期通知", text, count=1), encoding="utf-8")
    deleted = "2026-11-24-冬季消防安全知识讲座"
    (project / "content" / "notices" / f"{deleted}.md").unlink()
    write_article(project, "notices/2026-11-19-新增通知.md", ARTICLE.format(title="新增的一则通知", day=19))
    shutil.rmtree(project / ".cache", ignore_errors=True)
    second = build(project, "--no-posters")
    return dict(project=project, first=first, second=second, site1=kept_site, site2=project / "site",
                registry1=registry1, registry2=registry_codes(project), deleted=deleted)


def test_sample_codes_are_the_committed_ones(history) -> None:
    """A fresh clone builds the codes the project's registry already holds (nothing new added)."""
    committed = {slug: code for code, slug in registry_codes(ROOT).items()}
    assert codes(history["first"]) == {slug: committed[slug] for slug in codes(history["first"])}
    assert history["registry1"] == registry_codes(ROOT)


def test_every_article_has_its_own_short_code(history) -> None:
    for manifest in (history["first"], history["second"]):
        found = codes(manifest)
        assert len(set(found.values())) == len(found) == len(manifest["articles"])
        for code in found.values():
            assert len(code) >= LENGTH and set(code) <= set(ALPHABET)
            assert not set(code) & set("0oO1lI")


def test_codes_survive_edits_other_articles_and_a_cleared_cache(history) -> None:
    before, after = codes(history["first"]), codes(history["second"])
    same = set(before) & set(after)
    assert len(same) == len(before) - 1
    assert {s: before[s] for s in same} == {s: after[s] for s in same}
    entry = next(a for a in history["second"]["articles"] if a["slug"] == "2026-11-20-冬季大扫除")
    assert entry["title"] == "冬季大扫除改期通知" and after[entry["slug"]] == before[entry["slug"]]


def test_deleted_article_code_is_kept_and_not_reused(history) -> None:
    gone = codes(history["first"])[history["deleted"]]
    assert history["registry2"][gone] == history["deleted"]  # still recorded
    assert gone not in codes(history["second"]).values()
    assert not (history["site2"] / "s" / gone).exists()  # no page leads anywhere wrong
    new = codes(history["second"])["2026-11-19-新增通知"]
    assert new not in history["registry1"] and history["registry2"][new] == "2026-11-19-新增通知"


@pytest.mark.parametrize("which", ["site1", "site2"])
def test_each_short_url_leads_to_its_article(history, which) -> None:
    site = history[which]
    manifest = history["first" if which == "site1" else "second"]
    pages = sorted(p.parent.name for p in (site / "s").glob("*/index.html"))
    assert pages == sorted(codes(manifest).values())
    for entry in manifest["articles"]:
        landed, soup = follow(site, entry["short_url"])
        assert landed == entry["url"]
        assert (site / landed / "index.html").is_file()
        assert soup.find("link", rel="canonical")["href"] == manifest["site_url"] + quote(landed, safe="/")
        assert entry["title"] in soup.get_text()


def test_every_sample_poster_qr_code_reads_at_100_dpi_and_leads_to_the_article(history) -> None:
    site, manifest = history["site1"], history["first"]
    posters = [a for a in manifest["articles"] if a["poster"]]
    assert len(posters) >= 10
    for entry in posters:
        doc = pypdfium2.PdfDocument(str(site / entry["poster"]))
        image = doc[0].render(scale=100 / 72).to_pil()
        found = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
        assert found == [manifest["site_url"] + entry["short_url"]], entry["slug"]
        landed, _ = follow(site, found[0][len(manifest["site_url"]):])
        assert landed == entry["url"]
        doc.close()


def colliding_slugs() -> tuple[str, str]:
    """Two slugs whose 5-character codes are the same (a birthday search: a few thousand hashes)."""
    seen: dict[str, str] = {}
    n = 0
    while True:
        slug = f"2026-11-1{n % 10}-通知{n}"
        code = candidate(slug)
        if code in seen:
            return seen[code], slug
        seen[code] = slug
        n += 1


def test_a_collision_gets_a_longer_code_and_a_deleted_code_is_never_reused(project: Path) -> None:
    first, second = colliding_slugs()
    write_article(project, f"notices/{first}.md", ARTICLE.format(title="先来的通知", day=10))
    old = codes(build(project, "--no-posters"))[first]
    assert old == candidate(first)
    (project / "content" / "notices" / f"{first}.md").unlink()
    write_article(project, f"notices/{second}.md", ARTICLE.format(title="后来的通知", day=11))
    new = codes(build(project, "--no-posters"))[second]
    assert candidate(second) == old and new != old and len(new) == LENGTH + 1
    assert not (project / "site" / "s" / old).exists()
    # both at once, and again from a fresh clone of the project (registry committed, no cache)
    write_article(project, f"notices/{first}.md", ARTICLE.format(title="先来的通知回来了", day=10))
    again = codes(build(project, "--no-posters"))
    assert again == {first: old, second: new}
    clone = copy_project(project.parent / "clone", with_content=False)
    shutil.rmtree(clone / "content")
    shutil.copytree(project / "content", clone / "content")
    shutil.copy(project / REGISTRY, clone / REGISTRY)
    assert codes(build(clone, "--no-posters")) == again


def test_check_and_preview_give_no_code_for_good(project: Path) -> None:
    write_article(project, "notices/2026-11-12-检查.md", ARTICLE.format(title="只检查不生成", day=12))
    before = (project / REGISTRY).read_bytes()
    assert run_board(project, "check", "--as-of", AS_OF).returncode == 0
    assert (project / REGISTRY).read_bytes() == before


def test_a_hand_added_code_keeps_an_old_poster_working_after_a_rename(project: Path) -> None:
    write_article(project, "notices/2026-11-13-新名字.md", ARTICLE.format(title="改过名的通知", day=13))
    with (project / REGISTRY).open("a", encoding="utf-8") as registry:
        registry.write("abc23 2026-11-13-新名字\n")  # the IT person moved the old name's code to the new name
    manifest = build(project, "--no-posters")
    entry = manifest["articles"][0]
    assert entry["short_url"] == "s/abc23/"  # the first registered code is the one printed
    landed, _ = follow(project / "site", "s/abc23/")
    assert landed == entry["url"]


def test_bad_registry_lines_are_warnings_at_their_line(project: Path) -> None:
    write_article(project, "notices/2026-11-14-通知.md", ARTICLE.format(title="通知", day=14))
    (project / REGISTRY).write_text("# 注释\nabc23 甲\n不对的一行\nabc23 乙\n", encoding="utf-8")
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 0
    assert f"{REGISTRY}:3: 警告" in result.stderr and f"{REGISTRY}:4: 警告" in result.stderr


def test_a_damaged_registry_is_named_from_the_project_folder(board_project) -> None:
    """Alone or as a community of a street: the registry's messages name its path from where staff run
    `board` (communities/xingfuli/short-urls.txt in a street), never another community's file."""
    from generator.messages import Report
    from generator.settings import load_settings
    from generator.load import load_board
    from generator.timeutil import parse_time

    registry = board_project.home / REGISTRY
    shown = f"{board_project.prefix}{REGISTRY}"

    def said() -> list[tuple[str, str, int]]:
        report = Report()
        load_board(load_settings(board_project.config, report), parse_time(AS_OF), report, write_cache=False)
        return sorted((m.code, m.path, m.line) for m in report.messages if m.code.startswith("shorturl."))

    registry.write_text("# 注释\nabc23 甲\n不对的一行\nabc23 乙\n", encoding="utf-8")
    assert said() == [("shorturl.registry_duplicate", shown, 4), ("shorturl.registry_line", shown, 3)]
    registry.write_bytes(b"abc23 \xff\xfe\x00garbage\n")
    assert said() == [("shorturl.registry_unreadable", shown, 1)]
    result = board_project.run("build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 1 and f"{shown}:1: 错误：" in result.stderr and "Traceback" not in result.stderr
    assert registry.read_bytes() == b"abc23 \xff\xfe\x00garbage\n"  # never overwritten
    assert not board_project.site.exists()


def test_a_build_whose_pages_fail_gives_no_code_for_good(project: Path) -> None:
    """With a render child the short-URL pages are made while pages still render (generator.parallel_render):
    a page that then fails must leave no new code in the registry, as in a serial build."""
    for day in (13, 14):
        write_article(project, f"notices/2026-11-{day}-好页.md", ARTICLE.format(title=f"好好的一页{day}", day=day))
    write_article(project, "notices/2026-11-15-坏页.md", ARTICLE.format(title="模板出错的一页", day=15))
    main = project / "templates" / "overrides" / "main.html"
    text = main.read_text(encoding="utf-8")
    assert "{% block styles %}" in text  # a fault only this page meets, at render time
    main.write_text(text.replace("{% block styles %}", '{% block styles %}{% if page and "坏页" in page.file.src_uri %}'
                                 "{{ board.no_such_thing() }}{% endif %}", 1), encoding="utf-8")
    before = (project / REGISTRY).read_bytes() if (project / REGISTRY).exists() else None
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters", env={"BOARD_RENDER_WORKERS": "2"})
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    after = (project / REGISTRY).read_bytes() if (project / REGISTRY).exists() else None
    assert after == before
