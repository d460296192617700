"""Builds the hostile inputs of tests/bad_inputs/expected.yml that are not one .md file.

An entry with `make: NAME` is built by the function NAME here, into a content folder; every other
entry is the file of that name in tests/bad_inputs/. Each maker returns the path (relative to the
project, '/'-separated) of the file the message must name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

MAKERS: dict[str, Callable[[str, dict, Path], Path]] = {}


def maker(function: Callable[[str, dict, Path], Path]) -> Callable[[str, dict, Path], Path]:
    MAKERS[function.__name__] = function
    return function


def place(name: str, expected: dict, bad_dir: Path, content_dir: Path) -> str:
    """Put input `name` into content_dir; the project-relative path its message names."""
    project = content_dir
    while not (project / "mkdocs.yml").exists() and project != project.parent:
        project = project.parent
    if "make" in expected:
        made = MAKERS[expected["make"]](name, expected, content_dir)
    else:
        made = content_dir / name
        shutil.copy(bad_dir / name, made)
    return made.relative_to(project).as_posix()


ARTICLE = "---\ntitle: 测试文章\ntype: science\ndate: 2026-11-20\n---\n\n正文。\n"


def _outside(content_dir: Path, name: str, data: bytes) -> Path:
    """A secret file next to the project, never under content/."""
    secret = content_dir.parent.parent / f"outside-{name}"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(data)
    return secret


# -- links and special files: nothing whose real path leaves content/ is read -------------------
@maker
def symlink_to_outside_file(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / expected.get("file", name)
    os.symlink(_outside(content_dir, name, b"root:x:0:0:SECRETMARK:/root:/bin/bash\n"), link)
    return link


@maker
def symlink_to_system_file(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / expected.get("file", name)
    os.symlink(expected.get("target", "/etc/passwd"), link)
    return link


@maker
def symlink_folder_outside(name: str, expected: dict, content_dir: Path) -> Path:
    folder = content_dir.parent.parent / f"outside-dir-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "id_rsa.jpg").write_bytes(b"SECRETMARK private key")
    (folder / "notes.md").write_text(ARTICLE, encoding="utf-8")
    link = content_dir / name
    os.symlink(folder, link)
    return link


@maker
def symlink_to_project_file(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink(Path("..") / expected.get("target", "mkdocs.yml"), link)
    return link


@maker
def symlink_loop(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink(name, link)
    return link


@maker
def symlink_pair_loop(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink("other-" + name, link)
    os.symlink(name, content_dir / ("other-" + name))
    return link


@maker
def symlink_dangling(name: str, expected: dict, content_dir: Path) -> Path:
    link = content_dir / name
    os.symlink("no-such-file-" + name, link)
    return link


@maker
def fifo(name: str, expected: dict, content_dir: Path) -> Path:
    path = content_dir / name
    os.mkfifo(path)
    return path


@maker
def folder_loop(name: str, expected: dict, content_dir: Path) -> Path:
    """Links back to their own folder: followed, they would be walked for ever (2^40 paths)."""
    for extra in ("-a", "-b", "-c"):
        os.symlink(".", content_dir / f"{name}{extra}")
    return content_dir / f"{name}-a"


@maker
def article_through_symlink(name: str, expected: dict, content_dir: Path) -> Path:
    """An article whose cover is a link to a file outside content/."""
    os.symlink(_outside(content_dir, name + ".jpg", b"\xff\xd8\xff\xe0SECRETMARK"), content_dir / (name + ".jpg"))
    path = content_dir / (name + ".md")
    path.write_text(f"---\ntitle: 有封面\ntype: science\ndate: 2026-11-20\ncover: {name}.jpg\n---\n\n正文。\n",
                    encoding="utf-8")
    return path


# -- pictures, SVGs and attachments: published without metadata and script, or refused ----------
PHONE = "13987654321"  # planted in metadata; must appear nowhere in the output
ID_NUMBER = "110105198806061234"
MARKER = "SECRETMARK"
GPS_TEXT = "30.274123"  # XMP/text form of a position (EXIF GPS is binary: checked with Pillow)
XMP = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       f'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       f'exif:GPSLatitude="{GPS_TEXT}N" exif:GPSLongitude="120.155N"><dc:description>{MARKER} 电话 {PHONE} '
       f'身份证 {ID_NUMBER}</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>')


def uses(content_dir: Path, name: str, asset: str, how: str = "image") -> Path:
    """An article (science, published) that uses `asset` as an image, a cover or a download link."""
    front = f"cover: {asset}\nconsent: true\n" if how == "cover" else ""  # story posters print the cover
    body = {"image": f"![现场照片]({asset})", "cover": "正文。", "link": f"[下载附件]({asset})"}[how]
    path = content_dir / f"{name}-article.md"
    kind = "story" if how == "cover" else "science"
    path.write_text(f"---\ntitle: 测试{name}\ntype: {kind}\ndate: 2026-11-20\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


def exif_bytes(gps: bool = True, text: bool = True) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if text:
        exif[0x010E] = f"{MARKER} {PHONE}"  # ImageDescription
        exif[0x013B] = f"张三 {ID_NUMBER}"  # Artist
        exif.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0" + f"{MARKER} {PHONE}".encode()  # UserComment
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1], gps_ifd[2], gps_ifd[3], gps_ifd[4] = "N", (30.0, 16.0, 27.0), "E", (120.0, 9.0, 18.0)
    return exif.tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    import struct

    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_bytes(size: tuple[int, int] = (64, 48), *, exif: bool = True, xmp: bool = False, second_exif: bool = False,
               comment: bool = False, mode: str = "RGB") -> bytes:
    import io

    from PIL import Image

    image = Image.effect_noise(size, 40).convert(mode) if mode != "L" else Image.new("L", size, 128)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, **({"exif": exif_bytes()} if exif else {}),
               **({"comment": f"{MARKER} {PHONE}".encode()} if comment else {}))
    data = out.getvalue()
    extra = b""
    if xmp:
        extra += _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP.encode())
    if second_exif:
        extra += _segment(0xE1, exif_bytes())  # Pillow's bytes start with "Exif\0\0", as the segment does
    return data[:2] + extra + data[2:]


def png_bytes(size: tuple[int, int] = (64, 48), *, xmp: bool = True, text: bool = True, exif: bool = True) -> bytes:
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if xmp:
        info.add_itxt("XML:com.adobe.xmp", XMP)
    if text:
        info.add_text("Comment", f"{MARKER} {PHONE}")
        info.add_itxt("Description", f"身份证 {ID_NUMBER}", lang="zh")
    out = io.BytesIO()
    Image.new("RGBA", size, (30, 120, 200, 255)).save(out, format="PNG", pnginfo=info,
                                                       **({"exif": exif_bytes()} if exif else {}))
    return out.getvalue()


def heic_bytes() -> bytes:
    """An iPhone-style HEIC photo with GPS, EXIF text and XMP (pillow-heif encodes it)."""
    import io

    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.effect_noise((300, 200), 40).convert("RGB").save(out, format="HEIF", exif=exif_bytes(), xmp=XMP.encode())
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header claims a huge picture (Pillow stops at the header), with text."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP.encode())
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def _asset(content_dir: Path, name: str, data: bytes, how: str = "image") -> Path:
    (content_dir / name).write_bytes(data)
    uses(content_dir, name.replace(".", "-"), name, how)
    return content_dir / name


@maker
def picture(name: str, expected: dict, content_dir: Path) -> Path:
    """A picture built by `kind`, used by an article; the message (if any) names the picture."""
    kind = expected["kind"]
    data = {
        "truncated_gps_jpeg": lambda: jpeg_bytes((400, 300), xmp=True)[:-2000],
        "header_only_jpeg": lambda: jpeg_bytes(xmp=True)[:600],
        "png_over_limit": lambda: png_claiming(20000, 20000),
        "png_over_warning": lambda: png_claiming(10000, 10000),
        "text_as_jpeg": lambda: f"{MARKER} {PHONE} 这不是图片".encode(),
        "html_as_png": lambda: b"<html><script>alert('LEAKSCRIPT')</script></html>",
        "eps_as_jpeg": lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
        "bmp_as_jpeg": lambda: _bmp(),
        "zero_bytes": lambda: b"",
        "jpeg_as_png_truncated": lambda: jpeg_bytes((300, 200))[:900],
        "heic_truncated": lambda: heic_bytes()[:3000],
        "any_bytes": lambda: f"{MARKER} {PHONE}".encode(),
    }[kind]()
    return _asset(content_dir, name, data, expected.get("how", "image"))


def _bmp() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="BMP")
    return out.getvalue()


SVG_HOSTILE = {
    "external_file": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="/etc/passwd" width="10" height="10"/></svg>',
    "relative_file": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="../../mkdocs.yml" width="10" height="10"/></svg>',
    "url_image": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="https://evil.example/t.png" width="10" height="10"/></svg>',
    "entity_bomb": '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&g;&g;&g;&g;</text></svg>',
    "external_entity": '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>',
    "not_svg": "<html><body onload=alert(1)>LEAKSCRIPT</body></html>",
    "gbk_text": None,
}
# Hostile but drawable: published as pixels, with none of their markup.
SVG_SCRIPTED = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><script>alert("LEAKSCRIPT")</script><rect width="120" height="60" fill="red"/></svg>',
    "onload": '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="alert(\'LEAKSCRIPT\')"><rect width="120" height="60" fill="green"/></svg>',
    "foreign_object": '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><foreignObject width="120" height="60"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="javascript:alert(1)"></iframe>LEAKFRAME</div></foreignObject><circle cx="30" cy="30" r="20"/></svg>',
    "javascript_href": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60"><a xlink:href="javascript:alert(\'LEAKSCRIPT\')"><rect width="120" height="60" fill="blue"/></a></svg>',
    "data_href": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60"><a xlink:href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><rect width="120" height="60" fill="blue"/></a><animate attributeName="href" to="javascript:alert(1)"/></svg>',
    "event_handlers": '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" onclick="alert(1)" onmouseover="alert(2)" fill="#333"/><set attributeName="onmouseover" to="alert(3)"/><style>@import url(https://evil.example/x.css);</style></svg>',
    "metadata": f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><metadata>{XMP}</metadata><title>{MARKER} {PHONE}</title><rect width="120" height="60" fill="orange"/></svg>',
    "clean_chinese": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect width="200" height="100" fill="#c00"/><text x="10" y="60" font-size="30" fill="white">社区通知</text></svg>',
}


@maker
def svg(name: str, expected: dict, content_dir: Path) -> Path:
    kind = expected["kind"]
    text = {**SVG_HOSTILE, **SVG_SCRIPTED}[kind]
    data = "<svg>中文</svg>".encode("gbk") if text is None else text.encode("utf-8")
    return _asset(content_dir, name, data, expected.get("how", "image"))


def pdf_bytes(*, encrypted: bool = False) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": f"张三 {PHONE}", "/Title": MARKER, "/Subject": ID_NUMBER, "/Creator": "WPS"})
    if encrypted:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_photo() -> bytes:
    """A PDF whose page shows a phone photo embedded as it was (EXIF, GPS, XMP inside the JPEG stream),
    as many PDF makers do."""
    import io

    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PDF")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    for image in writer.pages[0]["/Resources"]["/XObject"].values():
        image.get_object()._data = jpeg_bytes(xmp=True, comment=True)  # noqa: SLF001 - planting, not parsing
    writer.add_metadata({"/Author": f"张三 {PHONE}"})
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


def office_bytes(kind: str = "docx") -> bytes:
    """A minimal Office Open XML package with an author, a phone number and a thumbnail."""
    import io
    import zipfile

    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="r9" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>')
        package.writestr("docProps/core.xml", f'<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:creator>张三 {PHONE}</dc:creator>'
                         f'<cp:lastModifiedBy>{MARKER}</cp:lastModifiedBy></cp:coreProperties>')
        package.writestr("docProps/app.xml", f"<Properties><Company>{MARKER} 公司 {ID_NUMBER}</Company></Properties>")
        package.writestr("docProps/custom.xml", f"<Properties><property>{PHONE}</property></Properties>")
        package.writestr("docProps/thumbnail.jpeg", jpeg_bytes(xmp=True))
        package.writestr({"docx": "word", "xlsx": "xl", "pptx": "ppt"}[kind] + "/media/image1.jpeg",
                         jpeg_bytes(xmp=True, comment=True))  # a phone photo pasted into the document
        package.writestr(main, f'<doc><w:ins w:author="李四{PHONE}">修改</w:ins>正文</doc>')
    return out.getvalue()


def mp3_bytes() -> bytes:
    """Silent MPEG-1 Layer III frames with an ID3 tag holding a name, a phone number and a cover."""
    import io

    from mutagen.id3 import APIC, COMM, ID3, TIT2, TPE1

    frame = b"\xff\xfb\x90\x64" + b"\0" * 413  # 128 kbit/s, 44.1 kHz: 417 bytes a frame
    buffer = io.BytesIO(frame * 40)
    tags = ID3()
    tags.add(TIT2(encoding=3, text=MARKER))
    tags.add(TPE1(encoding=3, text=f"张三 {PHONE}"))
    tags.add(COMM(encoding=3, lang="chi", desc="", text=ID_NUMBER))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=jpeg_bytes(xmp=True)))
    tags.save(buffer)
    return buffer.getvalue()


@maker
def attachment(name: str, expected: dict, content_dir: Path) -> Path:
    kind = expected["kind"]
    data = {
        "pdf_metadata": lambda: pdf_bytes(),
        "pdf_encrypted": lambda: pdf_bytes(encrypted=True),
        "pdf_garbage": lambda: f"%PDF-1.7\n{MARKER} {PHONE}\n".encode(),
        "docx_metadata": lambda: office_bytes("docx"),
        "xlsx_metadata": lambda: office_bytes("xlsx"),
        "pptx_metadata": lambda: office_bytes("pptx"),
        "docx_garbage": lambda: b"PK\x03\x04 not really a zip " + PHONE.encode(),
        "docx_not_office": lambda: _zip_without_content_types(),
        "old_word": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "mp3_tags": lambda: mp3_bytes(),
        "mp3_garbage": lambda: f"{MARKER} {PHONE}".encode() * 10,
        "mp4_garbage": lambda: b"\0\0\0\x18ftypmp42" + PHONE.encode() * 5,
    }[kind]()
    return _asset(content_dir, name, data, "link")


def _zip_without_content_types() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("secret.txt", PHONE)
    return out.getvalue()


def make_allowed_inputs(content_dir: Path) -> dict[str, Path]:
    """Hostile files that are allowed to build (their danger is removed, not refused): name -> path.
    Every one carries PHONE, ID_NUMBER, MARKER or GPS that must appear nowhere in the output."""
    content_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    pictures = {
        "gps.jpg": jpeg_bytes(),
        "gps-xmp.jpg": jpeg_bytes(xmp=True),
        "xmp-only.jpg": jpeg_bytes(exif=False, xmp=True),
        "second-exif.jpg": jpeg_bytes(second_exif=True, comment=True),
        "jpeg-named.gif": jpeg_bytes(xmp=True),
        "jpeg-named.png": jpeg_bytes(second_exif=True),
        "jpeg-named.webp": jpeg_bytes(xmp=True, comment=True),
        "camera-photo.jpg": jpeg_bytes((2400, 1800), xmp=True, second_exif=True),
        "png-itxt.png": png_bytes(),
        "png-xmp-only.png": png_bytes(text=False, exif=False),
        "png-named.jpg": png_bytes(),
        "cover-gps.jpg": jpeg_bytes(xmp=True),
        "iphone.heic": heic_bytes(),
    }
    for name, data in pictures.items():
        made[name] = _asset(content_dir, name, data, "cover" if name.startswith("cover") else "image")
    for kind in SVG_SCRIPTED:
        name = f"svg-{kind}.svg"
        made[name] = _asset(content_dir, name, SVG_SCRIPTED[kind].encode(), "image")
    made["svg-cover.svg"] = _asset(content_dir, "svg-cover.svg", SVG_SCRIPTED["script"].encode(), "cover")
    for name, data in {"form.pdf": pdf_bytes(), "photo.pdf": pdf_with_photo(), "form.docx": office_bytes("docx"), "sheet.xlsx": office_bytes("xlsx"),
                       "slides.pptx": office_bytes("pptx"), "notice.mp3": mp3_bytes()}.items():
        made[name] = _asset(content_dir, name, data, "link")
    return made
