"""Articles that still hold the prompts `board new` wrote (“（在这里写正文：…）”).

The prompts are read from the templates themselves (templates/new/*.md), so a community that
edits its templates gets the same check for its own prompts.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.content import RawArticle
from generator.messages import Report

_PROMPT = re.compile(r"^（[^（）\n]{2,200}）$")  # a whole line in full-width brackets: a template's prompt
_ALWAYS = "（在这里写"


def template_prompts(template_dir: Path) -> frozenset[str]:
    """Every line of the new-article templates' bodies that is a prompt for staff to replace."""
    prompts: set[str] = set()
    for template in sorted(template_dir.glob("*.md")) if template_dir.is_dir() else ():
        try:
            text = template.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        body = text.split("\n---", 2)[-1]  # after the front matter
        prompts.update(line.strip() for line in body.splitlines() if _PROMPT.match(line.strip()))
    return frozenset(prompts)


def check_prompts(raw: RawArticle, prompts: frozenset[str], report: Report) -> None:
    """A warning on each line that is still a template prompt (the article is published as it is)."""
    for number, line in enumerate(raw.body.split("\n"), start=raw.body_line):
        text = line.strip()
        if text in prompts or text.startswith(_ALWAYS):
            report.warning(raw.source, number,
                           f"这一行还是新建文章时的提示文字“{text[:30]}{'…' if len(text) > 30 else ''}”，"
                           "居民会看到它。请换成真正的正文，或删掉这一行。",
                           code="body.template_prompt")
