"""Attachments as published: the same document without the metadata its program wrote into it
(author, company, editing times, comments' authors, XMP, GPS in a video), or refused when that
cannot be done reliably. Each format goes to a maintained library; after cleaning, the bytes are
checked once more and a file that still carries a marker of metadata is refused, not published.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from generator.images import FORMATS, Refused, clean_picture, strip_jpeg_metadata

MAX_UNZIPPED = 200 * 1024 * 1024  # an Office file that unpacks to more is a zip bomb, not a form
_XMP = (b"<x:xmpmeta", b"<?xpacket")


def clean_attachment(data: bytes, suffix: str) -> bytes:
    suffix = suffix.lower()
    if suffix == ".pdf":
        return clean_pdf(data)
    if suffix in (".docx", ".xlsx", ".pptx"):
        return clean_office(data, suffix)
    if suffix in (".mp3", ".mp4"):
        return clean_media(data, suffix)
    if suffix in (".doc", ".xls", ".ppt"):
        raise Refused("attachment.old_office",
                      f"旧版 Office 文件（{suffix}）里的作者、单位等信息无法可靠去除，不能发布。"
                      f"请用 WPS 或 Word 把它“另存为”{suffix}x 格式（或 PDF）后再用。")
    raise Refused("attachment.unsupported", f"{suffix} 文件不能发布。可以发布的附件：PDF、docx、xlsx、pptx、mp3、mp4。")


# -- PDF (pypdf) -------------------------------------------------------------------------------
def clean_pdf(data: bytes) -> bytes:
    """Pages copied into a new document: no document info, no XMP, no scripts, no comments' authors."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # its English warnings about damaged files: we refuse in Chinese
    try:
        return _clean_pdf(data)
    finally:
        pypdf_log.setLevel(level)


def _clean_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError
    from pypdf.generic import DictionaryObject, NameObject

    unreadable = Refused("attachment.pdf_unreadable", "这个 PDF 文件打不开或已损坏（或设置了密码）。请重新导出一份不加密的 PDF 再用。")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise unreadable
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        seen: set[int] = set()
        for page in writer.pages:
            _scrub(page, seen, DictionaryObject)
            for key in ("/Metadata", "/PieceInfo", "/AA"):
                page.pop(NameObject(key), None)
        writer._info = None  # noqa: SLF001 - pypdf has no public switch for "no /Info at all"
        out = io.BytesIO()
        writer.write(out)
    except Refused:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise unreadable from None
    cleaned = out.getvalue()
    if any(marker in cleaned for marker in _XMP + (b"Exif\0\0", b"Photoshop 3.0")) or b"/Author" in cleaned:
        raise Refused("attachment.pdf_metadata", "这个 PDF 里的作者等信息无法完全去除。请用“打印为 PDF”重新生成一份再用。")
    return cleaned


def _scrub(node, seen: set[int], dictionary_type, depth: int = 0) -> None:
    """Remove metadata streams, annotation authors and scripts from a page and what it uses."""
    from pypdf.generic import ArrayObject, IndirectObject, NameObject

    if depth > 50:
        return
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, dictionary_type):
        for key in ("/Metadata", "/PieceInfo", "/T", "/JS", "/JavaScript", "/AA", "/OpenAction"):
            node.pop(NameObject(key), None)
        if node.get("/Subtype") == "/Image" and node.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
            node._data = strip_jpeg_metadata(node._data)  # noqa: SLF001 - the encoded stream, as pypdf writes it
        for key, value in list(node.items()):
            if key not in ("/Parent", "/P"):
                _scrub(value, seen, dictionary_type, depth + 1)
    elif isinstance(node, ArrayObject):
        for item in node:
            _scrub(item, seen, dictionary_type, depth + 1)


# -- Office Open XML (zipfile) -------------------------------------------------------------------
_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>')
_DROPPED = re.compile(r"^docProps/(custom\.xml|thumbnail\.\w+)$", re.I)
_AUTHOR_ATTR = re.compile(rb'\b(w:author|w:initials|author|authorId|userId|providerId)="[^"]*"')


def clean_office(data: bytes, suffix: str) -> bytes:
    """The package rewritten: core/app properties emptied, custom properties and the thumbnail
    removed, authors of comments and tracked changes blanked, every time stamp the same."""
    unreadable = Refused("attachment.office_unreadable",
                         f"这个 {suffix} 文件打不开或已损坏。请用 WPS 或 Word 打开后重新保存一份再用。")
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = source.infolist()
        if sum(m.file_size for m in members) > MAX_UNZIPPED or len(members) > 10_000:
            raise unreadable
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            raise unreadable
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for member in members:
                name = member.filename
                if _DROPPED.match(name) or member.is_dir():
                    continue
                content = source.read(member)
                if name == "docProps/core.xml":
                    content = _CORE.encode()
                elif name == "docProps/app.xml":
                    content = _APP.encode()
                elif name.endswith(".rels") or name == "[Content_Types].xml":
                    content = re.sub(rb"<(Relationship|Override)\b[^>]*docProps/(custom\.xml|thumbnail\.\w+)[^>]*/>",
                                     b"", content, flags=re.I)
                elif name.endswith(".xml"):
                    content = _AUTHOR_ATTR.sub(lambda m: m.group(1) + b'=""', content)
                elif "/media/" in name and name[name.rfind("."):].lower() in FORMATS:
                    content = _office_picture(content, name[name.rfind("."):].lower(), suffix)
                target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content,
                                compress_type=zipfile.ZIP_DEFLATED)
    except Refused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, NotImplementedError):
        raise unreadable from None
    return out.getvalue()


def _office_picture(data: bytes, picture_suffix: str, suffix: str) -> bytes:
    """A picture pasted into a document, re-encoded like any published picture (a phone photo keeps its GPS)."""
    try:
        return clean_picture(data, picture_suffix)
    except Refused:
        raise Refused("attachment.office_picture", f"这个 {suffix} 文件里有一张打不开的图片，无法去掉其中的拍摄信息。"
                                                  "请在 WPS 或 Word 里删掉或重新插入这张图片后再保存。") from None


# -- audio and video (mutagen) -----------------------------------------------------------------------
def clean_media(data: bytes, suffix: str) -> bytes:
    """Every tag removed (ID3, APEv2, MP4 ilst: title, artist, location ©xyz, cover art)."""
    import mutagen
    from mutagen.apev2 import delete as delete_ape

    unreadable = Refused("attachment.media_unreadable", f"这个 {suffix} 文件打不开或已损坏。请重新导出一份再用。")
    buffer = io.BytesIO(data)
    try:
        media = mutagen.File(buffer)
        if media is None:
            raise unreadable
        buffer.seek(0)
        if media.tags is not None:
            media.delete(buffer)
        if suffix == ".mp3":
            buffer.seek(0)
            delete_ape(buffer)
    except Refused:
        raise
    except (mutagen.MutagenError, OSError, ValueError, KeyError, EOFError, TypeError):
        raise unreadable from None
    cleaned = buffer.getvalue()
    markers = _XMP + ((b"\xa9xyz",) if suffix == ".mp4" else (b"APETAGEX",))
    if cleaned[:3] == b"ID3" or cleaned[-128:-125] == b"TAG" or any(m in cleaned for m in markers):
        raise Refused("attachment.media_metadata",
                      f"这个 {suffix} 文件里的位置、作者等信息无法完全去除，不能发布。请用剪辑软件重新导出一份（不带位置信息）再用。")
    return cleaned
