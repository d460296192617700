"""QR codes back to the online article, for posters and the kiosk alike.

The mask is fixed: segno's search for the best of the eight masks is pure Python and took
20-45 ms per code here (more than Typst needs for a whole poster, and 25 s for a kiosk of
1,000 articles), while any mask decodes; the search only lowers a penalty score.
Error level M survives a scuffed or pinned-through poster.
"""

from __future__ import annotations

from functools import lru_cache

import segno

MASK = 2  # vertical stripes pattern: no large uniform blocks in practice


@lru_cache(maxsize=4096)
def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False, mask=MASK)
