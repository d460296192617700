"""Products made ahead in the check's worker pool (generator.products: QR codes, WeChat copy pages,
phrase breaks) change nothing but where the time goes: the site is byte for byte the one the main
process makes without them, also for an article whose short code is not the one its slug would get
(the products were made for the wrong link and must not be used) and after a setting they depend on
changes while the check cache keeps them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, copy_project, tree_hash

ENV = {"SOURCE_DATE_EPOCH": "1795000000", "BOARD_WORKERS": "2"}  # generated_at fixed; the pool runs
HAND_CODE = "zz234"  # given by hand to one article: the code its slug would get is not its code
HAND_SLUG = "2026-11-05-楼道里的那把扫帚"
# The build, in a process where making the products ahead always fails (a bug in that path): none is made
# ahead, so the main process makes them all alone; each failure is counted (products.failed), not hidden.
WITHOUT = ("import sys, generator.products as p\n"
           "def broken(*args, **kwargs): raise RuntimeError('a bug in the products made ahead')\n"
           "p.make = broken\n"
           "from generator.cli import main; sys.exit(main(sys.argv[1:]))")


def build(project: Path, ahead: bool) -> dict:
    import os

    command = [sys.executable, "-m", "generator"] if ahead else [sys.executable, "-c", WITHOUT]
    result = subprocess.run([*command, "build", "--no-posters", "--as-of", AS_OF], cwd=project, capture_output=True,
                            text=True, timeout=300, env={**os.environ, **ENV})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads((project / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8"))


def set_site_url(project: Path, url: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("site_url:")
    end = text.index("\n", start)
    config.write_text(text[:start] + f"site_url: {url}" + text[end:], encoding="utf-8")


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("products")
    made = []
    for name in ("ahead", "alone"):
        project = copy_project(base / name)
        registry = project / "short-urls.txt"
        registry.write_text(f"{HAND_CODE} {HAND_SLUG}\n" + registry.read_text(encoding="utf-8"), encoding="utf-8")
        made.append(project)
    return made[0], made[1]


def test_products_made_ahead_give_the_same_site(projects: tuple[Path, Path]) -> None:
    ahead, alone = projects
    stats = build(ahead, True)
    failed = build(alone, False)
    assert stats["check.workers"] == 2 and "products.failed" not in stats
    assert failed["check.workers"] == 2 and failed["products.failed"] == failed["articles.checked"] >= 15
    assert "wechat.ahead" not in failed
    published = json.loads((ahead / "site" / "board.json").read_text(encoding="utf-8"))["articles"]
    hand = next(a for a in published if a["slug"] == HAND_SLUG)
    assert hand["short_url"] == f"s/{HAND_CODE}/"  # the article whose products were made for another link
    # every other copy page came from the pool; the hand-coded one was made again here
    assert stats["wechat.ahead"] == len(published) - 1
    assert tree_hash(ahead / "site") == tree_hash(alone / "site")


def test_products_kept_with_the_check_follow_a_changed_setting(projects: tuple[Path, Path]) -> None:
    ahead, alone = projects
    for project in projects:
        set_site_url(project, "https://board.example.net/xingfuli/")
        (project / ".cache" / "build" / "unchanged.json").unlink(missing_ok=True)
    stats = build(ahead, True)
    kept = build(alone, False)
    assert stats.get("articles.checked", 0) == 0  # every check (and its products) came from the cache
    # the failures kept with those checks were counted when they happened, not again in a build that made none
    assert kept.get("articles.checked", 0) == 0 and "products.failed" not in kept
    assert "wechat.ahead" not in stats  # made for the old site_url: not used
    assert tree_hash(ahead / "site") == tree_hash(alone / "site")
    wechat = (ahead / "site" / "wechat").glob("*.html")
    assert any("board.example.net/xingfuli/s/" in page.read_text(encoding="utf-8") for page in wechat)


def test_a_copy_page_maker_is_chosen_by_what_it_depends_on(tmp_path: Path) -> None:
    """One WechatMaker per settings digest, not per id(settings) (an id is used again after garbage
    collection): equal settings share it; another value or a changed copy-page template does not."""
    from generator.messages import Report
    from generator.products import maker_key
    from generator.settings import load_settings

    project = copy_project(tmp_path / "p", with_content=False)
    first, again = (load_settings(project / "mkdocs.yml", Report()) for _ in range(2))
    assert first is not again and maker_key(first) == maker_key(again)
    again.committee = "另一个居委会"
    assert maker_key(again) != maker_key(first)
    before = maker_key(first)
    css = project / "templates" / "wechat" / "page.css"
    css.write_text(css.read_text(encoding="utf-8") + "\np { color: #000; }\n", encoding="utf-8")
    assert maker_key(first) != before
