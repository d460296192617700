"""Body rules, all reading the one parse of the body (`generator.body`): the body can be read, personal
numbers, links and images, unsafe HTML. Also the privacy check of the front matter and file names."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.body import MAX_DEPTH, ParsedBody, TextBlock, parse_body
from generator.content import RawArticle
from generator.links import EXTERNAL
from generator.messages import Report
from generator.privacy import advice, find_personal_numbers


@dataclass
class BodyResult:
    parsed: ParsedBody
    article_links: list[tuple[int, str, str]] = field(default_factory=list)  # (file line, written, src_uri)
    assets: list[str] = field(default_factory=list)  # content-relative files the body uses


def check_body(raw: RawArticle, content_dir: Path, report: Report, public: tuple[str, ...] = ()) -> BodyResult:
    """Parse the body once and run every body rule on it."""
    parsed = raw.parsed if raw.parsed is not None else parse_body(raw.body)
    result = BodyResult(parsed)
    if parsed.problem is not None:
        line, _ = parsed.problem
        report.error(raw.source, raw.body_line + line - 1,
                     f"这里的列表或引用（行首的 -、1.、>）一层套一层，超过了 {MAX_DEPTH} 层，网页无法显示。"
                     "常见原因是从网页或 Word 粘贴时带进了很多缩进或符号。请删去多余的缩进和行首符号，最多套两三层。",
                     code="body.too_deep")
        return result
    check_privacy(raw, public, report, parsed)
    check_unsafe_html(raw, parsed, report)
    result.article_links, result.assets = check_links(raw, parsed, content_dir, report, public)
    return result


def check_privacy(raw: RawArticle, public: tuple[str, ...], report: Report, parsed: ParsedBody | None = None) -> None:
    """Personal numbers in the folder and file names, every front matter value and the published body
    (its rendered text, and the attributes: alt text, link targets)."""
    for part in raw.src_uri.split("/"):
        for finding in find_personal_numbers(os.path.splitext(part)[0] if part.endswith(".md") else part, public):
            report.error(raw.source, 1, f"文件名或文件夹名“{part}”里有疑似{finding.kind}（{finding.masked}）。"
                                        "请改个名字，不要包含个人号码。", code="privacy.file_name")
    for key, value in raw.front.items():
        for inner, text in _strings(value):
            for finding in find_personal_numbers(text, public):
                report.error(raw.source, raw.line_of(str(key), *inner),
                             f"“{key}”里有疑似{finding.kind}（{finding.masked}），公开发布会泄露个人信息。{advice(finding.kind)}",
                             code="privacy.front_matter")
    if parsed is None:
        return
    seen: set[tuple[int, str]] = set()
    for block in (*parsed.blocks, *parsed.attributes):
        for finding in find_personal_numbers(block.text, public):
            line = raw.body_line + block.line_at(finding.start) - 1
            if (line, finding.masked) in seen:
                continue  # the same number as text and as its link target
            seen.add((line, finding.masked))
            report.error(raw.source, line, f"正文里有疑似{finding.kind}（{finding.masked}），公开发布会泄露个人信息。{advice(finding.kind)}",
                         code="privacy.body")


def _strings(value: Any, path: tuple[str, ...] = ()):
    """(path inside the value, text) of every text in a front matter value: the path names its line."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, str(value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, str(index)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))


def check_unsafe_html(raw: RawArticle, parsed: ParsedBody, report: Report) -> None:
    for line, what, code in sorted(set(parsed.unsafe)):
        if code == "html.external_image":
            text = (f"正文里的{what}不会显示：网站不从外网加载任何内容（保护读者隐私，内网也能打开）。"
                    "请把图片下载下来，放进 content 文件夹，写相对路径，例如 images/照片.jpg。")
        elif code == "html.site_class":
            text = f"正文里的 {what} 是网站自己用的样式名，文章里不能用，发布时已删除。请直接写文字，需要强调时用 **加粗**。"
        else:
            text = f"正文里的 {what} 可能运行脚本或破坏页面，发布时已删除。请不要从网页或 Word 里直接粘贴代码，只写文字和图片。"
        report.warning(raw.source, raw.body_line + line - 1, text, code=code)


def check_links(raw: RawArticle, parsed: ParsedBody, content_dir: Path, report: Report,
                public: tuple[str, ...] = ()) -> tuple[list[tuple[int, str, str]], list[str]]:
    """Errors for paths leaving content/ and missing files. Returns the links to other articles (for a
    later check) and the files the article uses (content-relative): only those are published."""
    from generator.checks import exists, resolve_inside

    article_links: list[tuple[int, str, str]] = []
    assets: list[str] = []
    root = content_dir.resolve()
    for link in parsed.links:
        target = link.target.strip()
        line = raw.body_line + link.line - 1
        what = "图片" if link.image else "链接"
        if not target or EXTERNAL.match(target) or target.lower().startswith(("javascript:", "vbscript:", "data:")):
            continue
        if target.lower().startswith(("file:", "ftp:", "//")) or ":" in target.split("/")[0] and not target[1:2] == ":":
            if target.lower().startswith(("file:", "//")):
                report.error(raw.source, line, f"{what}“{target}”指向本机或其他电脑上的文件，读者打不开。请把文件放进 content 文件夹，写相对路径。", code="link.local_file")
            continue
        path_part = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if not path_part:
            continue
        resolved = resolve_inside(raw.path.parent, path_part, content_dir)
        if resolved is None:
            report.error(raw.source, line, f"{what}“{target}”指到了 content 文件夹外面（或是绝对路径），发布后读者打不开，也可能泄露电脑上的文件。"
                                          "请把文件放进 content 里，写相对于本文的路径，例如 images/照片.jpg。", code="link.outside_content")
            continue
        relative = resolved.relative_to(root).as_posix() if resolved != root else ""
        if resolved.suffix.lower() == ".md":
            article_links.append((line, target, relative))
            continue
        if not exists(resolved) or resolved.is_dir():
            near = _near_name(resolved, raw.path.parent)
            hint = f"是不是想写“{near}”？（文件名的大小写、空格和扩展名都要和文件完全一样。）" if near else \
                "请检查文件名（包括 .jpg/.png 等扩展名）和所在文件夹，路径相对于这篇文章所在的文件夹。"
            report.error(raw.source, line, f"找不到{what}“{target}”。{hint}", code="link.missing")
            continue
        exact = _exact_case(resolved, root)
        if exact is not None:
            report.error(raw.source, line, f"{what}“{target}”的大小写和文件不一致，网站服务器上会打不开。"
                                          f"是不是想写“{_relative_to(exact, raw.path.parent)}”？", code="link.case_mismatch")
            continue
        for finding in find_personal_numbers(resolved.name, public):
            report.error(raw.source, line, f"{what}的文件名“{resolved.name}”里有疑似{finding.kind}（{finding.masked}）。请给文件改个名字，不要包含个人号码。", code="privacy.linked_file_name")
        assets.append(relative)
    return article_links, assets


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _squash(name: str) -> str:
    """A name as staff may have mistyped it: case, spaces, full-width characters ignored."""
    from generator.fold import fold

    squashed = "".join(fold(name).split()).replace("_", "").replace("-", "")
    return squashed[:-5] + ".jpg" if squashed.endswith(".jpeg") else squashed


def _near_name(missing: Path, base: Path) -> str | None:
    """The file staff most likely meant (same folder, same name up to case/spaces/full-width), as a path
    relative to the article; None if there is no such file."""
    folder = missing.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if folder != missing.parent:
        return None
    wanted = _squash(missing.name)
    for name in sorted(_names(folder)):
        if _squash(name) == wanted:
            return _relative_to(folder / name, base)
    return None


def _exact_case(resolved: Path, root: Path) -> Path | None:
    """On systems that ignore case (Windows, macOS) `images/A.JPG` finds a.jpg, but the web server will
    not: the path with the names as they really are, when any part differs; else None."""
    try:
        parts = resolved.relative_to(root).parts
    except ValueError:
        return None
    current, changed = root, False
    for part in parts:
        names = _names(current)
        if part in names:
            current = current / part
            continue
        match = next((n for n in names if n.casefold() == part.casefold()), None)
        if match is None:
            return None
        current, changed = current / match, True
    return current if changed else None


def _relative_to(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base.resolve())).as_posix()


__all__ = ["BodyResult", "TextBlock", "check_body", "check_privacy"]


def check_settings_privacy(settings: Any, report: Report) -> None:
    """The community settings print on every page, poster and kiosk slide: no personal number either."""
    for key in ("site_name", "community", "committee", "contact"):
        value = str(getattr(settings, key, "") or "")
        for finding in find_personal_numbers(value, settings.public_phones):
            # the file and line it is written on (an INHERITed street mkdocs.yml, too), named from the project root
            report.error(*settings.where(key), f"设置 {key} 里有疑似{finding.kind}（{finding.masked}），它会印在网站每一页、"
                                            f"电子屏和海报上。{advice(finding.kind)}", code="privacy.settings")
