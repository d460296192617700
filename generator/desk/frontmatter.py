"""The desk's form and the article file: form fields -> front matter values, and the file text
written back with only the lines of the changed keys replaced.

Why not a YAML round-trip dumper (ruamel.yaml): it re-emits the whole block, so a staff member's
own spacing (`title:   关于…`), comment columns and indentation change even where they edited
nothing. Here PyYAML (the loader the board itself uses) gives each top-level key's line span, and
only the spans of changed keys are replaced; every other line stays byte for byte as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

import yaml

from generator.content import _Loader as FrontLoader  # the board's own loader (dates kept as text)
from generator.content import too_deep
from generator.model import category_key, type_key
from generator.timeutil import BadDate, beijing, parse_time, to_beijing

# Keys in the order the desk writes them in a new file (the content contract's table order).
ORDER = ("title", "type", "date", "expires", "author", "category", "tags", "summary", "cover", "pinned",
         "urgent", "draft", "event", "poster", "consent", "slug", "share", "editor", "approved_by")
FLAGS = ("pinned", "urgent", "draft", "consent")
POSTER_CHOICES = {"": None, "A4-portrait": None, "A4-landscape": {"size": "A4", "orientation": "landscape"},
                  "A3-portrait": {"size": "A3", "orientation": "portrait"},
                  "A3-landscape": {"size": "A3", "orientation": "landscape"}, "none": False}


@dataclass
class FileParts:
    """An article file split as the desk needs it: the front matter lines, the body, and how it was saved."""

    front_lines: list[str]
    body: str
    newline: str = "\n"
    bom: bool = False


def split_file(text: str) -> FileParts:
    """Front matter lines (between the `---` lines) and the body; a file without front matter is all body."""
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return FileParts(lines[1:index], "\n".join(lines[index + 1:]), newline, bom)
    return FileParts([], "\n".join(lines), newline, bom)


def join_file(parts: FileParts) -> str:
    text = "---\n" + "".join(line + "\n" for line in parts.front_lines) + "---\n" + parts.body
    if parts.newline != "\n":
        text = text.replace("\n", parts.newline)
    return ("\ufeff" if parts.bom else "") + text


# -- form -> wanted values ----------------------------------------------------------------------

def form_time(value: str) -> str | date | None:
    """A time field as typed -> `2026-11-20 08:30` (a plain date at 00:00). Forms staff often type
    (2026/11/20 8:30, 2026年11月20日) are taken in the contract's spelling; anything else is kept as
    typed, and the board's checks say, in Chinese next to the field, what is wrong and how to write it."""
    text = (value or "").strip().replace("T", " ")
    if not text:
        return None
    try:
        moment = parse_time(text)
    except BadDate as exc:
        if exc.hint is None:
            return text
        try:
            moment = parse_time(exc.hint)
        except BadDate:  # 2026/2/30: the check names it
            return text
    local = to_beijing(moment)
    if (local.hour, local.minute) == (0, 0):
        return local.date()
    return beijing(local, "minute")


def wanted_values(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """What the form asks for, key -> value; None means "not written" (the key is left out)."""
    def one(name: str) -> str:
        values = form.get(name) or [""]
        return (values[-1] or "").replace("\r\n", "\n").strip()

    def checked(name: str) -> bool:
        return one(name) not in ("", "0", "false")

    wanted: dict[str, Any] = {}
    for key in ("title", "author", "summary", "cover", "slug"):
        wanted[key] = one(key) or None
    wanted["type"] = one("type") or None
    wanted["category"] = one("category") or None
    wanted["date"] = form_time(one("date"))
    wanted["expires"] = form_time(one("expires"))
    tags = [t.strip() for t in form.get("tags", []) if t and t.strip()]
    wanted["tags"] = list(dict.fromkeys(tags)) or None
    for key in FLAGS:
        wanted[key] = True if checked(key) else None
    wanted["share"] = None if checked("share") else False
    start, end, location = form_time(one("event_start")), form_time(one("event_end")), one("event_location")
    if start or end or location:
        event: dict[str, Any] = {}
        if start:
            event["start"] = start
        if end:
            event["end"] = end
        if location:
            event["location"] = location
        wanted["event"] = event
    else:
        wanted["event"] = None
    wanted["poster"] = POSTER_CHOICES.get(one("poster"))
    return wanted


def poster_choice(value: Any) -> str:
    """The form's poster choice for a front matter `poster` value."""
    if value is False:
        return "none"
    if isinstance(value, dict):
        size = str(value.get("size", "A4")).upper()
        orientation = {"竖版": "portrait", "横版": "landscape"}.get(str(value.get("orientation", "portrait")),
                                                                   str(value.get("orientation", "portrait")).lower())
        choice = f"{size}-{orientation}"
        return "" if choice == "A4-portrait" else choice if choice in POSTER_CHOICES else ""
    return ""


def form_values(front: Mapping[str, Any]) -> dict[str, Any]:
    """The form filled from a file's front matter (values as the controls show them)."""
    def as_local(value: Any) -> str:
        if value is None:
            return ""
        try:
            return beijing(parse_time(value), "field")
        except (BadDate, ValueError, OverflowError):
            return ""

    event = front.get("event") if isinstance(front.get("event"), dict) else {}
    tags = front.get("tags")
    if isinstance(tags, str):
        tags = [t for t in tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    return {
        "title": _text(front.get("title")), "type": type_key(_text(front.get("type"))) or _text(front.get("type")),
        "date": as_local(front.get("date")), "expires": as_local(front.get("expires")),
        "author": _text(front.get("author")),
        "category": category_key(_text(front.get("category"))) or _text(front.get("category")),
        "tags": [str(t).strip() for t in tags] if isinstance(tags, list) else [],
        "summary": _text(front.get("summary")), "cover": _text(front.get("cover")), "slug": _text(front.get("slug")),
        "pinned": front.get("pinned") is True, "urgent": front.get("urgent") is True, "draft": front.get("draft") is True,
        "consent": front.get("consent") is True, "share": front.get("share") is not False,
        "event_start": as_local(event.get("start")), "event_end": as_local(event.get("end")),
        "event_location": _text(event.get("location")), "poster": poster_choice(front.get("poster")),
        "editor": _text(front.get("editor")), "approved_by": _text(front.get("approved_by")),
    }


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


# -- comparing: is the wanted value what the file already says? ---------------------------------

def _same(key: str, old: Any, new: Any) -> bool:
    if new is None:
        return old is None or (key in FLAGS and old is False) or (key == "share" and old is True)
    if old is None:
        return False
    if key in ("date", "expires"):
        return _moment(old) is not None and _moment(old) == _moment(new)
    if key == "type":
        return type_key(_text(old)) == new
    if key == "category":
        return category_key(_text(old)) == new
    if key == "tags":
        if isinstance(old, str):
            old = [t for t in old.replace("，", ",").replace("、", ",").split(",")]
        return isinstance(old, list) and [str(t).strip() for t in old if str(t).strip()] == new
    if key == "event":
        if not isinstance(old, dict):
            return False
        return (_moment(old.get("start")) == _moment(new.get("start")) and _moment(old.get("end")) == _moment(new.get("end"))
                and _text(old.get("location")) == _text(new.get("location")))
    if key == "poster":
        return poster_choice(old) == poster_choice(new)
    if isinstance(new, bool):
        return old is new
    return _text(old) == _text(new)


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except (BadDate, ValueError):
        return None


# -- writing -------------------------------------------------------------------------------------

def dump_key(key: str, value: Any) -> list[str]:
    """`key: value` as YAML lines the board's loader reads back to the same value (block style, 2 spaces)."""
    if isinstance(value, list):  # tags on one line, as staff write them: tags: [停水, 便民服务]
        flow = yaml.safe_dump(value, allow_unicode=True, width=100000, default_flow_style=True).strip()
        return [f"{key}: {flow}"]
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100000,
                          default_flow_style=False, indent=2)
    return text.rstrip("\n").removesuffix("\n...").split("\n")


def key_spans(lines: list[str]) -> dict[str, tuple[int, int]] | None:
    """key -> (first line, line after its value) in the front matter lines; None when it cannot be parsed."""
    text = "\n".join(lines)
    if too_deep(text):  # PyYAML would recurse until the stack runs out (the board's check says why)
        return None
    try:
        loader = FrontLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        return None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return None
    spans: dict[str, tuple[int, int]] = {}
    entries = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    for index, (key_node, value_node) in enumerate(entries):
        first = key_node.start_mark.line
        end = value_node.end_mark.line + (1 if value_node.end_mark.column > 0 else 0)
        if index + 1 < len(entries):
            end = min(max(end, first + 1), entries[index + 1][0].start_mark.line)
        end = max(end, first + 1)
        # comment lines and blank lines just before the next key belong to the next key, not to this value
        while end - 1 > first and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        spans[str(key_node.value)] = (first, end)
    return spans


def read_front(lines: list[str]) -> dict[str, Any] | None:
    text = "\n".join(lines)
    if too_deep(text):
        return None
    try:
        data = yaml.load(text, Loader=FrontLoader)  # noqa: S506 - the board's SafeLoader subclass
    except (yaml.YAMLError, RecursionError):
        return None
    return data if isinstance(data, dict) else ({} if data is None else None)


def update_front(lines: list[str], wanted: Mapping[str, Any]) -> list[str]:
    """The front matter lines with each key of `wanted` set (None: removed); untouched keys keep their lines."""
    old = read_front(lines)
    spans = key_spans(lines) if old is not None else None
    if old is None or spans is None:
        # the block cannot be read at all (a slip the checks report): write it anew from the form
        return [line for key in ORDER if wanted.get(key) is not None for line in dump_key(key, wanted[key])]
    replaced: dict[int, list[str]] = {}
    removed: set[int] = set()
    added: list[str] = []
    for key in ORDER:
        if key not in wanted or _same(key, old.get(key), wanted[key]):
            continue
        new = wanted[key]
        if key in spans:
            first, end = spans[key]
            removed.update(range(first, end))
            if new is not None:
                replaced[first] = dump_key(key, new)
        elif new is not None:
            added.extend(dump_key(key, new))
    result: list[str] = []
    for number, line in enumerate(lines):
        if number in replaced:
            result.extend(replaced[number])
        if number not in removed:
            result.append(line)
    if added:
        while result and not result[-1].strip():
            result.pop()
    return result + added
