"""QR codes back to the online article, for posters and the kiosk alike (the one QR maker).

The mask is fixed: segno's search for the best of the eight masks is pure Python and took
20-45 ms per code here (more than Typst needs for a whole poster, and 25 s for a kiosk of
1,000 articles), while any mask decodes; the search only lowers a penalty score.
Error level M survives a scuffed or pinned-through poster.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno

MASK = 2  # vertical stripes pattern: no large uniform blocks in practice


@lru_cache(maxsize=4096)
def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False, mask=MASK)


@lru_cache(maxsize=4096)
def qr_svg(url: str, *, quiet_zone: int = 4, scale: int = 1, sized: bool = False) -> str:
    """An SVG QR code of `url`, dark on white, with `quiet_zone` modules of white around it.
    Unsized (the kiosk's CSS sizes it) or `scale` units a module (posters: Typst scales it).
    SVG keeps the code vector-sharp at any size in 2-4 KB."""
    buf = io.BytesIO()
    make_qr(url).save(buf, kind="svg", border=quiet_zone, scale=scale, xmldecl=False, svgns=True,
                      omitsize=not sized, dark="#000000", light="#ffffff")
    return buf.getvalue().decode("ascii")
