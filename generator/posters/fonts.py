"""Which font files posters are set in, and proof that they were really used.

The default is Noto Sans CJK Regular + Bold from two pinned PyPI wheels
(`cvttf-NotoSansCJK-Regular==1.0`, `cvttf-NotoSansCJK-Bold==1.0`), so a fresh
`pip install` is enough. Those files are the full pan-CJK fonts whose default
region is TC; templates set `lang: "zh", region: "cn"` so the OpenType `locl`
feature picks the Simplified Chinese glyph shapes. Site settings may replace
either file (e.g. a committee-owned 方正小标宋 for titles).

Typst only warns about an unknown family and silently draws boxes for
missing glyphs, and text extraction still "works" on such a PDF. So after
every render we look for the PostScript names of the expected fonts among
the PDF's embedded fonts, and raise PosterError if one is missing.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.util
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .jobs import PosterError

_DEFAULT = {  # role -> (module of the pinned wheel, file inside it)
    "regular": ("cvttf_NotoSansCJK_Regular", "NotoSansCJKtc-Regular.otf"),
    "bold": ("cvttf_NotoSansCJK_Bold", "NotoSansCJKtc-Bold.otf"),
}
_DEFAULT_PACKAGE = {"regular": "cvttf-NotoSansCJK-Regular==1.0", "bold": "cvttf-NotoSansCJK-Bold==1.0"}


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int  # face inside a .ttc collection
    family: str  # family name Typst selects by
    postscript: str  # name written into the PDF (after the ABCDEF+ subset tag)
    weight: int


@dataclass(frozen=True)
class FontSet:
    regular: FontFace
    bold: FontFace
    fallback: FontFace  # bundled Regular, for glyphs an override font lacks

    @property
    def files(self) -> list[Path]:
        return sorted({self.regular.path, self.bold.path, self.fallback.path})

    def digest(self) -> str:
        """Hash of the font files' bytes, so a changed font re-renders posters."""
        h = hashlib.sha256()
        for p in self.files:
            h.update(file_hash(p).encode())
        return h.hexdigest()


@lru_cache(maxsize=4096)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, computed once per (path, size, mtime)."""
    st = path.stat()
    return _file_hash(str(path), st.st_size, st.st_mtime_ns)


def _default_path(role: str) -> Path:
    module, name = _DEFAULT[role]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise PosterError(
            f"找不到海报字体（{'常规' if role == 'regular' else '粗体'}）：软件包 {_DEFAULT_PACKAGE[role]} 没有安装。"
            f"请按 README 重新运行安装命令（pip install -e .），或在 mkdocs.yml 中指定字体文件。"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / name
    if not path.is_file():
        raise PosterError(f"海报字体文件不存在：{path}。请重新安装 {_DEFAULT_PACKAGE[role]}。")
    return path


class _FontFile:
    """Byte ranges of a font file, read on demand and the file closed again at once.

    Not memory-mapped: Windows keeps a mapped file locked, so staff could not replace or
    delete a font while `board serve` runs. Slicing reads only the bytes asked for
    (tables are a few KB of a 17 MB font)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __getitem__(self, part: slice) -> bytes:
        start, stop = part.start or 0, part.stop
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(-1 if stop is None else max(0, stop - start))


def _data(path: Path) -> _FontFile:
    return _FontFile(path)


def _table(path: Path, index: int, tag: str) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """One whole table's bytes (read once) and the table directory."""
    data = _data(path)
    tables = _tables(data, index)
    offset, length = tables[tag]
    return data[offset:offset + length], tables


def _tables(data, index: int) -> dict[str, tuple[int, int]]:
    """The sfnt table directory (tag -> offset, length) of face `index`."""
    offset = 0
    if data[:4] == b"ttcf":
        count = struct.unpack(">I", data[8:12])[0]
        if index >= count:
            raise ValueError("face index")
        offset = struct.unpack(">I", data[12 + 4 * index:16 + 4 * index])[0]
    num = struct.unpack(">H", data[offset + 4:offset + 6])[0]
    tables = {}
    for i in range(num):
        rec = offset + 12 + 16 * i
        tag = data[rec:rec + 4].decode("latin-1")
        tables[tag] = struct.unpack(">II", data[rec + 8:rec + 16])
    return tables


def _read_names(path: Path, index: int = 0) -> tuple[str, str, int]:
    """(family, PostScript name, weight class) from a font file's name and
    OS/2 tables; a few dozen lines instead of a fontTools dependency."""
    try:
        data, tables = _table(path, index, "name")
        names: dict[int, str] = {}
        n_off = 0
        _, count, strings = struct.unpack(">HHH", data[n_off:n_off + 6])
        for i in range(count):
            pid, eid, lang, nid, length, off = struct.unpack(
                ">HHHHHH", data[n_off + 6 + 12 * i:n_off + 18 + 12 * i])
            if nid not in (1, 6, 16) or nid in names and pid != 3:
                continue
            raw = data[n_off + strings + off:n_off + strings + off + length]
            if pid == 3 and lang not in (0x409,) and nid in names:
                continue
            text = raw.decode("utf-16-be" if pid in (0, 3) else "latin-1", "replace")
            names[nid] = text
        weight = 400
        if "OS/2" in tables:
            weight = struct.unpack(">H", _data(path)[tables["OS/2"][0] + 4:tables["OS/2"][0] + 6])[0]
        family = names.get(16) or names.get(1) or ""
        postscript = names.get(6) or ""
        if not family or not postscript:
            raise ValueError("no names")
        return family, postscript, weight
    except (OSError, KeyError, ValueError, struct.error) as exc:
        raise PosterError(f"海报字体文件无法使用：{path}（{exc}）。请换一个 .ttf/.otf/.ttc 字体文件。") from exc


def _face(path: Path) -> FontFace:
    if not path.is_file():
        raise PosterError(f"找不到海报字体文件：{path}。请检查 mkdocs.yml 中的字体设置。")
    # .ttc: the Simplified Chinese face if the collection names one
    index = 0
    try:
        head = _data(path)[:12]
    except (OSError, ValueError) as exc:
        raise PosterError(f"海报字体文件无法使用：{path}（{exc}）。请换一个 .ttf/.otf/.ttc 字体文件。") from exc
    if head[:4] == b"ttcf":
        count = struct.unpack(">I", head[8:12])[0]
        for i in range(count):
            fam, ps, _ = _read_names(path, i)
            if fam.endswith(" SC") or "sc-" in ps.lower() or "SC" in ps:
                index = i
                break
    family, postscript, weight = _read_names(path, index)
    return FontFace(path=path.resolve(), index=index, family=family, postscript=postscript, weight=weight)


@lru_cache(maxsize=8)
def coverage(path: Path, index: int = 0) -> tuple[list[int], list[int]]:
    """Code point ranges (starts, ends) the font's cmap maps to a glyph."""
    data, _ = _table(path, index, "cmap")
    c_off = 0
    n = struct.unpack(">H", data[c_off + 2:c_off + 4])[0]
    subtables = {}
    for i in range(n):
        pid, eid, off = struct.unpack(">HHI", data[c_off + 4 + 8 * i:c_off + 12 + 8 * i])
        fmt = struct.unpack(">H", data[c_off + off:c_off + off + 2])[0]
        subtables.setdefault(fmt, c_off + off)
    ranges: list[tuple[int, int]] = []
    if 12 in subtables:
        o = subtables[12]
        groups = struct.unpack(">I", data[o + 12:o + 16])[0]
        for g in range(groups):
            start, end, _ = struct.unpack(">III", data[o + 16 + 12 * g:o + 28 + 12 * g])
            ranges.append((start, end))
    elif 4 in subtables:
        o = subtables[4]
        segs = struct.unpack(">H", data[o + 6:o + 8])[0] // 2
        ends = struct.unpack(f">{segs}H", data[o + 14:o + 14 + 2 * segs])
        starts = struct.unpack(f">{segs}H", data[o + 16 + 2 * segs:o + 16 + 4 * segs])
        ranges = [(a, b) for a, b in zip(starts, ends) if a != 0xFFFF]
    ranges.sort()
    return [a for a, _ in ranges], [b for _, b in ranges]


_IGNORABLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn"}


def missing_glyphs(fonts: "FontSet", text: str) -> list[str]:
    """Characters of `text` that none of our fonts can draw (Typst would
    print a box for each, without a word of warning)."""
    faces = {(f.path, f.index) for f in (fonts.regular, fonts.bold, fonts.fallback)}
    tables = [coverage(p, i) for p, i in faces]
    out = []
    for ch in sorted(set(text)):
        cp = ord(ch)
        if cp < 0x80 or unicodedata.category(ch) in _IGNORABLE:
            continue
        if not any((j := bisect.bisect_right(starts, cp) - 1) >= 0 and cp <= ends[j] for starts, ends in tables):
            out.append(ch)
    return out


@lru_cache(maxsize=8)
def _load(regular: Path | None, bold: Path | None) -> FontSet:
    fallback = _face(_default_path("regular"))
    reg = _face(regular) if regular else fallback
    bld = _face(bold) if bold else (_face(_default_path("bold")) if not regular else reg)
    return FontSet(regular=reg, bold=bld, fallback=fallback)


def load_fonts(regular: Path | None = None, bold: Path | None = None) -> FontSet:
    """The fonts for these settings; PosterError (in Chinese) when unusable.
    An override Regular without an override Bold keeps using the override
    for titles too, rather than mixing two designs."""
    return _load(Path(regular) if regular else None, Path(bold) if bold else None)


_BASEFONT = re.compile(rb"/BaseFont\s*/([A-Z]{6}\+)?([^\s/<>\[\]()]+)")


def embedded_fonts(pdf: bytes) -> set[str]:
    """PostScript names of the fonts a PDF embeds (subset tags removed)."""
    names = {m.group(2).decode("latin-1") for m in _BASEFONT.finditer(pdf)}
    if not names:  # object streams hide the dictionaries from a byte scan
        import io

        import pypdf

        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
            fonts = (page.get("/Resources") or {}).get("/Font") or {}
            for ref in fonts.get_object().values():
                names.add(str(ref.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return {n.split("-Identity")[0] for n in names}


def check_embedded(pdf: bytes, fonts: FontSet, source: str) -> None:
    """Raise PosterError unless both the body and the title font are inside."""
    found = embedded_fonts(pdf)
    for role, face in (("正文", fonts.regular), ("标题", fonts.bold)):
        if face.postscript not in found:
            raise PosterError(
                f"{source}: 海报没有用上{role}字体 {face.family}（{face.path.name}），"
                f"印出来会是方框。请检查字体文件是否完整，或重新安装。"
            )
