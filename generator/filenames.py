"""File names under content/ that would otherwise be skipped or published wrongly without a word.

Notepad saves `通知.md.txt`; a name can be only a space, hold a full-width space, a tab or a
zero-width character copied from WeChat, or a plain space that becomes `%20` in the page's address.
Each gets its own message here; names that differ only by case or Unicode form are caught where
slugs are compared (checks.check_site).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.content import ContentFiles, rel_path
from generator.front_mistakes import is_invisible, make_visible
from generator.messages import Report

# What Notepad, WPS or a careless rename leave where `.md` was meant.
_NOT_QUITE_MD = re.compile(r"\.(md\.txt|markdown|mdown|md\.md\.txt|txt\.md\.txt)$|\.md[\s\u3000\u200b-\u200d\u2060\ufeff.]+$",
                           re.IGNORECASE)


def _has_invisible(name: str) -> bool:
    return any(is_invisible(c) or (c.isspace() and c != " ") or ord(c) < 32 for c in name)


def check_file_names(found: ContentFiles, content_dir: Path, project_root: Path, report: Report) -> set[Path]:
    """Report every badly named article, folder or almost-article of the walk; return the articles not to read."""
    refused: set[Path] = set()
    folders = sorted({part for path in found.articles for part in path.relative_to(content_dir).parts[:-1]}
                     | {part for name in found.files for part in name.split("/")[:-1]})
    for folder in folders:
        if _has_invisible(folder) or not folder.strip():
            where = next(p for p in [*found.articles, *(content_dir / f for f in sorted(found.files))]
                         if folder in p.relative_to(content_dir).parts[:-1])
            shown = where.relative_to(content_dir).parts
            report.error(rel_path(content_dir.joinpath(*shown[:shown.index(folder) + 1]), project_root), 1,
                         f"文件夹名“{make_visible(folder)}”里有看不见的字符（全角空格、制表符或零宽字符）。"
                         "请给这个文件夹重新起名，只用汉字、字母、数字和减号 -。",
                         code="file.folder_name_invisible")
    for name in sorted(found.files):
        base = name.rsplit("/", 1)[-1]
        if _NOT_QUITE_MD.search(base):
            meant = _NOT_QUITE_MD.sub(".md", base)
            report.warning(rel_path(content_dir / name, project_root), 1,
                           f"这个文件不会被当作文章发布：它的名字以“{base[len(meant) - 3:]}”结尾，不是 .md"
                           "（记事本保存时常会自动加上 .txt）。请把文件改名为"
                           f"“{make_visible(meant)}”：在记事本里“另存为”，保存类型选“所有文件”，文件名写 {make_visible(meant)}。",
                           code="file.not_md")
    for path in found.articles:
        name = path.name
        stem = name[:-3]
        if stem and " " not in stem and not _has_invisible(stem):
            continue  # the usual, good name: told apart without resolving the path (1,000 articles: 0.1 s)
        source = rel_path(path, project_root)
        if not "".join(c for c in stem if not (c.isspace() or is_invisible(c))):
            report.error(source, 1,
                         f"文件名“{make_visible(name)}”只有空格，没有名字，这篇文章没法有网址。"
                         "请改名为“日期-简短标题.md”，例如 2026-11-20-冬季大扫除.md。",
                         code="file.name_blank")
            refused.add(path)
        elif _has_invisible(stem):
            report.error(source, 1,
                         f"文件名“{make_visible(name)}”里有看不见的字符，网址会变得看不懂，别人也没法照着打出来。"
                         "请给文件重新起名（只用汉字、字母、数字和减号 -），例如 2026-11-20-冬季大扫除.md。",
                         code="file.name_invisible")
            refused.add(path)
        elif " " in stem:
            report.warning(source, 1,
                           f"文件名“{name}”里有空格，网址里会变成“%20”，不好看也不好念。"
                           f"请把空格改成减号 -，例如“{re.sub(r' +', '-', stem.strip())}.md”。",
                           code="file.name_space")
    return refused
