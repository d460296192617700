"""The watcher's clock: Beijing time, or a rehearsal clock for tests and for trying a schedule out.

`BOARD_CLOCK="2026-11-26 09:58"` starts the clock at that moment when `board watch` starts;
`BOARD_CLOCK="2026-11-26 09:58 x60"` also runs it 60 times faster (a minute a second), so a
day's schedule can be watched in 24 minutes. Unset, it is the real time.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta

from generator.timeutil import BadDate, now_shanghai, parse_time

ENV = "BOARD_CLOCK"
_FORM = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?)\s*(?:[x×*]\s*(\d+(?:\.\d+)?))?\s*$")


class BadClock(ValueError):
    """BOARD_CLOCK is set but cannot be read; the text says how to write it."""


class Clock:
    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        self.start = start
        self.speed = speed
        self._anchor = time.monotonic()

    def now(self) -> datetime:
        if self.start is None:
            return now_shanghai()
        elapsed = (time.monotonic() - self._anchor) * self.speed
        return (self.start + timedelta(seconds=elapsed)).replace(microsecond=0)

    def real_seconds(self, board_seconds: float) -> float:
        """How long to really wait for this much board time."""
        return board_seconds / self.speed

    @property
    def rehearsal(self) -> bool:
        return self.start is not None


def clock_from_env() -> Clock:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return Clock()
    match = _FORM.match(value)
    try:
        if not match:
            raise BadDate(value)
        start = parse_time(match.group(1))
    except BadDate:
        raise BadClock(f"环境变量 {ENV}=“{value}”看不懂。请写成 \"2026-11-26 09:58\"，"
                       f"要让时间走得快些就在后面加倍数，如 \"2026-11-26 09:58 x60\"（一秒一分钟）。") from None
    speed = float(match.group(2) or 1)
    if not 0 < speed <= 3600:
        raise BadClock(f"环境变量 {ENV} 的倍数应在 1 到 3600 之间。")
    return Clock(start, speed)
