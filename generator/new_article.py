"""`board new TYPE TITLE`: start an article from the type's template in templates/new/."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import jinja2

from generator.model import TYPES, type_key, types_text
from generator.timeutil import beijing

_UNSAFE = re.compile(r"[\\/#?%:*\"<>|\s，。、；：！？“”‘’（）()\[\]【】《》]+")


def file_stem(title: str, when: datetime) -> str:
    """A file name staff recognise: the date, then the title without characters URLs or Windows refuse."""
    cleaned = _UNSAFE.sub("-", title).strip("-.")[:30] or "新文章"
    return f"{beijing(when, 'day')}-{cleaned}"


def create_article(settings, type_name: str, title: str, when: datetime) -> tuple[Path | None, str | None]:
    """Write the new file; return (path, problem). Never overwrites."""
    key = type_key(type_name)
    if key is None:
        return None, f"不认识的文章类型“{type_name}”。可选：{types_text()}。"
    title = title.strip()
    if not title or len(title) > 64:
        return None, "标题不能为空，也不能超过 64 个字。"
    template_dir = settings.templates_dir / "new"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}  # titles stay readable in the file
    text = env.get_template(f"{key}.md").render(
        title=title, date=beijing(when, "day"), type=key, community=settings.community,
        committee=settings.committee, contact=settings.contact,
        phone=settings.public_phones[0] if settings.public_phones else "")
    folder = settings.content_dir / TYPES[key].section
    path = folder / f"{file_stem(title, when)}.md"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": refuse to overwrite
            handle.write(text)
    except FileExistsError:
        return path, f"文件 {path} 已经存在，没有覆盖。请换一个标题，或直接编辑那个文件。"
    return path, None
