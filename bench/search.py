#!/usr/bin/env python3
"""Search cost and quality on 1,000 real articles, measured in headless Chromium.

    python bench/search.py [--articles 1000] [--no-baseline]

Builds ../shared/corpus articles with `board build`, serves the site on 127.0.0.1 with gzip
(the server counts the bytes it sends), and measures: the bytes of a first view of an article
page; for each query, the bytes and milliseconds of a search typed into the search page, the
recall of the articles whose text contains the phrase and the precision of the top five. The
baseline in the same run is a plain mkdocs-material site of the same files (its first view
downloads the whole search index). Targets (issue 6): first view <= 150 KB; each query <= 300 KB;
recall 100%; top-five precision 100% wherever five such articles exist.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from build_speed import PLAIN_MKDOCS_YML, make_projects  # noqa: E402

QUERIES = [
    # two characters
    "物业", "遗嘱", "合同", "消防", "赡养", "噪音", "诈骗", "抚养", "宅基", "继承",
    # four characters: idioms and legal terms
    "劳动合同", "消防安全", "高空抛物", "正当防卫", "诚实信用", "不可抗力", "公序良俗", "无因管理", "善意取得",
    # names of laws
    "民法典", "中华人民共和国民法典", "未成年人保护法", "消费者权益保护法", "劳动合同法", "治安管理处罚法",
    # across word boundaries
    "未成年人保护", "人民法院应当", "依法承担", "保护未成年人", "年满十八周岁",
    # mixed Chinese and digits, and three characters
    "2021年1月1日", "第十条", "30日", "监护人", "居民委员会",
]


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it; counts bytes sent."""

    sent: list[tuple[str, int]] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def send_head(self):  # type: ignore[override]
        path = self.translate_path(self.path)
        if Path(path).is_dir():
            path = str(Path(path) / "index.html")
        if not Path(path).is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        data = gzip.compress(Path(path).read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        GzipHandler.sent.append((self.path, len(data)))
        import io

        return io.BytesIO(data)

    def copyfile(self, source, outputfile) -> None:
        shutil.copyfileobj(source, outputfile)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", c).lower() if len(unicodedata.normalize("NFKC", c)) == 1 else c
                   for c in text)


def truth(content: Path) -> dict[str, str]:
    """Article url -> its text (title, summary, tags and body as plain text), folded, from the source files."""
    from generator.summary import plain_text

    texts = {}
    for path in sorted(content.rglob("*.md")):
        raw = path.read_text(encoding="utf-8")
        _, head, body = raw.split("---", 2)
        title = re.search(r'^title:\s*"?(.*?)"?\s*$', head, re.M).group(1)
        title = json.loads(f'"{title}"') if "\\u" in title else title
        tags = re.search(r"^tags:\s*\[(.*)\]", head, re.M)
        texts[f"law/{path.stem}/"] = fold(title + "\n" + (tags.group(1) if tags else "") + "\n" + plain_text(body))
    return texts


def browser():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return pw, pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)


def first_view_bytes(chromium, url: str) -> tuple[int, list[str]]:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    GzipHandler.sent.clear()
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    total = sum(n for _, n in GzipHandler.sent)
    paths = [p for p, _ in GzipHandler.sent]
    context.close()
    return total, paths


def run_query(page, base: str, query: str) -> tuple[int, float, list[str]]:
    GzipHandler.sent.clear()
    started = time.perf_counter()
    page.fill("#board-search-input", query)
    page.click(".board-search__button")
    page.wait_for_function("() => /找到|没有找到|至少/.test(document.querySelector('.board-search__status').textContent)")
    page.wait_for_function("() => document.querySelector('.board-search__status').textContent.includes('没有') || "
                           "document.querySelectorAll('.board-result').length > 0")
    elapsed = (time.perf_counter() - started) * 1000
    sent = sum(n for _, n in GzipHandler.sent)
    urls = page.evaluate("q => window.boardSearch.search(q).then(r => r.hits.map(h => h.url))", query)
    return sent, elapsed, urls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="board-search-") as tmp:
        ours, plain = make_projects(Path(tmp), args.articles)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "build", "--no-posters", "--as-of", "2026-11-26 10:00"],
                       cwd=ours, check=True, capture_output=True)
        print(f"built {args.articles} articles in {time.perf_counter() - started:.1f} s")
        index_dir = ours / "site" / "search" / "data"
        index_bytes = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
        print(f"index: {index_bytes / 1e6:.1f} MB in {sum(1 for _ in index_dir.rglob('*'))} files")
        texts = truth(ours / "content")
        server, base = serve(ours / "site")
        pw, chromium = browser()
        try:
            article = next(iter(texts))
            first, paths = first_view_bytes(chromium, base + quote(article))
            index_requests = [p for p in paths if "search" in p]
            print(f"first view of {article}: {first / 1024:.0f} KB gzipped, {len(paths)} requests, "
                  f"search requests: {index_requests or 'none'}")
            baseline = None
            if not args.no_baseline:
                subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=plain, check=True, capture_output=True)
                plain_server, plain_base = serve(plain / "site")
                baseline, _ = first_view_bytes(chromium, plain_base + quote(article))
                plain_server.shutdown()
                print(f"baseline (plain mkdocs-material) first view: {baseline / 1024:.0f} KB gzipped "
                      f"({baseline / first:.0f}x ours)")
            rows = []
            for query in QUERIES:
                context = chromium.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                page.goto(base + "search/", wait_until="networkidle")
                sent, ms, found = run_query(page, base, query)
                context.close()
                wanted = {url for url, text in texts.items() if fold(query) in text}
                recall = len(wanted & set(found)) / len(wanted) if wanted else 1.0
                top = found[:5]
                precision = (sum(1 for u in top if u in wanted) / len(top)) if top else (1.0 if not wanted else 0.0)
                rows.append((query, len(wanted), len(found), recall, precision, sent, ms))
        finally:
            chromium.close()
            pw.stop()
            server.shutdown()
    print()
    print("| query | articles containing it | found | recall | top-5 precision | KB fetched (gz) | ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for q, want, got, rec, prec, sent, ms in rows:
        print(f"| {q} | {want} | {got} | {rec:.0%} | {prec:.0%} | {sent / 1024:.0f} | {ms:.0f} |")
    worst = max(r[5] for r in rows)
    print(f"\nfirst article view: {first / 1024:.0f} KB (target <= 150)" +
          (f"; plain mkdocs-material: {baseline / 1024:.0f} KB" if baseline else ""))
    print(f"query bytes: median {statistics.median(r[5] for r in rows) / 1024:.0f} KB, max {worst / 1024:.0f} KB (target <= 300)")
    print(f"query time: median {statistics.median(r[6] for r in rows):.0f} ms, max {max(r[6] for r in rows):.0f} ms")
    print(f"recall 100% on {sum(1 for r in rows if r[3] == 1.0)}/{len(rows)} queries; "
          f"top-5 precision 100% on {sum(1 for r in rows if r[4] == 1.0)}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
