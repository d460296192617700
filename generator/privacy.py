"""Personal numbers that must never reach a public page or poster (Personal Information Protection Law).

Finds mainland resident ID numbers (18 digits with a valid check digit and birth date, or the
old 15-digit form), mobile numbers (1[3-9] + 9 digits, +86 allowed) and bank card numbers
(16-19 digits passing the Luhn check). Numbers listed as public contacts are allowed.

Checked on what residents read (the rendered text, see `generator.body`), with the separators
people use to dodge or that Word inserts taken out first: spaces of every width, zero-width
characters, soft hyphens, dots, dashes of every length, slashes, underscores. A candidate must
start and end where the digits do or at such a separator, and its groups of digits must look like
a way of writing that kind of number; so landlines (0571-86001234), 400/95 numbers, dates, money,
article numbers and room numbers stay quiet. Written as one linear scan (no regex over user text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator

from generator.fold import fold

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Characters that may sit inside a number without ending it (after folding to half width).
SEPARATORS = set(
    " \t\n\r\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"  # spaces
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"  # zero-width characters, soft hyphen
    ".\u00b7\u2022\u2027\u30fb\u2024"  # dots
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u2e3a\u2e3b"  # dashes (Word turns -- into —)
    "/\u2044\u2215\\_\u2017")  # slashes, underscores
_MONEY_BEFORE = set("¥￥$€£")
_MONEY_AFTER = set("元万亿块角%‰")
MOBILE_GROUPS = {(11,), (3, 4, 4), (3, 8), (7, 4), (4, 3, 4), (3, 3, 5), (3, 4, 2, 2), (3, 2, 2, 2, 2)}
MAX_WINDOW = 19
# Every character fold() turns into an ASCII digit (tests/test_privacy_rendered.py checks all of Unicode):
# a text without one holds no number, and is not folded (most blocks of a body; folding was most of the check).
DIGIT_LIKE = re.compile("[0-9\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea\uff10-\uff19"
                        "\U0001d7ce-\U0001d7ff\U0001fbf0-\U0001fbf9]")


@dataclass(frozen=True)
class Finding:
    kind: str  # 身份证号 | 手机号码 | 银行卡号
    masked: str
    start: int


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date(2100, 1, 1)


def _id18_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:17], _WEIGHTS))
    return _CHECK[total % 11] == digits[17].upper()


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _mask(digits: str) -> str:
    digits = digits.upper()
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:]


def only_digits(text: str) -> str:
    return re.sub(r"\D", "", fold(text))


@dataclass
class _Run:
    """Digits written together, perhaps with separators: each group's digits and where they are."""

    groups: list[str]
    starts: list[int]  # text offset of each group's first digit
    before: str  # the character before the run
    after: str  # the character after the run


_ASCII_DIGIT = re.compile("[0-9]")
_ASCII_DIGITS = re.compile("[0-9]*")


def _runs(text: str) -> Iterator[_Run]:
    n = len(text)
    i = 0
    while i < n:
        found = _ASCII_DIGIT.search(text, i)  # a search, not a Python loop over every character
        if found is None:
            return
        i = found.start()
        before = text[i - 1] if i else ""
        groups: list[str] = []
        starts: list[int] = []
        while i < n:
            start = i
            i = _ASCII_DIGITS.match(text, i).end()
            if i < n and text[i] == "x" and sum(map(len, groups)) + i - start == 17:  # ID check character
                i += 1
            groups.append(text[start:i])
            starts.append(start)
            gap = i
            while gap < n and text[gap] in SEPARATORS:
                gap += 1
            if gap > i and gap < n and text[gap].isascii() and text[gap].isdigit() and gap - i <= 3:
                i = gap
                continue
            break
        yield _Run(groups, starts, before, text[i] if i < n else "")


def _kind(digits: str, sizes: tuple[int, ...], run: _Run, first: int, last: int) -> str | None:
    """What the window (groups first..last of run) is, if a personal number."""
    length = len(digits)
    singles = all(size <= 2 for size in sizes)
    if "x" in digits[:-1]:
        return None
    if length == 18 and digits[:17].isdigit() and digits[0] in "12345678" \
            and _valid_birth(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])) and _id18_valid(digits):
        return "身份证号"
    if not digits.isdigit():
        return None
    money = (first == 0 and run.before in _MONEY_BEFORE) or (last == len(run.groups) - 1 and run.after in _MONEY_AFTER)
    if money:
        return None
    if length == 15 and digits[0] in "12345678" and (singles or sizes in ((15,), (6, 6, 3))) \
            and _valid_birth(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
        return "身份证号（旧版15位）"
    if length == 11 and digits[0] == "1" and digits[1] in "3456789" and (singles or sizes in MOBILE_GROUPS):
        return "手机号码"
    if 16 <= length <= 19 and _luhn(digits) and (
            singles or len(sizes) == 1 or all(size == 4 for size in sizes[:-1]) and sizes[-1] <= 4
            or sizes[0] == 6 and len(sizes) == 2):
        return "银行卡号"
    return None


def find_personal_numbers(text: str, public: Iterable[str] = ()) -> Iterator[Finding]:
    """Every personal number in `text`, in order; public contacts (digits compared) are skipped.
    Full-width digits (１３８…, as Chinese input methods type them) count as digits; positions are
    those of `text` (folding keeps one character for one)."""
    if DIGIT_LIKE.search(text) is None:
        return
    folded = fold(text)
    allowed: set[str] | None = None  # made at the first number: most texts (blocks of a body) hold none
    found: list[Finding] = []
    for run in _runs(folded):
        if allowed is None:
            allowed = {only_digits(p)[-11:] for p in public if only_digits(p)}
        groups = run.groups
        # "+8613812345678" and "008613812345678": the country code is a group of its own
        if len(groups[0]) in (13, 15) and groups[0].startswith(("86", "0086")):
            cut = len(groups[0]) - 11
            groups = [groups[0][:cut], groups[0][cut:], *groups[1:]]
            starts = [run.starts[0], run.starts[0] + cut, *run.starts[1:]]
            run = _Run(groups, starts, run.before, run.after)
        taken_until = -1
        for first in range(len(groups)):
            if first <= taken_until:
                continue
            digits, sizes = "", ()
            for last in range(first, len(groups)):
                digits += groups[last]
                sizes += (len(groups[last]),)
                if len(digits) > MAX_WINDOW:
                    break
                kind = _kind(digits, sizes, run, first, last)
                if kind is None:
                    continue
                plain = digits.replace("x", "")
                if kind == "手机号码" and plain in allowed or kind == "银行卡号" and plain[-11:] in allowed:
                    continue
                found.append(Finding(kind, _mask(digits), run.starts[first]))
                taken_until = last
                break
    yield from found


def advice(kind: str) -> str:
    if kind == "手机号码":
        return ("请删除，或只写“联系社区居委会”；如果这是社区公开的值班电话，请把它登记在 mkdocs.yml 的 "
                "board → public_phones 里。")
    return "请删除这个号码；文章里写到居民时，不要出现身份证号、银行卡号等个人信息。"
