"""Find article files under content/, read them and split off the front matter.

Nothing here judges the values; it only turns bytes into (front matter mapping,
line of every key, body) or a message saying why it could not.
"""

from __future__ import annotations

import errno
import html
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from generator.controls import CONTROL, describe
from generator.front_mistakes import find_slips, repair
from generator.messages import Report, shown

MAX_FILE_BYTES = 2 * 1024 * 1024  # a 2 MB article is already a book; bigger is a mistake
MAX_FRONT_MATTER_LINES = 200


def is_hidden(part: str) -> bool:
    """Files and folders starting with `_` or `.` are not articles (contract)."""
    return part.startswith(("_", "."))


@dataclass
class ContentFiles:
    """What may be read under content/: regular files whose real path stays inside it."""

    articles: list[Path] = field(default_factory=list)  # *.md, in a stable order
    files: set[str] = field(default_factory=set)  # every other readable file, content-relative, '/'-separated


def scan_content(content_dir: Path, report: Report | None = None, project_root: Path | None = None) -> ContentFiles:
    """The one walk of content/ that every reader uses (articles, pictures, attachments).

    Symlinks are never followed out of content/ (a link to /etc/passwd or ~/.ssh would be
    published), folder links are not followed at all (a loop would never end), and anything that
    is not a regular file (a FIFO named *.md would hang the reader) is refused; each with a message.
    Only lstat/stat are called here: nothing is opened.
    """
    root = Path(os.path.realpath(content_dir))
    shown_root = project_root or content_dir.parent
    found = ContentFiles()

    def say(path: Path, code: str, text: str, warning: bool = False) -> None:
        if report is not None:
            (report.warning if warning else report.error)(rel_path_lexical(path, shown_root), 1, text, code=code)

    for folder, dirs, names in os.walk(content_dir, followlinks=False):
        base = Path(folder)
        for name in sorted(dirs):
            if is_hidden(name):
                dirs.remove(name)
                continue
            path = base / name
            if path.is_symlink():
                dirs.remove(name)  # os.walk does not enter it anyway; said here so it is never silent
                if _leaves(path, root):
                    say(path, "content.symlink_outside",
                        f"文件夹“{name}”是指向 content 外面（{os.readlink(path)}）的链接（快捷方式），里面的文件不会读取，也不会发布。"
                        "请删除这个链接；要发布的文件请复制到 content 里。")
                else:
                    say(path, "content.symlink_folder",
                        f"文件夹“{name}”是一个链接（快捷方式），里面的文件不会读取。请把文件直接放进 content 里的普通文件夹。",
                        warning=True)
        dirs.sort()
        for name in sorted(names):
            if is_hidden(name):
                continue
            path = base / name
            kind = _file_kind(path, root)
            if kind == "outside":
                say(path, "content.symlink_outside",
                    f"“{name}”是指向 content 外面（{os.readlink(path)}）的链接（快捷方式），不会读取，也不会发布。"
                    "请删除这个链接；要发布的文件请复制到 content 里。")
            elif kind == "loop":
                say(path, "content.symlink_broken",
                    f"“{name}”是一个打不开的链接（快捷方式）：它指向的文件不存在，或链接绕成了圈。请删除它。")
            elif kind == "special":
                say(path, "content.not_regular_file",
                    f"“{name}”不是普通文件（是管道、设备或套接字），不能读取。请删除它，文章和图片都应是普通文件。")
            elif name.lower().endswith(".md"):
                found.articles.append(path)
            else:
                found.files.add(path.relative_to(content_dir).as_posix())
    found.articles.sort()
    return found


def _leaves(path: Path, root: Path) -> bool:
    """True when the real path of `path` (links followed, loops tolerated) is outside root."""
    real = Path(os.path.realpath(path))
    return real != root and root not in real.parents


def _file_kind(path: Path, root: Path) -> str:
    """regular | outside (a link out of content/) | loop (dangling or circular link) | special."""
    try:
        if path.is_symlink():
            if _leaves(path, root):
                return "outside"
            info = path.stat()  # follows the link; raises on loops and dangling links
        else:
            info = path.lstat()
    except (OSError, RuntimeError, ValueError):
        return "loop"
    return "regular" if stat.S_ISREG(info.st_mode) else "special"


def iter_article_files(content_dir: Path, report: Report | None = None) -> Iterator[Path]:
    """Every readable `*.md` under content_dir, in a stable order, skipping `_`/`.` names."""
    yield from scan_content(content_dir, report).articles


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most limit + 1 of them; OSError for anything else.
    Non-blocking open and fstat: a file swapped for a FIFO after the scan still cannot hang us."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "不是普通文件")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


@dataclass
class RawArticle:
    """An article file split into front matter and body, with the line of each key."""

    path: Path
    source: str  # relative to the project root, '/'-separated, for messages
    src_uri: str  # relative to content/
    front: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key (as str(key) of the loaded key) -> line
    item_lines: dict[tuple[str, ...], int] = field(default_factory=dict)  # ("event", "start"), ("tags", "1") -> line
    body: str = ""
    body_line: int = 1  # file line where the body starts
    front_end_line: int = 1  # the closing `---`
    slips: int = 0  # typing slips found in the front matter (reported; the article is refused)
    parsed: Any = None  # the body's ParsedBody when already known (a street article parsed once for all communities)

    def line_of(self, key: str, *inner: str | int) -> int:
        """The line of `key` (or of `key`'s item `inner`, e.g. line_of("event", "start")): the nearest
        written ancestor when an inner one is missing, else line 1."""
        path = (key, *(str(part) for part in inner))
        while len(path) > 1:
            if path in self.item_lines:
                return self.item_lines[path]
            path = path[:-1]
        return self.key_lines.get(key, 1)


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates and numbers as text, as staff wrote them: we parse dates ourselves
    (with Chinese hints), and no front matter value is a number (YAML would turn `slug: 007` into 7,
    `title: .nan` into nan, `date: 2026.1120` into 2026.112, and 5000 nines into an error)."""


_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in _AS_TEXT]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# The tags YAML gives plain values and blocks; any other (`!!binary`, `!!set`, `!!python/…`, `!x`) was
# written out by hand, and would turn text into bytes, sets or an error.
PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
              "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
TAG_FIX = ("信息块里只写文字、true/false 和日期：如果 ! 是内容的一部分，请把整个内容用英文双引号括起来，"
           "例如 summary: \"!重要 明天停水\"；否则请删掉 ! 开头的那一段。")
EMPTY_KEY = ("这一行冒号前面没有写名称，读不出这是什么内容。请在冒号前写上名称，例如 title: 关于停水的通知"
             "（名称后是英文冒号加空格）；用不着这一行就删掉它。")
MAX_DEPTH = 20  # nesting of [ ] and { }: event and poster need two levels; deeper is pasted junk


def decode(data: bytes, source: str, report: Report) -> str | None:
    """UTF-8 (with or without BOM) passes; anything else is an error naming the likely encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(source, line, describe_bad_encoding(data), code="encoding.not_utf8")
        return None
    if "\x00" in text:
        report.error(source, text[: text.index("\x00")].count("\n") + 1, describe_bad_encoding(data), code="encoding.null_byte")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def guess_encoding(data: bytes) -> str | None:
    """The encoding a non-UTF-8 file most likely uses, or None for bytes that are not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if len(data) > 3 and data[1::2].count(0) > len(data) // 4:
        return "UTF-16"
    for name in ("gb18030",):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return "GBK"
    return None


def describe_bad_encoding(data: bytes) -> str:
    kind = guess_encoding(data)
    if kind == "GBK":
        return ("文件不是 UTF-8 编码，看起来是 GBK/GB18030（记事本或 WPS 的“ANSI”保存方式）。"
                "请用记事本“另存为”，编码选“UTF-8”后保存，或运行 board check --fix-encoding 自动转换。")
    if kind == "UTF-16":
        return ("文件是 UTF-16（“Unicode”）编码。请用记事本“另存为”，编码选“UTF-8”后保存，"
                "或运行 board check --fix-encoding 自动转换。")
    return "文件里有无法识别的字节，不是文本文件。请确认这是用记事本等编辑器保存的 Markdown 文本，而不是 Word 文档或图片。"


def read_article(path: Path, project_root: Path, content_dir: Path, report: Report,
                 data: bytes | None = None) -> RawArticle | None:
    """Read one file (or take its bytes, read already); on any problem add messages to `report` and return None."""
    source = rel_path(path, project_root)
    raw = RawArticle(path=path, source=source, src_uri=path.relative_to(content_dir).as_posix())
    if data is not None and len(data) <= MAX_FILE_BYTES:
        return _read_text(raw, data, report)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(source, 1, f"文件太大（{size // 1024} KB），一篇文章不应超过 {MAX_FILE_BYTES // 1024 // 1024} MB。"
                         "请把正文拆成几篇，或删去粘贴进来的多余内容。", code="file.too_big")
            return None
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        report.error(source, 1, f"无法读取文件（{exc.strerror}）。请检查文件是否被其他程序占用或权限不足。", code="file.unreadable")
        return None
    return _read_text(raw, data, report)


def _read_text(raw: RawArticle, data: bytes, report: Report) -> RawArticle | None:
    source = raw.source
    text = decode(data, source, report)
    if text is None:
        return None
    if not text.strip():
        report.error(source, 1, "文件是空的。请按模板写上开头的 --- 信息块和正文，或删除这个文件。", code="file.empty")
        return None
    return split_front_matter(raw, text, report)


def split_front_matter(raw: RawArticle, text: str, report: Report) -> RawArticle | None:
    lines = text.split("\n")
    first = lines[0].strip()
    if first != "---":
        hint = "文件第一行必须是三个减号 ---，然后写标题、类型、日期等信息，再用一行 --- 结束。"
        if first.startswith(("－－－", "——", "—")):
            hint = "第一行用了中文的破折号或全角减号，请改成英文半角的三个减号 ---。"
        report.error(raw.source, 1, f"缺少开头的信息块（front matter）。{hint}", code="frontmatter.missing")
        return None
    close = next((i for i in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1))
                  if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        report.error(raw.source, 1, "开头的信息块没有结束：在标题、日期等信息后面另起一行，写上三个减号 ---，再写正文。", code="frontmatter.unclosed")
        return None
    yaml_text = "\n".join(lines[1:close])
    raw.front_end_line = close + 1
    raw.body_line = close + 2
    raw.body = _without_controls("\n".join(lines[close + 1:]), raw, report)
    front = parse_yaml(yaml_text, raw, report)
    if front is None:
        return None
    raw.front = front
    return raw


def _without_controls(body: str, raw: RawArticle, report: Report) -> str:
    """The body without invisible control characters (pasted from Word or a web page), written as they
    are or as numeric references (`&#1;`, `&#xFFFE;`, `&#xD800;`), each line named."""
    if not CONTROL.search(body) and not (BAD_REFERENCE_START in body and any(map(_bad_reference, _CHARREF.finditer(body)))):
        return body
    lines = body.split("\n")
    for number, line in enumerate(lines):
        if CONTROL.search(line):
            report.warning(raw.source, raw.body_line + number,
                           f"这一行有看不见的控制字符（{describe(line)}），发布时已删除。常见于从 Word 或网页粘贴的内容。",
                           code="body.control_character")
            line = CONTROL.sub("", line)
        bad = [match.group() for match in _CHARREF.finditer(line) if _bad_reference(match)] if BAD_REFERENCE_START in line else []
        if bad:
            report.warning(raw.source, raw.body_line + number,
                           f"这一行的“{shown(bad[0], 24)}”{'等' if len(bad) > 1 else ''}不是能显示的字符（看不见的控制字符或无效的字符编号），"
                           "发布时已删除。要写某个符号，请直接输入这个符号。", code="body.bad_character_reference")
            line = _CHARREF.sub(lambda match: "" if _bad_reference(match) else match.group(), line)
        lines[number] = line
    return "\n".join(lines)


BAD_REFERENCE_START = "&#"
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")  # Markdown passes only these (with the ;) to the page


def _bad_reference(match: re.Match) -> bool:
    """A numeric character reference browsers would show as a control, a noncharacter or U+FFFD."""
    digits = (match.group(1) or match.group(2)).lstrip("0") or "0"
    if len(digits) > 8:  # past U+10FFFF in any base; int() of 5000 digits would raise
        return True
    number = int(digits, 16 if match.group(1) else 10)
    if number == 0 or 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
        return True
    char = html.unescape(match.group())  # 0x80-0x9F become Windows-1252 characters, as in browsers
    return not char or bool(CONTROL.search(char))


def parse_yaml(yaml_text: str, raw: RawArticle, report: Report) -> dict[str, Any] | None:
    """Safe-load the front matter, reporting syntax errors at their line in the file."""
    offset = 2  # the YAML starts on line 2 of the file
    if CONTROL.search(yaml_text):  # raw: YAML would end the line at U+2028 or NEL and blame the next one, or stop at the first
        lines = yaml_text.split("\n")
        for number, line in enumerate(lines):
            if CONTROL.search(line):
                report.error(raw.source, offset + number, f"这一行有看不见的控制字符（{describe(line)}，常见于从 Word、WPS 或网页粘贴的内容），"
                             "信息块读不准。请删掉这一行，重新用键盘输入。", code="frontmatter.control_character")
                raw.slips += 1
                lines[number] = CONTROL.sub("", line)
        yaml_text = "\n".join(lines)
    slips = find_slips(yaml_text)
    for slip in slips:
        report.error(raw.source, offset + slip.line - 1, slip.text, code=slip.code)
    if slips:  # read the text as it was meant, so the rest of the file is checked in this run too
        raw.slips += len(slips)
        yaml_text = repair(yaml_text, slips)
    for number, line in enumerate(yaml_text.split("\n"), start=offset):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            report.error(raw.source, number, "这一行开头用了制表符（Tab 键）。信息块里请只用空格缩进。", code="frontmatter.tab_indent")
            return None
    try:
        loader = _Loader(yaml_text)
    except yaml.reader.ReaderError as exc:
        report.error(raw.source, offset + yaml_text.count("\n", 0, exc.position),
                     "这一行有看不见的控制字符（常见于从 Word 或网页粘贴的内容）。请删掉这一行，重新用键盘输入。", code="frontmatter.control_character")
        return None
    try:
        if too_deep(yaml_text):
            report.error(raw.source, offset + _deepest_line(yaml_text),
                         f"这一行的方括号 [ ] 或花括号 {{ }} 一层套一层，超过了 {MAX_DEPTH} 层，信息块读不出来。"
                         "请删去多余的括号：标签写成 tags: [停水, 通知]，活动写成 event: 下面缩进两格的 start、end、location。",
                         code="frontmatter.too_deep")
            return None
        node = loader.get_single_node()
        if node is None:
            report.error(raw.source, 1, "开头的信息块是空的。至少要写 title（标题）、type（类型）和 date（日期）。", code="frontmatter.empty")
            return None
        if not isinstance(node, yaml.MappingNode):
            report.error(raw.source, offset + node.start_mark.line,
                         "信息块的格式不对：每一行应是“名称: 内容”，例如 title: 关于冬季大扫除的通知。", code="frontmatter.not_mapping")
            return None
        if not _check_nodes(node, raw, report, offset):
            return None
        data = loader.construct_document(node)
        _record_lines(node, loader, raw, offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context == "while scanning a simple key" and exc.context_mark:
            mark = exc.context_mark  # PyYAML notices the missing ':' on the next line; the key is on this one
        line = offset + (mark.line if mark else 0)
        lines = yaml_text.split("\n")
        text_line = lines[line - offset] if 0 <= line - offset < len(lines) else ""
        code, text = yaml_error_text(exc, text_line)
        report.error(raw.source, line, text, code=code)
        return None
    except RecursionError:  # nesting by indentation or `- - - -`: the bracket count above misses it
        report.error(raw.source, 1, "信息块一层套一层太深，读不出来。请对照模板重写信息块：名称顶格写，"
                     "只有 event、poster 下面的项目缩进两个空格。", code="frontmatter.too_deep")
        return None
    except (yaml.YAMLError, ValueError):
        report.error(raw.source, 1, "信息块无法读取。请对照模板检查冒号（英文半角，后加空格）、引号和缩进。",
                     code="frontmatter.unreadable")
        return None
    finally:
        loader.dispose()
    return data


def _record_lines(root: yaml.MappingNode, loader: yaml.SafeLoader, raw: RawArticle, offset: int) -> None:
    """The line of every key and list item, named as the checks see them: by the loaded key (`~:` is
    None, `true:` is True, so str() of them), nested ones by their path."""
    stack: list[tuple[tuple[str, ...], yaml.Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [(_key_name(key_node, loader), key_node, value) for key_node, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(str(index), item, item) for index, item in enumerate(node.value)]
        else:
            continue
        for name, where, value in children:
            line = offset + where.start_mark.line
            if path:
                raw.item_lines.setdefault((*path, name), line)
            else:
                raw.key_lines.setdefault(name, line)
            stack.append(((*path, name), value))


def _key_name(key_node: yaml.Node, loader: yaml.SafeLoader) -> str:
    if isinstance(key_node, yaml.ScalarNode):
        return str(loader.construct_object(key_node))
    return ""


def _check_nodes(root: yaml.Node, raw: RawArticle, report: Report, offset: int) -> bool:
    """Refuse aliases (a YAML bomb needs them; staff never do) and duplicate keys."""
    from collections import deque

    seen: set[int] = set()
    queue: deque[tuple[yaml.Node, int]] = deque([(root, root.start_mark.line)])  # document order
    ok = True
    while queue:
        node, line_index = queue.popleft()
        if id(node) in seen:
            report.error(raw.source, offset + line_index,
                         "信息块里用了 YAML 锚点或别名（& 或 *）。请直接写出内容，不要用 & 和 * 引用。", code="frontmatter.alias")
            return False
        seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            report.error(raw.source, offset + node.start_mark.line,
                         f"这一行的内容以英文感叹号开头（“{_tag_shown(node.tag)}”），会被当成 YAML 的类型标记，读出来不是原来的文字。"
                         + TAG_FIX, code="frontmatter.yaml_tag")
            ok = False
            continue
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
                line = offset + key_node.start_mark.line
                if key in keys:
                    report.error(raw.source, line,
                                 f"“{key}”写了两次（另一次在第 {keys[key]} 行）。请删掉其中一行。", code="frontmatter.duplicate_key")
                    ok = False
                keys[key] = line
                queue.append((key_node, key_node.start_mark.line))
                queue.append((value_node, key_node.start_mark.line))
        elif isinstance(node, yaml.ScalarNode) and CONTROL.search(str(node.value)):
            report.error(raw.source, offset + node.start_mark.line,
                         f"这一行有看不见的控制字符（{describe(str(node.value))}，例如写成 \\x07、\\u0085 的转义）。"
                         "它会破坏日历和订阅。请删掉它，只写普通文字。", code="frontmatter.control_character")
            ok = False
        elif isinstance(node, yaml.SequenceNode):
            # an alias shares its anchor's node (and mark); the later line is where it is used
            queue.extend((item, max(item.start_mark.line, line_index)) for item in node.value)
    return ok


def _tag_shown(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def too_deep(yaml_text: str) -> bool:
    """More than MAX_DEPTH open brackets at once (flow style), which PyYAML would recurse into until
    Python's stack runs out. Brackets inside quotes count too: a bound, not a parse."""
    depth = 0
    for char in yaml_text:
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth = max(depth - 1, 0)
    return False


def _deepest_line(yaml_text: str) -> int:
    """0-based line of the YAML text where the bracket depth first passes MAX_DEPTH."""
    depth = 0
    for index, char in enumerate(yaml_text):
        depth += 1 if char in "[{" else -1 if char in "]}" and depth else 0
        if depth > MAX_DEPTH:
            return yaml_text.count("\n", 0, index)
    return 0


def yaml_error_text(exc: yaml.MarkedYAMLError, line: str = "") -> tuple[str, str]:
    """(message code, Chinese explanation) for a YAML syntax error on `line`."""
    problem = (exc.problem or "") + " " + (exc.context or "")
    if line.strip()[:1] in (":", "："):
        return "frontmatter.empty_key", EMPTY_KEY
    if line[:1] == " " and ("mapping values are not allowed" in problem or "expected <block end>" in problem):
        return "frontmatter.indent", "这一行的缩进不对：title、type、date 等名称要顶格写；只有 event、poster 下面的项目才缩进两个空格。"
    if "mapping values are not allowed" in problem:
        return "frontmatter.colon", ("这一行的冒号用法不对：内容里如果有英文冒号“:”，请把整个内容用英文双引号括起来，"
                                     "例如 title: \"通知：停水\"；名称后面的冒号要紧跟一个空格。")
    if "could not find expected ':'" in problem or "could not find expected ':'" in str(exc):
        return "frontmatter.colon_missing", "这一行缺少英文冒号，或者冒号后没有空格。每行应写成“名称: 内容”，冒号为英文半角，后面加一个空格。"
    if "while parsing a tag" in problem or "while scanning a tag" in problem or "undefined tag handle" in problem:
        return "frontmatter.yaml_tag", "这一行的内容以英文感叹号 ! 开头，会被当成 YAML 的类型标记，读不出来。" + TAG_FIX
    if "found character '\\t'" in problem:
        return "frontmatter.tab", "这一行用了制表符（Tab 键）。信息块里请只用空格。"
    if "quoted scalar" in problem or "found unexpected end of stream" in problem:
        return "frontmatter.quote", "引号没有配对：以英文双引号开头的内容，结尾也要有英文双引号。"
    if "found undefined alias" in problem or "found unknown escape" in problem:
        return "frontmatter.special_character", "内容里有特殊符号（* & \\ 等）。请把整个内容用英文双引号括起来。"
    if "block mapping" in problem or "indentation" in problem or "expected <block end>" in problem:
        return "frontmatter.indent", "这一行的缩进不对：顶格写“名称: 内容”；event、poster 下面的项目统一缩进两个空格。"
    return "frontmatter.syntax", "信息块格式有误，无法读取这一行。请对照模板检查冒号（英文半角，后加空格）、引号和缩进。"


def rel_path_lexical(path: Path, root: Path) -> str:
    """path relative to root without following links (a link is named by its own name)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return path.as_posix()


def rel_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
