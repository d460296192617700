"""QR codes back to the online article, as small SVG for Typst to draw.

SVG keeps the code vector-sharp at any print size (2-4 KB); segno is pure
Python. Error level M survives a scuffed or pinned-through poster.

The mask is fixed: segno's search for the best of the eight masks is pure
Python and took 20-45 ms per code here (more than Typst needs for the whole
poster), while any mask decodes; the search only lowers a penalty score.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno

MASK = 2  # vertical stripes pattern: no large uniform blocks in practice


@lru_cache(maxsize=1024)
def qr_svg(url: str) -> str:
    """An SVG QR code of `url` with a two-module quiet zone (the template
    adds white space and a frame around it)."""
    code = segno.make(url, error="m", micro=False, mask=MASK)
    buf = io.BytesIO()
    code.save(buf, kind="svg", border=2, scale=4, xmldecl=False, dark="#000000", light="#ffffff")
    return buf.getvalue().decode("ascii")
