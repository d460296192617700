"""QR codes back to the online article, for posters and the kiosk alike (the one QR maker).

The mask is fixed: segno's search for the best of the eight masks is pure Python and took
20-45 ms per code here (more than Typst needs for a whole poster, and 25 s for a kiosk of
1,000 articles), while any mask decodes; the search only lowers a penalty score.
Error level M survives a scuffed or pinned-through poster.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import numpy as np
import segno

MASK = 2  # vertical stripes pattern: no large uniform blocks in practice


@lru_cache(maxsize=4096)
def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False, mask=MASK)


# url -> (qr_svg(url), qr_png(url)) made ahead in the check's worker pool (generator.products)
_AHEAD: dict[str, tuple[str, bytes]] = {}
AHEAD_LIMIT = 16384  # a long-running board serve never holds more than this


def remember(url: str, svg: str, png: bytes) -> None:
    """Codes of url made in another process with the default sizes: qr_svg(url) and qr_png(url) return them."""
    if len(_AHEAD) >= AHEAD_LIMIT:
        _AHEAD.clear()
    _AHEAD[url] = (svg, png)


def qr_svg(url: str, *, quiet_zone: int = 4, scale: int = 1, sized: bool = False) -> str:
    """An SVG QR code of `url`, dark on white, with `quiet_zone` modules of white around it.
    Unsized (the kiosk's CSS sizes it) or `scale` units a module (posters: Typst scales it).
    SVG keeps the code vector-sharp at any size in 2-4 KB."""
    if (quiet_zone, scale, sized) == (4, 1, False) and url in _AHEAD:
        return _AHEAD[url][0]
    return _qr_svg(url, quiet_zone, scale, sized)


@lru_cache(maxsize=4096)
def _qr_svg(url: str, quiet_zone: int, scale: int, sized: bool) -> str:
    """What segno's `save(kind="svg")` writes with these options, made with numpy: segno's writer
    walks every module in Python (its SVG took as long as encoding the code)."""
    modules = np.asarray(make_qr(url).matrix, dtype=np.int8)  # 1 = dark
    size = len(modules) + 2 * quiet_zone
    edges = np.diff(np.pad(modules, ((0, 0), (1, 1))), axis=1)  # +1 where a run of dark starts, -1 after it
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]
    # one horizontal line a run, each move relative to where the last one ended (the line's middle: y + .5)
    moves, x, y = [], 0, 0.0
    for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist()):
        x1, y1 = start + quiet_zone, row + quiet_zone + 0.5
        dy = y1 - y
        moves.append(f"{'m' if moves else 'M'}{x1 - x} {int(dy) if dy == int(dy) else dy}h{end - start}")
        x, y = end + quiet_zone, y1
    width = size * scale
    box = f' width="{width}" height="{width}"' if sized else f' viewBox="0 0 {width} {width}"'
    paths = f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/><path class="qrline" stroke="#000" d="{"".join(moves)}"/>'
    if scale != 1:
        paths = f'<g transform="scale({scale})">{paths}</g>'
    return f'<svg xmlns="http://www.w3.org/2000/svg"{box} class="segno">{paths}</svg>\n'


def qr_png(url: str, *, scale: int = 10, border: int = 3) -> bytes:
    """A PNG QR code of `url`, the pixels segno's `save(kind="png")` writes (black on white, 1 bit
    greyscale, each repeated pixel row as PNG's "Up" filter), made with numpy: segno's writer packs
    every pixel in Python (about 20 ms a code, 1,000 codes in a build)."""
    if (scale, border) == (10, 3) and url in _AHEAD:
        return _AHEAD[url][1]
    modules = np.asarray(make_qr(url).matrix, dtype=np.uint8)  # 1 = dark
    size = len(modules) + 2 * border
    grid = np.ones((size, size), dtype=np.uint8)  # palette index: 0 black, 1 white (the quiet zone)
    grid[border:size - border, border:size - border] = 1 - modules
    rows = np.packbits(np.repeat(grid, scale, axis=1), axis=1)  # one packed pixel row per module row
    width = size * scale
    line = 1 + rows.shape[1]
    out = np.zeros((size, scale, line), dtype=np.uint8)
    out[:, 0, 1:] = rows  # the module's first pixel row: filter 0 (none)
    out[:, 1:, 0] = 2  # the others: filter 2 (Up), all zero: the same as the row above
    out[:border, :, 0], out[size - border:, :, 0] = 0, 0  # segno writes the quiet zone's rows whole
    out[:border, :, 1:] = rows[0]
    out[size - border:, :, 1:] = rows[-1]
    idat = zlib.compress(out.tobytes(), 6)  # zlib's default: segno's 9 took 1.2 ms a code, 7x as long, for 8% fewer bytes

    def chunk(name: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
