#!/usr/bin/env python3
"""A street of many communities: one street project against the same boards as separate projects.

    python bench/street.py [--communities 20] [--per 200] [--street 100] [--no-posters] [--out FILE]

Each community gets `--per` corpus articles (../shared/corpus/make_content.py, a different seed each);
the street gets `--street` more, half for every community, half naming two to five of them. Timed in
one run on the same machine: the street's full `board build`, a rebuild with nothing changed, a
rebuild after one street article changed, and, as today without street projects, the same boards as
separate single-community projects (each with its own copy of the street articles it shows), built
one per core at a time as the street builds its communities (the sum of their times is shown too).
The load average is printed before and after: the machine may be shared. Results go to --out
(default bench/street-results.txt) and stdout.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = next((p / "shared" / "corpus" / "make_content.py" for p in ROOT.parents
               if (p / "shared" / "corpus" / "make_content.py").is_file()), Path("/work/shared/corpus/make_content.py"))
AS_OF = "2026-11-26 10:00"

STREET_YML = """\
site_name: 测试街道
site_url: https://street.example.org/
docs_dir: content
site_dir: site
theme:
  name: material
  language: zh
  custom_dir: ../../templates/overrides
  font: false
plugins:
  board:
    street_office: 测试街道办事处
    beian: 浙ICP备12345678号
validation:
  omitted_files: ignore
  absolute_links: info
  unrecognized_links: info
  not_found: info
"""

COMMUNITY_YML = """\
INHERIT: ../../mkdocs.yml
site_name: 社区{n}公告栏
site_url: https://street.example.org/{id}/
plugins:
  board:
    community: 测试第{n}社区
    committee: 测试第{n}社区居民委员会
"""

SINGLE_YML = """\
site_name: 社区{n}公告栏
site_url: https://street.example.org/{id}/
docs_dir: content
site_dir: site
theme:
  name: material
  language: zh
  custom_dir: templates/overrides
  font: false
plugins:
  - board:
      community: 测试第{n}社区
      committee: 测试第{n}社区居民委员会
      beian: 浙ICP备12345678号
validation:
  omitted_files: ignore
  absolute_links: info
  unrecognized_links: info
  not_found: info
"""


def corpus(out: Path, limit: int, seed: int) -> list[Path]:
    subprocess.run([sys.executable, str(CORPUS), str(out), "--limit", str(limit), "--seed", str(seed)],
                   check=True, capture_output=True)
    return sorted((out / "law").glob("*.md"))


def make(work: Path, communities: int, per: int, street_count: int) -> tuple[Path, list[Path]]:
    """The street project and the same boards as separate projects."""
    rng = random.Random(7)
    ids = [f"c{n:02d}" for n in range(1, communities + 1)]
    street = work / "street"
    (street / "communities").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", street / "templates")
    (street / "mkdocs.yml").write_text(STREET_YML, encoding="utf-8")
    raw = corpus(work / "street-corpus", street_count, 999)
    named: dict[str, list[str]] = {}
    (street / "content" / "law").mkdir(parents=True)
    for number, path in enumerate(raw):
        text = path.read_text(encoding="utf-8")
        if number % 2:  # half name a few communities, half go to all
            chosen = sorted(rng.sample(ids, rng.randint(2, min(5, len(ids)))))
            text = text.replace("\n---\n", f"\ncommunities: [{', '.join(chosen)}]\n---\n", 1)
        else:
            chosen = ids
        target = street / "content" / "law" / f"街道-{path.name}"
        target.write_text(text, encoding="utf-8")
        named[target.name] = chosen
    singles = []
    for n, community_id in enumerate(ids, start=1):
        folder = street / "communities" / community_id
        folder.mkdir()
        (folder / "mkdocs.yml").write_text(COMMUNITY_YML.format(n=n, id=community_id), encoding="utf-8")
        own = corpus(work / f"corpus-{community_id}", per, n)
        (folder / "content" / "law").mkdir(parents=True)
        for path in own:
            shutil.copy(path, folder / "content" / "law" / path.name)
        single = work / "singles" / community_id
        (single / "content" / "law").mkdir(parents=True)
        shutil.copytree(ROOT / "templates", single / "templates")
        (single / "mkdocs.yml").write_text(SINGLE_YML.format(n=n, id=community_id), encoding="utf-8")
        for path in own:
            shutil.copy(path, single / "content" / "law" / path.name)
        for name, chosen in named.items():  # today: a copy of every street article in each board
            if community_id in chosen:
                text = (street / "content" / "law" / name).read_text(encoding="utf-8")
                text = "".join(l for l in text.splitlines(keepends=True) if not l.startswith("communities:"))
                (single / "content" / "law" / name).write_text(text, encoding="utf-8")
        singles.append(single)
    return street, singles


def cpu() -> float:
    """CPU seconds (user + system) of every finished child process and theirs (the builds' pools)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def board(project: Path, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--as-of", AS_OF, *args], cwd=project,
                            capture_output=True, text=True)
    took = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build failed in {project}:\n{result.stderr[-3000:]}")
    return took


def timed(project: Path, *args: str) -> str:
    """One build: wall and CPU seconds (the machine is shared: CPU is the steadier number)."""
    before = cpu()
    wall = board(project, *args)
    return f"{wall:8.1f} s wall {cpu() - before:8.1f} s CPU"


def rebuilt(street: Path) -> str:
    """Which communities the last street build made again (the others' sites were kept), and how many
    pages MkDocs rendered in all (the others came from the page cache)."""
    made, pages = [], 0
    for folder in sorted((street / "communities").iterdir()):
        try:
            stats = json.loads((folder / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not stats.get("site.reused"):
            made.append(folder.name)
            pages += stats.get("pages.rendered", 0)
    return (f"{len(made)} rebuilt" + (f" ({', '.join(made[:6])}{'…' if len(made) > 6 else ''})" if made else "")
            + f", {pages} pages rendered")


def load() -> str:
    return "load average %.1f %.1f %.1f" % os.getloadavg()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communities", type=int, default=20)
    ap.add_argument("--per", type=int, default=200)
    ap.add_argument("--street", type=int, default=100)
    ap.add_argument("--no-posters", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "street-results.txt")
    a = ap.parse_args()
    extra = ["--no-posters"] if a.no_posters else []
    lines = [f"street bench: {a.communities} communities x {a.per} articles + {a.street} street articles, "
             f"{'no posters (--no-posters, as the #12 speed bench)' if a.no_posters else 'with posters'}, {os.cpu_count()} cores, "
             f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC"]

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="board-street-bench-") as tmp:
        street, singles = make(Path(tmp), a.communities, a.per, a.street)
        pages = sum(len(list((street / "communities" / c / "content").rglob("*.md"))) for c in os.listdir(street / "communities"))
        say(f"  community articles: {pages}; street articles: {a.street}")
        say(f"  {load()} at the start")
        say(f"street full build:                  {timed(street, *extra)}  ({rebuilt(street)})")
        say(f"street no-change rebuild:           {timed(street, *extra)}  ({rebuilt(street)})")
        articles = sorted((street / "content" / "law").glob("*.md"))
        changed = articles[1]  # one that names a few communities
        changed.write_text(changed.read_text(encoding="utf-8") + "\n补充说明：本条有更新。\n", encoding="utf-8")
        say(f"street one-article rebuild (a few): {timed(street, *extra)}  ({rebuilt(street)}; {changed.name[:24]}…)")
        everyone = articles[0]  # one for every community
        everyone.write_text(everyone.read_text(encoding="utf-8") + "\n补充说明：本条有更新。\n", encoding="utf-8")
        say(f"street one-article rebuild (all):   {timed(street, *extra)}  ({rebuilt(street)}; {everyone.name[:24]}…)")
        community = next(l for l in changed.read_text(encoding="utf-8").splitlines() if l.startswith("communities:"))
        first = community.split("[", 1)[1].split(",")[0].strip()
        changed.write_text(changed.read_text(encoding="utf-8") + "\n再次更新。\n", encoding="utf-8")
        say(f"  again, --community {first}:       {timed(street, '--community', first, *extra)}")
        say(f"  {load()} after the street")
        started, before = time.perf_counter(), cpu()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # one build per core, as the street does
            times = list(pool.map(lambda single: board(single, *extra), singles))
        wall, used = time.perf_counter() - started, cpu() - before
        say(f"{len(singles)} separate builds, one per core: {wall:8.1f} s wall {used:8.1f} s CPU  (sum of their "
            f"times {sum(times):.1f} s, slowest {max(times):.1f} s)")
        started, before = time.perf_counter(), cpu()
        for single in singles:
            board(single, *extra)
        say(f"{len(singles)} separate no-change rebuilds:  {time.perf_counter() - started:8.1f} s wall "
            f"{cpu() - before:8.1f} s CPU")
        say(f"  {load()} at the end")
        sizes = sum(f.stat().st_size for f in (street / "site").rglob("*") if f.is_file())
        say(f"  street site: {sizes / 1e6:.0f} MB in {sum(1 for _ in (street / 'site').rglob('*'))} files")
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
