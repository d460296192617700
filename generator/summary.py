"""Summaries cut to length (the text itself is the first real paragraph found by `generator.body`)."""

from __future__ import annotations


def is_wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: no space is written next to them."""
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" \
        or "\u3000" <= ch <= "\u303f"


def join_lines(text: str) -> str:
    """Soft line breaks as a Chinese reader expects: nothing next to a CJK character, one space elsewhere.
    (Written without a regex: a paragraph can be a megabyte of pasted spaces.)"""
    out = ""
    for line in text.split("\n"):
        part = " ".join(line.split())
        if not part:
            continue
        if out and not (is_wide(out[-1]) or is_wide(part[0])):
            out += " "
        out += part
    return out


def cut_summary(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
