"""Pages rendered on the machine's other cores while the renderer (MkDocs) renders the rest here.

MkDocs renders its pages one after another in one process, and the page templates are most of a
full build's time, so a second core would idle. Once every page is read and the template
environment is ready, `Split.start` forks one child per extra core. The pages to render are
numbered in MkDocs' own order: this process takes them from the front as MkDocs reaches them
(`Split.mine`, asked through each page's `is_modified`), the children take them from the back,
until the two ends meet, so neither side waits for the other whatever a page costs.

A child sends its pages' bytes back in batches of `BATCH` pages; this process hands each page to
`deliver` (the one writer) as a batch arrives (`Split.drain`, between its own pages, and
`Split.collect` at the end), so no child's pages pile up in either process. A page a child did not
send (it failed or died) is in `missing`: the caller renders it itself, so the site is whole
either way and the same bytes as a serial build.

Only where `fork` exists (the children inherit the rendered state; nothing is pickled to start
them) and never from a process with other threads (a server): there the caller stays serial.
`BOARD_RENDER_WORKERS=1` turns it off (`=N` sets the number of processes, this one included).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import signal
from typing import Any, Callable

from generator.workers import processes_for

MIN_PAGES = 120  # below this a build renders in a couple of seconds and the fork would not pay
WAIT_SECONDS = 600  # a child still rendering this long after this process finished is given up on
BATCH = 50  # pages a child sends at once: one message at the end held all of them twice (~70 MB at 3,000 pages)
LOCK_SECONDS = 30.0  # the shared lock is held for microseconds: held this long, its holder died (killed) holding it


def render_workers(pages: int) -> int:
    """How many processes (this one included) should render `pages` pages; 1 means serially here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return processes_for(pages, "BOARD_RENDER_WORKERS", MIN_PAGES, 60)


class _Said(logging.Handler):
    """A child's log lines (MkDocs' warnings while rendering), said again by the parent."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, record.levelno, record.getMessage()))


class Split:
    """Pages 0..count-1 shared between this process (from the front) and its children (from the back)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._context = multiprocessing.get_context("fork")
        self._lock = self._context.Lock()
        # [first page nobody took yet from the front, first page a child took, pages the children finished]
        self._ends = self._context.RawArray("i", [0, count, 0])
        self._children: list[tuple[Any, Any]] = []
        self._got: set[int] = set()  # pages a child delivered (handed to deliver)
        self._theirs: list[int] = []  # pages mine() left to a child
        self._lines: list[tuple[str, int, str]] = []
        self._records: list[Any] = []
        self._ended: set[int] = set()  # children (by position) whose pipe is done: sent their end, died or failed
        self._alone = False  # the lock was lost (a child died holding it): this process renders every page left
        self._frozen = False  # start froze this process's objects (gc.freeze); _thaw gives them back to collection

    def start(self, children: int, render: Callable[[int], Any], record: Callable[[], Any] | None = None) -> None:
        """Fork `children` processes, each rendering pages from the back with render(index) until the
        ends meet; record() is what a child sends back besides its pages (its cache bookkeeping since
        the fork: it is called once in the child before the first page, to forget the parent's)."""
        # This process's objects too are left out of its own collections until the children are done: a full
        # collection writes to every object it walks, which copies each page the children still share.
        gc.freeze()
        self._frozen = True
        for _ in range(children):
            receive, send = self._context.Pipe(duplex=False)
            child = self._context.Process(target=self._child, args=(render, record, send), daemon=True)
            try:
                child.start()
            except OSError:  # no memory or process left for a fork: this process renders them all
                receive.close()
                send.close()
                break
            send.close()
            self._children.append((child, receive))

    def mine(self, index: int) -> bool:
        """Whether this process renders page `index` (asked in order); False when a child has it.
        If the lock cannot be had (its holder was killed), this process renders this page and every
        later one itself, and `collect` drops what the children made (a timeout, not a wait for ever)."""
        if self._alone:
            return index not in self._got
        if not self._lock.acquire(timeout=LOCK_SECONDS):
            self._alone = True
            return index not in self._got
        try:
            if index < self._ends[1]:
                self._ends[0] = max(self._ends[0], index + 1)
                return True
            self._theirs.append(index)
            return False
        finally:
            self._lock.release()

    def done_elsewhere(self) -> int:
        """Pages the children have rendered so far (for the progress lines)."""
        return self._ends[2]

    def _take(self) -> int | None:
        if not self._lock.acquire(timeout=LOCK_SECONDS):  # a sibling died holding it: stop, send what is done
            return None
        try:
            if self._ends[0] >= self._ends[1]:
                return None
            self._ends[1] -= 1
            return self._ends[1]
        finally:
            self._lock.release()

    def _child(self, render: Callable[[int], Any], record: Callable[[], Any] | None, send) -> None:
        """Render pages from the back, send them. Nothing here may escape: multiprocessing would print an
        English traceback; whatever is not delivered the parent renders itself (and meets any fault there)."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops the children)
        done: list[tuple[int, Any]] = []  # rendered, not sent yet
        said = _Said()
        started = False
        try:
            gc.freeze()  # the inherited objects are never garbage here: not walking them keeps them shared with the parent
            mkdocs_log = logging.getLogger("mkdocs")
            for handler in list(mkdocs_log.handlers):
                mkdocs_log.removeHandler(handler)
            mkdocs_log.addHandler(said)
            mkdocs_log.propagate = False
            if record is not None:
                record()
            started = True
            while (index := self._take()) is not None:
                done.append((index, render(index)))
                if self._lock.acquire(timeout=LOCK_SECONDS):
                    self._ends[2] += 1
                    self._lock.release()
                if len(done) >= BATCH:
                    batch, done = done, []
                    send.send(("pages", batch))
        except BaseException:  # noqa: BLE001  the parent renders what is missing and meets the same fault itself
            pass
        try:
            if done:
                send.send(("pages", done))
            send.send(("end", said.lines, record() if record is not None and started else None))
        except BaseException:  # noqa: BLE001  a broken pipe, no memory to pickle: the parent renders all it took
            pass
        try:
            send.close()
        except BaseException:  # noqa: BLE001
            pass

    def abandon(self) -> None:
        """The build failed: stop the children (nothing they made is used)."""
        for child, receive in self._children:
            child.kill()
            child.join()
            receive.close()
        self._children = []
        self._thaw()

    def _thaw(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def _read(self, number: int, receive, deliver: Callable[[int, Any], None], wait: float) -> None:
        """Hand child `number`'s batches to deliver, waiting up to `wait` seconds for each message, until its end."""
        while number not in self._ended:
            try:
                if not receive.poll(wait):
                    return
                kind, *message = receive.recv()
            except Exception:  # noqa: BLE001  a child that died or sent garbage: its pages not delivered are missing
                self._ended.add(number)
                return
            if kind == "pages":
                for index, value in message[0]:
                    if index not in self._got:  # deliver's own faults (the writer's) are the build's, not caught here
                        self._got.add(index)
                        deliver(index, value)
            else:
                self._lines += message[0]
                self._records.append(message[1])
                self._ended.add(number)

    def drain(self, deliver: Callable[[int, Any], None]) -> None:
        """Hand the pages the children have sent so far to deliver(index, what render returned); never waits."""
        for number, (_child, receive) in enumerate(self._children):
            self._read(number, receive, deliver, 0)

    def collect(self, deliver: Callable[[int, Any], None]) -> tuple[list[int], list[tuple[str, int, str]], list[Any]]:
        """After this process's share: every page a child sends handed to deliver (drain); then (the indexes
        no child delivered, the children's log lines, their records). Every child is waited for. If the lock
        was lost (`mine`), this process rendered every page from there on but those already delivered."""
        if self._alone:
            self.abandon()
            return [i for i in self._theirs if i not in self._got], [], []
        for number, (child, receive) in enumerate(self._children):
            self._read(number, receive, deliver, WAIT_SECONDS)
            receive.close()
            child.join(5)
            if child.is_alive():
                child.kill()
                child.join()
        self._children = []
        self._thaw()
        taken_back = range(self._ends[1], self.count)
        return [i for i in taken_back if i not in self._got], self._lines, self._records
