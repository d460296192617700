"""Independent work spread over the machine's cores: a process pool, for steps whose items need
nothing from each other (reading and checking one article file).

Python runs one thread at a time, so only processes use a second core. A pool costs a start-up
(a fork on Linux, a fresh interpreter on Windows) and the copying of every result back, so it is
used only with more than one core and at least MIN_ITEMS items; `BOARD_WORKERS=1` turns it off
(and `BOARD_WORKERS=N` sets the number). Results come back in the order of the items, so a
build's output and messages are the same with or without it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS = 200  # below this, a board builds in a few seconds and the pool's start-up would not pay
CHUNK = 16  # items sent to a worker at a time


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def processes_for(items: int, variable: str, minimum: int, per_process: int) -> int:
    """How many processes `items` items are worth here (1: this one alone): never from a process with
    other threads (a fork copies one thread only: board serve, desk); the environment `variable`=N
    decides instead (1: never; tests set 2 on a small board); else one per core, from `minimum` items,
    at least `per_process` items each."""
    if threading.active_count() > 1:
        return 1
    wanted = os.environ.get(variable, "").strip()
    if wanted.isdigit():
        return max(1, min(int(wanted), items))
    if items < minimum:
        return 1
    return max(1, min(usable_cores(), items // per_process))


def workers_for(items: int) -> int:
    """How many processes `items` independent items are worth here (BOARD_WORKERS=N decides instead)."""
    return processes_for(items, "BOARD_WORKERS", MIN_ITEMS, CHUNK)


def pool_map(fn: Callable[[T], R], items: Sequence[T], workers: int, *, setup: Callable[..., None] | None = None,
             setup_args: tuple = ()) -> Iterator[R]:
    """fn over items in `workers` processes, results in the items' order. `setup(*setup_args)` runs
    once in each process first; fn and setup are module-level functions (Windows starts each
    process afresh and imports them)."""
    # fork where there is one (no second start-up of the interpreter); Windows has only spawn
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=setup,
                             initargs=setup_args) as pool:
        results = pool.map(fn, items, chunksize=CHUNK)  # every item handed out now
        while _MEANWHILE:  # this process would only wait: it does what it must do next anyway
            _MEANWHILE.pop(0)()
        yield from results


# Work this process may do while the next pool's processes work (see meanwhile).
_MEANWHILE: list[Callable[[], None]] = []


def meanwhile(work: Callable[[], None] | None) -> None:
    """Have the next pool_map run `work` here once its items are handed out (None: forget what was
    asked; the caller does it itself when no pool ran). A full build imports the renderer so."""
    _MEANWHILE.clear()
    if work is not None:
        _MEANWHILE.append(work)
