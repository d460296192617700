"""Where a Chinese heading or kiosk line may break: between phrases, never inside a date, a number
with its unit, a building number or a registered name, and never before one character alone.

BudouX (Google's phrase breaker, Simplified Chinese model) finds the phrases. Its model splits
digits from their units ("65|周|岁", "3号|楼") and leaves many one-character phrases, so two rules
of our own sit on top: spans that must stay whole (PROTECTED below and the names passed in `keep`)
lose every break inside them, and a one-character phrase is joined to a neighbour. Pages get the
breaks as <wbr> inside `word-break: keep-all` (board.css); the kiosk gets them as offsets in
board.json (`breaks`), so both read the same breaks from this one module.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from markupsafe import Markup, escape

UNITS = ("周岁|号楼|单元|公里|公斤|平方米|立方米|千克|分钟|小时|个月|万元|元钱|"
         "[年月日号楼栋幢室层期岁元角米斤克升度分秒时天周个人户名位次项条家所辆台张本件袋瓶盒倍折点块棵栋]")
CN_DIGITS = "〇零一二三四五六七八九十百千两"
PROTECTED = re.compile("|".join([
    r"\d{4}年\d{1,2}月\d{1,2}日",  # 2026年12月3日
    r"\d{1,2}月\d{1,2}日",  # 11月28日
    r"\d{4}年\d{1,2}月",  # 2026年11月
    r"\d{1,2}[:：]\d{2}(?:\s*[—–~～-]\s*\d{1,2}[:：]\d{2})?",  # 07:30—11:00
    r"[（(]?(?:星期|周)[一二三四五六日天][）)]?",  # （星期日）
    r"\+?\d+(?:[-‐－]\d+)+",  # 0571-86001234
    rf"第?\d+(?:[.．,，]\d+)*\s?(?:{UNITS})?(?:以上|以下|以内|左右)?",  # 65周岁以上, 3号楼, 2.5公斤
    rf"第?[{CN_DIGITS}]+(?:{UNITS})",  # 十二号楼, 二期, 四点半
    r"[A-Za-z][A-Za-z0-9'’.-]*",  # Latin words
    r"“[^”]{1,6}”|‘[^’]{1,6}’|《[^》]{1,10}》",  # short quoted names
]))
# One-character phrases that belong to the phrase after them (a preposition, an adverb, a prefix).
LEADS = set("把被在从向对给第每各约共记将为与和及或请凡不没未很最更都也就又再还才已")
PUNCT = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…·、]")


@lru_cache(maxsize=1)
def _parser():
    import budoux  # loaded on first use: `board check` never needs it

    return budoux.load_default_simplified_chinese_parser()


def _letters(text: str) -> int:
    """Characters that count for "alone on a line": not punctuation or spaces."""
    return len(PUNCT.sub("", text))


def _protected(text: str, keep: Iterable[str]) -> list[tuple[int, int]]:
    spans = [m.span() for m in PROTECTED.finditer(text)]
    for name in keep:
        if name:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    return spans


# (text, keep) -> _breaks(text, keep): a memo that phrases found in the check's worker pool fill too
# (generator.products; lru_cache cannot be given values made in another process)
_MEMO: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
MEMO_LIMIT = 16384


def remember(keep: tuple[str, ...], found: dict[str, tuple[int, ...]]) -> None:
    """Breaks of texts found in another process (`breaks_of`), so _breaks need not run BudouX again."""
    if len(_MEMO) + len(found) > MEMO_LIMIT:
        _MEMO.clear()
    for text, cuts in found.items():
        _MEMO[(text, keep)] = cuts


def breaks_of(texts, keep: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """text -> its breaks, for `remember` in another process."""
    return {text: _breaks(text, keep) for text in texts if isinstance(text, str) and text}


def _breaks(text: str, keep: tuple[str, ...]) -> tuple[int, ...]:
    cuts = _MEMO.get((text, keep))
    if cuts is None:
        if len(_MEMO) >= MEMO_LIMIT:
            _MEMO.clear()
        cuts = _MEMO[(text, keep)] = _find_breaks(text, keep)
    return cuts


def _find_breaks(text: str, keep: tuple[str, ...]) -> tuple[int, ...]:
    if not text:
        return ()
    chunks = _join_singles(_parser().parse(text))
    cuts, at = [], 0
    for chunk in chunks[:-1]:
        at += len(chunk)
        cuts.append(at)
    inside = set()
    for start, end in _protected(text, keep):
        inside.update(range(start + 1, end))
    # Spaces are break points of their own: no cut is needed right beside one.
    cuts = [c for c in cuts if c not in inside and not text[c - 1].isspace() and not text[c].isspace()]
    # Never one character alone on the last line.
    while cuts and _letters(text[cuts[-1]:]) < 2:
        cuts.pop()
    while cuts and _letters(text[:cuts[0]]) < 1:
        cuts.pop(0)
    return tuple(cuts)


def _join_singles(raw: list[str]) -> list[str]:
    """BudouX's one-character phrases joined to a neighbour: a run of them stays together
    ("十|年|如|一|日"); a lone one goes to the shorter neighbour ("楼|栋长"), the one before on a tie
    ("幸福|里|社区"), or to the one after when it leads (a preposition: "把|扫帚")."""
    runs: list[list[str]] = []
    for phrase in raw:
        if runs and _letters(phrase) <= 1 and all(_letters(p) <= 1 for p in runs[-1]):
            runs[-1].append(phrase)
        else:
            runs.append([phrase])
    chunks = ["".join(run) for run in runs]
    out: list[str] = []
    i = 0
    while i < len(chunks):
        chunk = chunks[i]
        if _letters(chunk) <= 1 and len(chunks) > 1:
            after = chunks[i + 1] if i + 1 < len(chunks) else None
            to_next = after is not None and (not out or chunk.strip() in LEADS or _letters(after) < _letters(out[-1]))
            if to_next:
                chunks[i + 1] = chunk + after
            else:
                out[-1] += chunk
            i += 1
            continue
        out.append(chunk)
        i += 1
    return out


def phrases(text: str, keep: Iterable[str] = ()) -> list[str]:
    """`text` cut into the pieces a line may break between."""
    bounds = [0, *_breaks(text, tuple(keep)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def phrase_html(text: str, keep: Iterable[str] = ()) -> Markup:
    """Escaped text with <wbr> between phrases, in a span whose lines break only there (board.css)."""
    inner = Markup("<wbr>").join(escape(p) for p in phrases(text, keep))
    return Markup('<span class="board-ph">') + inner + Markup("</span>")


def js_breaks(text: str, keep: Iterable[str] = ()) -> list[int]:
    """Break offsets in UTF-16 code units, as JavaScript indexes strings (for the kiosk)."""
    out = []
    for cut in _breaks(text, tuple(keep)):
        out.append(len(text[:cut].encode("utf-16-le")) // 2)
    return out


def fixed_names(settings) -> tuple[str, ...]:
    """Names from the settings that never break: the community and the public phones. (The committee's
    name is often longer than a phone's line; it breaks between its words, its community name kept.)"""
    return tuple(n for n in (settings.community, *settings.public_phones) if n)


def kiosk_breaks(entry: dict, keep: tuple[str, ...]) -> dict[str, list[int]]:
    """Breaks of the lines the kiosk shows for one board.json entry (title, summary, facts)."""
    texts = {"title": entry.get("title"), "summary": entry.get("summary"), "author": entry.get("author"),
             "location": (entry.get("event") or {}).get("location")}
    texts.update({f"display.{k}": v for k, v in (entry.get("display") or {}).items()})
    return {key: js_breaks(text, keep) for key, text in texts.items() if isinstance(text, str) and text}


_HEADING = re.compile(r"<(h[1-4])((?:\s[^>]*)?)>([^<]+)</\1>")


def heading_texts(html: str) -> list[str]:
    """The texts phrase_headings breaks in html (to find their breaks ahead, generator.products)."""
    import html as htmllib

    return [htmllib.unescape(m.group(3)) for m in _HEADING.finditer(html)]


def phrase_headings(html: str, keep: Iterable[str] = ()) -> str:
    """An article's own headings (plain text ones) with the same phrase breaks as its title."""
    import html as htmllib

    return _HEADING.sub(lambda m: f"<{m.group(1)}{m.group(2)}>{phrase_html(htmllib.unescape(m.group(3)), keep)}</{m.group(1)}>", html)
