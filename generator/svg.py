"""SVG pictures as published: drawn to pixels and wrapped in a new SVG we write ourselves.

An SVG is a program as much as a picture (`<script>`, `onload`, `<foreignObject>`, links to
`javascript:`, references to other files); sanitizing that markup is a race with browsers, so the
board publishes none of it. Typst (already used for posters) draws the SVG with resvg, which runs no
script, renders no foreignObject and, given an empty folder as its root, can load no other file;
an SVG that needs one is refused. The published file keeps its name, so links in articles still work.
"""

from __future__ import annotations

import base64
import io
import tempfile
from pathlib import Path

from generator.images import MAX_SIDE, Refused

MAX_SVG_BYTES = 5 * 1024 * 1024
MAX_PPI = 192  # twice a screen's 96: sharp on phones without making small icons huge
_MAIN = '#set page(width: auto, height: auto, margin: 0pt)\n#image(bytes(sys.inputs.svg), format: "svg")\n'
_REFUSED = ("这张 SVG 图片无法安全转换：它引用了网上或电脑上的其他文件，或者格式有误。"
            "请用画图软件把它另存为 PNG 图片后再用。")


def svg_to_png(data: bytes) -> tuple[bytes, tuple[int, int], tuple[float, float]]:
    """(PNG bytes, their pixel size, the SVG's own size in CSS px); Refused if it cannot be drawn alone."""
    import typst

    if len(data) > MAX_SVG_BYTES:
        raise Refused("picture.svg_too_big", f"SVG 图片太大（{len(data) // 1024} KB）。请另存为 PNG 图片后再用。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("picture.svg_unreadable", _REFUSED) from None
    with tempfile.TemporaryDirectory(prefix="board-svg-") as root:  # empty: nothing for the SVG to load
        main = Path(root) / "main.typ"
        main.write_text(_MAIN, encoding="utf-8")
        fonts = _fonts()

        def draw(ppi: float) -> bytes:
            try:
                return typst.compile(str(main), root=root, format="png", ppi=ppi, sys_inputs={"svg": text},
                                     font_paths=fonts, ignore_system_fonts=True)
            except Exception:  # noqa: BLE001 - typst raises its own errors and RuntimeError; all mean "refuse"
                raise Refused("picture.svg_unreadable", _REFUSED) from None

        probe = _size(draw(1.0))  # about the SVG's size in inches: never a huge bitmap to find it out
        ppi = min(MAX_PPI, MAX_SIDE / (max(probe) + 1))
        png = draw(ppi)
    size = _size(png)
    return png, size, (size[0] * 96 / ppi, size[1] * 96 / ppi)


def clean_svg(data: bytes) -> bytes:
    """A new SVG holding only the drawing's pixels: no script, no links, nothing from the original markup."""
    png, (width, height), (css_w, css_h) = svg_to_png(data)
    encoded = base64.b64encode(png).decode("ascii")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{css_w:.0f}" height="{css_h:.0f}" '
            f'viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
            f'href="data:image/png;base64,{encoded}"/></svg>\n').encode("ascii")


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _fonts() -> list[str]:
    """Noto Sans CJK (the posters' fonts), so Chinese text in an SVG is drawn, not left out."""
    try:
        from generator.posters.fonts import load_fonts

        fonts = load_fonts()
        return sorted({str(path.parent) for path in fonts.files})
    except Exception:  # noqa: BLE001 - without the fonts the drawing still works, with Latin text only
        return []
