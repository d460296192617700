"""The article files the desk reads and writes: every path checked to stay inside content/, the list
with each article's status (from generator/lifecycle.py via the board's own loader) and messages,
the check of unsaved text, saving, and moving to `_trash/`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from generator.body import parse_body
from generator.checks import check_article
from generator.content import RawArticle, read_article, scan_content, split_front_matter
from generator.desk.frontmatter import FileParts, join_file, split_file, update_front
from generator.messages import Level, Message, Report
from generator.model import TYPES, Status
from generator.new_article import file_stem
from generator.settings import Settings
from generator.timeutil import beijing, parse_time

TRASH = "_trash"  # names starting with `_` are never read as articles (content.is_hidden)
STATUS_LABELS = {Status.DRAFT: "草稿", Status.SCHEDULED: "定时发布", Status.CURRENT: "在期", Status.EXPIRED: "已过期"}
PENDING_LABEL = "待审核"
BROKEN_LABEL = "有错误"
MAX_BODY_CHARS = 500_000  # an article is at most 2 MB (content.MAX_FILE_BYTES); the form is refused well before


class Outside(ValueError):
    """A path in a request that is not an article or folder inside content/."""


def inside(settings: Settings, relative: str, *, article: bool = False) -> Path:
    """content/<relative>, refused when it leaves content/ (`..`, absolute, drive letters, links out)."""
    text = (relative or "").replace("\\", "/").strip()
    pure = PurePosixPath(text)
    if (not text or "\x00" in text or pure.is_absolute() or re.match(r"^[A-Za-z]:", text)
            or any(part in ("..", "") for part in text.split("/"))):
        raise Outside(text)
    root = Path(os.path.realpath(settings.content_dir))
    target = Path(os.path.realpath(root / text))
    if target == root or root not in target.parents:
        raise Outside(text)
    if article and (target.suffix.lower() != ".md" or any(p.startswith(("_", ".")) for p in pure.parts)):
        raise Outside(text)
    return target


@dataclass
class Row:
    """One article in the desk's list."""

    src_uri: str
    title: str
    type: str
    type_label: str
    status: str
    status_label: str
    date: str = ""
    expires: str = ""
    editor: str = ""
    approved_by: str = ""
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)


def list_articles(settings: Settings, as_of: datetime) -> tuple[list[Row], list[Message]]:
    """Every article file with its status and messages (the board's own checks), newest first;
    and the messages that belong to no article (settings, pictures)."""
    from generator.load import load_board

    report = Report()
    board = load_board(settings, as_of, report, write_cache=False)
    root = settings.project_root
    by_source: dict[str, list[Message]] = {}
    for message in report.sorted():
        by_source.setdefault(message.path, []).append(message)
    rows: list[Row] = []
    seen: set[str] = set()
    checked = {a.src_uri: a for a in board.articles}
    for path in scan_content(settings.content_dir).articles:
        src_uri = path.relative_to(settings.content_dir).as_posix()
        source = _source(path, root)
        seen.add(source)
        messages = by_source.get(source, [])
        article = checked.get(src_uri)
        if article is not None:
            status = article.status
            if settings.review and not article.draft and not article.approved_by:
                label, key = PENDING_LABEL, "pending"
            else:
                label, key = STATUS_LABELS[status], status.value
            row = Row(src_uri, article.title, article.type, article.type_label, key, label,
                      beijing(article.date, "minute"), beijing(article.expires, "minute") if article.expires else "")
            row.editor, row.approved_by = article.editor or "", article.approved_by or ""
        else:
            front = _front_of(path, settings)
            kind = str(front.get("type") or "")
            from generator.model import type_key
            key = type_key(kind) or ""
            row = Row(src_uri, str(front.get("title") or path.stem), key, TYPES[key].label if key else "（未知）",
                      "broken", BROKEN_LABEL, str(front.get("date") or ""))
        row.errors = [m for m in messages if m.level is Level.ERROR]
        row.warnings = [m for m in messages if m.level is Level.WARNING]
        rows.append(row)
    rows.sort(key=lambda r: (r.date, r.src_uri), reverse=True)
    others = [m for m in report.sorted() if m.path not in seen]
    return rows, others


def _source(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _front_of(path: Path, settings: Settings) -> dict[str, Any]:
    raw = read_article(path, settings.project_root, settings.content_dir, Report())
    return raw.front if raw is not None else {}


def read_text(path: Path) -> str:
    """The file as text (the loader's own rules: UTF-8, BOM allowed); Chinese errors are the loader's."""
    data = path.read_bytes()
    return data.decode("utf-8", errors="replace")


def new_path(settings: Settings, type_: str, title: str, date_value: Any) -> str:
    """content-relative path for a new article: <section>/<date>-<title>.md, numbered when taken."""
    section = TYPES[type_].section if type_ in TYPES else "notices"
    try:
        when = parse_time(date_value)
    except Exception:  # noqa: BLE001 - an unreadable date still gets a file name; the check names the date
        from generator.timeutil import now_shanghai
        when = now_shanghai()
    stem = file_stem(title or "新文章", when)
    candidate = f"{section}/{stem}.md"
    number = 2
    while (settings.content_dir / candidate).exists():
        candidate = f"{section}/{stem}-{number}.md"
        number += 1
    return candidate


def bring_pictures(settings: Settings, folder: str, src_uri: str, text: str) -> tuple[dict[str, str], list[Path]]:
    """A new article's pictures, uploaded into `folder` (the section of the type first chosen) before its
    type was changed: moved beside the article (src_uri), renamed when that name is taken there, the
    text's references following. A picture another article of `folder` also uses is copied, not moved.
    Returns (the references to write anew {old: new}, every path added or removed, for the history)."""
    old = inside(settings, folder)
    new = (settings.content_dir / src_uri).parent
    if Path(os.path.realpath(old)) == Path(os.path.realpath(new)):
        return {}, []
    parts = split_file(text)
    cover = _cover(parts.front_lines)
    targets = [link.target for link in parse_body(parts.body).links if link.image] + ([cover] if cover else [])
    changed: list[Path] = []
    renames: dict[str, str] = {}
    for target in dict.fromkeys(targets):
        relative = PurePosixPath(target.split("#")[0].split("?")[0])
        if relative.is_absolute() or ".." in relative.parts or "://" in target or not str(relative) or str(relative) == ".":
            continue
        source, dest = old / relative, new / relative
        if not source.is_file() or (dest.is_file() and dest.read_bytes() == source.read_bytes()):
            continue
        number = 2
        while dest.exists():
            dest = new / relative.parent / f"{relative.stem}-{number}{relative.suffix}"
            number += 1
        dest.parent.mkdir(parents=True, exist_ok=True)
        if _used_elsewhere(old, relative.as_posix()):
            dest.write_bytes(source.read_bytes())
        else:
            source.replace(dest)
            changed.append(source)
        changed.append(dest)
        moved_to = dest.relative_to(new).as_posix()
        if moved_to != relative.as_posix():
            renames[target] = moved_to
    return renames, changed


def renamed(text: str, renames: dict[str, str]) -> str:
    """`text` with each moved picture's reference (a Markdown target or the cover line) written anew."""
    for old, new in renames.items():
        text = re.sub(rf"(\]\(\s*<?|^cover:\s*[\"']?){re.escape(old)}", lambda m: m.group(1) + new, text, flags=re.M)
    return text


def _cover(front_lines: list[str]) -> str | None:
    for line in front_lines:
        match = re.match(r"cover:\s*[\"']?([^\"'#]+?)[\"']?\s*(#.*)?$", line)
        if match:
            return match.group(1).strip()
    return None


def _used_elsewhere(folder: Path, relative: str) -> bool:
    """Whether an article of `folder` (a section, beside which the picture was uploaded) names the picture."""
    for article in folder.glob("*.md"):
        try:
            if relative in article.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def compose(old_text: str | None, wanted: dict[str, Any], body: str) -> str:
    """The file text: the old file with only the changed front matter lines replaced, and the new body."""
    parts = split_file(old_text) if old_text is not None else FileParts([], "")
    parts.front_lines = update_front(parts.front_lines, wanted)
    parts.body = body.replace("\r\n", "\n").replace("\r", "\n")
    if parts.body and not parts.body.endswith("\n"):
        parts.body += "\n"
    if old_text is None and not parts.body.startswith("\n"):
        parts.body = "\n" + parts.body  # a blank line after the front matter, as the templates have it
    return join_file(parts)


def write_atomic(path: Path, text: str) -> None:
    """Whole or not at all: the preview's watcher never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.parent / f".{path.name}.desk.tmp"
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(partial, path)


def trash(settings: Settings, src_uri: str) -> str:
    """Move the article to content/_trash/ (kept, never deleted); returns its new content-relative path."""
    source = inside(settings, src_uri, article=True)
    target = settings.content_dir / TRASH / src_uri
    number = 2
    while target.exists():
        target = settings.content_dir / TRASH / f"{Path(src_uri).with_suffix('').as_posix()}-{number}.md"
        number += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return target.relative_to(settings.content_dir).as_posix()


@dataclass
class Checked:
    """The board's checks on unsaved text: messages by form field, and the body as it will be published."""

    fields: dict[str, list[dict[str, str]]]
    html: str


# message code area -> the form field it concerns, for messages on no line of their own
_FIELD_OF_CODE = {"type": "type", "date": "date", "expires": "expires", "author": "author", "category": "category",
                  "tags": "tags", "cover": "cover", "event": "event_start", "poster": "poster", "story": "consent",
                  "slug": "slug", "urgent": "urgent", "notice": "expires", "review": "approved_by", "field": "title"}
_FIELD_OF_KEY = {"event": "event_start"}


def check_text(settings: Settings, src_uri: str, text: str, as_of: datetime) -> Checked:
    """Run the board's own front matter and body checks on the text the form would write."""
    path = settings.content_dir / src_uri
    source = f"{settings.content_dir.name}/{src_uri}"
    raw = RawArticle(path=path, source=source, src_uri=src_uri)
    report = Report()
    parsed = split_front_matter(raw, text.replace("\r\n", "\n"), report)
    if parsed is not None:
        check_article(parsed, settings.content_dir, report, settings.public_phones, as_of)
    line_key = {line: path[0] for path, line in raw.item_lines.items()}  # `  start:` under event: is the event's
    line_key.update({line: key for key, line in raw.key_lines.items()})
    fields: dict[str, list[dict[str, str]]] = {}
    for message in report.sorted():
        if message.line >= raw.body_line and parsed is not None:
            name = "body"
        elif message.line in line_key:
            key = line_key[message.line]
            name = _FIELD_OF_KEY.get(key, key)
        else:
            name = _FIELD_OF_CODE.get(message.code.split(".")[0], "general")
        if message.code == "field.missing":
            name = next((k for k in ("title", "author", "summary") if k in message.text), "general")
        fields.setdefault(name, []).append({"level": message.level.value, "text": message.text, "code": message.code})
    html = parse_body(raw.body).safe_html if parsed is not None else ""
    return Checked(fields, html)
