"""Dates as staff write them: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, Asia/Shanghai unless an offset is given."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIN_YEAR, MAX_YEAR = 1900, 2200  # beyond these, time zone arithmetic overflows; no notice needs them

_FORM = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
# Forms staff often type instead, so the message can show the right spelling.
_LOOSE = re.compile(r"^(\d{4})\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})\s*[:：点]\s*(\d{2})?\s*分?)?$")


class BadDate(ValueError):
    """A date staff wrote that is not in the contract's form; `hint` is the corrected spelling, if any."""

    def __init__(self, text: str, hint: str | None = None) -> None:
        super().__init__(text)
        self.hint = hint


def parse_time(value: object) -> datetime:
    """Parse a front matter date into an aware datetime, or raise BadDate."""
    if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadDate(str(value))
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if not isinstance(value, str):
        raise BadDate(str(value))
    text = value.strip()
    m = _FORM.match(text)
    if not m:
        loose = _LOOSE.match(text)
        hint = None
        if loose:
            y, mo, d, h, mi = loose.groups()
            hint = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
            if h:
                hint += f" {int(h):02d}:{int(mi or 0):02d}"
        raise BadDate(text, hint)
    y, mo, d, h, mi, s, off = m.groups()
    if not MIN_YEAR <= int(y) <= MAX_YEAR:
        raise BadDate(text)
    tz = SHANGHAI
    try:
        if off and off != "Z":
            sign = 1 if off[0] == "+" else -1
            digits = off[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        elif off == "Z":
            tz = timezone.utc
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
    except ValueError as exc:  # 2026-02-30, 25:00, +25:00 ...
        raise BadDate(text) from exc


def now_shanghai() -> datetime:
    return datetime.now(SHANGHAI).replace(microsecond=0)


def iso(value: datetime) -> str:
    """ISO 8601 in Shanghai time, as board.json shows it."""
    return value.astimezone(SHANGHAI).isoformat()


def chinese_date(value: datetime, with_time: bool = False) -> str:
    """2026年11月20日 (and 08:30 when the time matters), the form residents read."""
    local = value.astimezone(SHANGHAI)
    text = f"{local.year}年{local.month}月{local.day}日"
    if with_time:
        text += f" {local:%H:%M}"
    return text


def has_time(value: datetime) -> bool:
    local = value.astimezone(SHANGHAI)
    return (local.hour, local.minute) != (0, 0)
