"""The board command as staff use it: exit codes, a failed build that keeps the old site, `new`, and `mkdocs build`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT, copy_project, make_board_project, renderer_command, run_board, tree_hash, write_article

pytestmark = pytest.mark.renderer  # `mkdocs build` itself, and the board command around the renderer

GOOD = "---\ntitle: 好消息\ntype: science\ndate: 2026-11-20\n---\n\n正文第一段，讲一件好事。\n"


@pytest.mark.parametrize("kind", ["single", "street"])
def test_broken_article_keeps_previous_site(tmp_path: Path, kind: str) -> None:
    project = make_board_project(kind, tmp_path / "p")
    first = project.run("build", "--as-of", AS_OF, "--no-posters")
    assert first.returncode == 0, first.stderr
    before = tree_hash(project.root / "site")
    project.write("notices/坏通知.md", "---\ntitle: 坏通知\ntype: notice\ndate: 2026-13-45\n---\n正文\n")
    project.write("law/坏文章.md", "---\ntitle: [1, 2]\ntype: law\ndate: 2026-11-20\nfoo: 1\n---\n正文\n")
    result = project.run("build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    prefix = re.escape(project.prefix)
    assert any(re.match(rf"^{prefix}content/notices/坏通知\.md:4: 错误：", l) for l in lines), result.stderr
    assert any(re.match(rf"^{prefix}content/law/坏文章\.md:2: 错误：", l) for l in lines), result.stderr
    assert any(re.match(rf"^{prefix}content/law/坏文章\.md:5: 警告：", l) for l in lines), result.stderr
    assert tree_hash(project.root / "site") == before
    assert not list(project.root.glob(".site-new-*")) and not list(project.site.parent.glob(".*-new-*"))


def test_usage_errors_exit_2(project: Path) -> None:
    assert run_board(project, "frobnicate").returncode == 2
    assert run_board(project, "build", "--as-of", "明天").returncode == 2
    result = run_board(project, "new", "poem", "一首诗")
    assert result.returncode == 2 and "notice" in result.stderr


def test_new_writes_a_valid_article_and_never_overwrites(project: Path) -> None:
    result = run_board(project, "new", "notice", "关于“楼道堆物”清理的通知")
    assert result.returncode == 0, result.stderr
    created = list((project / "content" / "notices").glob("*.md"))
    assert len(created) == 1 and "楼道堆物" in created[0].name
    assert "关于“楼道堆物”清理的通知" in created[0].read_text(encoding="utf-8")
    check = run_board(project, "check")
    assert check.returncode == 0, check.stderr
    before = created[0].read_bytes()
    again = run_board(project, "new", "notice", "关于“楼道堆物”清理的通知")
    assert again.returncode == 1 and "已经存在" in again.stderr
    assert created[0].read_bytes() == before


def test_story_template_needs_consent_before_publishing(project: Path) -> None:
    assert run_board(project, "new", "道德模范", "热心肠的李阿姨").returncode == 0
    check = run_board(project, "check")
    assert check.returncode == 0, check.stderr  # a new article is a draft: it waits for consent without blocking
    [path] = (project / "content" / "stories").glob("*.md")
    path.write_text(re.sub(r"^draft: true.*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    check = run_board(project, "check")
    assert check.returncode == 1 and re.search(r"^content/stories/.*\.md:\d+: 错误：.*consent: true", check.stderr, re.M)


def test_mkdocs_build_gives_the_same_site(tmp_path: Path, sample_with_posters: Path) -> None:
    ours = sample_with_posters  # `board build --as-of AS_OF` of the sample, posters included
    theirs = copy_project(tmp_path / "theirs")
    env = {**os.environ, "BOARD_AS_OF": AS_OF}
    result = subprocess.run([*renderer_command(), "build", "-q", "-f", "mkdocs.yml"], cwd=theirs, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    mine, plain = tree_hash(ours / "site"), tree_hash(theirs / "site")
    assert set(mine) == set(plain)
    assert any(p.startswith("posters/") for p in mine)
    # identical but for the build's own time stamps (board.json's generated_at, the sitemap's lastmod)
    differ = {p for p in mine if mine[p] != plain[p]}
    assert differ <= {"board.json", "sitemap.xml", "sitemap.xml.gz", "kiosk/index.html"}, differ
    a = json.loads((ours / "site" / "board.json").read_text(encoding="utf-8"))
    b = json.loads((theirs / "site" / "board.json").read_text(encoding="utf-8"))
    assert a["articles"] == b["articles"] and a["as_of"] == b["as_of"]


def test_check_writes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    before = tree_hash(project)
    assert run_board(project, "check", "--as-of", AS_OF).returncode == 0
    assert tree_hash(project) == before


def test_build_writes_nothing_into_content(sample_with_posters: Path) -> None:
    before = tree_hash(ROOT / "content")  # what copy_project copied into the project before its build
    assert (sample_with_posters / "site" / "posters" / "print-pack.pdf").is_file()  # built, posters included
    assert tree_hash(sample_with_posters / "content") == before


def test_poster_proofs_chosen_articles_whatever_their_status(tmp_path: Path) -> None:
    from pypdf import PdfReader

    project = copy_project(tmp_path / "p")
    scheduled = next((project / "content" / "notices").glob("2027-01-05-*.md"))
    result = run_board(project, "poster", str(scheduled.relative_to(project)))
    assert result.returncode == 0, result.stderr
    proof = project / "proof" / f"{scheduled.stem}.pdf"
    reader = PdfReader(proof)
    assert len(reader.pages) == 1 and "迎新春" in reader.pages[0].extract_text()
    assert not (project / "site").exists(), "a proof never touches the site"
    missing = run_board(project, "poster", "content/notices/没有这篇.md")
    assert missing.returncode == 1 and "content/notices/没有这篇.md:1: 错误：" in missing.stderr


def test_longest_allowed_file_name_builds_with_poster(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    stem = "2026-11-20-" + "很" * 76  # 239 bytes: just under the limit
    write_article(project, f"notices/{stem}.md", "---\ntitle: 长文件名\ntype: notice\ndate: 2026-11-20\n"
                  "author: 幸福里社区居民委员会\n---\n\n各位居民朋友：\n\n正文。\n")
    result = run_board(project, "build", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "posters" / f"{stem}.pdf").is_file()
    assert (project / "site" / "notices" / stem / "index.html").is_file()


def test_poster_warnings_name_the_line_at_fault(tmp_path: Path) -> None:
    """A character the poster font lacks is named at the line that holds it (title, summary or body), and
    a body too long for one sheet at the body's first line: staff go to that line, not to line 1."""
    project = copy_project(tmp_path / "p", with_content=False)
    head = "---\ntype: notice\ndate: 2026-11-20\nauthor: 幸福里社区居民委员会\n"
    write_article(project, "notices/标题.md", head + "title: 停水通知🚰\n---\n\n各位居民：\n\n明天停水。\n")
    write_article(project, "notices/摘要.md", head + "title: 停电通知\nsummary: 明天停电🔌，请做好准备\n---\n\n明天停电。\n")
    write_article(project, "notices/正文.md", head + "title: 大扫除通知\n---\n\n各位居民：\n\n周六大扫除。\n\n"
                  "欢迎参加🧹！\n")
    write_article(project, "notices/长文.md", head + "title: 很长的通知\n---\n\n"
                  + "\n\n".join("第一条，各位居民请注意楼道里不要堆放杂物，保持消防通道畅通。" * 6 for _ in range(60)) + "\n")
    result = run_board(project, "poster", *(f"content/notices/{n}.md" for n in ("标题", "摘要", "正文", "长文")))
    assert result.returncode == 0, result.stderr
    for name, line in (("标题", 5), ("摘要", 6), ("正文", 12), ("长文", 8)):
        assert f"content/notices/{name}.md:{line}: 警告：" in result.stderr, (name, result.stderr)


def test_board_new_loads_no_build_code(tmp_path: Path) -> None:
    """`board new` only writes a file from a template: it must start at once on an old office PC, so it
    loads the settings without the checks, Markdown or the renderer (a street community's settings too)."""
    project = copy_project(tmp_path / "p", with_content=False)
    probe = ("import json, sys; from generator import cli; code = cli.main(['new', 'notice', '停水通知']); "
             "heavy = ('generator.street', 'generator.incremental', 'generator.checks', 'markdown', 'mkdocs');"
             "print(json.dumps([code, sorted(m for m in sys.modules if m in heavy)]))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [0, []]
    assert len(list((project / "content" / "notices").glob("*停水通知.md"))) == 1
