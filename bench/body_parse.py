#!/usr/bin/env python3
"""Seconds (CPU) for the one parse and every body rule of a 1 MB article, and of pasted floods.

    python bench/body_parse.py [--size 1000000]

Target (issues 9 and 10): each 1 MB body, real-looking or a pasted run of `[](`, `<a `, `**`, ...,
checks within a few seconds, and doubling the size no more than doubles the time (linear).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.body_checks import check_body  # noqa: E402
from generator.content import RawArticle  # noqa: E402
from generator.messages import Report  # noqa: E402

PARAGRAPH = "社区将于本周六上午在小区广场开展冬季环境卫生大扫除，请各位居民积极参加，[详情](a.pdf)，**重要**提醒。\n"
FLOODS = ["[](", "![](", "<a ", "**", "`", "[", "<", "*a", "[a](b)", "&amp;", "<span>", "\\[", "> ", "a  \n"]


def article(size: int) -> str:
    unit = "## 标题\n\n" + PARAGRAPH * 3 + "\n- 一\n- 二\n\n| 项目 | 时间 |\n|---|---|\n| 扫除 | 9:00 |\n\n"
    return unit * (size // len(unit.encode()) + 1)


def seconds(body: str, content: Path) -> float:
    raw = RawArticle(path=content / "a.md", source="content/a.md", src_uri="a.md", body=body, body_line=6)
    started = time.process_time()
    check_body(raw, content, Report())
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    size = parser.parse_args().size
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder)
        (content / "a.pdf").write_bytes(b"%PDF")
        worst = 0.0
        for name, make in [("article", article)] + [(repr(p), lambda n, p=p: p * (n // len(p))) for p in FLOODS]:
            one, two = seconds(make(size), content), seconds(make(2 * size), content)
            worst = max(worst, one)
            print(f"{name:12} {size // 1000:>5} KB {one:6.2f} s   {2 * size // 1000:>5} KB {two:6.2f} s"
                  f"   ratio {two / max(one, 1e-3):.1f}", flush=True)
    print(f"slowest 1 MB: {worst:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
