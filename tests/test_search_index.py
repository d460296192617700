"""The search index built from arrays equals the plain per-character definition, byte for byte."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.fold import fold
from generator.search_index import postings, postings_arrays, shard_count, shard_of, shard_texts

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


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_shard_files_equal_json_dumps(texts: list[str]) -> None:
    table = postings_arrays(texts)
    assert dict(shard_texts(table, shard_count(len(table)))) == reference_shards(texts)


def test_many_shards_and_long_positions() -> None:
    """Past one batch of text, thousands of shards, positions in the hundreds of thousands."""
    import generator.search_index as index

    words = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(30_000))
    texts = [words, "x" * 5 + words[::-1], "", "物业" * 50_000, words[:5000]]
    table = postings_arrays(texts)
    old = index.BATCH
    index.BATCH = 1000
    try:
        assert dict(shard_texts(table, shard_count(len(table)))) == reference_shards(texts)
    finally:
        index.BATCH = old
    assert shard_count(len(table)) >= 512
