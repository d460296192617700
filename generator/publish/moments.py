"""`board next`: the moments the board will change by itself, as staff read them."""

from __future__ import annotations

from datetime import datetime

from generator.lifecycle import EVENT_ENDS, Moment, next_moments
from generator.load import Board
from generator.timeutil import beijing


def moment_lines(board: Board, after: datetime, limit: int | None = None) -> list[str]:
    """One Chinese line per moment: when, what happens, which article (title and file)."""
    moments = next_moments(board.articles, after)
    lines = [_line(m) for m in moments[:limit]]
    if limit is not None and len(moments) > limit:
        lines.append(f"……还有 {len(moments) - limit} 个时间点未列出。")
    return lines


def _line(moment: Moment) -> str:
    what = moment.label
    if moment.kind == EVENT_ENDS:
        what += "（从首页“近期活动”撤下）"
    return f"{beijing(moment.at, 'minute')}（{beijing(moment.at, 'week')}） {what}：《{moment.article.title}》 {moment.article.source}"


def due(board: Board, after: datetime, until: datetime) -> list[Moment]:
    """Moments in (after, until]: a publish made at `after` is out of date at `until`."""
    return [m for m in next_moments(board.articles, after) if m.at <= until]
