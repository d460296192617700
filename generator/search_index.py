"""The site's search index: character bigrams with positions, in small shards fetched only by a reader who searches.

Written here rather than taken from mkdocs-material or Pagefind, for reasons measured on 1,000 real
articles: mkdocs-material's search sends its whole index (5.7 MB gzipped) with the first page view;
Pagefind's Chinese segmentation misses phrases inside or across words (未成年人保护 found 1 of 8), and
feeding it bigram tokens instead took 109 s to index. Bigrams with positions find exactly the
articles that contain the phrase, and a query fetches only the shards its bigrams hash to.

Layout under site/search/data/ (read by templates/overrides/assets/board/search.js):
    meta.json          {"version", "shards", "docs", "chunk", "per_page"}
    s/<n>.json         shard n: {bigram: [[doc, pos, Δpos, Δpos, ...], ...]}
    d/<n>.json         documents n*per_page..: [url, title, type label, date, expired, title length,
                       length of title + summary + tags (where the body starts)]
    t/<doc>-<n>.txt    the document's text, in chunks of `chunk` characters, for excerpts
Positions are offsets in the document text (title, summary, tags, then the body), normalised
character by character (NFKC, lower case) so that offsets stay those of the original text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from generator.fold import fold
from generator import urls
from generator.model import Article, Status
from generator.output.claims import SEARCH as OWNER
from generator.output.writer import SiteWriter
from generator.timeutil import beijing

VERSION = 1
CHUNK = 2000
DOCS_PER_PAGE = 100
_WORD = re.compile(r"\w+")
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "blockquote", "pre",
           "dt", "dd", "figcaption", "section", "ul", "ol"}


@dataclass(frozen=True)
class SearchDoc:
    article: Article
    body_text: str

    @property
    def head(self) -> str:
        return "\n".join([self.article.title, self.article.summary, " ".join(self.article.tags)]) + "\n"

    @property
    def text(self) -> str:
        return self.head + self.body_text


class _Text(HTMLParser):
    """Readable text of an article's HTML: block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\u00b6", "")  # drop heading permalink marks
    return re.sub(r"\n\s*\n+", "\n", re.sub(r"[ \t\u3000]+", " ", text)).strip()


def shard_of(bigram: str, shards: int) -> int:
    """FNV-1a over code points; search.js computes the same."""
    value = 0x811C9DC5
    for ch in bigram:
        value ^= ord(ch)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value % shards


def shard_count(bigrams: int) -> int:
    count = 16
    while count < 8192 and bigrams / count > 40:
        count *= 2
    return count


def postings(texts: list[str]) -> dict[str, list[list[int]]]:
    """bigram -> [[doc, first position, Δ, Δ ...], ...], documents in order."""
    table: dict[str, list[list[int]]] = defaultdict(list)
    for doc, text in enumerate(texts):
        local: dict[str, list[int]] = defaultdict(list)
        for m in _WORD.finditer(fold(text)):  # per character, so offsets stay the original's
            run, base = m.group(0), m.start()
            for position, bigram in enumerate(map(str.__add__, run, run[1:]), base):
                local[bigram].append(position)
        for bigram, positions in local.items():
            entry = [doc, positions[0]]
            if len(positions) > 1:
                entry.extend([b - a for a, b in zip(positions, positions[1:])])
            table[bigram].append(entry)
    return table


def write_search_index(docs: list[SearchDoc], writer: SiteWriter) -> None:
    """Write site/search/data/; expired articles are searchable and marked, nothing else is indexed."""
    out = urls.SEARCH_DATA
    texts = [d.text for d in docs]
    table = postings(texts)
    shards = shard_count(len(table))
    grouped: dict[int, dict[str, list[list[int]]]] = defaultdict(dict)
    for bigram, encoded in table.items():
        grouped[shard_of(bigram, shards)][bigram] = encoded
    for number, content in grouped.items():
        _dump(writer, f"{out}s/{number}.json", content)
    for start in range(0, len(docs), DOCS_PER_PAGE):
        rows = []
        for d in docs[start:start + DOCS_PER_PAGE]:
            a = d.article
            rows.append([a.url, a.title, a.type_label, beijing(a.date, "day"), a.status is Status.EXPIRED, len(a.title),
                         len(d.head)])
        _dump(writer, f"{out}d/{start // DOCS_PER_PAGE}.json", rows)
    for doc, text in enumerate(texts):
        for n in range(0, max(len(text), 1), CHUNK):
            writer.write_text(f"{out}t/{doc}-{n // CHUNK}.txt", text[n:n + CHUNK], OWNER)
    _dump(writer, f"{out}meta.json", {"version": VERSION, "shards": shards, "docs": len(docs), "chunk": CHUNK,
                              "per_page": DOCS_PER_PAGE})


def _dump(writer: SiteWriter, path: str, data) -> None:
    writer.write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), OWNER)
