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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator.body import html_to_text  # noqa: F401  (the search text of an article's HTML)
from generator.buildcache import BuildCache, code_version, digest
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
    """An article's search text: its head (title, summary, tags), then its body text. Joined once and held
    once (the index reads every document's at the same time: a copy of each was a tenth of a build's peak)."""

    article: Article
    text: str = field(init=False)

    def __init__(self, article: Article, body_text: str) -> None:
        object.__setattr__(self, "article", article)
        object.__setattr__(self, "text", self.head + body_text)

    @property
    def head(self) -> str:
        return "\n".join([self.article.title, self.article.summary, " ".join(self.article.tags)]) + "\n"

    @property
    def body_text(self) -> str:
        return self.text[len(self.head):]


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


@dataclass(frozen=True)
class DocPostings:
    """One document's bigrams: keys (first code point << 21 | second) in ascending order, how often each
    occurs, and their positions, grouped by key in that order, ascending within a key. What the build
    cache keeps per article (generator.buildcache), so an unchanged article is not read again."""

    keys: np.ndarray  # uint64
    counts: np.ndarray  # uint32, one per key
    pos: np.ndarray  # uint32, sum(counts) of them

    def pack(self) -> tuple[bytes, bytes, bytes]:
        return self.keys.tobytes(), self.counts.tobytes(), self.pos.tobytes()

    @classmethod
    def unpack(cls, packed: object) -> "DocPostings | None":
        """From pack(); None for anything else (a damaged cache entry is a miss)."""
        if not (isinstance(packed, tuple) and len(packed) == 3 and all(isinstance(p, bytes) for p in packed)):
            return None
        keys, counts, pos = packed
        if len(keys) % 8 or len(counts) % 4 or len(pos) % 4 or len(keys) // 8 != len(counts) // 4:
            return None
        made = cls(np.frombuffer(keys, dtype=np.uint64), np.frombuffer(counts, dtype=np.uint32),
                   np.frombuffer(pos, dtype=np.uint32))
        return made if int(made.counts.sum(dtype=np.int64)) == len(made.pos) else None


def _char_tables(present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the code points present: what each folds to (generator.fold) and whether `\\w` matches it."""
    folded = np.arange(0x110000, dtype=np.uint32)
    chars = [chr(c) for c in present.tolist()]
    folded[present] = [ord(f) for f in fold("".join(chars))]
    is_word = np.zeros(0x110000, dtype=bool)
    after = sorted({int(f) for f in folded[present].tolist()})
    is_word[[c for c in after if _WORD.match(chr(c))]] = True
    return folded, is_word


_SHIFT = np.uint64(21)  # a code point fits in 21 bits: a key is two of them, 42 bits
_DOC_SHIFT = np.uint64(42)


TEXT_BATCH = 400_000  # characters read at a time: the arrays of a batch take about 40 bytes a character


def doc_postings(texts: list[str]) -> list[DocPostings]:
    """The bigrams of word characters (folded) of each text, with their positions: many texts at once, in
    arrays (a per-character Python loop took ~5 s at 1,000 articles), about TEXT_BATCH characters at a time
    (all 1,000 articles at once took 220 MB; 1,000,000 characters, 40 MB)."""
    out: list[DocPostings] = []
    begin = 0
    while begin < len(texts):
        end, size = begin, 0
        while end < len(texts) and (end == begin or size + len(texts[end]) <= TEXT_BATCH):
            size += len(texts[end]) + 1
            end += 1
        out += _doc_postings(texts[begin:end])
        begin = end
    return out


def _doc_postings(texts: list[str]) -> list[DocPostings]:
    """doc_postings of a few texts at once."""
    # All texts in one array of code points, a NUL (not a word character) between two texts.
    codes = np.frombuffer("\0".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    starts_of_doc = np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)
    folded, word_table = _char_tables(np.flatnonzero(np.bincount(codes, minlength=1)))
    codes = folded[codes]  # one character for one, so offsets stay the original's
    is_word = word_table[codes]
    at = np.flatnonzero(is_word[:-1] & is_word[1:])
    del is_word
    key = (codes[at].astype(np.uint64) << _SHIFT) | codes[at + 1]
    del codes
    doc = np.searchsorted(starts_of_doc, at, side="right") - 1
    pos = (at - starts_of_doc[doc]).astype(np.uint32)
    del at
    # by document, then key; stable, so positions stay ascending within a key
    order = np.argsort((doc.astype(np.uint64) << _DOC_SHIFT) | key, kind="stable")
    key, pos, doc = key[order], pos[order], doc[order]
    del order
    new = np.ones(len(key), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (doc[1:] != doc[:-1])
    group = np.flatnonzero(new)
    counts = np.diff(np.append(group, len(key))).astype(np.uint32)
    keys = key[group]
    # where each document's groups and occurrences begin
    group_at = np.searchsorted(doc[group], np.arange(len(texts) + 1))
    occ_at = np.searchsorted(doc, np.arange(len(texts) + 1))
    return [DocPostings(keys[group_at[d]:group_at[d + 1]].copy(), counts[group_at[d]:group_at[d + 1]].copy(),
                        pos[occ_at[d]:occ_at[d + 1]].copy()) for d in range(len(texts))]


def merge(parts: list[DocPostings]) -> Postings:
    """The postings of documents 0, 1, ... (parts in that order) as one table. Empties `parts` once copied,
    so that their arrays are not held twice (the peak of a 3,000-article build)."""
    keys, counts, pos, entry_doc = _entries(parts)
    return _merge_entries(keys, counts, entry_doc, pos).table()


def _entries(parts: list[DocPostings]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The parts' (document, bigram) entries end to end: keys, counts, positions and each entry's document.
    Empties `parts`, each part as soon as it is copied (all of them beside their copy was the peak at 3,000)."""
    sizes = [len(p.keys) for p in parts]
    keys = np.empty(sum(sizes), np.uint64)
    counts = np.empty(len(keys), np.uint32)
    pos = np.empty(sum(len(p.pos) for p in parts), np.uint32)
    entry_doc = np.repeat(np.arange(len(parts), dtype=np.uint32), sizes)
    at = occ = 0
    for n, part in enumerate(parts):
        keys[at:at + len(part.keys)] = part.keys
        counts[at:at + len(part.keys)] = part.counts
        pos[occ:occ + len(part.pos)] = part.pos
        at, occ = at + len(part.keys), occ + len(part.pos)
        parts[n] = None  # type: ignore[call-overload]
    parts.clear()
    return keys, counts, pos, entry_doc


def _ramp(counts: np.ndarray) -> np.ndarray:
    """0, 1, .. counts[0]-1, 0, 1, .. counts[1]-1, ...: each run's offsets."""
    ends = np.cumsum(counts, dtype=np.int64)
    return np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(ends - counts, counts)


def _merge_entries(keys: np.ndarray, counts: np.ndarray, entry_doc: np.ndarray, pos: np.ndarray) -> "Group":
    """Entries (document ascending; within one, key ascending; positions grouped by entry) as a Group."""
    entry_start = np.cumsum(counts, dtype=np.int64)
    entry_start -= counts  # of each (document, bigram) entry in pos
    # entries by bigram, documents ascending within one (stable: each document's entries are in key order already)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    counts = counts[order]
    entry_doc = entry_doc[order]
    entry_start = entry_start[order]
    del order
    new = np.ones(len(keys), dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    firsts = np.flatnonzero(new)
    out_start = np.cumsum(counts, dtype=np.int64)
    total = int(out_start[-1]) if len(out_start) else 0
    out_start -= counts  # of each entry among all occurrences, in bigram order
    index = np.int32 if len(pos) < 2**31 else np.int64  # half the memory of the biggest temporary
    take = np.repeat((entry_start - out_start).astype(index), counts)
    take += np.arange(total, dtype=index)
    pos = pos[take]
    del take
    return Group(keys[firsts], np.append(out_start[firsts], total).astype(np.int64), np.repeat(entry_doc, counts), pos)


GROUPS = 16  # shards are merged, written and kept in the build cache this many groups at a time (memory; reuse)


def group_of(shard: np.ndarray, shards: int) -> np.ndarray:
    """Each shard's group: consecutive shards together."""
    return shard * GROUPS // shards


@dataclass
class Group:
    """The merged postings of the bigrams of one group of shards: what the build cache keeps of the last index,
    so that a rebuild after an edit merges and makes again only the shards whose bigrams changed."""

    keys: np.ndarray  # uint64, ascending, each bigram once
    starts: np.ndarray  # int64, one more than keys: bigram n occupies doc/pos[starts[n]:starts[n + 1]]
    doc: np.ndarray  # uint32, per occurrence: documents ascending within a bigram
    pos: np.ndarray  # uint32, per occurrence: positions ascending within a (bigram, document)

    def pack(self) -> tuple[bytes, bytes, bytes, bytes]:
        return self.keys.tobytes(), self.starts.tobytes(), self.doc.tobytes(), self.pos.tobytes()

    @classmethod
    def unpack(cls, packed: object) -> "Group | None":
        """From pack(); None for anything else (a damaged cache entry is a miss)."""
        if not (isinstance(packed, tuple) and len(packed) == 4 and all(isinstance(p, bytes) for p in packed)):
            return None
        keys, starts, doc, pos = packed
        if len(keys) % 8 or len(starts) != len(keys) + 8 or len(doc) % 4 or len(doc) != len(pos):
            return None
        made = cls(np.frombuffer(keys, np.uint64), np.frombuffer(starts, np.int64), np.frombuffer(doc, np.uint32),
                   np.frombuffer(pos, np.uint32))
        if made.starts[0] != 0 or made.starts[-1] != len(made.doc) or np.any(np.diff(made.starts) <= 0):
            return None
        return made

    def table(self, shards: int = 0, only: np.ndarray | None = None) -> Postings:
        """As a Postings (what shard_files reads): all bigrams, or those of the shards in `only`."""
        keys, starts, ends = self.keys, self.starts[:-1], self.starts[1:]
        if only is not None:
            pick = np.isin(_shard_of_keys(keys, shards), only)
            keys, starts, ends = keys[pick], starts[pick], ends[pick]
        # first appearance: the bigram's first document (occurrences ascend by document), its first position there
        rank = np.empty(len(keys), dtype=np.int64)
        rank[np.lexsort((self.pos[starts], self.doc[starts]))] = np.arange(len(keys))
        return Postings(first=(keys >> _SHIFT).astype(np.uint32), second=(keys & np.uint64(0x1FFFFF)).astype(np.uint32),
                        starts=starts, ends=ends, doc=self.doc, pos=self.pos, rank=rank)

    def replace(self, docs: list[int], parts: list[DocPostings], group: int, shards: int) -> "Group":
        """This group with the occurrences of documents `docs` (ascending) replaced by those of `parts`."""
        stay = np.ones(len(self.doc), dtype=bool)
        for d in docs:  # few: one comparison each is quicker than np.isin
            stay &= self.doc != d
        occ_bigram = np.repeat(np.arange(len(self.keys), dtype=np.int64), np.diff(self.starts))[stay]
        keys, doc, pos = [], [], []
        for d, part in zip(docs, parts):
            mine = group_of(_shard_of_keys(part.keys, shards), shards) == group
            counts = part.counts[mine]
            first = (np.cumsum(part.counts, dtype=np.int64) - part.counts)[mine]
            keys.append(np.repeat(part.keys[mine], counts))
            doc.append(np.full(int(counts.sum()), d, dtype=np.uint32))
            pos.append(part.pos[np.repeat(first, counts) + _ramp(counts)])
        new_keys = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        extra = np.setdiff1d(np.unique(new_keys), self.keys, assume_unique=True)  # few: inserted, not sorted again
        union = np.insert(self.keys, np.searchsorted(self.keys, extra), extra)
        # each occurrence as (bigram, document), one number: old ones are in order, the new ones inserted in theirs
        old = (np.searchsorted(union, self.keys).astype(np.uint64)[occ_bigram] << _HALF) | self.doc[stay]
        new = (np.searchsorted(union, new_keys).astype(np.uint64) << _HALF)
        new |= np.concatenate(doc) if doc else np.zeros(0, np.uint32)
        order = np.argsort(new, kind="stable")  # stable: positions stay ascending
        new = new[order]
        at = np.searchsorted(old, new)
        both = np.insert(old, at, new)
        new_pos = (np.concatenate(pos) if pos else np.zeros(0, np.uint32))[order]
        both_pos = np.insert(self.pos[stay], at, new_pos)
        bigram = both >> _HALF
        opens = np.ones(len(both), dtype=bool)
        opens[1:] = bigram[1:] != bigram[:-1]
        firsts = np.flatnonzero(opens)
        return Group(union[bigram[firsts]], np.append(firsts, len(both)).astype(np.int64),
                     (both & _LOW32).astype(np.uint32), both_pos.astype(np.uint32))


_HALF = np.uint64(32)


def postings_arrays(texts: list[str]) -> Postings:
    """The bigrams of word characters (folded) of each text, with their positions."""
    return merge(doc_postings(texts))


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
    return _fnv(table.first.astype(np.uint64), table.second.astype(np.uint64), shards)


def _shard_of_keys(keys: np.ndarray, shards: int) -> np.ndarray:
    """shard_of for keys (first code point << 21 | second)."""
    return _fnv(keys >> _SHIFT, keys & np.uint64(0x1FFFFF), shards)


def _fnv(first: np.ndarray, second: np.ndarray, shards: int) -> np.ndarray:
    value = ((np.uint64(0x811C9DC5) ^ first) * _FNV_PRIME) & _LOW32
    value = ((value ^ second) * _FNV_PRIME) & _LOW32
    return (value % np.uint64(shards)).astype(np.int64)


BATCH = 120_000  # occurrences turned into bytes at a time: bounds the memory of the arrays (~12 MB)


def _four_digit_tables() -> tuple[np.ndarray, np.ndarray]:
    """0..9999 as 4 ASCII bytes: NUL-padded on the left ('  12') and zero-padded ('0012')."""
    short = np.array([str(n).rjust(4, "\0").encode() for n in range(10_000)], dtype="S4")
    full = np.array([f"{n:04d}".encode() for n in range(10_000)], dtype="S4")
    return short.view(np.uint8).reshape(-1, 4), full.view(np.uint8).reshape(-1, 4)


_SHORT, _FULL = _four_digit_tables()


def _put_digits(out: np.ndarray, values: np.ndarray) -> None:
    """Write each value in ASCII decimal into its row of `out` (all zeros), right-aligned: four digits at a time
    from tables, rather than one division per digit."""
    rest = values.astype(np.int64)
    rows = np.arange(len(rest))
    end = out.shape[1]
    while len(rows) and end > 0:
        part = rest % 10_000
        rest //= 10_000
        more = rest > 0
        width = min(4, end)
        out[rows[more], end - width:end] = _FULL[part[more], 4 - width:]
        out[rows[~more], end - width:end] = _SHORT[part[~more], 4 - width:]
        rows, rest = rows[more], rest[more]
        end -= 4


def _utf8(codes: np.ndarray) -> np.ndarray:
    """Rows of 4 bytes: each code point in UTF-8, NUL in the bytes it does not use (none is NUL itself)."""
    c = codes.astype(np.int64)
    out = np.zeros((len(c), 4), dtype=np.uint8)
    one, two, three = c < 0x80, (c >= 0x80) & (c < 0x800), (c >= 0x800) & (c < 0x10000)
    four = c >= 0x10000
    out[:, 0] = np.select([one, two, three, four], [c, 0xC0 | c >> 6, 0xE0 | c >> 12, 0xF0 | c >> 18])
    out[:, 1] = np.select([two, three, four], [0x80 | c & 0x3F, 0x80 | (c >> 6) & 0x3F, 0x80 | (c >> 12) & 0x3F], 0)
    out[:, 2] = np.select([three, four], [0x80 | c & 0x3F, 0x80 | (c >> 6) & 0x3F], 0)
    out[:, 3] = np.where(four, 0x80 | c & 0x3F, 0)
    return out


def shard_files(table: Postings, shards: int):
    """Yield (shard number, its JSON as UTF-8): {bigram: [[doc, pos, Δ, ...], ...]}, bigrams in order of first
    appearance, byte for byte what json.dumps(..., ensure_ascii=False, separators=(",", ":")) gives.

    Written as a byte matrix, one row per bigram and per occurrence, NUL where a row is shorter than its
    columns; dropping the NULs leaves the JSON (JSON text never holds a NUL; joining Python strings per
    occurrence took ~2 s at 1,000 articles). A bigram's row is its lead: '{"ab":[[' when it opens a shard,
    else ']],"ab":[['. An occurrence's row: ',' or '],[' when its document differs from the previous
    one's, the document and a comma when one opens, the position (or the distance from the previous one
    in the same document), and ']]}' after the last of a shard."""
    if not len(table):
        return
    shard = shards_of(table, shards)
    blocks = np.lexsort((table.rank, shard))  # bigrams in output order
    lengths = table.ends[blocks] - table.starts[blocks]
    out_start = np.cumsum(lengths) - lengths
    shard_of_block = shard[blocks]
    shard_open = np.ones(len(blocks), dtype=bool)
    shard_open[1:] = shard_of_block[1:] != shard_of_block[:-1]
    widths = (len(str(int(table.doc.max()))), len(str(int(table.pos.max()))))
    shard_blocks = np.append(np.flatnonzero(shard_open), len(blocks)).tolist()  # each shard's first block
    occurrence_at = np.append(out_start, out_start[-1] + lengths[-1]).tolist()  # where each block starts
    begin = 0
    while begin < len(shard_blocks) - 1:
        end = begin + 1  # shards [begin, end) in this batch: at least one, at most BATCH occurrences if more
        while (end < len(shard_blocks) - 1
               and occurrence_at[shard_blocks[end + 1]] - occurrence_at[shard_blocks[begin]] <= BATCH):
            end += 1
        batch = slice(shard_blocks[begin], shard_blocks[end])
        yield from _batch(table, blocks[batch], lengths[batch], out_start[batch], shard_open[batch],
                          shard_of_block[batch], widths)
        begin = end


def _batch(table: Postings, blocks, lengths, out_start, shard_open, shard_of_block, widths: tuple[int, int]):
    """The shard files of consecutive whole shards (see shard_files)."""
    lo = int(out_start[0])
    count = int(lengths.sum())
    take = np.repeat(table.starts[blocks] - out_start, lengths) + np.arange(lo, lo + count)
    doc = table.doc[take]
    pos = table.pos[take].astype(np.int64)
    del take
    local_start = out_start - lo
    bigram_open = np.zeros(count, dtype=bool)
    bigram_open[local_start] = True
    doc_open = bigram_open.copy()
    doc_open[1:] |= doc[1:] != doc[:-1]
    number = pos.copy()
    number[1:] -= pos[:-1]
    number[doc_open] = pos[doc_open]
    del pos
    # rows: each bigram's lead, then its occurrences
    lead_row = local_start + np.arange(len(blocks))
    row = np.arange(count) + np.cumsum(bigram_open)
    doc_width, number_width = widths
    doc_col = 3
    number_col = doc_col + doc_width + 1
    tail_col = number_col + number_width
    matrix = np.zeros((count + len(blocks), max(16, tail_col + 3)), dtype=np.uint8)
    # leads: '{' or ']],', then '"', the bigram, '":[['
    opens = lead_row[shard_open]
    matrix[opens, 0] = ord("{")
    matrix[lead_row[~shard_open], :3] = np.frombuffer(b"]],", dtype=np.uint8)
    matrix[lead_row, 3] = ord('"')
    matrix[lead_row, 4:8] = _utf8(table.first[blocks])
    matrix[lead_row, 8:12] = _utf8(table.second[blocks])
    matrix[lead_row, 12:16] = np.frombuffer(b'":[[', dtype=np.uint8)
    # occurrences
    matrix[row[~doc_open], 0] = ord(",")
    matrix[row[doc_open & ~bigram_open], :3] = np.frombuffer(b"],[", dtype=np.uint8)
    opened = row[doc_open]
    digits = np.zeros((len(opened), doc_width + 1), dtype=np.uint8)
    _put_digits(digits[:, :doc_width], doc[doc_open])
    digits[:, doc_width] = ord(",")
    matrix[opened, doc_col:number_col] = digits
    digits = np.zeros((count, number_width), dtype=np.uint8)
    _put_digits(digits, number)
    matrix[row, number_col:tail_col] = digits
    del digits
    last = np.append(local_start[shard_open][1:], count) - 1
    matrix[row[last], tail_col:tail_col + 3] = np.frombuffer(b"]]}", dtype=np.uint8)
    rows = np.append(opens, len(matrix)).tolist()  # each shard's rows
    data = matrix[matrix != 0]
    at = 0
    for k, n in enumerate(shard_of_block[shard_open].tolist()):
        size = np.count_nonzero(matrix[rows[k]:rows[k + 1]])
        yield n, data[at:at + size].tobytes()
        at += size


def write_search_index(docs: list[SearchDoc], writer: SiteWriter, cache: BuildCache | None = None,
                       kind: str = "postings") -> None:
    """Write site/search/data/; expired articles are searchable and marked, nothing else is indexed.

    Each article's postings are kept in `cache` under a hash of its text (only new or edited texts are read),
    and so is the merged index, a group of shards at a time, with what the build made from it (_Head). When
    the documents are the same ones in the same places but for a few edited texts, only the shards holding
    a bigram whose occurrences changed are merged and made again; the others stay as the last build left
    them. Documents are numbered by their place in `docs`: an article added, removed or moved renumbers the
    ones after it, and then (or with a missing or damaged cache entry) the whole index is merged again."""
    out = urls.SEARCH_DATA
    texts = [d.text for d in docs]
    keys = [_text_key(text) for text in texts]
    head = _Head.read(cache, kind) if cache is not None else None
    made = _update_shards(texts, keys, head, writer, cache, kind) if head is not None and cache is not None else None
    if made is None:
        made = _all_shards(texts, keys, writer, cache, kind)
    for start in range(0, len(docs), DOCS_PER_PAGE):
        rows = []
        for d in docs[start:start + DOCS_PER_PAGE]:
            a = d.article
            rows.append([a.url, a.title, a.type_label, beijing(a.date, "day"), a.status is Status.EXPIRED, len(a.title),
                         len(d.head), beijing(a.date, "date")])
        _dump(writer, f"{out}d/{start // DOCS_PER_PAGE}.json", rows)
    text_sigs = _write_texts(texts, keys, head, writer)
    _dump(writer, f"{out}meta.json", {"version": VERSION, "shards": made.shards, "docs": len(docs), "chunk": CHUNK,
                              "per_page": DOCS_PER_PAGE})
    if cache is not None:
        made.doc_keys, made.text_sigs = keys, text_sigs
        made.write(cache, kind)
        cache.prune(kind)


def _write_texts(texts: list[str], keys: list[str], head: "_Head | None", writer: SiteWriter) -> list[list[str]]:
    """Each document's text in chunks (t/<doc>-<n>.txt); those the last build made the same are kept without
    encoding them again. Returns each document's chunk sigs (for the next build)."""
    out = urls.SEARCH_DATA
    known = dict(zip(head.doc_keys, head.text_sigs)) if head is not None else {}
    chunks = [range(0, max(len(text), 1), CHUNK) for text in texts]
    was: dict[str, str] = {}
    for doc, (key, starts) in enumerate(zip(keys, chunks)):
        sigs = known.get(key)
        if sigs is not None and len(sigs) == len(starts):
            was.update((f"{out}t/{doc}-{k}.txt", sig) for k, sig in enumerate(sigs))
    same = writer.unchanged_files(was)
    writer.keep({path: was[path] for path in same}, OWNER)
    text_sigs: list[list[str]] = []
    for doc, (text, starts) in enumerate(zip(texts, chunks)):
        sigs = []
        for n in starts:
            path = f"{out}t/{doc}-{n // CHUNK}.txt"
            if path not in same:
                writer.write_text(path, text[n:n + CHUNK], OWNER)
            sigs.append(writer.sigs[path])
        text_sigs.append(sigs)
    return text_sigs


def _text_key(text: str) -> str:
    return digest("postings", code_version(), text.encode("utf-8", "surrogatepass"))


def _group_key(group: int) -> str:
    """The fixed name of a group's entry: what is in it is checked against the head (_Head.generations)."""
    return digest("search-group", code_version(), group)


_HEAD_KEY = "search-head"


@dataclass
class _Head:
    """What the last build's index was made of and what it made: the documents (their text keys, in order),
    the shard count, each shard's content sig (None: no file), each group's bigram count and generation (a
    group entry whose generation differs is of another build: damaged), each document's text-chunk sigs."""

    doc_keys: list[str]
    shards: int
    sigs: list[str | None]
    bigrams: list[int]
    generations: list[str]
    text_sigs: list[list[str]]

    @classmethod
    def read(cls, cache: BuildCache, kind: str) -> "_Head | None":
        stored = cache.get(kind, digest(_HEAD_KEY, code_version()))
        try:
            head = cls(**stored)  # type: ignore[arg-type]
            assert len(head.sigs) == head.shards and len(head.bigrams) == len(head.generations) == GROUPS
            assert len(head.text_sigs) == len(head.doc_keys)
            assert all(isinstance(k, str) for k in head.doc_keys) and all(isinstance(g, str) for g in head.generations)
            assert all(isinstance(s, (str, type(None))) for s in head.sigs) and all(isinstance(b, int) for b in head.bigrams)
            assert all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in head.text_sigs)
            return head
        except Exception:  # missing or damaged: the whole index is merged again
            return None

    def write(self, cache: BuildCache, kind: str) -> None:
        cache.put(kind, digest(_HEAD_KEY, code_version()), dict(vars(self)))

    def group(self, cache: BuildCache, kind: str, group: int) -> Group | None:
        stored = cache.get(kind, _group_key(group))
        if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.generations[group]):
            return None
        return Group.unpack(stored[1])


def _generation(keys: list[str], group: int) -> str:
    return digest("search-generation", group, *keys)


def _write_shards(table: Postings, shards: int, writer: SiteWriter, sigs: list[str | None]) -> None:
    for number, data in shard_files(table, shards):
        path = f"{urls.SEARCH_DATA}s/{number}.json"
        writer.write_bytes(path, data, OWNER)
        sigs[number] = writer.sigs[path]


def _all_shards(texts: list[str], keys: list[str], writer: SiteWriter, cache: BuildCache | None, kind: str) -> _Head:
    """Merge and write every shard, a group of shards at a time, keeping each group's merged postings in the
    cache. Each document's postings are first put in group order (same memory), so that a group's entries
    are slices of them: the whole index merged at once, or all postings copied end to end, was the peak
    memory of a 3,000-article build."""
    parts = _cached_postings(texts, cache, kind, keys)
    shards = shard_count(_distinct_keys(parts))
    grouped: list = parts  # each document's postings replaced by their group-ordered copy, one at a time
    for n, part in enumerate(parts):
        grouped[n] = _by_group(part, shards)
    del parts
    head = _Head([], shards, [None] * shards, [0] * GROUPS, [_generation(keys, g) for g in range(GROUPS)], [])
    for g in range(GROUPS):
        pieces = [(k[b[g]:b[g + 1]], c[b[g]:b[g + 1]], p[o[g]:o[g + 1]]) for k, c, p, b, o in grouped]
        sizes = [len(piece[0]) for piece in pieces]
        merged = _merge_entries(np.concatenate([piece[0] for piece in pieces] or [np.zeros(0, np.uint64)]),
                                np.concatenate([piece[1] for piece in pieces] or [np.zeros(0, np.uint32)]),
                                np.repeat(np.arange(len(pieces), dtype=np.uint32), sizes),
                                np.concatenate([piece[2] for piece in pieces] or [np.zeros(0, np.uint32)]))
        del pieces
        _write_shards(merged.table(), shards, writer, head.sigs)
        head.bigrams[g] = len(merged.keys)
        if cache is not None:
            cache.put(kind, _group_key(g), (head.generations[g], merged.pack()))
        del merged
    if cache is not None:
        cache.count("search.shards_made", sum(s is not None for s in head.sigs))
    return head


def _distinct_keys(parts: list[DocPostings]) -> int:
    """How many distinct bigrams the documents hold, a few hundred documents at a time (memory). A stable sort
    of uint64 is a radix sort in numpy: ~10x quicker here than np.union1d's hashing unique."""
    unique = np.zeros(0, np.uint64)
    for start in range(0, len(parts), 256):
        keys = np.sort(np.concatenate([unique] + [p.keys for p in parts[start:start + 256]]), kind="stable")
        new = np.ones(len(keys), dtype=bool)
        new[1:] = keys[1:] != keys[:-1]
        unique = keys[new]
    return len(unique)


def _by_group(part: DocPostings, shards: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int], list[int]]:
    """A document's postings with its entries in group order (key order within a group): keys, counts,
    positions, and where each group's entries and positions begin."""
    group = group_of(_shard_of_keys(part.keys, shards), shards)
    order = np.argsort(group, kind="stable")
    counts = part.counts[order]
    first = (np.cumsum(part.counts, dtype=np.int64) - part.counts)[order]
    pos = part.pos[np.repeat(first, counts) + _ramp(counts)]
    bounds = np.searchsorted(group[order], np.arange(GROUPS + 1))
    occ = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))[bounds]
    return part.keys[order], counts, pos, bounds.tolist(), occ.tolist()


def _update_shards(texts: list[str], keys: list[str], head: _Head, writer: SiteWriter, cache: BuildCache,
                   kind: str) -> _Head | None:
    """Write the index from the last build's (head): merge and make again only the shards where a bigram's
    occurrences changed, keep the other files. None, having written nothing, when it cannot (documents
    added, removed or moved; the shard count changes; an entry is missing or damaged)."""
    if len(head.doc_keys) != len(keys):
        return None
    changed = [n for n, (old, new) in enumerate(zip(head.doc_keys, keys)) if old != new]
    if len(changed) * 8 > len(keys) + 8:  # many: merging everything is as quick
        return None
    before = [DocPostings.unpack(cache.get(kind, head.doc_keys[n])) for n in changed]
    if any(b is None for b in before):
        return None
    after = _cached_postings([texts[n] for n in changed], cache, kind, [keys[n] for n in changed])
    shards = head.shards
    differ = [_differing(b, a) for b, a in zip(before, after)]  # type: ignore[arg-type]
    touched = set(np.unique(_shard_of_keys(np.concatenate(differ), shards)).tolist()) if differ else set()
    path = [f"{urls.SEARCH_DATA}s/{n}.json" for n in range(shards)]
    # shards to make: the touched ones, and those the staging folder does not hold as they were
    was = {path[n]: sig for n, sig in enumerate(head.sigs) if sig is not None and n not in touched}
    same = writer.unchanged_files(was)
    make = touched | {n for n, sig in enumerate(head.sigs) if sig is not None and path[n] not in same}
    groups: dict[int, Group] = {}
    for g in sorted(set(group_of(np.array(sorted(make), dtype=np.int64), shards).tolist())):
        got = head.group(cache, kind, g)
        if got is None:
            return None
        groups[g] = got
    edited = set(group_of(np.array(sorted(touched), dtype=np.int64), shards).tolist())
    new = _Head([], shards, list(head.sigs), list(head.bigrams), list(head.generations), [])
    for g in edited:
        groups[g] = groups[g].replace(changed, after, g, shards)
        new.bigrams[g] = len(groups[g].keys)
        new.generations[g] = _generation(keys, g)
    if shard_count(sum(new.bigrams)) != shards:
        return None
    # from here on, files are claimed: nothing returns None
    writer.keep({p: was[p] for p in same}, OWNER)
    for g, group in sorted(groups.items()):
        mine = np.array(sorted(n for n in make if n * GROUPS // shards == g), dtype=np.int64)
        for n in mine.tolist():
            new.sigs[n] = None
        _write_shards(group.table(shards, mine), shards, writer, new.sigs)
    for g in edited:
        cache.put(kind, _group_key(g), (new.generations[g], groups[g].pack()))
    # entries this build relies on without reading them, so that pruning keeps them
    cache.add_record(({}, {kind: {_group_key(g) for g in range(GROUPS)} | set(keys)}))
    cache.count("search.shards_made", len(make))
    return new


def _differing(before: DocPostings, after: DocPostings) -> np.ndarray:
    """The keys whose occurrences in one document differ between two versions of it."""
    only = np.setxor1d(before.keys, after.keys, assume_unique=True)
    common, ia, ib = np.intersect1d(before.keys, after.keys, assume_unique=True, return_indices=True)
    ca, cb = before.counts[ia], after.counts[ib]
    same = ca == cb
    counts = ca[same]
    ramp = _ramp(counts)
    sa = np.repeat((np.cumsum(before.counts, dtype=np.int64) - before.counts)[ia][same], counts) + ramp
    sb = np.repeat((np.cumsum(after.counts, dtype=np.int64) - after.counts)[ib][same], counts) + ramp
    moved = before.pos[sa] != after.pos[sb]
    if len(counts):
        moved_key = np.add.reduceat(moved, (np.cumsum(counts) - counts).astype(np.int64)) > 0
    else:
        moved_key = np.zeros(0, dtype=bool)
    return np.concatenate([only, common[~same], common[same][moved_key]])


def _cached_postings(texts: list[str], cache: BuildCache | None, kind: str,
                     keys: list[str] | None = None) -> list[DocPostings]:
    """doc_postings of every text, those kept in the cache taken from it, the others made (all at once) and kept."""
    if cache is None:
        return doc_postings(texts)
    if keys is None:
        keys = [_text_key(text) for text in texts]
    found: list[DocPostings | None] = [DocPostings.unpack(cache.get(kind, key)) for key in keys]
    missing = [n for n, got in enumerate(found) if got is None]
    for n, made in zip(missing, doc_postings([texts[n] for n in missing])):
        cache.put(kind, keys[n], made.pack())
        found[n] = made
    cache.count("search.postings_made", len(missing))
    return found  # type: ignore[return-value]


def _dump(writer: SiteWriter, path: str, data) -> None:
    writer.write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), OWNER)
