"""How long a deploy to a local folder takes once the site is built: the first release, a check that
finds nothing changed, and a release after one page changed (hard links for the rest).

    .venv/bin/python bench/publish.py [PROJECT]      # PROJECT defaults to this repository's sample

Prints seconds for each step; the build itself is not timed (bench it with `board build`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.publish.files import site_files  # noqa: E402
from generator.publish.folder import release_site  # noqa: E402


def main() -> None:
    project = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "-m", "generator", "-f", str(project / "mkdocs.yml"), "build",
                        "--as-of", "2026-11-26 10:00", "--no-posters", "--site-dir", str(site)],
                       check=True, capture_output=True, cwd=project)
        target = {"path": str(Path(tmp) / "www" / "site"), "keep": 3}
        releases = release_site(target, Path(tmp))

        started = time.perf_counter()
        files = site_files(site)
        hashed = time.perf_counter() - started
        started = time.perf_counter()
        first = releases.deploy(files)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        same = releases.deploy(site_files(site))
        same_s = time.perf_counter() - started
        page = next(site.rglob("index.html"))
        page.write_text(page.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")
        started = time.perf_counter()
        changed = releases.deploy(site_files(site))
        changed_s = time.perf_counter() - started
        size = sum(f.path.stat().st_size for f in files.values()) / 1e6
        print(f"site: {len(files)} files, {size:.1f} MB; hashing {hashed:.2f} s")
        print(f"first release:        {first_s:.2f} s ({first.uploaded} copied)")
        print(f"nothing changed:      {same_s:.2f} s (changed={same.changed})")
        print(f"one page changed:     {changed_s:.2f} s ({changed.uploaded} copied, {changed.linked} hard-linked)")
        shutil.rmtree(Path(tmp) / "www", ignore_errors=True)


if __name__ == "__main__":
    main()
