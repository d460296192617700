#!/usr/bin/env python3
"""Build speed and memory: our `board build` against a plain mkdocs-material build of the same files.

    python bench/build_speed.py [--sizes 100 1000] [--repeat 1]

Articles come from ../shared/corpus/make_content.py (real Chinese legal texts). The baseline is
mkdocs-material with its search plugin segmenting Chinese with jieba and no article in the nav,
built in the same run on the same machine, so the ratio means something on a noisy shared box.
Targets (issue 2): ours <= 1.2x plain at 1,000 articles; 1,000 articles <= 11x the time of 100.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "make_content.py"
AS_OF = "2026-11-26 10:00"

PLAIN_MKDOCS_YML = """\
site_name: plain
docs_dir: docs
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
      separator: '[\\s\\u200b\\-]'
nav:
  - index.md
validation:
  omitted_files: ignore
  unrecognized_links: ignore
  absolute_links: ignore
  not_found: ignore
"""


def run_timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system: steadier than wall time on a shared
    machine) of one command, from wait4 of that child alone. Its stderr goes to a file, not a pipe,
    so a talkative child cannot fill the pipe and hang the wait."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _process_tree(root: int) -> list[int]:
    """root and every process descended from it, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(name))
    tree, i = [root], 0
    while i < len(tree):
        tree.extend(children.get(tree[i], []))
        i += 1
    return tree


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared by a forked child count once across the tree, not per process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Peak of the summed PSS of a command's whole process tree (main process, check workers, render
    children), sampled every 50 ms: wait4's ru_maxrss gives only the largest single process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        if not os.path.exists("/proc/self/smaps_rollup"):
            return
        while not self.done.wait(0.05):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _process_tree(self.pid)))


def run_sampled(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, float, float]:
    """run_timed's wall seconds, largest process's peak RSS (MB), CPU seconds, and the peak summed PSS
    (MB) of the whole process tree (0 where /proc cannot tell)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                                stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, sampler.peak_kb / 1024


def run_measured(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command."""
    return run_timed(cmd, cwd, env)[:2]


def make_content(content: Path, n: int) -> None:
    """n articles in content/law/. The corpus has 1,564 texts: past that, further rounds (another seed's
    order) add each text again under another name, with its round in the title and a first paragraph
    of its own, so that every article's text and title differ (no article is a copy of another)."""
    subprocess.run([sys.executable, str(CORPUS), str(content), "--limit", str(n)], check=True,
                   stdout=subprocess.DEVNULL)
    law = content / "law"
    round_ = 1
    while len(list(law.glob("*.md"))) < n:
        round_ += 1
        extra = content.parent / f".round-{round_}"
        subprocess.run([sys.executable, str(CORPUS), str(extra), "--seed", str(round_)], check=True,
                       stdout=subprocess.DEVNULL)
        for path in sorted((extra / "law").glob("*.md"))[: n - len(list(law.glob("*.md")))]:
            text = path.read_text(encoding="utf-8")
            front, body = text.split("\n---\n", 1)
            front = re.sub(r'^title: "(.*)"$', lambda m: f'title: "{m.group(1)[:58].rstrip(chr(92))}（第{round_}份）"', front,
                           count=1, flags=re.M)
            (law / f"{path.stem}-{round_}.md").write_text(
                f"{front}\n---\n\n这是第{round_}份同样内容的文章，供测速用。\n{body}", encoding="utf-8")
        shutil.rmtree(extra)


def make_projects(work: Path, n: int) -> tuple[Path, Path]:
    ours = work / f"ours-{n}"
    plain = work / f"plain-{n}"
    make_content(ours / "content", n)
    shutil.copy(ROOT / "mkdocs.yml", ours / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", ours / "templates")
    shutil.copytree(ours / "content", plain / "docs")
    (plain / "docs" / "index.md").write_text("# plain\n", encoding="utf-8")
    (plain / "mkdocs.yml").write_text(PLAIN_MKDOCS_YML, encoding="utf-8")
    return ours, plain


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build; the best is reported")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="board-bench-") as tmp:
        work = Path(tmp)
        for n in args.sizes:
            ours, plain = make_projects(work, n)
            best_ours = best_plain = (float("inf"), 0.0)
            for _ in range(args.repeat):
                # alternate the two so that machine noise hits both alike
                t = run_measured([sys.executable, "-m", "generator", "build", "--no-posters", "--as-of", AS_OF], ours)
                best_ours = min(best_ours, t)
                t = run_measured([sys.executable, "-m", "mkdocs", "build", "-q"], plain)
                best_plain = min(best_plain, t)
            pages = sum(1 for _ in (ours / "site").rglob("index.html"))
            size = sum(p.stat().st_size for p in (ours / "site" / "law").rglob("index.html")) / max(n, 1)
            rows.append((n, best_ours, best_plain, pages, size))
            print(f"{n} articles: ours {best_ours[0]:.1f} s ({best_ours[1]:.0f} MB), "
                  f"plain {best_plain[0]:.1f} s ({best_plain[1]:.0f} MB)", flush=True)
    print()
    print("| articles | ours (s) | plain mkdocs-material (s) | ratio | ours peak MB | plain peak MB | pages | avg article page KB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, (to, mo), (tp, mp), pages, size in rows:
        print(f"| {n} | {to:.1f} | {tp:.1f} | {to / tp:.2f}x | {mo:.0f} | {mp:.0f} | {pages} | {size / 1024:.0f} |")
    if len(rows) >= 2:
        (n1, (t1, _), _, _, _), (n2, (t2, _), _, _, _) = rows[0], rows[-1]
        print(f"\ngrowth: {n2} articles took {t2 / t1:.1f}x the time of {n1} (linear would be {n2 / n1:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
