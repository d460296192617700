"""PosterJob -> the dictionary a Typst template receives as JSON.

Everything a template shows is decided here or in the template; the
template never sees Markdown or Python objects. Dates are written by
generator.timeutil.beijing, the one formatter every output uses.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from generator.model import TYPES, has_words
from generator.qr import qr_svg
from generator.timeutil import beijing, event_span

from .body import block_text, blocks_from_html, blocks_from_markdown
from .fonts import FontSet, missing_glyphs
from .jobs import PosterJob, PosterSettings


# Body size range in pt: as large as fits (up to about 一号 on A4), never below
# the readable minimum the issue sets (10.5 pt on A4, 14 pt on A3).
FIT = {"A4": (28.0, 10.5), "A3": (40.0, 14.0)}  # largest: a short notice fills the sheet, read from two metres
STEP = 0.5
_GREETING = re.compile(r"^.{1,24}[：:]$")
_SPACE = re.compile(r"\s+")


def _capacity(size: str, orientation: str) -> float:
    """An upper bound of the text a body can hold at the minimum size, in
    full-width characters: the page less margins and the smallest possible
    head and footer, with lines packed tighter than any template sets them.
    Beyond it we know without Typst that only an excerpt will fit, and send
    Typst no more text than could possibly be shown."""
    w, h = (210, 297) if size == "A4" else (297, 420)
    k = 1.0 if size == "A4" else 1.4142
    if orientation == "landscape":
        w, h = h, w
        w -= 70 * k  # side column
    em = FIT[size][1] * 25.4 / 72
    per_line = (w - 32 * k) / em
    lines = (h - 26 * k - 40 * k) / (em * 1.3)
    return per_line * lines


def _width(text: str) -> float:
    """Text length in full-width characters (ASCII counts half)."""
    narrow = sum(1 for c in text if c < "\u0370")
    return len(text) - narrow / 2


def budget(blocks: list[dict], cap: float) -> tuple[list[dict], bool, float]:
    """The opening of `blocks` that could possibly show in `cap` full-width characters, whether
    that is all of them, and the characters it holds. A block that runs past the budget is cut too (a paragraph to its first
    characters, a table to its first rows): one pasted code block, 10,000-character paragraph or
    300-row table would otherwise go to Typst whole and take minutes to measure for one excerpt."""
    used, kept = 0.0, []
    for block in blocks:
        cost = _width(block_text(block)) + 2  # a paragraph's last line is never full
        if used + cost > cap:
            kept.append(_cut_block(block, cap - used))
            return kept, False, cap
        kept.append(block)
        used += cost
    return kept, True, used


_CUT_SLACK = 40  # full-width characters past the budget: the template's own excerpt decides the exact end


def _cut_block(block: dict, room: float) -> dict:
    """`block` shortened to about `room` full-width characters (never more than it has)."""
    room = max(room, 0) + _CUT_SLACK
    if block["k"] == "table":
        rows, used = [], 0.0
        for row in block["rows"]:
            used += _width(" ".join(row)) + 2
            if used > room and len(rows) >= (2 if block["head"] else 1):
                break
            share = int(room / max(len(row), 1)) + 1  # one cell can be a pasted page
            rows.append([cell[:share] for cell in row])
        return {**block, "rows": rows}
    if "runs" not in block:
        return block
    runs, used = [], 0.0
    for run in block["runs"]:
        text = run if isinstance(run, str) else run[0]
        take = 0
        while take < len(text) and used < room:
            used += 0.5 if text[take] < "\u0370" else 1.0
            take += 1
        if take:
            runs.append(text[:take] if isinstance(run, str) else [text[:take], run[1]])
        if used >= room:
            break
    return {**block, "runs": runs}


def _squash(text: str) -> str:
    return _SPACE.sub("", text).rstrip("…。.")


def poster_data(job: PosterJob, settings: PosterSettings, fonts: FontSet, root: PurePosixPath | None) -> dict:
    """The template's input. `root` is the Typst project root the cover path
    is made relative to (Typst reads files only below its root)."""
    cap = _capacity(job.size, job.orientation)
    md, cut = job.body_markdown, False
    if job.body_html is not None:  # the build's one parse of the body
        blocks = blocks_from_html(job.body_html, job.type)
    else:
        limit = int(cap * 1.6) + 400  # raw characters: ASCII is narrower, markup costs some
        if len(md) > limit:  # parse only the opening of a very long body
            end = md.find("\n\n", limit)
            md, cut = (md[:end], True) if end != -1 else (md, False)
        blocks = blocks_from_markdown(md, job.type)
    greeting = None
    if job.type == "notice" and blocks and blocks[0]["k"] == "p" and _GREETING.match(block_text(blocks[0])):
        greeting, blocks = block_text(blocks[0]), blocks[1:]
    elif job.type == "notice":
        greeting = "各位居民："

    kept, complete, used = budget(blocks, cap)
    complete = complete and not cut

    first = next((block_text(b) for b in blocks if b["k"] in ("p", "q", "a")), "")
    summary = job.summary.strip()
    own_summary = bool(summary) and not _squash(first).startswith(_squash(summary)[:30])

    fit_max, fit_min = FIT[job.size]
    fam = [fonts.regular.family] + ([fonts.fallback.family] if fonts.fallback.family != fonts.regular.family else [])
    bold = [fonts.bold.family] + ([fonts.fallback.family] if fonts.fallback.family != fonts.bold.family else [])

    cover = None
    if job.cover is not None and root is not None:
        cover = "/" + job.cover.resolve().relative_to(root).as_posix()

    event = None
    if job.event and job.event.get("start"):
        event = {"time": event_span(job.event["start"], job.event.get("end")),
                 "place": job.event.get("location") or None}

    data = {
        "kind": job.type,
        "type-label": TYPES[job.type].label,
        "paper": "a4" if job.size == "A4" else "a3",
        "flipped": job.orientation == "landscape",
        "k": 1.0 if job.size == "A4" else 1.4142,
        "community": settings.community,
        "committee": settings.committee,
        "title": job.title,
        "author": job.author or settings.committee,
        # who wrote a story, science or law article (a notice signs it instead)
        "contributor": job.author if job.type != "notice" and job.author != settings.committee else None,
        "date": beijing(job.date, "date"),  # Beijing time, as on the site and the kiosk
        "category": job.category_label,
        "tags": list(job.tags),
        "urgent": job.urgent,
        "pinned": job.pinned,
        "summary": summary if own_summary else None,
        # long text: templates shrink photo and lead to leave the body room
        "compact": not complete or used > 0.28 * cap,
        "greeting": greeting,
        "blocks": kept,
        "event": event,
        "excerpt-note": "（篇幅所限，以上为节选，扫码阅读全文）" if job.url
        else "（篇幅所限，以上为节选，全文请到社区居委会查阅）",
        "fit": {"max": fit_max, "min": fit_min, "step": STEP, "complete": complete},
    }
    # Characters no font can draw would print as boxes: leave them out, and
    # say which (render.py turns this into a warning naming the article).
    omitted = missing_glyphs(fonts, json.dumps(data, ensure_ascii=False))
    if omitted:
        data = _strip(data, {ord(c): None for c in omitted})
    data["title"] = headline(data["title"], job.type)
    data = _breakable(data)
    data["blocks"] = [_keep_end(b) if b.get("k") in _PARAGRAPHS else b for b in data["blocks"]]
    data.update({
        "omitted": "".join(omitted),
        "cover": cover,
        "qr": qr_svg(job.url, quiet_zone=2, scale=4, sized=True) if job.url else None,  # the template frames it
        "fonts": {"regular": fam, "regular-weight": fonts.regular.weight,
                  "bold": bold, "bold-weight": fonts.bold.weight},
    })
    return data


_PARAGRAPHS = ("p", "li", "q", "a")
_CLOSING = set("，。、；：？！”’）》〉」』】〕…—.,;:?!)\"' \u200b")
LAST_LINE = 3  # a paragraph's last line holds at least this many characters besides punctuation
def _word(ch: str) -> bool:
    """Part of a run Unicode line breaking keeps whole: Latin letters, digits and their joiners."""
    return ch.isascii() and (ch.isalnum() or ch in "-.:/%_")


def _keep_end(block: dict) -> dict:
    """Mark the last LAST_LINE characters of each line a paragraph ends (and each <br>), with the
    punctuation after them, as one unit `{"keep": runs}` that the templates set in a box, so a
    paragraph never ends with one or two characters alone ("加。")."""
    pieces = [(r, 0) if isinstance(r, str) else (r[0], r[1]) for r in block["runs"]]
    flat = [(ch, bold) for text, bold in pieces for ch in text]
    kept = [False] * len(flat)
    ends = [n for n, (ch, _b) in enumerate(flat) if ch == "\n"] + [len(flat)]
    for end in ends:
        n = end - 1
        while n >= 0 and flat[n][0] in _CLOSING:
            n -= 1
        letters, start = 0, end
        while n >= 0 and letters < LAST_LINE and flat[n][0] != "\n":
            if flat[n][0] not in " \u200b":
                letters += 1
            start = n
            n -= 1
        while start > 0 and _word(flat[start - 1][0]) and _word(flat[start][0]):
            start -= 1  # never cut into a number or a Latin word: the box would let a line break there
        n = start - 1
        if letters >= LAST_LINE and n >= 0 and flat[n][0] != "\n":  # a shorter line needs no keeping
            for i in range(start, end):
                kept[i] = True
    if not any(kept):
        return block
    out: list = []

    def add(target: list, ch: str, bold: int) -> None:
        last = target[-1] if target else None
        if bold == 0 and isinstance(last, str):
            target[-1] = last + ch
        elif bold and isinstance(last, list):
            last[0] += ch
        else:
            target.append(ch if not bold else [ch, bold])

    for (ch, bold), keep in zip(flat, kept):
        if keep:
            if not out or not isinstance(out[-1], dict):
                out.append({"keep": []})
            add(out[-1]["keep"], ch, bold)
        else:
            add(out, ch, bold)
    return {**block, "runs": out}


# A URL, a long number, a word without spaces: Latin letters, digits and their punctuation. Other
# scripts need no help (Typst breaks between CJK characters, emoji and their extensions itself), and a
# U+200B inside an emoji sequence (👨‍👩‍👧, 🇨🇳) would split it into pieces.
_UNBROKEN = re.compile(r"[\x21-\x7e\u00a1-\u024f]{16,}")
_AFTER = set("/.-_?&=:,;#%+~")  # a URL breaks best after these
BREAK_EVERY = 8  # at least one break point in this many characters, and no closer than half of it
# Why not after every character: Typst's optimizing line breaker weighs every pair of break points a
# line can span, so a pasted 3,000-character code line with one at each character took minutes.


def _break_points(run: str) -> str:
    out, since = [], 0
    for index, char in enumerate(run):
        out.append(char)
        since += 1
        last = index == len(run) - 1
        if not last and (since >= BREAK_EVERY or (char in _AFTER and since >= BREAK_EVERY // 2)):
            out.append("\u200b")
            since = 0
    return "".join(out)


def _breakable(obj):
    """Allow line breaks inside long runs without spaces (U+200B every few characters); Typst would
    otherwise run a long URL or number off the edge of the sheet."""
    if isinstance(obj, str):
        return _UNBROKEN.sub(lambda m: _break_points(m.group(0)), obj)
    if isinstance(obj, list):
        return [_breakable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: (v if k in ("kind", "paper", "fit", "fonts") else _breakable(v)) for k, v in obj.items()}
    return obj


def headline(title: str, kind: str) -> str:
    """The title as a sheet prints it (the fonts' missing characters already left out): a title with no
    words left (only emoji, symbols or punctuation) would be a blank or a row of marks, so the type's
    name heads the sheet instead, as a notice titled 通知 would (staff get a warning at the title line)."""
    return title if has_words(title) else TYPES[kind].label


def _strip(obj, table: dict):
    """`obj` with the characters in `table` removed from every string."""
    if isinstance(obj, str):
        return obj.translate(table)
    if isinstance(obj, list):
        return [_strip(x, table) for x in obj]
    if isinstance(obj, dict):
        return {k: _strip(v, table) for k, v in obj.items()}
    return obj
