"""`board check --fix-encoding`: rewrite GBK/UTF-16 articles as UTF-8, keeping the original as NAME.md.orig."""

from __future__ import annotations

from pathlib import Path

from generator.content import MAX_FILE_BYTES, guess_encoding, iter_article_files, read_regular, rel_path
from generator.settings import Settings

_CODECS = {"GBK": "gb18030", "UTF-16": "utf-16"}


def fix_encodings(settings: Settings) -> list[str]:
    """Fix every article that is not UTF-8 but clearly text; return one line per file, in Chinese."""
    lines: list[str] = []
    for path in iter_article_files(settings.content_dir):
        try:
            data = read_regular(path, MAX_FILE_BYTES)
        except OSError:
            continue  # board check names the file that cannot be read
        try:
            data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        kind = guess_encoding(data)
        shown = rel_path(path, settings.project_root)
        if kind is None:
            lines.append(f"{shown}: 无法识别编码，没有修改。")
            continue
        text = data.decode(_CODECS[kind])
        if text.startswith("\ufeff"):
            text = text[1:]
        backup = path.with_name(path.name + ".orig")
        if backup.exists():
            lines.append(f"{shown}: 备份 {backup.name} 已经存在，为免覆盖，没有修改。请先移走旧的备份。")
            continue
        path.rename(backup)
        path.write_text(text, encoding="utf-8")
        lines.append(f"{shown}: 已从 {kind} 转为 UTF-8，原文件保存为 {backup.name}。")
    return lines
