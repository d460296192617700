"""`board watch`: a publisher that keeps running on the community's machine.

It publishes
  - when it starts (so a restart of the machine catches up with anything it missed),
  - when a file in content/, templates/ or mkdocs.yml changes (watchfiles),
  - at each moment `board next` lists (a scheduled article, an expiry, an activity's end), within a minute,
  - and every `--interval` minutes as a safety net.
A content error publishes nothing (the last good site stays online), is written to the log in
Chinese and is tried again after the next change; a failed upload is retried with a growing pause.
Each publish runs `board publish` in a child process, so nothing a build does can stop the watcher.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path

import watchfiles

from generator.lifecycle import next_moments
from generator.messages import Report
from generator.publish.clock import BadClock, Clock, clock_from_env
from generator.output.lock import file_lock
from generator.publish.targets import load_targets
from generator.timeutil import SHANGHAI, beijing

TICK_MS = 1000  # the watcher looks at the clock every second (real time)
PUBLISH_TIMEOUT = 3600  # seconds: a publish hanging longer than this is stopped and retried
MAX_RETRY_PAUSE = 30 * 60  # seconds between retries of a failed upload, at most

log = logging.getLogger("board.watch")


class _BeijingFormatter(logging.Formatter):
    """Log lines stamped in Beijing time by the one date formatter, whatever the machine's zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        return beijing(datetime.fromtimestamp(record.created, SHANGHAI), "second")


def _setup_log(log_file: Path) -> None:
    log.setLevel(logging.INFO)
    log.handlers.clear()
    formatter = _BeijingFormatter("%(asctime)s %(message)s")
    for handler in (logging.StreamHandler(sys.stderr),
                    RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")):
        handler.setFormatter(formatter)
        log.addHandler(handler)


def minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def ceil_minute(value: datetime) -> datetime:
    floor = minute(value)
    return floor if floor == value else floor + timedelta(minutes=1)


class Watcher:
    """The decisions of `board watch`, apart from the loop, so each one reads on its own."""

    def __init__(self, config_file: Path, clock: Clock, interval: timedelta, community: str | None = None) -> None:
        from generator.street_layout import is_street

        self.config_file = config_file  # a street project's: its own mkdocs.yml (the street's settings, its targets)
        self.street = config_file.parent if is_street(config_file.parent) else None
        self.community = community  # in a street: only this community (None: every one)
        self.clock = clock
        self.interval = interval
        self.published_as_of: datetime | None = None  # as-of time of the last successful publish
        self.next_safety = clock.now()
        self.content_broken = False  # until the next change
        self.retry_at: float | None = None  # monotonic seconds; a failed upload waits for this
        self.retry_pause = 60.0
        self.moments: list[datetime] = []
        self.settings = None

    # -- what is due ------------------------------------------------------------------------
    def reason(self, changed: list[str], first: bool, monotonic_now: float) -> str | None:
        now = self.clock.now()
        if first:
            return "board watch 启动"
        if changed:
            shown = "、".join(changed[:3]) + (f" 等 {len(changed)} 个文件" if len(changed) > 3 else "")
            return f"文件有改动：{shown}"
        if self.content_broken:
            return None  # nothing new to try until staff change a file
        if self.retry_at is not None:
            return "重试上次没有成功的发布" if monotonic_now >= self.retry_at else None
        due = [m for m in self.moments if ceil_minute(m) <= now]
        if due:
            return f"到了定时变化的时间 {beijing(due[0], 'minute')}"
        if now >= self.next_safety:
            return f"每 {int(self.interval.total_seconds() // 60)} 分钟的例行发布"
        return None

    # -- doing it ---------------------------------------------------------------------------
    def load(self, as_of: datetime) -> Report:
        """Check the content at `as_of` (in a street, of each community watched); remember the moments after it."""
        from generator.load import load_board
        from generator.settings import load_settings

        report = Report()
        self.settings = load_settings(self.config_file, report)
        if self.settings is None:
            self.moments = []
            return report
        moments: set[datetime] = set()
        for settings in self._boards(report):
            board = load_board(settings, as_of, report)
            moments |= {m.at for m in next_moments(board.articles, as_of)}
        self.moments = sorted(moments)
        if self.street is not None:  # a street article is checked in each community it names: say it once
            report = Report(list(dict.fromkeys(report.messages)))
        return report

    def _boards(self, report: Report) -> list:
        """The settings of each board watched: the project's own, or each community's of a street."""
        from generator.settings import load_settings
        from generator.street import load_street
        from generator.street_layout import community_config

        if self.street is None:
            return [self.settings]
        street = load_street(self.street, report)
        ids = [self.community] if self.community else (street.ids if street is not None else [])
        found = [load_settings(community_config(self.street, i), report) for i in ids]
        return [s for s in found if s is not None]

    def publish(self, why: str, monotonic_now: float) -> None:
        as_of = minute(self.clock.now())
        log.info(f"开始发布（{why}），按 {beijing(as_of, 'minute')} 判断文章状态……")
        report = self.load(as_of)
        self.next_safety = self.clock.now() + self.interval
        if not report.ok:
            self.content_broken = True
            for message in report.sorted():
                log.info(f"  {message}")
            log.info(f"文章有 {len(report.errors)} 个错误，这次没有发布，线上仍是上一次的网站。"
                     "改正后保存，会自动再试。")
            return
        self.content_broken = False
        # Without deploy targets, keep the local site/ current (a web server may serve it directly).
        step = "publish" if load_targets(self.settings, Report()) else "build"
        if step == "build":
            log.info("mkdocs.yml 里没有发布目标 deploy：只更新本机的网站文件夹。")
        command = [sys.executable, "-m", "generator", "-f", str(self.config_file), step,
                   "--as-of", beijing(as_of, "minute")] + (["--community", self.community] if self.community else [])
        try:
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    encoding="utf-8", errors="replace", timeout=PUBLISH_TIMEOUT,
                                    cwd=self.config_file.parent, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
            output, code = result.stdout.strip(), result.returncode
        except subprocess.TimeoutExpired:
            output, code = f"发布超过 {PUBLISH_TIMEOUT // 60} 分钟还没完成，已停止。", 1
        for line in output.splitlines():
            log.info(f"  {line}")
        if code == 0:
            self.published_as_of = as_of
            self.retry_at, self.retry_pause = None, 60.0
            self.moments = [m for m in self.moments if m > as_of]
            upcoming = f"下一个定时变化：{beijing(self.moments[0], 'minute')}" if self.moments else "没有待定的定时变化"
            log.info(f"发布完成。{upcoming}。")
        else:
            self.retry_at = monotonic_now + self.clock.real_seconds(self.retry_pause)
            log.info(f"发布没有成功，线上仍是上一次的网站。{int(self.retry_pause // 60) or 1} 分钟后重试。")
            self.retry_pause = min(self.retry_pause * 2, MAX_RETRY_PAUSE)

    def watched(self) -> list[Path]:
        root = self.config_file.parent
        if self.street is not None:  # the street's articles and templates, and the communities watched
            folders = [root / "content", root / "templates",
                       root / "communities" / self.community if self.community else root / "communities"]
        else:
            folders = [self.settings.content_dir if self.settings else root / "content", root / "templates"]
        return [p for p in folders if p.is_dir()] or [root]


class _Edits(watchfiles.DefaultFilter):
    """Changes staff make: not the build's own caches and staging folders (a street watches its
    communities' folders whole, and each build writes into their .cache/)."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __call__(self, change, path: str) -> bool:
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            parts = ()
        return super().__call__(change, path) and not any(part.startswith(".") for part in parts)


def watch(config_file: Path, interval_minutes: int = 30, log_file: Path | None = None,
          community: str | None = None) -> int:
    """`community`: in a street project, watch and publish only that community (config_file is the street's)."""
    import time

    config_file = config_file.resolve()
    if not config_file.is_file():
        print(f"board watch：找不到站点设置文件 {config_file}。请在项目文件夹里运行，或用 -f 指定。", file=sys.stderr)
        return 1
    if interval_minutes < 1:
        print("board watch：--interval 至少是 1（分钟）。", file=sys.stderr)
        return 2
    try:
        clock = clock_from_env()
    except BadClock as exc:
        print(f"board watch：{exc}", file=sys.stderr)
        return 2
    own = f"-{community}" if community else ""  # a street may have one watcher per community, or one for all
    _setup_log(log_file or config_file.parent / f"board-watch{own}.log")
    with file_lock(config_file.parent / f".board-watch{own}.lock", wait=False) as mine:
        if not mine:
            log.info("已经有一个 board watch 在这个项目上运行，这一个不再启动。")
            return 1
        signal.signal(signal.SIGTERM, _stop)  # systemd's stop: end as Ctrl+C does, with a log line
        watcher = Watcher(config_file, clock, timedelta(minutes=interval_minutes), community)
        if clock.rehearsal:
            log.info(f"演练时钟：从 {beijing(clock.start, 'minute')} 开始，{clock.speed:g} 倍速（{ENV_NOTE}）。")
        log.info(f"board watch 已启动：监视文章和设置的改动，按时发布；每 {interval_minutes} 分钟例行发布一次。按 Ctrl+C 结束。")
        watcher.load(clock.now())  # to know which folders to watch
        config_mtime = _mtime(config_file)
        first = True  # the first publish runs inside the loop, so edits made during it are seen too
        try:
            for changes in watchfiles.watch(*watcher.watched(), rust_timeout=TICK_MS, yield_on_timeout=True,
                                            debounce=800, step=100, raise_interrupt=False, watch_filter=_Edits(config_file.parent)):
                root = config_file.parent
                changed = sorted({_shown(Path(path), root) for _kind, path in changes})
                if _mtime(config_file) != config_mtime:
                    config_mtime = _mtime(config_file)
                    changed.append(config_file.name)
                why = watcher.reason(changed, first, time.monotonic())
                first = False
                if why:
                    watcher.publish(why, time.monotonic())
        except KeyboardInterrupt:
            pass
        log.info("board watch 已停止。")
    return 0


ENV_NOTE = "由环境变量 BOARD_CLOCK 设定，只用于测试和演练"


def _stop(_signal, _frame) -> None:
    raise KeyboardInterrupt


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
