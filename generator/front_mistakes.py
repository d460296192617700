"""Typing slips in front matter that staff really make, found on the line where they are.

PyYAML reports a full-width colon (`title：…`) one line too late with an explanation about
quoting, reads `　urgent: true` (a full-width space first) as a different, invisible key, and
`-停水` as text. These checks read the lines themselves, so the message names the right line
and the real fix; `repair` gives the text as it was meant, so the rest of the file can still be
checked in the same run (the article itself is refused while a slip remains).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

_ASCII_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
# Keys whose value may follow the colon without a space only by mistake (`title:关于…`).
KNOWN_KEYS = ("title", "type", "date", "expires", "author", "category", "tags", "summary", "cover", "pinned",
              "urgent", "draft", "event", "poster", "consent", "slug", "share", "editor", "approved_by",
              "start", "end", "location", "size", "orientation", "communities")
_BLOCK_SCALAR = re.compile(r":[ \t]*[|>][+-]?[0-9]?[ \t]*(#.*)?$")
_BULLETS = "－—–‐‑·•●・"  # what Word, WPS and Chinese input methods put where "- " belongs
_LIST_NO_SPACE = re.compile(rf"^(?P<lead>[ \t]*)(?:-(?P<glued>[^\s\-])|(?P<bullet>[{_BULLETS}])[ \t\u3000]*(?=\S))")
_FULLWIDTH_COLON_ASCII = re.compile(rf"^(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>{_ASCII_KEY})[ \t]*：[ \t\u3000]*")
_FULLWIDTH_COLON_TOP = re.compile(r"^(?P<lead>)(?P<key>[^\s:：#'\"\[\]{},&*!|>%@`-][^\s:：#'\"\[\]{},]{0,19})[ \t]*：[ \t\u3000]*")
_NO_SPACE = re.compile(rf"^(?P<lead>[ \t]*)(?P<key>{'|'.join(KNOWN_KEYS)}):(?=[^ \t\r\n])")

COLON_FIX = "把中文冒号“：”改成英文冒号加空格“: ”"


def is_invisible(char: str) -> bool:
    """Spaces other than the plain one, and characters that take no room (zero-width, BOM, soft hyphen)."""
    if char in " \t\n":
        return False
    return unicodedata.category(char) in ("Zs", "Cf", "Zl", "Zp") or char in "\u180e"


def describe_invisible(text: str) -> str:
    """Name the invisible characters in `text` the way staff can look for them."""
    names = []
    for char in text:
        if not is_invisible(char):
            continue
        if char == "\u3000":
            name = "全角空格"
        elif unicodedata.category(char) == "Zs":
            name = "特殊空格"
        else:
            name = "零宽字符"
        if name not in names:
            names.append(name)
    return "、".join(names) or "特殊空格"


def make_visible(text: str) -> str:
    """`text` with each invisible character replaced by its name in brackets, for messages and the preview."""
    out = []
    for char in text:
        if char == "\t":
            out.append("［制表符］")
        elif char == "\u3000":
            out.append("［全角空格］")
        elif is_invisible(char):
            out.append("［" + describe_invisible(char) + "］")
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Slip:
    """One slip: 1-based line within the given text, a stable code, and the message for staff."""

    line: int
    code: str
    text: str
    fixed: str  # the line as it was meant


def find_slips(text: str) -> list[Slip]:
    """Every slip in the front matter `text`, in line order (at most one per line: the first to fix)."""
    slips: list[Slip] = []
    block_indent: int | None = None  # indentation of the key that opened a `|`/`>` block scalar
    previous = ""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = None
        if not line.strip() or stripped.startswith("#"):
            continue
        slip = _slip(number, line, previous)
        if slip:
            slips.append(slip)
            line = slip.fixed
        if _BLOCK_SCALAR.search(line):
            block_indent = len(line) - len(line.lstrip(" "))
        previous = line
    return slips


def _slip(number: int, line: str, previous: str) -> Slip | None:
    match = re.match(r"^([^:：]*)([:：])?", line)
    head, colon = match.group(1), match.group(2)
    lead = head[: len(head) - len(head.lstrip("".join({" ", "\t", *filter(is_invisible, head)})))]
    key = "".join(c for c in head if not is_invisible(c)).strip()
    keyish = colon is not None and (re.fullmatch(_ASCII_KEY, key) is not None
                                    or (line[:1] not in " \t" and 0 < len(key) <= 20 and " " not in key))
    listish = key.startswith(("-", *_BULLETS)) and any(map(is_invisible, lead))
    if any(map(is_invisible, head)) and (keyish or listish):
        what = describe_invisible(head)
        nested = previous.rstrip().endswith((":", "：")) and bool(previous[:1].strip())
        cleaned = "".join(c for c in head if not is_invisible(c))
        if nested and not cleaned[:1].isspace():
            cleaned = "  " + cleaned
        key = key or "这一项"
        return Slip(number, "frontmatter.invisible_space",
                    f"“{key}”这一行里有看不见的{what}（常见于从微信、Word 复制或用中文输入法打字），"
                    f"所以“{key}”不会被认出来、这一行不起作用。请把这一行的名称和冒号重新用英文输入法打一遍"
                    f"（名称顶格写，event、poster 下面的项目用两个英文空格缩进）。",
                    cleaned + line[len(head):])
    for pattern in (_FULLWIDTH_COLON_ASCII, _FULLWIDTH_COLON_TOP):
        match = pattern.match(line)
        if match:
            key = match.group("key")
            return Slip(number, "frontmatter.fullwidth_colon",
                        f"“{key}”后面用了中文冒号“：”，这一行读不出来。请{COLON_FIX}，例如 {key}: ……",
                        f"{match.group('lead')}{key}: {line[match.end():]}")
    match = _NO_SPACE.match(line)
    if match:
        key = match.group("key")
        rest = line[match.end():]
        what = "全角空格" if rest.startswith("\u3000") else "空格"
        return Slip(number, "frontmatter.colon_no_space",
                    f"“{key}:”后面少了一个英文空格（现在紧跟着{what if what == '全角空格' else '内容'}），这一行读不出来。"
                    f"请写成“{key}: 内容”：英文冒号后加一个英文空格。",
                    f"{match.group('lead')}{key}: {rest.lstrip(chr(0x3000))}")
    match = _LIST_NO_SPACE.match(line)
    if match and line.strip() != "---":
        item = line[match.end():].strip() if match.group("bullet") else line[match.start("glued"):].strip()
        if match.group("bullet"):
            wrong = f"“{match.group('bullet')}”"
            text = f"列表的这一项用了{wrong}开头。列表每一项要用英文减号加空格开头，请写成“- {item}”。"
        else:
            text = f"列表的这一项“-{item}”减号后面少了空格，会被当成一段文字。请写成“- {item}”（英文减号后加一个空格）。"
        return Slip(number, "frontmatter.list_no_space", text, f"{match.group('lead')}- {item}")
    return _tab_slip(number, line)


_TAB_LEAD = re.compile(r"^ *\t[ \t]*")
_TAB_AFTER_KEY = re.compile(r"^(?P<key>[ ]*(?:- +)?[^\s:#\"'][^:#\"']*:)[ ]*\t[ \t]*")
_TAB_END = re.compile(r"[ ]*\t[ \t]*(?P<comment>#.*)?$")  # left at the end, or before a comment


def _tab_slip(number: int, line: str) -> Slip | None:
    """A Tab key pressed to indent, to line values up after the colon, or left at the end (or before a
    comment): PyYAML stops at the first and names none of the others. A tab inside quotes is text."""
    fixed = line
    lead = _TAB_LEAD.match(fixed)
    if lead:
        fixed = lead.group().replace("\t", "  ") + fixed[lead.end():]
    after = _TAB_AFTER_KEY.match(fixed)
    if after:
        fixed = after.group("key") + " " + fixed[after.end():]
    end = _TAB_END.search(fixed)
    if end:
        fixed = fixed[:end.start()] + (" " + end.group("comment") if end.group("comment") else "")
    if fixed == line:
        return None
    if lead:
        return Slip(number, "frontmatter.tab_indent", "这一行开头用了制表符（Tab 键），读不出来。请只用英文空格缩进："
                    "名称顶格写，下一层的项目（如 event 下面的 start）用两个英文空格缩进。", fixed)
    return Slip(number, "frontmatter.tab", "这一行用了制表符（Tab 键），读不出来。请把它换成一个英文空格"
                "（写成“名称: 内容”）；行末的 Tab 直接删掉。", fixed)


def repair(text: str, slips: list[Slip]) -> str:
    """The front matter as it was meant, line numbers unchanged."""
    lines = text.split("\n")
    for slip in slips:
        lines[slip.line - 1] = slip.fixed
    return "\n".join(lines)


_DRAFT_WORDS = ("draft", "drafts", "草稿", "草稿箱", "未发布", "不发布", "暂不发布")


def looks_like_draft(key: str) -> bool:
    """`Draft`, `drafts`, `DRAFT`, `草稿`, `draft ` with odd spaces, `dratf`: someone meant `draft`."""
    plain = "".join(c for c in unicodedata.normalize("NFKC", str(key)) if not (c.isspace() or is_invisible(c)))
    plain = plain.casefold().strip("_-:：")
    if plain == "draft" and plain == str(key):
        return False  # the key itself
    if "draft" in plain or "草稿" in plain or plain in _DRAFT_WORDS:
        return True
    return plain[:1] == "d" and difflib.SequenceMatcher(None, plain, "draft").ratio() >= 0.75
