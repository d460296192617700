"""Read a poster PDF back as lines of characters with their positions (pypdfium2), and measure
what a typesetter would look at: punctuation widths inside lines, letter spacing, short last
lines, how much of the sheet the text fills."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2
import pypdfium2.raw as raw

# Full-width punctuation that may be squeezed only at a line's end or next to other punctuation.
PUNCT = set("，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—·")
IDEOGRAPH = lambda c: "\u3400" <= c <= "\u9fff"  # noqa: E731


@dataclass
class Char:
    text: str
    x: float  # origin, points from the left
    y: float  # baseline, points from the bottom
    size: float  # font size, points
    right: float  # right of the loose box (origin + the font's own advance)


@dataclass
class Line:
    chars: list[Char] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def size(self) -> float:
        sizes = sorted(c.size for c in self.chars)
        return sizes[len(sizes) // 2]

    @property
    def left(self) -> float:
        return self.chars[0].x

    @property
    def right(self) -> float:
        return max(c.right for c in self.chars)

    def advances(self) -> list[tuple[Char, Char, float]]:
        """(char, next char, distance between their origins in em) along the line."""
        return [(a, b, (b.x - a.x) / a.size) for a, b in zip(self.chars, self.chars[1:])]

    def ideograph_spacing(self) -> float | None:
        """Mean extra space between two neighbouring ideographs (em): 0 in a line set solid."""
        gaps = [d - 1.0 for a, b, d in self.advances() if IDEOGRAPH(a.text) and IDEOGRAPH(b.text)
                and abs(a.size - b.size) < 0.05]
        return sum(gaps) / len(gaps) if len(gaps) >= 3 else None


def read_lines(path: Path, page_index: int = 0) -> tuple[list[Line], tuple[float, float]]:
    """Every text line of a page, top to bottom, and the page size in points."""
    pdf = pypdfium2.PdfDocument(str(path))
    page = pdf[page_index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    chars: list[Char] = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(textpage.count_chars()):
        text = textpage.get_text_range(i, 1)
        if not text.strip() or text in "\u200b\u2060\ufffe":
            continue
        raw.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(x), ctypes.byref(y))
        size = raw.FPDFText_GetFontSize(textpage, i)
        box = textpage.get_charbox(i, loose=True)
        chars.append(Char(text, x.value, y.value, size, box[2]))
    lines: list[Line] = []
    for char in chars:  # text comes in reading order; a new line starts where the baseline moves
        if lines and abs(lines[-1].chars[-1].y - char.y) < 0.3 * char.size and char.x > lines[-1].chars[-1].x:
            lines[-1].chars.append(char)
        else:
            lines.append(Line([char]))
    pdf.close()
    return lines, (width, height)


def body_lines(lines: list[Line], body_pt: float) -> list[Line]:
    """Lines set in the body size (headings, titles, tables and the footer are other sizes)."""
    return [line for line in lines if abs(line.size - body_pt) < 0.05 and len(line.chars) >= 2]


def squeezed_punctuation(lines: list[Line]) -> list[str]:
    """Full-width punctuation inside a line (not its last character, not next to other
    punctuation) narrower than 0.85 em ("about one em"; Typst's squeeze is to half width): the
    squeeze GB/T 15834 and clreq allow only at line ends."""
    bad = []
    for line in lines:
        steps = line.advances()
        for n, (a, b, d) in enumerate(steps):
            before = line.chars[n - 1].text if n else ""
            if a.text in "，。、；：？！" and b.text not in PUNCT and before not in PUNCT and d < 0.85:
                bad.append(f"{line.text}: “{a.text}” {d:.2f} em")
    return bad


def columns(lines: list[Line]) -> list[list[Line]]:
    """Body lines grouped by the column they stand in: lines starting within a few em of each
    other (a paragraph's indent, a list's marker) share a column."""
    groups: list[list[Line]] = []
    for line in lines:
        for group in groups:
            if abs(min(l.left for l in group) - line.left) < 4 * line.size:
                group.append(line)
                break
        else:
            groups.append([line])
    return groups


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Body lines cut into paragraphs: a justified line reaches its column's right edge, so a
    line ending more than half an em short of it ends its paragraph, and a line indented
    against the one before begins one."""
    out: list[list[Line]] = []
    for group in columns(lines):
        edge = max(line.right for line in group)
        current: list[Line] = []
        base = min(line.left for line in group)
        for line in group:
            if current and line.left - base > line.size:  # an indented first line
                out.append(current)
                current = []
            current.append(line)
            if edge - line.right > 0.5 * line.size:
                out.append(current)
                current = []
        if current:
            out.append(current)
    return out


def spacing_outliers(lines: list[Line], tolerance: float = 0.06, most: float = 0.25) -> list[str]:
    """Justified lines (all but a paragraph's last) whose letter spacing differs from the
    neighbouring line's by more than `tolerance` em, or that are spaced out by more than `most` em."""
    bad = []
    for para in paragraphs(lines):
        measured = [(line, line.ideograph_spacing()) for line in para[:-1]]
        measured = [(line, s) for line, s in measured if s is not None]
        for line, s in measured:
            if s > most:
                bad.append(f"{line.text}（{s:+.2f} em）")
        for (a, sa), (b, sb) in zip(measured, measured[1:]):
            if abs(sa - sb) > tolerance:
                bad.append(f"{a.text}（{sa:+.2f} em）/ {b.text}（{sb:+.2f} em）")
    return bad


def short_last_lines(lines: list[Line], least: int = 3) -> list[str]:
    """Last lines of paragraphs with fewer than `least` characters other than punctuation."""
    return [para[-1].text for para in paragraphs(lines)
            if len(para) > 1 and sum(c.text not in PUNCT for c in para[-1].chars) < least]


def filled(lines: list[Line], page: tuple[float, float], margins: tuple[float, float], band_em: float = 2.0) -> float:
    """Share of the printable height (page less top and bottom margins) not lost to white bands:
    a gap between two text lines of more than `band_em` of the larger line's size counts as empty."""
    top_margin, bottom_margin = margins
    printable = page[1] - top_margin - bottom_margin
    ys = sorted(((line.chars[0].y, line.size) for line in lines), reverse=True)
    empty = 0.0
    for (y1, s1), (y2, s2) in zip(ys, ys[1:]):
        gap = y1 - y2 - max(s1, s2) * 1.2  # baseline distance less a line's own height
        if gap > band_em * max(s1, s2):
            empty += gap
    return 1 - empty / printable
