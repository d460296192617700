"""MkDocs and ProperDocs make the same site, file for file (README, "Leaving MkDocs").

CI runs the suite twice (.ci/run): with MkDocs 1.6, then with ProperDocs installed instead. It sets
BOARD_RENDERER_REFERENCE to a folder outside the checkout: the MkDocs pass writes there a hash of
every file of the sample site and of the street example, built at the reference time; the ProperDocs
pass builds the same projects and compares. Identical trees mean every test of the built pages holds
for both renderers, so the second pass need not run the browser tests again. On a developer's
machine only one renderer is installed and there is nothing to compare: the test is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from conftest import AS_OF, copy_street, renderer, run_board

pytestmark = pytest.mark.renderer

REFERENCE = os.environ.get("BOARD_RENDERER_REFERENCE")
# The one line that names the renderer and its version (material writes it into every page's <head>),
# and the moment board.json was written (the wall clock, which the two passes cannot share).
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">|"generated_at": ?"[^"]*"')


def tree_digest(site: Path) -> dict[str, str]:
    """sha256 of every file under site, with the renderer's name and the writing time blanked."""
    return {path.relative_to(site).as_posix(): hashlib.sha256(GENERATOR.sub(b"", path.read_bytes())).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


def compare_or_record(name: str, site: Path) -> None:
    digest = tree_digest(site)
    assert len(digest) > 20, f"{name}: the site has only {len(digest)} files"
    folder = Path(REFERENCE)
    record = folder / f"{name}.json"
    if renderer()[0] == "mkdocs":  # the first pass: write the reference
        folder.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(digest, ensure_ascii=False, indent=0), encoding="utf-8")
        return
    assert record.exists(), f"no reference from the MkDocs pass at {record}"
    reference = json.loads(record.read_text(encoding="utf-8"))
    missing = sorted(set(reference) - set(digest))
    extra = sorted(set(digest) - set(reference))
    changed = sorted(p for p in set(reference) & set(digest) if reference[p] != digest[p])
    assert not (missing or extra or changed), (
        f"{name} differs under {'-'.join(renderer())}: missing {missing[:10]}, extra {extra[:10]}, changed {changed[:10]}")


needs_reference = pytest.mark.skipif(not REFERENCE, reason="BOARD_RENDERER_REFERENCE is set only by .ci/run")


@needs_reference
def test_sample_site_is_the_same_under_either_renderer(sample_site: Path) -> None:
    compare_or_record("sample", sample_site)


@needs_reference
def test_street_example_is_the_same_under_either_renderer(tmp_path: Path) -> None:
    street = copy_street(tmp_path / "street")
    result = run_board(street, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    compare_or_record("street", street / "site")


def test_generator_line_is_the_only_renderer_trace(tmp_path: Path) -> None:
    """The normalisation above blanks one line and nothing else: a page keeps its other head tags."""
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    page.write_bytes(b'<head><meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.6">'
                     b'<meta name="description" content="x"></head>')
    other = tmp_path / "other" / "index.html"
    other.parent.mkdir()
    other.write_bytes(b'<head><meta name="generator" content="properdocs-1.0">'
                      b'<meta name="description" content="y"></head>')
    assert tree_digest(page.parent) != tree_digest(other.parent)
    other.write_bytes(b'<head><meta name="generator" content="properdocs-1.0">'
                      b'<meta name="description" content="x"></head>')
    assert tree_digest(page.parent) == tree_digest(other.parent)
