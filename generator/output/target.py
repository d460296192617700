"""Which folder a build may replace: only an empty one or a site a previous build wrote.

The swap replaces the site folder whole, so `--site-dir ~` would delete a home folder.
Every built site carries a marker file; a folder that exists, holds anything and has no
marker is refused, nothing in it touched.
"""

from __future__ import annotations

from pathlib import Path

MARKER = ".board-site"
_MARKER_TEXT = "此文件夹由社区公告栏 board build 生成，每次生成时会被整个替换。请不要把其他文件放在这里。\n"


def mark_site(writer) -> None:
    """Written into every new site, through the writer, last of all."""
    from generator.output.claims import MARKER_OWNER

    # always a new file: its inode and time tell this tree from any other (generator.unchanged, output.recycle)
    writer.write_text(MARKER, _MARKER_TEXT, MARKER_OWNER, always=True)


def _built_by_us(folder: Path) -> bool:
    if (folder / MARKER).is_file():
        return True
    # Sites built before the marker existed: the manifest and the kiosk page together say so.
    return (folder / "board.json").is_file() and (folder / "kiosk" / "index.html").is_file()


def unsafe_target(site_dir: Path) -> str | None:
    """A plain Chinese sentence if the build must not replace `site_dir`, else None."""
    try:
        if site_dir.is_symlink() or not site_dir.exists():
            return None
        if not site_dir.is_dir():
            return (f"网站输出文件夹 {site_dir} 是一个文件，不是文件夹。生成网站会替换它，所以没有生成。"
                    "请在 mkdocs.yml 的 site_dir 或 --site-dir 里换一个文件夹名，例如 site。")
        if not any(site_dir.iterdir()) or _built_by_us(site_dir):
            return None
    except OSError as exc:
        return f"无法读取网站输出文件夹 {site_dir}（{exc.strerror}）。请检查这个文件夹是否存在、是否有权限。"
    return (f"网站输出文件夹 {site_dir} 里已经有别的文件，而且不是以前生成的网站。生成网站会整个替换这个文件夹，"
            "里面的文件会全部丢失，所以没有生成，什么也没删。请换一个空文件夹或新的名字（例如 site），"
            "或者先把里面的文件移走。")
