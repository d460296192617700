"""QR codes back to the online article, as small SVG for Typst to draw (see generator/qr.py).

SVG keeps the code vector-sharp at any print size (2-4 KB)."""

from __future__ import annotations

import io
from functools import lru_cache

from generator.qr import make_qr


@lru_cache(maxsize=1024)
def qr_svg(url: str) -> str:
    """An SVG QR code of `url` with a two-module quiet zone (the template
    adds white space and a frame around it)."""
    code = make_qr(url)
    buf = io.BytesIO()
    code.save(buf, kind="svg", border=2, scale=4, xmldecl=False, dark="#000000", light="#ffffff")
    return buf.getvalue().decode("ascii")
