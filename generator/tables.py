"""Tables in article pages: each body cell carries its column's heading (`data-label`), and a table
of three or more columns is marked `data-board-stack`, so board.css can show it on a phone as
stacked rows ("阶段：动员部署 / 时间：2026年11月 …") instead of a table that scrolls sideways.

Runs on the sanitized HTML that Python-Markdown's `tables` extension wrote (regular: one <table>
with <thead>/<tbody>), so a split on tags is enough; no second HTML parser.
"""

from __future__ import annotations

import html as htmllib
import re

_TAG = re.compile(r"(<[^>]*>)")
_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
STACK_FROM = 3  # columns; a two-column table (item / value) fits a phone as it is


def label_tables(html: str) -> str:
    if "<table" not in html:
        return html
    parts = _TAG.split(html)
    out: list[str] = []
    heads: list[str] = []
    head_text: list[str] | None = None
    in_head = False
    column = 0
    table_at = -1
    for part in parts:
        match = _NAME.match(part) if part.startswith("<") else None
        if match is None:
            if head_text is not None:
                head_text.append(part)
            out.append(part)
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name == "table" and not closing:
            heads, table_at = [], len(out)
        elif name == "table" and closing and table_at >= 0:
            if len(heads) >= STACK_FROM:
                out[table_at] = out[table_at].replace("<table", "<table data-board-stack", 1)
            table_at = -1
        elif name == "thead":
            in_head = not closing
        elif name == "tr" and not closing:
            column = 0
        elif name == "th" and in_head:
            if closing and head_text is not None:
                heads.append(" ".join(htmllib.unescape(re.sub(r"<[^>]*>", "", "".join(head_text))).split()))
                head_text = None
            elif not closing:
                head_text = []
        elif name == "td" and not closing and table_at >= 0:
            label = heads[column] if column < len(heads) else ""
            column += 1
            if label and "data-label" not in part:
                part = re.sub(r"^<\s*td", f'<td data-label="{htmllib.escape(label, quote=True)}"', part, count=1)
        elif head_text is not None:
            head_text.append(part)
        out.append(part)
    return "".join(out)
