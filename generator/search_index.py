"""The site's search index: character bigrams with positions, in small shards fetched only by a reader who searches.

Written here rather than taken from mkdocs-material or Pagefind, for reasons measured on 1,000 real
articles: mkdocs-material's search sends its whole index (5.7 MB gzipped) with the first page view;
Pagefind's Chinese segmentation misses phrases inside or across words (未成年人保护 found 1 of 8), and
feeding it bigram tokens instead took 109 s to index. Bigrams with positions find exactly the
articles that contain the phrase, and a query fetches only the shards its bigrams hash to.

Layout under site/search/data/ (read by templates/overrides/assets/board/search.js):
    meta.json          {"version", "shards", "docs", "chunk", "per_page"}
    s/<n>.json         shard n: {bigram: [[doc, pos, Δpos, Δpos, ...], ...]}
    d/<n>.json         documents n*per_page..: [url, title, type label, date (sortable), expired, title length,
                       length of title + summary + tags (where the body starts), date as residents read it]
    t/<doc>-<n>.txt    the document's text, in chunks of `chunk` characters, for excerpts
Positions are offsets in the document text (title, summary, tags, then the body), normalised
character by character (NFKC, lower case) so that offsets stay those of the original text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator.body import html_to_text  # noqa: F401  (the search text of an article's HTML)
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


@dataclass
class Postings:
    """Every bigram's occurrences, grouped: bigram b occupies doc[starts[b]:ends[b]] and pos[...], in
    document, then position order. Arrays rather than dicts of lists: the per-character Python loop
    this replaces took ~5 s of a 1,000-article build."""

    first: np.ndarray  # per bigram: its first code point
    second: np.ndarray  # per bigram: its second code point
    starts: np.ndarray  # per bigram: where its occurrences start
    ends: np.ndarray  # per bigram: where they end
    doc: np.ndarray  # per occurrence: the document's number
    pos: np.ndarray  # per occurrence: the offset of the bigram in the document's text
    rank: np.ndarray  # per bigram: its place in order of first appearance (document, then position)

    def __len__(self) -> int:
        return len(self.first)

    def bigram(self, n: int) -> str:
        return chr(self.first[n]) + chr(self.second[n])


def _char_tables(present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the code points present: what each folds to (generator.fold) and whether `\\w` matches it."""
    folded = np.arange(0x110000, dtype=np.uint32)
    chars = [chr(c) for c in present.tolist()]
    folded[present] = [ord(f) for f in fold("".join(chars))]
    is_word = np.zeros(0x110000, dtype=bool)
    after = sorted({int(f) for f in folded[present].tolist()})
    is_word[[c for c in after if _WORD.match(chr(c))]] = True
    return folded, is_word


def postings_arrays(texts: list[str]) -> Postings:
    """The bigrams of word characters (folded) of each text, with their positions."""
    # All texts in one array of code points, a NUL (not a word character) between two texts.
    codes = np.frombuffer("\0".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    starts_of_doc = np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)
    folded, word_table = _char_tables(np.flatnonzero(np.bincount(codes, minlength=1)))
    codes = folded[codes]  # one character for one, so offsets stay the original's
    is_word = word_table[codes]
    at = np.flatnonzero(is_word[:-1] & is_word[1:])
    del is_word
    key = (codes[at].astype(np.uint64) << np.uint64(21)) | codes[at + 1]
    del codes
    order = np.argsort(key, kind="stable")  # stable: document and position order kept within a bigram
    key = key[order]
    at = at[order]
    doc = (np.searchsorted(starts_of_doc, at, side="right") - 1).astype(np.uint32)
    pos = (at - starts_of_doc[doc]).astype(np.uint32)
    del at
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) else np.zeros(0, np.int64)
    ends = np.append(starts[1:], len(key)).astype(np.int64)
    unique = key[starts]
    del key
    rank = np.empty(len(starts), dtype=np.int64)
    rank[np.argsort(order[starts], kind="stable")] = np.arange(len(starts))
    return Postings(first=(unique >> np.uint64(21)).astype(np.uint32),
                    second=(unique & np.uint64(0x1FFFFF)).astype(np.uint32),
                    starts=starts, ends=ends, doc=doc, pos=pos, rank=rank)


def postings(texts: list[str]) -> dict[str, list[list[int]]]:
    """bigram -> [[doc, first position, Δ, Δ ...], ...], documents in order (what a shard holds)."""
    table = postings_arrays(texts)
    out: dict[str, list[list[int]]] = {}
    for n in np.argsort(table.rank).tolist():
        entries: list[list[int]] = []
        last = 0
        for d, p in zip(table.doc[table.starts[n]:table.ends[n]].tolist(), table.pos[table.starts[n]:table.ends[n]].tolist()):
            if entries and entries[-1][0] == d:
                entries[-1].append(p - last)
            else:
                entries.append([d, p])
            last = p
        out[table.bigram(n)] = entries
    return out


_FNV_PRIME = np.uint64(0x01000193)
_LOW32 = np.uint64(0xFFFFFFFF)


def shards_of(table: Postings, shards: int) -> np.ndarray:
    """shard_of for every bigram at once (the same FNV-1a; products stay below 2**57)."""
    value = ((np.uint64(0x811C9DC5) ^ table.first.astype(np.uint64)) * _FNV_PRIME) & _LOW32
    value = ((value ^ table.second.astype(np.uint64)) * _FNV_PRIME) & _LOW32
    return (value % np.uint64(shards)).astype(np.int64)


BATCH = 400_000  # occurrences turned into text at a time: bounds the memory of the strings


def shard_texts(table: Postings, shards: int):
    """Yield (shard number, its JSON text): {bigram: [[doc, pos, Δ, ...], ...]}, bigrams in order of
    first appearance, byte for byte what json.dumps of those dicts gives, written from the arrays.

    Each occurrence becomes three strings, lead + doc + number: the lead opens a shard ('{"ab":[['),
    a bigram (']],"ab":[['), a document ('],[') or continues one (','); the number is the position,
    or the distance from the previous one within the same document."""
    if not len(table):
        return
    shard = shards_of(table, shards)
    blocks = np.lexsort((table.rank, shard))  # bigrams in output order
    lengths = table.ends[blocks] - table.starts[blocks]
    out_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    # occurrence numbers in output order
    take = np.repeat(table.starts[blocks] - out_start, lengths) + np.arange(int(lengths.sum()))
    doc = table.doc[take].astype(np.int64)
    pos = table.pos[take].astype(np.int64)
    del take
    bigram_open = np.zeros(len(doc), dtype=bool)
    bigram_open[out_start] = True
    doc_open = bigram_open.copy()
    doc_open[1:] |= doc[1:] != doc[:-1]
    number = pos.copy()
    number[1:] -= pos[:-1]
    number[doc_open] = pos[doc_open]
    del pos
    shard_of_block = shard[blocks]
    shard_open = np.concatenate(([True], shard_of_block[1:] != shard_of_block[:-1]))
    leads = np.array([("{" if opens else "]],") + '"' + chr(a) + chr(b) + '":[['
                      for opens, a, b in zip(shard_open.tolist(), table.first[blocks].tolist(),
                                             table.second[blocks].tolist())], dtype=object)
    doc_text = np.array([f"{d}," for d in range(int(doc.max()) + 1)], dtype=object)
    number_text = np.array([str(n) for n in range(int(number.max()) + 1)], dtype=object)  # positions < longest text
    # shard boundaries in occurrences
    shard_starts = out_start[shard_open].tolist() + [len(doc)]
    shard_numbers = shard_of_block[shard_open].tolist()
    begin = 0  # first shard of the current batch
    while begin < len(shard_numbers):
        end = begin + 1
        while end < len(shard_numbers) and shard_starts[end + 1] - shard_starts[begin] <= BATCH:
            end += 1
        lo, hi = shard_starts[begin], shard_starts[end]
        tokens = np.empty(3 * (hi - lo), dtype=object)
        first = np.full(hi - lo, ",", dtype=object)
        first[doc_open[lo:hi]] = "],["
        opened = np.flatnonzero(bigram_open[lo:hi])
        first[opened] = leads[np.searchsorted(out_start, opened + lo)]
        second = np.full(hi - lo, "", dtype=object)
        second[doc_open[lo:hi]] = doc_text[doc[lo:hi][doc_open[lo:hi]]]
        tokens[0::3] = first
        tokens[1::3] = second
        tokens[2::3] = number_text[number[lo:hi]]
        strings = tokens.tolist()
        del tokens, first, second
        for k in range(begin, end):
            a, b = 3 * (shard_starts[k] - lo), 3 * (shard_starts[k + 1] - lo)
            yield shard_numbers[k], "".join(strings[a:b]) + "]]}"
        begin = end


def write_search_index(docs: list[SearchDoc], writer: SiteWriter) -> None:
    """Write site/search/data/; expired articles are searchable and marked, nothing else is indexed."""
    out = urls.SEARCH_DATA
    texts = [d.text for d in docs]
    table = postings_arrays(texts)
    shards = shard_count(len(table))
    for number, text in shard_texts(table, shards):
        writer.write_text(f"{out}s/{number}.json", text, OWNER)
    del table
    for start in range(0, len(docs), DOCS_PER_PAGE):
        rows = []
        for d in docs[start:start + DOCS_PER_PAGE]:
            a = d.article
            rows.append([a.url, a.title, a.type_label, beijing(a.date, "day"), a.status is Status.EXPIRED, len(a.title),
                         len(d.head), beijing(a.date, "date")])
        _dump(writer, f"{out}d/{start // DOCS_PER_PAGE}.json", rows)
    for doc, text in enumerate(texts):
        for n in range(0, max(len(text), 1), CHUNK):
            writer.write_text(f"{out}t/{doc}-{n // CHUNK}.txt", text[n:n + CHUNK], OWNER)
    _dump(writer, f"{out}meta.json", {"version": VERSION, "shards": shards, "docs": len(docs), "chunk": CHUNK,
                              "per_page": DOCS_PER_PAGE})


def _dump(writer: SiteWriter, path: str, data) -> None:
    writer.write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), OWNER)
