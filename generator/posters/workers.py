"""Rendering a batch of posters: in this process, or over a pool of worker processes.

Typst lays out one document on one core, so a batch spread over the machine's cores finishes
sooner; each worker keeps one Renderer (fonts and templates loaded once) for all its posters.
A pool costs a second or so to start, so it is used only for batches of PER_WORKER posters or
more per worker, and only where this process may use more than one core. The PDFs are the same
bytes either way: each poster is compiled on its own, with its date as the timestamp.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..workers import usable_cores
from .fonts import FontSet
from .jobs import PosterFit, PosterJob, PosterSettings

PER_WORKER = 6  # posters a worker must have to earn its start-up (loading Typst, fonts, templates)

_renderer = None  # the worker process's Renderer


def worker_count(posters: int, cores: int | None = None) -> int:
    """1 (no pool) on one core or for a small batch; else one worker per core, each with PER_WORKER or more."""
    cores = usable_cores() if cores is None else cores
    return max(1, min(cores, posters // PER_WORKER))


def _start(settings: PosterSettings, fonts: FontSet, work_dir: Path, covers: list[Path]) -> None:
    global _renderer
    from .render import Renderer

    _renderer = Renderer(settings, fonts, work_dir, covers)


def _render(job: PosterJob) -> tuple[bytes, PosterFit]:
    assert _renderer is not None
    return _renderer.render(job)


def _context():
    # Never "fork": Typst's Rust threads do not survive a fork of a process that has used them (the
    # child hangs). A fork server is a fresh process that has only imported this module; Windows spawns.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


def render_batch(todo: list[PosterJob], settings: PosterSettings, fonts: FontSet, work_dir: Path,
                 workers: int | None = None) -> Iterator[tuple[bytes, PosterFit]]:
    """Yield (pdf, fit) for each job, in the order of `todo`. workers=None: worker_count decides."""
    from .render import Renderer

    covers = [Path(j.cover) for j in todo if j.cover is not None]
    workers = worker_count(len(todo)) if workers is None else workers
    done = 0
    if workers > 1 and len(todo) > 1:
        Renderer(settings, fonts, work_dir, covers)  # writes the font folder once, before workers race for it
        try:
            with ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start,
                                     initargs=(settings, fonts, work_dir, covers)) as pool:
                # small chunks: posters differ in length, and progress is reported as they finish
                for result in pool.map(_render, todo[done:], chunksize=2):
                    done += 1
                    yield result
            return
        except (BrokenProcessPool, OSError):
            pass  # no worker could start (no /dev/shm, a frozen program ...): the rest in this process
    renderer = Renderer(settings, fonts, work_dir, covers)
    for job in todo[done:]:
        yield renderer.render(job)
