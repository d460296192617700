"""MkDocs' own log lines, turned into Chinese messages (staff never see MkDocs' English).

The common warnings are translated, on the article's own line where they name one; any other
line goes, as MkDocs wrote it, to a log file for the IT person, and staff get one plain sentence
saying where it is.
"""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

from generator.messages import Report

LOG_NAME = ".cache/mkdocs.log"  # relative to the project root
# MkDocs' lines about what the board asked for itself: incremental builds run MkDocs "dirty" (render_site).
OURS = ("A 'dirty' build is being performed",)

# (pattern of MkDocs' English, message code, Chinese text; named groups are filled in)
TRANSLATIONS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"Doc file '(?P<doc>[^']+)' contains a link '(?P<url>[^']+)', but the doc '[^']+' "
                r"does not contain an anchor '#(?P<anchor>[^']*)'"),
     "mkdocs.anchor_missing", "链接“{url}”要跳到的小标题“{anchor}”在那篇文章里找不到。请检查小标题的写法，或去掉 # 后面的部分。"),
    (re.compile(r"Doc file '(?P<doc>[^']+)' contains a link '(?P<url>[^']+)', but the target"),
     "mkdocs.link_missing", "链接或图片“{url}”指向的文件找不到，居民点开或看图时会是空的。"
                            "请检查文件名（包括大小写和 .jpg/.png 扩展名）和所在文件夹；路径相对于这篇文章所在的文件夹，用 / 分隔。"),
    (re.compile(r"Doc file '(?P<doc>[^']+)' contains an unrecognized relative link '(?P<url>[^']+)'"),
     "mkdocs.link_unrecognized", "链接“{url}”看不懂，网站上原样保留，居民点开可能会找不到。"
                                 "请写成相对于这篇文章的路径，例如 images/照片.jpg 或 ../notices/某篇文章.md。"),
    (re.compile(r"Doc file '(?P<doc>[^']+)' contains an absolute link '(?P<url>[^']+)'"),
     "mkdocs.link_absolute", "链接“{url}”以 / 开头，放到网上以后会指错地方。请写成相对于这篇文章的路径，例如 images/照片.jpg。"),
    (re.compile(r"Doc file '(?P<doc>[^']+)' contains a link to '(?P<url>[^']+)' which is excluded"),
     "mkdocs.link_excluded", "链接“{url}”指向一个不会发布的文件（名字以 _ 或 . 开头），居民点开会找不到。请改链接或给文件改名。"),
    (re.compile(r"Excluding '(?P<doc>[^']+)' from the site because it conflicts with '(?P<other>[^']+)'"),
     "mkdocs.file_conflict", "这个文件和“{other}”会生成同一个网页，所以没有发布。请给其中一个改名。"),
    (re.compile(r"Config value '(?P<key>[^']+)'"),
     "mkdocs.config_value", "mkdocs.yml 里的设置“{key}”写得不对。请对照说明书检查这一项，或请技术人员看一下 " + LOG_NAME + "。"),
]


def translate(text: str) -> tuple[str, str, dict[str, str]] | None:
    """(code, Chinese text, the named parts) for a known MkDocs line, else None."""
    for pattern, code, chinese in TRANSLATIONS:
        match = pattern.search(text)
        if match:
            parts = {k: v or "" for k, v in match.groupdict().items()}
            return code, chinese.format(**parts), parts
    return None


def _line_of(path: Path, url: str) -> int:
    """The first line of the article that holds `url` as written (or percent-decoded); 1 if none."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 1
    for wanted in (url, unquote(url)):
        for number, line in enumerate(lines, start=1):
            if wanted and wanted in line:
                return number
    return 1


class ChineseHandler(logging.Handler):
    """Collects MkDocs' warnings and errors into a Report, in Chinese; INFO chatter is dropped."""

    def __init__(self, report: Report, content_dir: Path, project_root: Path) -> None:
        super().__init__(level=logging.WARNING)
        self.report = report
        self.content_dir = content_dir
        self.project_root = project_root
        self.untranslated = 0
        self.thread = threading.get_ident()  # board serve renders a saved page again in another thread meanwhile

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        if record.name == "mkdocs.plugins.board":
            return  # our own plugin's messages are Chinese already and reach the report directly
        text = record.getMessage()
        if text.startswith(OURS):
            return
        found = translate(text)
        if found is None:
            self._keep(text)
            return
        code, chinese, parts = found
        if parts.get("doc"):
            article = self.content_dir / parts["doc"]
            try:
                source = article.relative_to(self.project_root).as_posix()
            except ValueError:
                source = article.as_posix()
            self.report.warning(source, _line_of(article, parts.get("url", "")), chinese, code=code)
        else:
            self._keep(text)
            self.report.warning("mkdocs.yml", 1, chinese, code=code)

    def _keep(self, text: str) -> None:
        """An English line only the IT person needs: into the log file, with one Chinese sentence for staff."""
        log_file = self.project_root / LOG_NAME
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            with open(log_file, "a", encoding="utf-8") as handle:
                handle.write(text.rstrip() + "\n")
        except OSError:
            pass
        if self.untranslated == 0:
            self.report.warning("mkdocs.yml", 1, f"生成网站时 MkDocs 给出了技术提示，已记在 {LOG_NAME} 里。网站一般不受影响；"
                                "如果网页显示不对，请把这个文件发给技术人员。", code="mkdocs.other")
        self.untranslated += 1


@contextmanager
def chinese_mkdocs_log(report: Report, content_dir: Path, project_root: Path) -> Iterator[ChineseHandler]:
    """While inside, MkDocs logs into `report` in Chinese and prints nothing itself."""
    logger = logging.getLogger("mkdocs")
    handler = ChineseHandler(report, content_dir, project_root)
    saved = logger.handlers[:], logger.propagate, logger.level
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        logger.handlers, logger.propagate, _ = saved
        logger.setLevel(saved[2])
