"""Everything but HTML page rendering works without MkDocs (the exit plan in the README):
load, check, plan, lifecycle, search index, feeds, kiosk, posters, proofs and the output swap run in
a process where `mkdocs`, `properdocs` and `material` cannot be imported, and give the same
board.json, feed.xml and calendar.ics as a full build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import AS_OF, ROOT

SCRIPT = r'''
import importlib.abc, json, sys
from pathlib import Path

RENDERERS = ("mkdocs", "properdocs", "material")


class NoRenderer(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in RENDERERS:
            raise ModuleNotFoundError(f"No module named {name!r} (made unimportable by the test)", name=name)
        return None


sys.meta_path.insert(0, NoRenderer())
for name in RENDERERS:
    try:
        __import__(name)
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit(f"{name} is still importable")

import markdown

from generator import (artefacts, checks, cli, content, feeds, kiosk, lifecycle, load, output, plan, poster_step,
                       posters, proof, qr, search_index, settings, timeutil)
from generator.messages import Report
from generator.output.claims import claim_site
from generator.output.writer import SiteWriter
from generator.search_index import SearchDoc, html_to_text
from generator.timeutil import parse_time

as_of = sys.argv[1]
results = {}
results["check"] = cli.main(["check", "--as-of", as_of])
results["next"] = cli.main(["next", "--as-of", as_of])
proofs = sorted(Path("content/notices").glob("*.md"))[:1]
results["poster"] = cli.main(["poster", *map(str, proofs)])

report = Report()
config = settings.load_settings(Path("mkdocs.yml"), report)
board = load.load_board(config, parse_time(as_of), report)
site_plan = plan.plan_site(board)
# The body text for search: what the page renderer's HTML gives today, here from Python-Markdown
docs = [SearchDoc(a, html_to_text(markdown.markdown(a.body, extensions=["tables"]))) for a in board.published]
site = Path("site")
staged = output.StagedBuild(site)
staging = staged.start()
writer = SiteWriter(staging, claim_site(site_plan, report))
artefacts.write_artefacts(site_plan, writer, docs, posters=True, report=report)
staged.finish()
results["errors"] = [str(m) for m in report.errors]
results["renderers_loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in RENDERERS)
print(json.dumps(results))
'''


def test_everything_but_pages_runs_without_mkdocs(tmp_path: Path, sample_site: Path) -> None:
    from conftest import copy_project

    project = copy_project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-c", SCRIPT, AS_OF], cwd=project, capture_output=True, text=True,
                            timeout=600, env={"PYTHONPATH": str(ROOT), **__import__("os").environ})
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])
    assert results == {"check": 0, "next": 0, "poster": 0, "errors": [], "renderers_loaded": []}, result.stderr
    assert list((project / "proof").glob("*.pdf"))

    site = project / "site"
    for name in ("board.json", "feed.xml", "calendar.ics", "kiosk/index.html", "search/data/meta.json",
                 "posters/print-pack.pdf"):
        assert (site / name).is_file(), name
    # the same machine-readable outputs as a full build through the renderer
    assert (site / "feed.xml").read_bytes() == (sample_site / "feed.xml").read_bytes()
    assert (site / "calendar.ics").read_bytes() == (sample_site / "calendar.ics").read_bytes()
    ours = json.loads((site / "board.json").read_text(encoding="utf-8"))["articles"]
    full = json.loads((sample_site / "board.json").read_text(encoding="utf-8"))["articles"]
    assert [{**a, "poster": None, "share": None} for a in ours] == full  # the sample site is built without posters
    assert all((site / a["poster"]).is_file() for a in ours if a["poster"])
    assert any(a["share"] for a in ours) and all((site / a["share"]).is_file() for a in ours if a["share"])
    assert all((site / "wechat" / f"{a['slug']}.html").is_file() for a in ours)
    meta = json.loads((site / "search" / "data" / "meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == len(full)


def test_only_the_page_renderer_imports_mkdocs() -> None:
    """The one module that may import MkDocs is the page renderer's adapter."""
    importers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "generator").rglob("*.py")
                       if any(line.lstrip().startswith(("import mkdocs", "from mkdocs", "import material",
                                                        "from material", "import properdocs"))
                              for line in p.read_text(encoding="utf-8").splitlines()))
    assert importers == ["generator/mkdocs_plugin.py"]
