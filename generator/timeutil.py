"""Dates as staff write them: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, Asia/Shanghai unless an offset is given."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Callable
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIN_YEAR, MAX_YEAR = 1900, 2200  # beyond these, time zone arithmetic overflows; no notice needs them

_FORM = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
# Forms staff often type instead (Chinese words, slashes, full-width digits and colons from the input
# method, 上午/下午, 8点半), so the message can show the right spelling. Matched after NFKC folding.
_LOOSE = re.compile(
    r"^(?:(\d{4})\s*[年/.\-]\s*)?(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|AM|PM|am|pm)?\s*(\d{1,2})\s*(?:[:点时]\s*(\d{1,2}|半)?\s*分?)?"
    r"(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|AM|PM|am|pm)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20261201
_AFTERNOON = {"下午", "傍晚", "晚上", "PM", "pm"}
# `9:00-11:00` or `9:00~11:00` after a date: a time span written in one value (an event's start and
# end belong in two keys). `-11:00` would otherwise read as the offset UTC-11 and move the event.
_SPAN = re.compile(r"(\d{1,2})\s*[:：点]\s*(\d{0,2})\s*(-|~|～|—|–|－|至|到)\s*(\d{1,2})\s*[:：点]\s*(\d{0,2})")


def _is_span(text: str) -> bool:
    """`09:00-11:00` is a span; `09:00-05:00` (the end before the start) is an offset, as ISO writes it."""
    m = _SPAN.search(text)
    if not m:
        return False
    h1, m1, sep, h2, m2 = m.groups()
    return sep != "-" or (int(h2), int(m2 or 0)) > (int(h1), int(m1 or 0))


class BadDate(ValueError):
    """A date staff wrote that is not in the contract's form; `hint` is the corrected spelling, if any,
    `code` the message's code (a time span written as one value is its own mistake)."""

    def __init__(self, text: str, hint: str | None = None, code: str = "date.unreadable") -> None:
        super().__init__(text)
        self.hint = hint
        self.code = code


def _hint(text: str) -> str | None:
    """The contract's spelling of a date written another way, or None. Without a year the hint
    leaves the year for staff to fill in (YYYY), as only they know it."""
    folded = unicodedata.normalize("NFKC", text).strip()
    compact = _COMPACT.match(folded)
    if compact:
        y, mo, d = (int(g) for g in compact.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    loose = _LOOSE.match(folded)
    if not loose:
        return None
    y, mo, d, before, h, mi, _, after = loose.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    hint = f"{int(y):04d}" if y else "YYYY"
    hint += f"-{int(mo):02d}-{int(d):02d}"
    if h is not None:
        hour, minute = int(h), 30 if mi == "半" else int(mi or 0)
        if (before or after) in _AFTERNOON and hour < 12:
            hour += 12
        elif (before or after) == "中午" and hour < 6:
            hour += 12
        if hour > 23 or minute > 59:
            return None
        hint += f" {hour:02d}:{minute:02d}"
    return hint if hint != text.strip() else None


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
    if _is_span(text):
        raise BadDate(text, code="date.time_span")
    m = _FORM.match(text)
    if not m:
        raise BadDate(text, _hint(text))
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
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds: MkDocs reads it too, for the sitemap)."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed.isdigit():
        return datetime.fromtimestamp(int(fixed), SHANGHAI)
    return datetime.now(SHANGHAI).replace(microsecond=0)


WEEKDAYS = "一二三四五六日"


def _day_cn(local: datetime) -> str:
    return f"{local.year}年{local.month}月{local.day}日"


# form -> how a moment on Beijing's clock is written; every output picks one of these.
FORMS: dict[str, Callable[[datetime], str]] = {
    "date": _day_cn,                                                     # 2026年11月20日
    "datetime": lambda d: f"{_day_cn(d)} {d:%H:%M}",                     # 2026年11月20日 08:30
    "auto": lambda d: f"{_day_cn(d)} {d:%H:%M}" if has_time(d) else _day_cn(d),  # time only when not midnight
    "weekday": lambda d: f"{_day_cn(d)}（星期{WEEKDAYS[d.weekday()]}）",  # 2026年11月20日（星期五）
    "week": lambda d: f"周{WEEKDAYS[d.weekday()]}",                       # 周五
    "clock": lambda d: f"{d:%H:%M}",                                      # 08:30
    "month_cn": lambda d: f"{d.year}年{d.month}月",                        # 2026年11月 (archive titles)
    "iso": lambda d: d.isoformat(),                                       # 2026-11-20T08:30:00+08:00 (board.json)
    "rfc822": format_datetime,                                            # Fri, 20 Nov 2026 08:30:00 +0800 (RSS)
    "day": lambda d: f"{d:%Y-%m-%d}",                                     # search index, file names
    "minute": lambda d: f"{d:%Y-%m-%d %H:%M}",                            # as staff write it: messages, --as-of
    "field": lambda d: f"{d:%Y-%m-%d %H:%M}" if has_time(d) else f"{d:%Y-%m-%d}",  # the desk's time fields
    "second": lambda d: f"{d:%Y-%m-%d %H:%M:%S}",                         # records
    "stamp": lambda d: f"{d:%Y%m%d-%H%M%S}",                              # names that sort by time
    "month": lambda d: f"{d:%Y-%m}",                                      # archive URLs
}


def beijing(value: datetime, form: str = "auto") -> str:
    """Every date any output shows (site, kiosk, posters, feeds, search, calendar text, messages) is
    written here, in Beijing time whatever offset the front matter gave, so no two outputs disagree."""
    return FORMS[form](to_beijing(value))


def event_span(start: datetime, end: datetime | None) -> str:
    """An event's time as residents read it on every output: 2026年11月22日（星期日）09:00—11:30; no clock
    times when both ends are at midnight (an all-day event); 至 between different days."""
    timed = has_time(start) or (end is not None and has_time(end))
    text = beijing(start, "weekday") + (beijing(start, "clock") if timed else "")
    if end is not None:
        if beijing(end, "day") == beijing(start, "day"):
            text += "—" + beijing(end, "clock") if timed else ""
        else:
            text += " 至 " + beijing(end, "weekday") + (beijing(end, "clock") if timed else "")
    return text


def to_beijing(value: datetime) -> datetime:
    """The same moment on Beijing's clock; a naive time is taken as Beijing time already (never the machine's zone)."""
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)


def iso(value: datetime) -> str:
    """ISO 8601 in Beijing time, as board.json shows it."""
    return beijing(value, "iso")


def has_time(value: datetime) -> bool:
    local = to_beijing(value)
    return (local.hour, local.minute) != (0, 0)
