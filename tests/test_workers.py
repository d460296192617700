"""Checking articles in a process pool (generator.workers) changes nothing but the time: the same
site byte for byte, and the same messages in the same order, as checking them one by one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import AS_OF, copy_project, run_board, tree_hash, write_article

ENV = {"SOURCE_DATE_EPOCH": "1795000000"}  # board.json's generated_at: the two builds are compared whole
MISTAKES = {  # articles with a mistake each, so the order of the messages is seen too
    "notices/2026-11-27-缺日期.md": "---\ntitle: 缺日期的通知\ntype: notice\n---\n\n正文。\n",
    "notices/2026-11-28-电话.md": "---\ntitle: 有手机号\ntype: notice\ndate: 2026-11-20\n---\n\n请联系 13812345678。\n",
    "law/2026-11-29-外链图.md": "---\ntitle: 外链图片\ntype: law\ndate: 2026-11-21\n---\n\n![图](https://example.com/a.jpg)\n",
    "science/2026-11-30-类型错.md": "---\ntitle: 类型写错\ntype: 科普\ndate: 2026-11-22\n---\n\n正文。\n",
}


def build(project: Path, workers: int) -> tuple[dict, list[str]]:
    result = run_board(project, "build", "--no-posters", "--as-of", AS_OF, env={**ENV, "BOARD_WORKERS": str(workers)})
    messages = [line for line in result.stderr.splitlines() if re.search(r":\d+: (错误|警告)：", line)]
    stats = json.loads((project / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8")) \
        if result.returncode == 0 else {}
    return {"returncode": result.returncode, **stats}, messages


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("workers")
    return copy_project(base / "one"), copy_project(base / "two")


def test_pool_builds_the_same_site_as_one_process(projects: tuple[Path, Path]) -> None:
    one, two = projects
    alone, said_alone = build(one, 1)
    pooled, said_pooled = build(two, 2)
    assert alone["returncode"] == pooled["returncode"] == 0
    assert "check.workers" not in alone and pooled["check.workers"] == 2  # the pool did run
    assert pooled["articles.checked"] == alone["articles.checked"] >= 15
    assert said_pooled == said_alone
    assert tree_hash(one / "site") == tree_hash(two / "site")
    # a rebuild in the pool takes every check from the cache, as one process does (the no-change stamp
    # removed, or the build would stop before any check: generator/unchanged.py)
    (two / ".cache" / "build" / "unchanged.json").unlink()
    again, _ = build(two, 2)
    assert again.get("articles.checked", 0) == 0 and again["check.hit"] == pooled["articles.checked"]


def test_pool_reports_every_mistake_in_file_order(projects: tuple[Path, Path], tmp_path: Path) -> None:
    broken = copy_project(tmp_path / "broken")
    for relative, text in MISTAKES.items():
        write_article(broken, relative, text)
    alone = run_board(broken, "check", "--as-of", AS_OF, env={"BOARD_WORKERS": "1"})
    pooled = run_board(broken, "check", "--as-of", AS_OF, env={"BOARD_WORKERS": "2"})
    assert alone.returncode == pooled.returncode != 0  # 缺 date, a wrong type: errors
    assert pooled.stdout == alone.stdout and pooled.stderr == alone.stderr
    assert "Traceback" not in pooled.stderr
    for name in MISTAKES:  # every file's mistake, each named
        assert Path(name).name in pooled.stderr + pooled.stdout
