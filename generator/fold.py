"""Character folding shared by the privacy checks and the search index.

Each character becomes its NFKC form in lower case (１ -> 1, Ａ -> a, full-width punctuation ->
ASCII), one character for one, so that offsets found in the folded text are offsets in the original.
"""

from __future__ import annotations

import unicodedata


class _Folding(dict):
    """str.translate table that folds each character once and remembers it."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch).lower()
        if len(folded) != 1:  # keep one character per character
            folded = ch.lower() if len(ch.lower()) == 1 else ch
        self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> str:
    return text.translate(_FOLDING)
