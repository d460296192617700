"""Checks of what an article says and points at: personal numbers, links and images, unsafe HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.content import RawArticle
from generator.links import EXTERNAL, extract_links
from generator.messages import Report
from generator.privacy import advice, find_personal_numbers
from generator.sanitize import find_unsafe_html


def _line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_privacy(raw: RawArticle, public: tuple[str, ...], report: Report) -> None:
    """Personal numbers in the file name, every front matter value and the body (alt text included)."""
    for finding in find_personal_numbers(raw.path.stem, public):
        report.error(raw.source, 1, f"文件名里有疑似{finding.kind}（{finding.masked}）。请给文件改个名字，不要包含个人号码。", code="privacy.file_name")
    for key, value in raw.front.items():
        for text in _strings(value):
            for finding in find_personal_numbers(text, public):
                report.error(raw.source, raw.line_of(str(key)),
                             f"“{key}”里有疑似{finding.kind}（{finding.masked}），公开发布会泄露个人信息。{advice(finding.kind)}", code="privacy.front_matter")
    for finding in find_personal_numbers(raw.body, public):
        line = raw.body_line + _line_of_offset(raw.body, finding.start) - 1
        report.error(raw.source, line, f"正文里有疑似{finding.kind}（{finding.masked}），公开发布会泄露个人信息。{advice(finding.kind)}", code="privacy.body")


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def check_unsafe_html(raw: RawArticle, report: Report) -> None:
    for line, what in find_unsafe_html(raw.body):
        report.warning(raw.source, raw.body_line + line - 1,
                       f"正文里的 {what} 可能运行脚本或破坏页面，发布时已删除。请不要从网页或 Word 里直接粘贴代码，只写文字和图片。", code="html.unsafe")


def check_links(raw: RawArticle, content_dir: Path, report: Report,
                public: tuple[str, ...] = ()) -> tuple[list[tuple[int, str, str]], list[str]]:
    """Errors for paths leaving content/ and missing files. Returns the links to other articles (for a
    later check) and the files the article uses (content-relative): only those are published."""
    from generator.checks import exists, resolve_inside

    article_links: list[tuple[int, str, str]] = []
    assets: list[str] = []
    root = content_dir.resolve()
    for link in extract_links(raw.body):
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
            report.error(raw.source, line, f"找不到{what}“{target}”。请检查文件名（包括 .jpg/.png 等扩展名）和所在文件夹，路径相对于这篇文章所在的文件夹。", code="link.missing")
            continue
        for finding in find_personal_numbers(resolved.name, public):
            report.error(raw.source, line, f"{what}的文件名“{resolved.name}”里有疑似{finding.kind}（{finding.masked}）。请给文件改个名字，不要包含个人号码。", code="privacy.linked_file_name")
        assets.append(relative)
    return article_links, assets
