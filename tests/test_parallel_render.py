"""Pages rendered in forked children (generator.parallel_render) give the same site, byte for byte,
as MkDocs rendering every page itself; a child that dies costs time, never a page."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
from pathlib import Path

import pytest

from conftest import AS_OF, copy_project, run_board, tree_hash
from generator.parallel_render import BATCH, Split, render_workers

ENV = {"SOURCE_DATE_EPOCH": "1795000000"}  # board.json's generated_at and the sitemap's lastmod: fixed


def _build(project: Path, workers: str) -> dict:
    result = run_board(project, "build", "--no-posters", "--as-of", AS_OF, env={**ENV, "BOARD_RENDER_WORKERS": workers})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    stats = json.loads((project / ".cache" / "build" / "last-build.json").read_text(encoding="utf-8"))
    stats["messages"] = sorted(line for line in result.stderr.splitlines() if re.search(r":\d+: (错误|警告)：", line))
    return stats


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """The sample project built serially (BOARD_RENDER_WORKERS=1) and split over two processes."""
    base = tmp_path_factory.mktemp("parallel")
    serial = copy_project(base / "serial")
    shutil.copytree(serial, base / "split")
    return {"serial": (serial, _build(serial, "1")), "split": (base / "split", _build(base / "split", "2"))}


@pytest.mark.renderer
def test_split_render_is_byte_identical(both) -> None:
    (serial, one), (split, two) = both["serial"], both["split"]
    assert two.get("pages.elsewhere", 0) > 0, two  # a child really rendered pages
    assert "pages.elsewhere" not in one
    assert one["pages.rendered"] == two["pages.rendered"]  # every page once, wherever it was rendered
    mine, theirs = tree_hash(split / "site"), tree_hash(serial / "site")
    assert set(mine) == set(theirs), set(mine) ^ set(theirs)
    assert [p for p in mine if mine[p] != theirs[p]] == []
    assert two["messages"] == one["messages"]


@pytest.mark.renderer
def test_split_pages_are_cached_for_the_next_build(both) -> None:
    """The children's pages are in the build cache too: a rebuild with nothing changed renders none."""
    split, _ = both["split"]
    (split / ".cache" / "build" / "unchanged.json").unlink(missing_ok=True)  # no early stop: MkDocs runs
    again = _build(split, "2")
    assert again.get("pages.rendered", 0) == 0 and again["pages.reused"] > 0, again


def _dies_on(bad: set[int]):
    def render(index: int) -> bytes:
        if index in bad and os.getpid() != parent:
            os._exit(3)  # a child killed mid-way (out of memory, say)
        return f"page {index}".encode()
    parent = os.getpid()
    return render


@pytest.mark.parametrize("count, bad", [(40, set()), (40, {39}), (40, {0, 20}), (40, set(range(40))),
                                        (130, {10}), (130, {70}), (130, set())])
def test_pages_a_child_did_not_deliver_are_reported_missing(count: int, bad: set[int]) -> None:
    """Whatever a child manages, the pages it took and did not send back are `missing` (the plugin renders
    those itself), and this process's own share plus both lists cover every page exactly once; the batches
    a child sent before it died are delivered (130 pages: more than one batch)."""
    split = Split(count)
    render = _dies_on(bad)
    split.start(1, render)
    if count > BATCH:
        split._children[0][0].join(30)  # the child takes pages first (here none asked yet): it sends batches, then dies
    early: dict = {}
    mine = []
    for i in range(count):
        if split.mine(i):
            mine.append(i)
        split.drain(early.__setitem__)  # as the plugin does after each of its own pages
    results: dict = {}
    missing, _lines, _records = split.collect(results.__setitem__)
    assert not set(early) & set(results)  # each page delivered once
    results.update(early)
    assert sorted(mine + list(results) + missing) == list(range(count))
    assert all(results[i] == f"page {i}".encode() for i in results)
    assert not set(results) & bad
    if bad and min(bad) < count - BATCH:  # the child died after its first batch: that batch was kept
        assert len(results) >= BATCH


def test_serial_where_asked_or_small(monkeypatch) -> None:
    import generator.parallel_render as parallel

    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a server's build thread: never a fork
    monkeypatch.setenv("BOARD_RENDER_WORKERS", "2")
    assert render_workers(5000) == 1
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setenv("BOARD_RENDER_WORKERS", "1")
    assert render_workers(5000) == 1
    monkeypatch.setenv("BOARD_RENDER_WORKERS", "2")
    assert render_workers(3) == 2
    monkeypatch.delenv("BOARD_RENDER_WORKERS")
    assert render_workers(10) == 1  # a small board: the fork would not pay


class _Unpicklable:
    """A page whose pickling in the child fails the way `kind` says (only the child pickles pages)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __reduce__(self):
        if self.kind == "memory":
            raise MemoryError
        if self.kind == "ctrl-c":  # Ctrl-C reaches the child while it sends: it must not stop it
            os.kill(os.getpid(), signal.SIGINT)
            return (bytes, (b"page",))
        return (lambda: None, ())  # cannot be pickled at all


@pytest.mark.parametrize("kind", ["memory", "unpicklable", "ctrl-c", "record"])
def test_a_child_fault_prints_no_traceback(kind: str, capfd) -> None:
    """Whatever goes wrong in a child (its send, Ctrl-C, its bookkeeping), no traceback reaches the terminal
    and every page is still rendered exactly once (by the parent when the child did not deliver)."""
    count = 40
    split = Split(count)

    def record() -> None:
        if kind == "record":
            raise RuntimeError("bookkeeping failed")

    split.start(1, lambda index: _Unpicklable(kind), record)
    split._children[0][0].join(30)  # the child took every page (this process asked for none yet) and sent
    mine = [i for i in range(count) if split.mine(i)]
    results: dict = {}
    missing, _lines, _records = split.collect(results.__setitem__)
    assert sorted(mine + list(results) + missing) == list(range(count))
    if kind == "ctrl-c":
        assert sorted(results) == list(range(count)) and set(results.values()) == {b"page"}
    else:
        assert results == {}
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Process" not in err, err


def test_a_child_killed_holding_the_lock_does_not_hang_the_build(monkeypatch) -> None:
    """A child killed (out of memory) while it holds the shared lock: this process stops waiting for the lock
    after LOCK_SECONDS, renders every page left itself and drops the children's duplicates."""
    import generator.parallel_render as parallel

    monkeypatch.setattr(parallel, "LOCK_SECONDS", 0.5, raising=False)
    count = 40
    split = Split(count)

    def render(index: int) -> bytes:
        if index == count - 3:
            split._lock.acquire()
            os._exit(9)
        return f"page {index}".encode()

    split.start(1, render)
    split._children[0][0].join(30)
    answers: list[list] = []
    asking = threading.Thread(target=lambda: answers.append([i for i in range(count) if split.mine(i)]), daemon=True)
    asking.start()
    asking.join(30)
    assert not asking.is_alive(), "waited for a lock its dead holder never releases"
    results: dict = {}
    missing, _lines, _records = split.collect(results.__setitem__)
    assert answers[0] == list(range(count))  # every page rendered here, once
    assert results == {} and missing == []
