"""Invisible control characters: never part of a notice, and harmful in every output
(a BEL or NEL in calendar.ics or the feed breaks readers; bidi overrides reorder what residents see)."""

from __future__ import annotations

import re

# Unicode's noncharacters: U+FDD0-FDEF and the last two code points of every plane (U+FFFE, U+1FFFF...).
_BMP_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_OTHER_NONCHARACTERS = "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
NONCHARACTERS = _BMP_NONCHARACTERS + _OTHER_NONCHARACTERS
# C0 (but tab and newline), DEL, C1, line/paragraph separators, bidi embeddings/overrides/isolates, noncharacters.
# The BMP's in one class (a bitmap) and the other planes' behind one range: one class holding them all
# is a list of 40 ranges tried on every character of every article (twice as slow, the same matches).
CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069{_BMP_NONCHARACTERS}]"
                     f"|[\U00010000-\U0010ffff](?<=[{_OTHER_NONCHARACTERS}])")


def describe(text: str) -> str:
    """The first control character of text as staff can look it up, e.g. U+0007."""
    match = CONTROL.search(text)
    return f"U+{ord(match.group()):04X}" if match else ""
