"""Rendering a batch, in this process or spread over worker processes.

Typst compiles one document on one core; a full build renders hundreds of
posters, so large batches go to a process pool (one Renderer, i.e. one set
of Typst compilers and fonts, per worker)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .fonts import FontSet
from .jobs import PosterFit, PosterJob, PosterSettings
from .render import Renderer

_worker: Renderer | None = None


def _init(settings: PosterSettings, fonts: FontSet, work_dir: Path, covers: list[Path]) -> None:
    global _worker
    _worker = Renderer(settings, fonts, work_dir, covers)


def _render(job: PosterJob) -> tuple[bytes, PosterFit]:
    assert _worker is not None
    return _worker.render(job)


def render_many(todo: list[tuple[PosterJob, str]], settings: PosterSettings, fonts: FontSet,
                work_dir: Path, workers: int) -> Iterator[tuple[PosterJob, str, bytes, PosterFit]]:
    """Yield (job, key, pdf, fit) in the order of `todo`."""
    covers = [Path(j.cover) for j, _ in todo if j.cover is not None]
    done = 0
    if workers > 1:
        try:
            for item in _pooled(todo, settings, fonts, work_dir, covers, workers):
                done += 1
                yield item
            return
        except (BrokenProcessPool, OSError, RuntimeError):
            # A host program that cannot start workers (no __main__ guard,
            # no /dev/shm ...) still gets its posters, one by one.
            pass
    renderer = Renderer(settings, fonts, work_dir, covers)
    for job, key in todo[done:]:
        pdf, fit = renderer.render(job)
        yield job, key, pdf, fit


def _pooled(todo, settings, fonts, work_dir, covers, workers):
    Renderer(settings, fonts, work_dir, covers)  # prepare font dir and main files once
    # Not "fork": Typst's Rust thread pools do not survive a fork of a
    # process that has used them (the children hang). A fork server is a
    # clean process that has only imported the code.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
    else:
        ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                             initargs=(settings, fonts, work_dir, covers)) as pool:
        chunk = max(1, min(8, len(todo) // (workers * 4)))
        for (job, key), (pdf, fit) in zip(todo, pool.map(_render, [j for j, _ in todo], chunksize=chunk)):
            yield job, key, pdf, fit
