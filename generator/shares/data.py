"""A share job -> the dictionary templates/shares/share.typ receives as JSON.

The job is the posters' own PosterJob (same data: title, date, body as published, event, issuing
body), with `url` the article's absolute short URL. Text is prepared by the posters' helpers
(blocks from the published HTML, Beijing dates, glyph check, break points in long runs).
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from generator.model import TYPES
from generator.posters.body import block_text, blocks_from_html, blocks_from_markdown
from generator.posters.data import _breakable, _strip, budget, headline
from generator.posters.fonts import FontSet, missing_glyphs
from generator.posters.jobs import PosterJob, PosterSettings
from generator.qr import qr_svg
from generator.timeutil import beijing, event_span

WIDTH_PT = 360  # page width; exported at PPI it is WIDTH_PX wide
WIDTH_PX = 1080
PPI = WIDTH_PX / (WIDTH_PT / 72)  # 216
MAX_HEIGHT_PX = 4000  # about 1.7 phone screens of 1080 x 2340: still one swipe or two in the chat's viewer
BODY_PT = 15.0  # 45 px of 1080: 16-17 CSS px on a phone, the size of a 公众号 article
# Upper bound of the text that can show under the height limit, in full-width characters: the
# body's whole room with lines packed tighter than the template sets them (beyond it, Typst is
# sent no more text than could possibly be shown).
_CAPACITY = (WIDTH_PT - 40) / BODY_PT * (MAX_HEIGHT_PX / 3 / (BODY_PT * 1.5))
_GREETING = re.compile(r"^.{1,24}[：:]$")


def share_data(job: PosterJob, settings: PosterSettings, fonts: FontSet, root: PurePosixPath | None) -> dict:
    """The template's input (see module doc); `root` is the Typst root a cover path is made relative to."""
    blocks = blocks_from_html(job.body_html, job.type) if job.body_html is not None \
        else blocks_from_markdown(job.body_markdown, job.type)
    greeting = None
    if job.type == "notice" and blocks and blocks[0]["k"] == "p" and _GREETING.match(block_text(blocks[0])):
        greeting, blocks = block_text(blocks[0]), blocks[1:]
    kept, complete, _ = budget(blocks, _CAPACITY)
    summary = job.summary.strip() or None
    event = None
    if job.event and job.event.get("start"):
        event = {"time": event_span(job.event["start"], job.event.get("end")),
                 "place": job.event.get("location") or None}
    fam = [fonts.regular.family] + ([fonts.fallback.family] if fonts.fallback.family != fonts.regular.family else [])
    bold = [fonts.bold.family] + ([fonts.fallback.family] if fonts.fallback.family != fonts.bold.family else [])
    cover = None
    if job.cover is not None and root is not None:
        cover = "/" + job.cover.resolve().relative_to(root).as_posix()
    data = {
        "kind": job.type,
        "type-label": TYPES[job.type].label,
        "community": settings.community,
        "committee": settings.committee,
        "title": job.title,
        "author": job.author or settings.committee,
        "date": beijing(job.date, "date"),
        "date-label": "发布日期",
        "urgent": job.urgent,
        "summary": summary,
        "greeting": greeting,
        "signature": job.type == "notice",
        "blocks": kept,
        "event": event,
        "excerpt-note": "（以上为节选，扫描下方二维码阅读全文）" if job.url
        else "（以上为节选，全文请到社区公告栏查阅）",
    }
    omitted = missing_glyphs(fonts, json.dumps(data, ensure_ascii=False))
    if omitted:
        data = _strip(data, {ord(c): None for c in omitted})
    data["title"] = headline(data["title"], job.type)
    data = _breakable(data)
    data.update({
        "omitted": "".join(omitted),
        "url": job.url,
        "cover": cover,
        "width": WIDTH_PT,
        "max-height": MAX_HEIGHT_PX * 72 / PPI,
        "body-size": BODY_PT,
        "fit": {"max": BODY_PT, "min": BODY_PT, "step": 0.5, "complete": complete},
        "qr": qr_svg(job.url, quiet_zone=2, scale=4, sized=True) if job.url else None,
        "fonts": {"regular": fam, "regular-weight": fonts.regular.weight,
                  "bold": bold, "bold-weight": fonts.bold.weight},
    })
    return data
