"""Share pictures made small for phones: the same pixels in about a third of the bytes.

Typst writes full-colour RGBA PNGs, about 600 KB for a 1080 px share picture: too heavy for WeChat
groups and old phones. Text, flat colours and illustrations need no more than 256 colours, so the
picture is reduced to a 256-colour palette (Pillow's fast octree, without dithering, which would
speckle the edges of letters and enlarge the file), then oxipng (the maintained PNG optimiser)
recompresses it losslessly and drops every ancillary chunk (no metadata in a published picture).
A picture still over LIMIT (the longest, full of text) keeps fewer of those colours, chosen by median
cut among them (measured: at 32 colours the letters and pictures look the same on a phone).
"""

from __future__ import annotations

import io

import oxipng
from PIL import Image

LIMIT = 200 * 1024  # bytes: the target for a share picture
FEWER = (32, 16)  # colours tried in turn while the picture is over LIMIT
OXIPNG_LEVEL = 2  # level 3 and up saved under 1 % more on the sample share pictures, at three times the time
# Rows unfiltered: on these palette pictures other filters gave the same size for 40 % more CPU (measured).
FILTERS = [oxipng.RowFilter.NoOp]


def small_png(data: bytes) -> bytes:
    """A rendered PNG as a palette PNG of the same size, recompressed losslessly."""
    with Image.open(io.BytesIO(data)) as image:
        rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema()[0] < 255:  # our renders are opaque; anything see-through lies on white
        rgba = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    octree = rgba.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    best = _png(octree)
    for colours in FEWER:
        if len(best) <= LIMIT:
            break
        fewer = octree.convert("RGB").quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        best = min(best, _png(fewer), key=len)
    return best


def _png(palette: Image.Image) -> bytes:
    out = io.BytesIO()
    palette.save(out, "PNG", compress_level=1)  # oxipng compresses it again: the first pass only needs to be quick
    return oxipng.optimize_from_memory(out.getvalue(), level=OXIPNG_LEVEL, filter=FILTERS,
                                       strip=oxipng.StripChunks.all())
