"""Plain text from Markdown, for summaries, reading time and posters' fallbacks."""

from __future__ import annotations

import re

_HTML = re.compile(r"<[^>]+>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`~>#|]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+")


def plain_text(markdown: str) -> str:
    text = _IMAGE.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub("", text)
    text = _MARKUP.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def derive_summary(body: str, limit: int) -> str:
    """The first real paragraph (not a heading, list, table or greeting line), cut to `limit`."""
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "|", "<", "!", "-", "*", "```", ">")) or re.match(r"^\d+[.、]", block):
            continue
        text = plain_text(block).replace("\n", "")
        if len(text) < 12 and text.endswith(("：", ":")):
            continue  # a greeting such as 各位居民朋友：
        if text:
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


def reading_minutes(markdown: str) -> int:
    """Minutes to read, counting Chinese characters (about 300 a minute) and other words (200)."""
    text = plain_text(markdown)
    chars = len(_CJK.findall(text))
    words = len(_WORD.findall(text))
    return max(1, round(chars / 300 + words / 200))
