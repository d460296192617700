"""One site built from every hostile input that is allowed to build, then searched end to end.

The inputs: the corpus entries that only warn (tests/bad_inputs/expected.yml) and the hostile files
that are cleaned rather than refused (tests/hostile_inputs.make_allowed_inputs: pictures with GPS,
XMP, EXIF text and comments, files named with the wrong extension, scripted SVGs, PDF/Office/MP3
attachments with authors and phone numbers). The whole output (pages, JSON, feed, calendar, search
data, sitemap, kiosk, pictures' bytes and metadata, poster and print-pack PDFs, their text and
images) must hold none of the planted numbers and markers, after markup and separators are removed.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
import yaml

from conftest import AS_OF, copy_project, run_board
from hostile_inputs import GPS_TEXT, ID_NUMBER, MARKER, PHONE, SVG_SCRIPTED, make_allowed_inputs, place

BAD = Path(__file__).parent / "bad_inputs"
EXPECTED: dict[str, dict] = yaml.safe_load((BAD / "expected.yml").read_text(encoding="utf-8"))
# Planted in files and front matter; none may be published in any form.
PLANTED = [PHONE, ID_NUMBER, MARKER, GPS_TEXT.replace(".", ""), "LEAKSCRIPT", "LEAKFRAME", "LEAKCLICK", "LEAKSTYLE",
           "evilexample", "PhoneMaker"]
TEXT_SUFFIXES = {".html", ".json", ".xml", ".ics", ".js", ".txt", ".css", ".svg", ".webmanifest"}
PICTURES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
_TAG = re.compile(r"<[^>]*>")


def normalized(text: str) -> str:
    """Text as a reader could piece it together: markup, entities, %-escapes and separators removed."""
    text = html.unescape(_TAG.sub("", unquote(text)))
    return re.sub(r"[\W_]+", "", text).lower()


def found_in(text: str) -> list[str]:
    flat = normalized(text)
    return [p for p in PLANTED if re.sub(r"[\W_]+", "", p).lower() in flat]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, str, dict[str, Path]]:
    """(site folder, build messages, the allowed hostile files) of one build with posters."""
    from PIL import Image

    project = copy_project(tmp_path_factory.mktemp("hostile") / "p", with_content=False)
    content = project / "content"
    made = make_allowed_inputs(content / "files")
    for name, expected in EXPECTED.items():
        if expected["level"] == "警告":
            place(name, expected, BAD, content)
    # A photo above Pillow's 89 MP limit: published scaled, without Pillow's English warning.
    Image.new("L", (9500, 9500), 90).save(content / "files" / "huge-photo.jpg", quality=30)
    (content / "files" / "huge-article.md").write_text(
        "---\ntitle: 大照片\ntype: science\ndate: 2026-11-20\n---\n\n![大照片](huge-photo.jpg)\n", encoding="utf-8")
    result = run_board(project, "build", "--as-of", AS_OF, timeout=600)
    assert result.returncode == 0, result.stderr
    return project / "site", result.stderr, made


def test_build_messages_are_chinese(hostile) -> None:
    _, stderr, _ = hostile
    assert "Traceback" not in stderr and "程序内部出错" not in stderr
    assert "DecompressionBomb" not in stderr and "Warning" not in stderr and "EOF marker" not in stderr
    assert "MkDocs 警告" not in stderr  # MkDocs' own English warnings: the board says these in Chinese


def test_nothing_planted_reaches_any_output(hostile) -> None:
    from pypdf import PdfReader

    site, _, _ = hostile
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files) and (site / "posters" / "print-pack.pdf").is_file()
    leaks: list[str] = []
    for path in files:
        data = path.read_bytes()
        where = path.relative_to(site).as_posix()
        for planted in PLANTED:  # raw bytes first: metadata in any file format
            if planted.encode() in data:
                leaks.append(f"{where}: {planted} (bytes)")
        if path.suffix in TEXT_SUFFIXES:
            leaks += [f"{where}: {p}" for p in found_in(data.decode("utf-8", "replace"))]
        elif path.suffix == ".pdf":
            reader = PdfReader(io.BytesIO(data))
            text = "".join(page.extract_text() or "" for page in reader.pages)
            text += " ".join(str(v) for v in (reader.metadata or {}).values())
            leaks += [f"{where}: {p} (PDF text)" for p in found_in(text)]
            for page in reader.pages:
                for image in page.images:
                    leaks += [f"{where}: {p} (picture in PDF)" for p in PLANTED if p.encode() in image.data]
                    leaks += [f"{where}: metadata in {image.name}" for _ in _metadata(image.data)]
        elif path.suffix in PICTURES:
            leaks += [f"{where}: {m}" for m in _metadata(data)]
    assert not leaks, "\n".join(leaks)


def _metadata(data: bytes) -> list[str]:
    """Names of the metadata a picture still carries (EXIF, GPS, XMP, comments, text chunks)."""
    from PIL import Image

    found = []
    with Image.open(io.BytesIO(data)) as image:
        if image.getexif():
            found.append("EXIF")
        found += [key for key in image.info if key.lower() in {"exif", "xmp", "comment", "xml:com.adobe.xmp", "icc_profile",
                                                                 "description", "photoshop"}]
        found += [f"text {key}" for key in getattr(image, "text", {})]
        if image.format == "JPEG":
            found += [f"APP{m - 0xE0}" for m, _ in getattr(image, "applist", []) if m != "APP0" and m not in ("APP0",)]
    for marker in (b"Exif\0\0", b"<x:xmpmeta", b"http://ns.adobe.com/xap"):
        if marker in data:
            found.append(marker.decode("latin-1"))
    return found


def test_pictures_keep_their_names_and_open_in_their_format(hostile) -> None:
    from PIL import Image

    site, _, made = hostile
    formats = {".jpg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
    for name in made:
        suffix = Path(name).suffix
        if suffix not in formats:
            continue  # .heic: checked below under its published name
        published = site / "files" / name
        with Image.open(published) as image:
            assert image.format == formats[suffix], name  # a JPEG named .gif is published as a GIF
            assert max(image.size) <= 1600
    with Image.open(site / "files" / "huge-photo.jpg") as image:
        assert max(image.size) == 1600
    with Image.open(site / "files" / "iphone.heic.jpg") as image:  # iPhone photos go online as JPEG
        assert image.format == "JPEG" and image.size == (300, 200)
    page = (site / "science" / "iphone-heic-article" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../files/iphone.heic.jpg"' in page


def test_svgs_are_published_as_pixels_only(hostile) -> None:
    site, _, made = hostile
    svgs = [n for n in made if n.endswith(".svg")]
    assert len(svgs) == len(SVG_SCRIPTED) + 1
    for name in svgs:
        root = ElementTree.fromstring((site / "files" / name).read_bytes())
        elements = [el.tag.split("}")[-1] for el in root.iter()]
        assert elements == ["svg", "image"], (name, elements)
        attributes = {k.split("}")[-1] for el in root.iter() for k in el.attrib}
        assert attributes <= {"width", "height", "viewBox", "href"}, (name, attributes)
        assert root.find("{http://www.w3.org/2000/svg}image").get("href").startswith("data:image/png;base64,")
    page = (site / "science" / "svg-clean_chinese-svg-article" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../files/svg-clean_chinese.svg"' in page  # the article's own link still works


def test_attachments_are_published_without_metadata(hostile) -> None:
    import mutagen
    from pypdf import PdfReader

    site, _, _ = hostile
    reader = PdfReader(site / "files" / "form.pdf")
    assert len(reader.pages) == 1 and not reader.metadata
    reader = PdfReader(site / "files" / "photo.pdf")  # a phone photo inside a PDF: still shown, without EXIF
    images = reader.pages[0].images
    assert len(images) == 1 and not _metadata(images[0].data) and not reader.metadata
    for name in ("form.docx", "sheet.xlsx", "slides.pptx"):
        with zipfile.ZipFile(site / "files" / name) as package:
            names = package.namelist()
            assert "docProps/thumbnail.jpeg" not in names and "docProps/custom.xml" not in names
            media = [n for n in names if "/media/" in n]
            assert media and not _metadata(package.read(media[0]))  # a pasted phone photo, re-encoded
            core = package.read("docProps/core.xml").decode()
            assert "creator" not in core and "lastModifiedBy" not in core
            for member in names:
                assert not found_in(package.read(member).decode("utf-8", "replace")), (name, member)
    audio = mutagen.File(site / "files" / "notice.mp3")
    assert audio is not None and not audio.tags and audio.info.length > 0


def test_poster_cover_from_svg_and_photo_is_clean(hostile) -> None:
    from pypdf import PdfReader

    site, _, _ = hostile
    for slug in ("svg-cover-svg-article", "cover-gps-jpg-article"):
        reader = PdfReader(site / "posters" / f"{slug}.pdf")
        images = [image for page in reader.pages for image in page.images]
        assert images, slug  # the cover is on the poster
        for image in images:
            assert not _metadata(image.data), slug


def test_site_dir_keeps_no_stray_copy(hostile) -> None:
    """Only files published articles use are copied: the cleaned ones, never a second raw copy."""
    site, _, made = hostile
    published = {p.name for p in (site / "files").iterdir() if p.is_file()}
    assert {name + ".jpg" if name.endswith(".heic") else name for name in made} <= published
    assert not [p for p in site.rglob("*.md")]


def test_only_files_published_articles_use_go_online(tmp_path: Path) -> None:
    """README: only pictures and attachments that articles use are published; never a draft's picture,
    a stray file, nor anything in `_`/`.` folders (also when an article points into one)."""
    from hostile_inputs import jpeg_bytes, pdf_bytes

    project = copy_project(tmp_path / "p", with_content=False)
    content = project / "content"
    for folder in ("pics", "_private", ".notes"):
        (content / folder).mkdir()
        (content / folder / "photo.jpg").write_bytes(jpeg_bytes())
    (content / "pics" / "used.jpg").write_bytes(jpeg_bytes())
    (content / "pics" / "draft-only.jpg").write_bytes(jpeg_bytes())
    (content / "pics" / "unused.pdf").write_bytes(pdf_bytes())
    (content / "pics" / "notes.txt").write_text(f"备忘 {PHONE}", encoding="utf-8")
    (content / "_private" / "secret.md").write_text(f"---\ntitle: 秘密\ntype: science\ndate: 2026-11-20\n---\n\n{MARKER}\n",
                                                     encoding="utf-8")
    (content / "a.md").write_text("---\ntitle: 公开\ntype: science\ndate: 2026-11-20\n---\n\n![图](pics/used.jpg)\n",
                                  encoding="utf-8")
    (content / "b.md").write_text("---\ntitle: 草稿\ntype: science\ndate: 2026-11-20\ndraft: true\n---\n\n"
                                  "![图](pics/draft-only.jpg)\n", encoding="utf-8")
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    published = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert "pics/used.jpg" in published
    for never in ("pics/draft-only.jpg", "pics/unused.pdf", "pics/notes.txt", "pics/photo.jpg",
                  "_private/photo.jpg", ".notes/photo.jpg", "_private/secret.md"):
        assert never not in published, never
    assert not [p for p in published if "secret" in p or "_private" in p or ".notes" in p]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            assert not found_in(path.read_text(encoding="utf-8", errors="replace")), path
