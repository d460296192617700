"""Pictures as published or printed: re-encoded from their pixels alone, so nothing a camera or an
editor wrote into the file (GPS, EXIF text, XMP, comments, a second EXIF block, a thumbnail)
survives, and camera photos scaled to a size a phone on a weak connection can load.

A picture that cannot be decoded whole is refused (`Refused`), never published as it is.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageSequence, UnidentifiedImageError

from generator.model import PICTURE_FORMATS

MAX_SIDE = 1600  # px: sharp on a phone and on an A4 poster at 150 dpi, a tenth of a camera's bytes
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485  # Pillow's own limit: bigger PNG/GIF/WebP are refused
MAX_JPEG_PIXELS = 4 * MAX_PIXELS  # JPEG decodes scaled down (draft mode), so a 200 MP photo is fine
MAX_FRAMES = 300
# The format each name promises (the model's table); the file is written in it whatever it really was.
FORMATS = PICTURE_FORMATS
# iPhone photos: browsers other than Safari cannot show HEIC, so they go online as JPEG (assets.public_name).
CONVERTED = {".heic": "JPEG", ".heif": "JPEG"}
DECODERS = ["JPEG", "PNG", "GIF", "WEBP", "HEIF"]  # never EPS (runs Ghostscript) or other rarely used decoders


class Refused(Exception):
    """A file that may not be published: `code` for tests, `text` (Chinese) for staff."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def clean_picture(data: bytes, suffix: str) -> bytes:
    """The picture's pixels (orientation applied, photos scaled) in the format `suffix` names, with
    no metadata at all; Refused when it cannot be decoded whole."""
    target = {**FORMATS, **CONVERTED}[suffix.lower()]
    _register_heif()
    with warnings.catch_warnings():
        # Pillow warns in English above MAX_PIXELS; the size is judged below, in Chinese.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=DECODERS)
        except Image.DecompressionBombError:
            raise _too_big(None) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise Refused("picture.unreadable", "这个文件打不开，不是 JPG、PNG、GIF、WebP 或 HEIC 图片（或文件已损坏）。"
                                                "请用手机或电脑重新导出一张 JPG 图片。") from None
        with image:
            return _reencode(image, target)


def _register_heif() -> None:
    """Let Pillow decode HEIC/HEIF (pillow-heif); without it those photos are refused, not published raw."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def _too_big(size: tuple[int, int] | None) -> Refused:
    shown = f"（{size[0]}×{size[1]}，约 {size[0] * size[1] // 10_000} 万像素）" if size else ""
    return Refused("picture.too_many_pixels", f"图片太大{shown}，无法安全处理。请先把图片缩小到 4000 像素宽以内再用。")


def _reencode(image: Image.Image, target: str) -> bytes:
    width, height = image.size
    photo = image.format in ("JPEG", "MPO", "HEIF")
    if width * height > (MAX_JPEG_PIXELS if photo else MAX_PIXELS):
        raise _too_big(image.size)
    if photo and max(image.size) > 2 * MAX_SIDE:
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2..1/8 scale: a fraction of the memory
    orientation = image.getexif().get(0x0112, 1)
    try:
        frames = [_pixels(frame, orientation) for frame, _ in zip(ImageSequence.Iterator(image), range(MAX_FRAMES))]
        durations = [frame.info.get("duration", 100) for frame, _ in zip(ImageSequence.Iterator(image), range(MAX_FRAMES))]
    except (OSError, ValueError, SyntaxError, EOFError):
        raise Refused("picture.truncated", "图片文件不完整或已损坏（可能没有传完）。请从手机或相机重新导出这张图片。") from None
    if photo or target in ("JPEG", "WEBP"):
        frames = [_scaled(f) for f in frames]
    out = io.BytesIO()
    first = frames[0]
    if target == "JPEG":
        first.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    elif target in ("GIF", "WEBP") and len(frames) > 1:
        first.save(out, format=target, save_all=True, append_images=frames[1:], duration=durations, loop=0)
    else:
        first.save(out, format=target, **({"quality": 85} if target == "WEBP" else {}))
    return out.getvalue()


def _pixels(frame: Image.Image, orientation: int) -> Image.Image:
    """A new image holding only this frame's pixels, turned upright: no info, no EXIF, no XMP."""
    frame.load()
    mode = "RGBA" if frame.mode in ("RGBA", "LA", "PA", "P") or "transparency" in frame.info else "RGB"
    pixels = frame.convert(mode)
    fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())
    method = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}.get(orientation)
    return fresh.transpose(method) if method else fresh


def _scaled(image: Image.Image) -> Image.Image:
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return image



def strip_jpeg_metadata(data: bytes) -> bytes:
    """JPEG bytes without their EXIF/XMP (APP1), Photoshop/IPTC captions (APP13), other APPn blocks and
    comments; the compressed pixels are kept as they are. For JPEG streams inside PDFs, which cannot be
    re-encoded without redrawing the page. APP0 (JFIF), APP2 (colour profile) and APP14 (Adobe colour
    transform) stay: they hold no words, and without them colours change."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out, i = bytearray(b"\xff\xd8"), 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan: the pixels follow
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[i:i + 2]
            i += 2
            continue
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if not (marker == 0xFE or (0xE1 <= marker <= 0xEF and marker not in (0xE2, 0xEE))):
            out += data[i:end]
        i = end
    return bytes(out + data[i:])
