"""The Markdown dialect of the board: Python-Markdown with the site's extensions plus `BoardExtension`.

One table (`EXTENSIONS`) is used both by the body parse in `generator.body` (which every body rule
reads) and by the MkDocs plugin, which installs the same list for page rendering, so the checks and
the pages can never read a body differently.

`BoardExtension` makes Python-Markdown safe on pasted text. Python-Markdown rescans the rest of a
paragraph for every `[`, `](`, `<` that never closes (a 30 KB line of `[](` took minutes), and
recurses once per `*` of a long run. A linear pre-pass replaces the openers that cannot form a
construct within a short distance by private-use stand-ins, which no later stage treats as markup;
the last postprocessor turns them back into the same characters (so code blocks show them too).
It also turns Word's tab-separated tables into Markdown tables and lets `images\\照片.jpg`
(Windows-style) point where staff meant.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from markdown import Extension, Markdown, inlinepatterns
from markdown.htmlparser import htmlparser
from markdown.postprocessors import Postprocessor, RawHtmlPostprocessor
from markdown.preprocessors import Preprocessor
from markdown.serializers import _escape_attrib_html
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AMP_SUBSTITUTE, AtomicString

# The site's Markdown extensions (mkdocs.yml no longer lists them: the plugin installs these).
EXTENSIONS: list[str] = ["tables", "attr_list", "md_in_html", "admonition", "toc", "pymdownx.details",
                         "pymdownx.superfences"]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}

# Stand-ins for characters that must stay plain text (private-use code points, restored at the end).
_STANDIN = {"[": "\ue000", "]": "\ue001", "(": "\ue002", "<": "\ue003", "*": "\ue004", "_": "\ue005",
            "`": "\ue006", "\\": "\ue007", "&": "\ue008", " ": "\ue009"}
_RESTORE = {v: k for k, v in _STANDIN.items()}
_RESTORE.update({"\ue003": "&lt;", "\ue008": "&amp;"})  # restored into HTML, where these are escaped
_STANDIN_RE = re.compile("[\ue000-\ue009]")
_ESCAPABLE = set("\\`*_{}[]()>#+-.!")
# The characters _defuse_chunk looks at; it skips runs of others with one regex search (a loop over
# every character cost ~0.8 s of a 1,000-article build).
_MEANINGFUL = frozenset("\n\\[]()<*_`&")
_NEXT_MEANINGFUL = re.compile(r"[\n\\\[\]()<*_`&]")
MAX_LINK_TEXT = 1000  # characters between [ and its ]: beyond that it is not a link anyone wrote
MAX_LINK_TARGET = 4096  # characters between ]( and its )
MAX_TAG = 2000  # characters between < and its >
MAX_NESTING = 4  # brackets inside brackets
MAX_RUN = 3  # *** is the longest run of * or _ with a meaning
# Python-Markdown copies a paragraph's text once per construct it finds in it; in a paragraph longer
# than LONG_UNIT, only as many constructs keep their meaning as keep that copying near linear.
LONG_UNIT = 20_000
COPY_BUDGET = 20_000_000
_UNIT_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|\||>)")


def defuse(text: str) -> str:
    """Replace openers that Python-Markdown would rescan without end by stand-ins (linear time)."""
    text = _STANDIN_RE.sub("\ufffd", text)
    out: dict[int, str] = {}  # offset -> stand-in; few, so the text is not copied character by character
    unit_start = position = 0
    for line in text.split("\n"):
        if not line.strip() or _UNIT_START.match(line):  # a blank line, a list item, heading, row, quote
            if position > unit_start:
                _defuse_chunk(text, out, unit_start, position - 1)
            unit_start = position
        position += len(line) + 1
    _defuse_chunk(text, out, unit_start, len(text))
    if not out:
        return text
    parts, last = [], 0
    for offset in sorted(out):
        parts += (text[last:offset], out[offset])
        last = offset + 1
    parts.append(text[last:])
    return "".join(parts)


def _defuse_chunk(text: str, out: dict[int, str], start: int, end: int) -> None:
    """One blank-line-separated chunk: brackets and parens matched with a stack, `<` with the next `>`.

    Every search below moves forward only, so the whole pass is linear in the chunk."""
    brackets: list[int] = []
    parens: list[int] = []
    link_parens: set[int] = set()
    next_gt = next_lt = -1
    line_blank = True  # only spaces so far on this line
    budget = max(20, COPY_BUDGET // (end - start)) if end - start > LONG_UNIT else -1
    i = start
    while i < end:
        c = text[i]
        if c not in _MEANINGFUL:  # what the steps below do for any other character, done up to the next meaningful one
            found = _NEXT_MEANINGFUL.search(text, i, end)
            j = found.start() if found else end
            if line_blank and text[i:j].strip(" "):
                line_blank = False
            i = j
            continue
        if budget == 0 and c in _STANDIN and c != " ":
            out[i] = _STANDIN[c]
            i += 1
            continue
        if budget == 0 and c == "\n" and text[i - 2:i] == "  ":  # a hard line break
            out[i - 1] = _STANDIN[" "]
        if budget > 0 and (c in "[<`*_\\&" or c == "\n" and text[i - 2:i] == "  "):
            budget -= 1
        if c == "\n":
            line_blank = True
            i += 1
            continue
        if c == "\\" and i + 1 < end and text[i + 1] in _ESCAPABLE:
            line_blank = False
            i += 2
            continue
        if c == "[":
            brackets.append(i)
        elif c == "]":
            if brackets:
                opener = brackets.pop()
                if i - opener > MAX_LINK_TEXT or len(brackets) >= MAX_NESTING:
                    out[opener] = _STANDIN["["]
            if i + 1 < end and text[i + 1] == "(":
                link_parens.add(i + 1)
        elif c == "(":
            parens.append(i)
        elif c == ")":
            if parens:
                opener = parens.pop()
                if opener in link_parens and (i - opener > MAX_LINK_TARGET or len(parens) >= MAX_NESTING):
                    out[opener] = _STANDIN["("]
                link_parens.discard(opener)
        elif c == "<":
            if next_gt < i:
                next_gt = text.find(">", i, end)
                next_gt = end if next_gt == -1 else next_gt
            if next_lt <= i:
                next_lt = text.find("<", i + 1, end)
                next_lt = end if next_lt == -1 else next_lt
            if next_gt >= end or next_gt - i > MAX_TAG or next_lt < next_gt:
                out[i] = _STANDIN["<"]
        elif c in "*_":
            run_end = i
            while run_end < end and text[run_end] == c:
                run_end += 1
            if run_end - i > MAX_RUN:
                after = run_end
                while after < end and text[after] == " ":
                    after += 1
                rule = line_blank and (after >= end or text[after] == "\n")  # a line of *** is a rule
                if not rule:
                    for k in range(i, run_end):
                        out[k] = _STANDIN[c]
            line_blank = False
            i = run_end
            continue
        if c != " ":
            line_blank = False
        i += 1
    for opener in brackets:
        out[opener] = _STANDIN["["]
    for opener in parens:
        if opener in link_parens:
            out[opener] = _STANDIN["("]


def restore(text: str) -> str:
    return _STANDIN_RE.sub(lambda m: _RESTORE[m.group(0)], text)


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def tab_tables(lines: list[str]) -> list[str]:
    """Rows pasted from Word or Excel (cells separated by tabs) become a Markdown table.

    Two or more such rows in a row, outside fenced code; the first row is the header."""
    if not any("\t" in line for line in lines):  # no row to find (most bodies): skip the walk
        return lines
    result: list[str] = []
    fence: str | None = None
    rows: list[list[str]] = []

    def flush() -> None:
        if len(rows) >= 2:
            width = max(len(r) for r in rows)
            cells = [r + [""] * (width - len(r)) for r in rows]
            result.append("| " + " | ".join(cells[0]) + " |")
            result.append("|" + " --- |" * width)
            result.extend("| " + " | ".join(r) + " |" for r in cells[1:])
        else:
            result.extend("\t".join(r) for r in rows)
        rows.clear()

    for line in lines:
        fence_mark = _FENCE.match(line)
        if fence_mark:
            mark = fence_mark.group(1)
            if fence is None:
                fence = mark[0]
            elif mark[0] == fence:
                fence = None
        if fence is None and not fence_mark and "\t" in line.strip() and not line[:1].isspace() \
                and not _UNIT_START.match(line):  # a list item or heading with a tab stays what it is
            rows.append([cell.strip().replace("|", "\\|") for cell in re.split(r"\t+", line.rstrip())])
            continue
        flush()
        result.append(line)
    flush()
    return result


class _TabTables(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return tab_tables(lines)


class _Defuse(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return defuse("\n".join(lines)).split("\n")


class _WindowsPaths(Treeprocessor):
    r"""`images\照片.jpg` means images/照片.jpg: staff on Windows write paths that way, browsers on a
    web server do not read them so. Runs before MkDocs resolves relative links."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attr = {"a": "href", "img": "src"}.get(element.tag)
            value = element.get(attr) if attr else None
            if value and "\\" in value and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
                element.set(attr, value.replace("\\", "/"))


# Python-Markdown's own inline patterns (name -> its class, and what every match of it holds).
_PATTERN_NEEDS: dict[str, tuple[type, str]] = {
    "backtick": (inlinepatterns.BacktickInlineProcessor, "`"),
    "escape": (inlinepatterns.EscapeInlineProcessor, r"\\"),
    "reference": (inlinepatterns.ReferenceInlineProcessor, r"\["),
    "link": (inlinepatterns.LinkInlineProcessor, r"\["),
    "image_link": (inlinepatterns.ImageInlineProcessor, r"\["),
    "image_reference": (inlinepatterns.ImageReferenceInlineProcessor, r"\["),
    "short_reference": (inlinepatterns.ShortReferenceInlineProcessor, r"\["),
    "short_image_ref": (inlinepatterns.ShortImageReferenceInlineProcessor, r"\["),
    "autolink": (inlinepatterns.AutolinkInlineProcessor, "<"),
    "automail": (inlinepatterns.AutomailInlineProcessor, "<"),
    "linebreak": (inlinepatterns.SubstituteTagInlineProcessor, "  \n"),
    "html": (inlinepatterns.HtmlInlineProcessor, "<"),
    "entity": (inlinepatterns.HtmlInlineProcessor, "&"),
    "em_strong": (inlinepatterns.DelimiterProcessor, r"[*_]"),
}


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline step, which skips a text no inline pattern can match: it tries each of
    its 14 patterns on every text of the tree (a third of the parse), and most texts of a Chinese
    notice hold none of the characters every match of them needs. Unknown patterns: no skip."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        patterns = self.inlinePatterns
        known = [name for name in _PATTERN_NEEDS if name in patterns]
        if len(known) == len(patterns) and all(type(patterns[n]) is _PATTERN_NEEDS[n][0] for n in known):
            self.needed = re.compile("|".join(sorted({_PATTERN_NEEDS[n][1] for n in known}))).search
        else:
            self.needed = None  # a pattern we cannot vouch for: every text goes through all of them
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self.needed is not None and not isinstance(data, AtomicString) and not self.needed(data):
            return data  # what trying every pattern returns when none matches
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]


class _Restore(Postprocessor):
    def run(self, text: str) -> str:
        md = self.md
        if getattr(md, "toc_tokens", None):
            _restore_tokens(md.toc_tokens)
        if isinstance(getattr(md, "toc", None), str):
            md.toc = restore(md.toc)
        return restore(text)


def _restore_tokens(tokens: list[dict]) -> None:
    stack = list(tokens)
    while stack:
        token = stack.pop()
        for key in ("name", "html", "data-toc-label"):
            if isinstance(token.get(key), str):
                token[key] = restore(token[key])
        stack.extend(token.get("children") or [])


class BoardExtension(Extension):
    """Registered by the plugin for MkDocs and by `generator.body` for the checks."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_TabTables(md), "board_tab_tables", 35)  # before tabs become spaces
        md.preprocessors.register(_Defuse(md), "board_defuse", 29.5)  # before fences and raw HTML
        md.treeprocessors.register(_WindowsPaths(md), "board_windows_paths", 1)  # before MkDocs' relpath (0)
        md.postprocessors.register(_Restore(md), "board_restore", 1)
        if type(md.treeprocessors["inline"]) is InlineProcessor:  # the same step, quicker
            md.treeprocessors.register(_QuickInline(md), "inline", 20)  # the name and place Python-Markdown gives it


def new_markdown() -> Markdown:
    """A Markdown converter exactly as the site renders a page (without MkDocs' link rewriting)."""
    return Markdown(extensions=[*EXTENSIONS, BoardExtension()], extension_configs=EXTENSION_CONFIGS)


# -- one parse for the checks and the page ----------------------------------------------------------
# MkDocs renders a page with the same converter plus three readers and one writer of its own: the
# anchors a page holds (tree and raw HTML), its first heading, and the rewriting of every link and
# picture target (relpath, the last tree step). `render_page` records the targets there and leaves a
# numbered marker in their place, so the page is the parse with MkDocs' targets filled in (not a
# second Python-Markdown run, about a third of a full build).
_TARGET_OPEN, _TARGET_CLOSE = "\ue0f0", "\ue0f1"
_TARGET = re.compile("\ue0f0(\\d+)\ue0f1")


@dataclass(frozen=True)
class PageParts:
    """A body rendered as MkDocs would, with its link and picture targets still to be filled in."""

    html: str  # with a marker where each target goes
    targets: tuple[str, ...]  # as written (after the board's own tree steps), in document order
    toc_tokens: list  # Python-Markdown's table of contents (MkDocs makes page.toc from it)
    anchors: frozenset[str]  # ids a link may point at (MkDocs checks links to them)

    def fill(self, values: Sequence[str] | None = None) -> str:
        """The HTML with `values` as the targets (default: the targets as written)."""
        values = self.targets if values is None else values
        return _TARGET.sub(lambda m: finish_attribute(values[int(m.group(1))]), self.html)


def finish_attribute(value: str) -> str:
    """An attribute value as it stands in the converter's output: escaped by the serializer, then
    through the postprocessors (all of them local character replacements but raw HTML's, whose
    placeholders a recorded target never holds)."""
    value = _escape_attrib_html(value)
    for step in _finishers():
        value = step.run(value)
    return value


@lru_cache(maxsize=1)
def _finishers() -> list[Postprocessor]:
    return [p for p in new_markdown().postprocessors if not isinstance(p, RawHtmlPostprocessor)]


class _Targets(Treeprocessor):
    """Registered last at priority 0, where MkDocs' relpath runs: records and marks each target."""

    def run(self, root: etree.Element) -> None:
        self.targets: list[str] = []
        self.complete = True  # False: a target the marker cannot stand for (MkDocs renders that page itself)
        for element in root.iter():
            key = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            if key is None:
                continue
            value = element.get(key)
            # no target (MkDocs itself fails), or a placeholder of raw HTML (an e-mail's &, AMP_SUBSTITUTE, is fine)
            if value is None or "\x02" in value.replace(AMP_SUBSTITUTE, ""):
                self.complete = False
                continue
            element.set(key, f"{_TARGET_OPEN}{len(self.targets)}{_TARGET_CLOSE}")
            self.targets.append(value)


class _TreeAnchors(Treeprocessor):
    """As MkDocs' _ExtractAnchorsTreeprocessor (priority 5, after toc): ids and <a name>."""

    def run(self, root: etree.Element) -> None:
        self.ids: set[str] = set()
        for element in root.iter():
            if anchor := element.get("id"):
                self.ids.add(anchor)
            if element.tag == "a" and (anchor := element.get("name")):
                self.ids.add(anchor)


class _RawAnchors(Preprocessor):
    """As MkDocs' _RawHTMLPreprocessor (priority 21): ids in raw HTML."""

    def run(self, lines: list[str]) -> list[str]:
        self.ids: set[str] = set()
        text = "\n".join(lines)
        if "<" in text and re.search("(?i)id|name", text):  # else no tag can hold an id
            parser = _IdFinder()
            parser.feed(text)
            parser.close()
            self.ids = parser.ids
        return lines


class _IdFinder(htmlparser.HTMLParser):  # type: ignore[name-defined]
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs) -> None:
        for k, v in attrs:
            if k == "id" or (k == "name" and tag == "a"):
                self.ids.add(v)
        return super().handle_starttag(tag, attrs)


def page_source(body: str) -> str:
    """The text MkDocs renders for an article body: the plugin gives it "\\n" + body, and MkDocs' meta-data
    reader makes line ends \\n and drops the leading blank lines."""
    return body.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n")


def render_page(markdown: str) -> tuple[str, PageParts | None]:
    """(HTML as the site renders it before MkDocs' link rewriting, the parts MkDocs' page is filled
    from, or None when the page must be rendered by MkDocs itself). May raise RecursionError."""
    if _TARGET_OPEN in markdown or _TARGET_CLOSE in markdown:  # the markers would be ambiguous
        return new_markdown().convert(markdown), None
    md, raw, tree, targets = _converter()
    # Reset, as Python-Markdown's reuse asks; the readers' results too: an empty text never reaches them.
    md.reset()
    raw.ids, tree.ids, targets.targets, targets.complete = set(), set(), [], True
    try:
        marked = md.convert(markdown)
    except BaseException:
        _LOCAL.__dict__.pop("converter", None)  # stopped halfway (RecursionError): never used again
        raise
    parts = PageParts(marked, tuple(targets.targets), getattr(md, "toc_tokens", []), frozenset(raw.ids | tree.ids))
    return parts.fill(), parts if targets.complete else None


# One converter per thread, reset between bodies: building one (extensions, processors) cost about
# a tenth of the parse of an average body. Threads: board serve checks a saved file meanwhile.
_LOCAL = threading.local()


def _converter() -> tuple[Markdown, "_RawAnchors", "_TreeAnchors", "_Targets"]:
    held = getattr(_LOCAL, "converter", None)
    if held is None:
        md = new_markdown()
        raw, tree, targets = _RawAnchors(md), _TreeAnchors(md), _Targets(md)
        md.preprocessors.register(raw, "board_raw_anchors", 21)
        md.treeprocessors.register(tree, "board_anchors", 5)
        md.treeprocessors.register(targets, "board_targets", 0)
        held = _LOCAL.converter = (md, raw, tree, targets)
    return held
