"""Personal numbers that must never reach a public page or poster (Personal Information Protection Law).

Finds mainland resident ID numbers (18 digits with a valid check digit and birth date, or the
old 15-digit form), mobile numbers (1[3-9] + 9 digits, spaces/dashes/+86 allowed) and bank card
numbers (16-19 digits passing the Luhn check). Numbers listed as public contacts are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator

from generator.fold import fold

_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{4})(\d{2})(\d{2})\d{3}[\dXx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{2})(\d{2})(\d{2})\d{3}(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])")
_CARD = re.compile(r"(?<![\d])(\d(?:[\s-]?\d){15,18})(?![\d])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


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
    return re.sub(r"\D", "", text)


def find_personal_numbers(text: str, public: Iterable[str] = ()) -> Iterator[Finding]:
    """Every personal number in `text`, in order; public contacts (digits compared) are skipped.
    Full-width digits (１３８…, as Chinese input methods type them) count as digits."""
    text = fold(text)  # one character for one, so positions stay those of the text
    allowed = {only_digits(fold(p))[-11:] for p in public if only_digits(fold(p))}
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    found: list[Finding] = []
    for m in _ID18.finditer(text):
        digits = m.group(0)
        if _valid_birth(int(m.group(2)), int(m.group(3)), int(m.group(4))) and _id18_valid(digits):
            taken.append(m.span())
            found.append(Finding("身份证号", _mask(digits), m.start()))
    for m in _ID15.finditer(text):
        if free(m) and _valid_birth(1900 + int(m.group(2)), int(m.group(3)), int(m.group(4))) and m.group(1)[0] in "123456789":
            taken.append(m.span())
            found.append(Finding("身份证号（旧版15位）", _mask(m.group(0)), m.start()))
    for m in _MOBILE.finditer(text):
        digits = only_digits(m.group(1))
        if free(m) and digits not in allowed:
            taken.append(m.span())
            found.append(Finding("手机号码", _mask(digits), m.start()))
    for m in _CARD.finditer(text):
        digits = only_digits(m.group(1))
        if free(m) and 16 <= len(digits) <= 19 and _luhn(digits) and digits[-11:] not in allowed:
            taken.append(m.span())
            found.append(Finding("银行卡号", _mask(digits), m.start()))
    yield from sorted(found, key=lambda f: f.start)


def advice(kind: str) -> str:
    if kind == "手机号码":
        return ("请删除，或只写“联系社区居委会”；如果这是社区公开的值班电话，请把它登记在 mkdocs.yml 的 "
                "board → public_phones 里。")
    return "请删除这个号码；文章里写到居民时，不要出现身份证号、银行卡号等个人信息。"
