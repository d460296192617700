"""The search index built from arrays equals the plain per-character definition, byte for byte."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.fold import fold
from generator.search_index import postings, postings_arrays, shard_count, shard_of, shard_files

# Characters that matter: Chinese, full-width forms (folded), Latin in both cases, digits, punctuation,
# spaces, combining marks, characters outside the BMP, and ones whose NFKC form is longer (ﬁ, ㎏).
ALPHABET = st.sampled_from(list("未成年人保护法第十条物业ＡＢａｂ１２AbCz09_-，。、 \n\t·ǅ\u0301ﬁ㎏①Ⅻ") + ["𠀀", "😀", "\u3000"])
TEXTS = st.lists(st.text(ALPHABET, max_size=60), max_size=8)


def reference(texts: list[str]) -> dict[str, list[list[int]]]:
    """The definition: each run of word characters of the folded text, each pair of neighbours in it."""
    table: dict[str, list[list[int]]] = defaultdict(list)
    for doc, text in enumerate(texts):
        local: dict[str, list[int]] = defaultdict(list)
        for m in re.finditer(r"\w+", fold(text)):
            for i in range(m.start(), m.end() - 1):
                local[m.string[i:i + 2]].append(i)
        for bigram, positions in local.items():
            table[bigram].append([doc, positions[0]] + [b - a for a, b in zip(positions, positions[1:])])
    return dict(table)


def reference_shards(texts: list[str]) -> dict[int, str]:
    table = reference(texts)
    shards = shard_count(len(table))
    grouped: dict[int, dict] = defaultdict(dict)
    for bigram, entries in table.items():
        grouped[shard_of(bigram, shards)][bigram] = entries
    return {n: json.dumps(c, ensure_ascii=False, separators=(",", ":")) for n, c in grouped.items()}


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_postings_equal_the_definition(texts: list[str]) -> None:
    got = postings(texts)
    want = reference(texts)
    assert got == want
    assert list(got) == list(want)  # bigrams in order of first appearance


def files(table) -> dict[int, str]:
    return {n: data.decode("utf-8") for n, data in shard_files(table, shard_count(len(table)))}


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_shard_files_equal_json_dumps(texts: list[str]) -> None:
    table = postings_arrays(texts)
    assert files(table) == reference_shards(texts)


def test_many_shards_and_long_positions() -> None:
    """Past one batch of texts and of occurrences, thousands of shards, positions in the hundreds of thousands."""
    import generator.search_index as index

    words = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(30_000))
    texts = [words, "x" * 5 + words[::-1], "", "物业" * 50_000, words[:5000]]
    old = index.BATCH, index.TEXT_BATCH
    index.BATCH, index.TEXT_BATCH = 1000, 20_000  # many batches of occurrences, and of texts
    try:
        table = postings_arrays(texts)
        assert files(table) == reference_shards(texts)
    finally:
        index.BATCH, index.TEXT_BATCH = old
    assert shard_count(len(table)) >= 512


def test_postings_kept_per_text(tmp_path) -> None:
    """Each text's postings are kept under its own hash: a rebuild reads only new or edited texts, and a
    damaged entry is made again; the index merged from kept postings equals the definition."""
    from generator.buildcache import BuildCache
    from generator.search_index import _cached_postings, merge

    texts = ["未成年人保护法第十条", "物业 ＡＢ ab 物业", "", "𠀀𠀀😀 ﬁ㎏①"]
    cache = BuildCache(tmp_path)
    assert files(merge(_cached_postings(texts, cache, "postings"))) == reference_shards(texts)
    assert cache.stats["search.postings_made"] == len(texts)
    entries = sorted((tmp_path / ".cache" / "build" / "postings").iterdir())
    assert len(entries) == len(set(texts))
    entries[0].write_bytes(entries[0].read_bytes()[:-7])  # truncated: a miss, never an error
    again = BuildCache(tmp_path)
    edited = [texts[1], "物业费第十条", *texts[2:], texts[0]]  # moved, edited, new
    assert files(merge(_cached_postings(edited, again, "postings"))) == reference_shards(edited)
    assert again.stats["search.postings_made"] == 2  # the edited text and the damaged entry's
    again.prune("postings")
    assert len(list((tmp_path / ".cache" / "build" / "postings").iterdir())) == len(set(edited))
