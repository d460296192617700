"""The search index rebuilt from the last build's (kept in the build cache): after each kind of change, the
files are byte for byte those a build from nothing writes, and only the shards a change touched are made.

The site level (tests/test_incremental.py) covers the same through `board build` on the sample project;
here the index alone is written many times over (milliseconds a build), with enough text for hundreds of
shards, into folders reused as the real build reuses them (the site two builds back, and its manifest).
"""

from __future__ import annotations

import pickle
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from test_search_index import reference_shards

from generator.buildcache import HEADER, BuildCache
from generator.model import Status
from generator.output.writer import SiteWriter
from generator.search_index import SearchDoc, shard_count, write_search_index

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理"
AT = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=8)))


@dataclass(frozen=True)
class FakeArticle:
    """What the index reads of an article."""

    title: str
    summary: str = "摘要"
    tags: tuple[str, ...] = ("通知",)
    url: str = "law/x/"
    type_label: str = "通知"
    date: datetime = AT
    status: Status = Status.CURRENT


def text(seed: int, length: int = 250) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(CHARS) if rng.random() > 0.08 else "，" for _ in range(length))


def corpus(n: int = 20) -> list[SearchDoc]:
    return [SearchDoc(FakeArticle(f"第{k}号通知", url=f"law/{k}/"), text(k)) for k in range(n)]


@dataclass
class Project:
    """A project's build cache and the two folders builds alternate between (site online and its spare)."""

    root: Path
    folders: list[Path] = field(default_factory=list)
    manifests: dict[Path, dict] = field(default_factory=dict)
    builds: int = 0

    def build(self, docs: list[SearchDoc]) -> dict:
        """Write the index as a rebuild does: into the folder of two builds ago, which its manifest describes."""
        folder = self.root / f"site-{self.builds % 2}"
        self.builds += 1
        cache = BuildCache(self.root)
        writer = SiteWriter(folder, previous=self.manifests.get(folder))
        write_search_index(docs, writer, cache, "postings")
        self.manifests[folder] = writer.settle({})[1]
        self.last = folder
        return dict(cache.stats)


def clean(tmp_path: Path, docs: list[SearchDoc]) -> dict[str, bytes]:
    """A build from nothing; its shards (merged a group at a time) are the definition's (test_search_index)."""
    folder = tmp_path / "clean"
    writer = SiteWriter(folder)
    write_search_index(docs, writer, BuildCache(tmp_path / "clean-project"), "postings")
    made = files(folder)
    want = reference_shards([d.text for d in docs])
    assert {p: made[p].decode("utf-8") for p in made if p.startswith("search/data/s/")} == {
        f"search/data/s/{n}.json": text for n, text in want.items()}
    return made


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def shards_in(tree: dict[str, bytes]) -> int:
    return sum(1 for p in tree if p.startswith("search/data/s/"))


def assert_same(project: Project, tmp_path: Path, docs: list[SearchDoc]) -> dict:
    stats = project.build(docs)
    mine, theirs = files(project.last), clean(tmp_path / f"c{project.builds}", docs)
    assert sorted(mine) == sorted(theirs)
    assert [p for p in mine if mine[p] != theirs[p]] == []
    return stats


@pytest.fixture
def project(tmp_path: Path) -> Project:
    made = Project(tmp_path / "proj")
    stats = made.build(corpus())
    assert stats["search.postings_made"] == 20
    assert shard_count(1) == 16 and stats["search.shards_made"] > 50  # enough text for many shards
    made.build(corpus())  # the second folder: from here on each build reuses the one of two builds back
    return made


def edit(docs: list[SearchDoc], n: int, body: str) -> list[SearchDoc]:
    return [replace(d, body_text=body) if k == n else d for k, d in enumerate(docs)]


def test_appended_paragraph_makes_few_shards(project: Project, tmp_path: Path) -> None:
    docs = edit(corpus(), 7, text(7) + "\n补充：电梯检修期间请走楼梯。")
    stats = assert_same(project, tmp_path, docs)
    total = shards_in(files(project.last))
    assert stats["search.postings_made"] == 1
    assert 0 < stats["search.shards_made"] < total // 4  # only where the new paragraph's bigrams hash to
    # the next build writes into the other folder (two builds back): the shards the edit made differ there too
    again = assert_same(project, tmp_path, docs)
    assert again["search.postings_made"] == 0 and again["search.shards_made"] == stats["search.shards_made"]
    third = assert_same(project, tmp_path, docs)
    assert third["search.shards_made"] == 0


def test_edits_anywhere(project: Project, tmp_path: Path) -> None:
    old = text(3)
    for body in ("新开头" + old, old[:100] + "改动了中间" + old[160:], text(999), "", old):
        stats = assert_same(project, tmp_path, edit(corpus(), 3, body))
        assert stats["search.postings_made"] <= 1
    # two documents at once
    assert_same(project, tmp_path, edit(edit(corpus(), 3, old[::-1]), 12, text(12)[::-1]))


def test_new_characters_and_vanishing_bigrams(project: Project, tmp_path: Path) -> None:
    """Bigrams no other document has appear (new shards, perhaps a shard that had no file) and disappear."""
    docs = edit(corpus(), 11, text(11) + "鼋鼍蛟龙𠀀𠀁ＡＢab")
    assert_same(project, tmp_path, docs)
    assert_same(project, tmp_path, corpus())


def test_added_and_removed_documents(project: Project, tmp_path: Path) -> None:
    """Numbers shift: the whole index is merged again, and it still equals a clean build."""
    docs = corpus()
    added = docs[:5] + [SearchDoc(FakeArticle("新文章", url="law/new/"), text(500))] + docs[5:]
    assert_same(project, tmp_path, added)
    removed = [d for k, d in enumerate(docs) if k != 15]
    stats = assert_same(project, tmp_path, removed)
    assert stats["search.postings_made"] == 0
    assert_same(project, tmp_path, removed[::-1])  # moved


def test_expired_article(project: Project, tmp_path: Path) -> None:
    """Only the document list changes; no shard is made again."""
    docs = [SearchDoc(replace(d.article, status=Status.EXPIRED), d.body_text) if k == 4 else d
            for k, d in enumerate(corpus())]
    stats = assert_same(project, tmp_path, docs)
    assert stats["search.shards_made"] <= shards_in(files(project.last))  # the spare folder: made where it differs
    stats = assert_same(project, tmp_path, docs)
    assert stats["search.shards_made"] == 0


def test_shard_count_changes(project: Project, tmp_path: Path) -> None:
    """One document bringing thousands of new bigrams doubles the shards: every file changes."""
    rng = random.Random(5)
    many = "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(30000))
    docs = edit(corpus(), 0, many)
    assert_same(project, tmp_path, docs)


def _entries(project: Project) -> list[Path]:
    return sorted((project.root / ".cache" / "build" / "postings").iterdir())


DAMAGES = ("truncate", "garbage", "wrong_shape", "missing", "other_generation")


def test_damaged_cache(project: Project, tmp_path: Path) -> None:
    """Damaged entries of the kept index and of articles' postings, every kind at once beside sound ones: never
    an error, the damaged work is done again."""
    docs = edit(corpus(), 9, text(9) + "补一句话。")
    for n, entry in enumerate(_entries(project)):
        data = entry.read_bytes()
        key, value = pickle.loads(data[len(HEADER):])
        damage = DAMAGES[n % len(DAMAGES)]
        if n % 4 == 3:
            continue
        if damage == "truncate":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            entry.write_bytes(bytes(range(256)))
        elif damage == "wrong_shape":
            entry.write_bytes(HEADER + pickle.dumps((key, ("not", "ours"))))
        elif damage == "missing":
            entry.unlink()
        elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):  # a group of shards
            entry.write_bytes(HEADER + pickle.dumps((key, ("another build", value[1]))))
    assert_same(project, tmp_path, docs)
    stats = assert_same(project, tmp_path, docs)
    assert stats["search.postings_made"] == 0  # all kept again by the build before


def test_one_damaged_group(project: Project, tmp_path: Path) -> None:
    """One group's entry garbled, the others sound: still the clean build's files."""
    groups = [e for e in _entries(project) if isinstance(pickle.loads(e.read_bytes()[len(HEADER):])[1], tuple)
              and len(pickle.loads(e.read_bytes()[len(HEADER):])[1]) == 2]
    assert len(groups) == 16
    for entry in groups[::3]:
        data = entry.read_bytes()
        entry.write_bytes(data[:-40] + bytes(40))
    for n in range(3):
        assert_same(project, tmp_path, edit(corpus(), 2 + n, text(2 + n) + "再补一句。"))
