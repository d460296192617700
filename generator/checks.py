"""Every rule of the content contract, each message in Simplified Chinese with its fix.

`check_article` turns a RawArticle into an Article (or messages); `check_site` applies the
rules that need all articles at once (unique slugs).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from generator.body_checks import check_body
from generator.content import EMPTY_KEY, RawArticle
from generator.front_mistakes import is_invisible, looks_like_draft
from generator.messages import Report, shown
from generator.model import (CATEGORIES, has_words, IMAGE_SUFFIXES, POSTER_ORIENTATIONS, POSTER_SIZES, TYPES, Article, Event,
                             PosterOptions, category_key, type_key)
from generator.portable_names import windows_problem
from generator.summary import cut_summary
from generator.timeutil import BadDate, beijing, parse_time

KNOWN_KEYS = ("title", "type", "date", "expires", "author", "category", "tags", "summary", "cover",
              "pinned", "urgent", "draft", "event", "poster", "consent", "slug", "share", "editor", "approved_by",
              "communities")
MAX_TITLE, MAX_SUMMARY, MAX_AUTHOR, MAX_TAG, MAX_TAGS, MAX_LOCATION = 64, 120, 64, 20, 10, 100
MAX_SLUG_BYTES = 240  # <slug>.pdf, <slug>.svg and the page folder must stay under file systems' 255 bytes
_ANGLE = re.compile(r"[<>]")  # front matter is text, never HTML: keeps every template safe
_BAD_SLUG = re.compile(r"[\\/#?%\x00-\x1f\x7f]")
_TAG_SEPARATORS = re.compile(r"[，、;；]")
_BAD_TAG = re.compile(r"[\\/#?%<>\"'\x00-\x1f\x7f]")  # a tag names a page: tags/<tag>/


class _Checker:
    """Checks one article; collects messages instead of stopping at the first."""

    def __init__(self, raw: RawArticle, content_dir: Path, report: Report, public_phones: tuple[str, ...],
                 as_of: datetime | None = None) -> None:
        self.raw = raw
        self.as_of = as_of  # None: judge as if published now (consent is then required)
        self.content_dir = content_dir
        self.public_phones = public_phones
        self.report = report
        self.front = raw.front
        self.timing: tuple[datetime | None, bool] = (None, False)  # (date, draft): what `as_of` was compared with

    def error(self, key: str, text: str, code: str = "", *inner: str | int) -> None:
        """An error on the line of `key`, or of its item `inner` (`"event", …, "start"`) where that was written."""
        self.report.error(self.raw.source, self.raw.line_of(key, *inner), text, code=code)

    def warning(self, key: str, text: str, code: str = "", *inner: str | int) -> None:
        self.report.warning(self.raw.source, self.raw.line_of(key, *inner), text, code=code)

    # -- field helpers ---------------------------------------------------------------
    def text(self, key: str, *, required: bool = False, max_len: int | None = None, what: str = "") -> str | None:
        value = self.front.get(key)
        if value is None or (isinstance(value, str) and not visible(value)):
            if required:
                self.report.error(self.raw.source, self.raw.line_of(key) if key in self.front else self.raw.front_end_line,
                                  f"缺少 {key}（{what}）。请在开头的信息块里加一行，例如 {key}: {EXAMPLES.get(key, '……')}", code="field.missing")
            return None
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            self.error(key, f"{key}（{what}）应是一段文字，现在是{_kind(value)}。请写成 {key}: {EXAMPLES.get(key, '……')}", code="field.not_text")
            return None
        text = str(value).strip()
        if _ANGLE.search(text):
            self.error(key, f"{key}（{what}）里不能有尖括号 < >。书名、文件名请用《》，强调请用“”。", code="field.angle_brackets")
            return None
        if max_len and len(text) > max_len:
            self.error(key, f"{key}（{what}）太长：{len(text)} 个字，最多 {max_len} 个字。请删减。", code="field.too_long")
            return None
        return text

    def flag(self, key: str, what: str) -> bool:
        value = self.front.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"{key}（{what}）只能写 true（是）或 false（否），现在是“{shown(value)}”。", code="field.not_bool")
            return False
        return value

    def time(self, key: str, value: Any, what: str, *inner: str):
        try:
            return parse_time(value)
        except BadDate as exc:
            if exc.code == "date.time_span":
                self.error(key, f"{what}“{shown(value)}”写成了一段时间，这里只能写一个时刻（开始的时间）。活动请分开写："
                                "start: 2026-12-01 09:00 写开始，end: 2026-12-01 11:00 写结束。", exc.code, *inner)
                return None
            fix = f"请改成 {exc.hint}" if exc.hint else "请写成 2026-11-20 或 2026-11-20 08:30 这样的格式"
            if exc.hint and exc.hint.startswith("YYYY"):
                fix += "（把 YYYY 换成年份，例如 2026）"
            self.error(key, f"{what}“{shown(value)}”看不懂。{fix}（年-月-日，英文减号，时间用 24 小时制，可省略）。",
                       "date.unreadable", *inner)
            return None

    # -- the article ------------------------------------------------------------------
    def run(self) -> Article | None:
        errors_before = len(self.report.errors)
        for key in self.front:
            if str(key) not in KNOWN_KEYS and looks_like_draft(key):
                self.report.error(self.raw.source, self.raw.line_of(str(key)),
                                  f"“{key}”像是想写草稿 draft，但写法不对，这篇文章会被当成正式文章发布出去。"
                                  "还没写完请改成 draft: true（全部小写的英文，英文冒号后加空格）；要发布请删掉这一行。",
                                  code="frontmatter.draft_misspelled")
            elif key is None or key == "":  # `: 内容`, `~: 内容`, `"": 内容`
                self.warning(str(key), EMPTY_KEY, code="frontmatter.empty_key")
            elif key == "communities":  # generator.street takes it off the street's own articles before these checks
                self.warning("communities", "communities（发到哪些社区）只对街道的文章起作用（街道项目根目录 content 文件夹里的文章）。"
                             "这篇文章只在本社区发布，这一行不起作用，请删掉它；要发给别的社区，请交给街道发布。",
                             code="street.communities_outside")
            elif str(key) not in KNOWN_KEYS:
                near = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.6)
                hint = f"是不是想写 {near[0]}？" if near else f"可用的名称有：{'、'.join(KNOWN_KEYS)}。"
                self.warning(str(key), f"不认识的设置“{shown(key)}”，这一行不会起作用。{hint}", code="frontmatter.unknown_key")
        title = self.text("title", required=True, max_len=MAX_TITLE, what="标题")
        if title and not has_words(title):
            self.warning("title", f"标题“{shown(title)}”里没有文字，只有表情符号、符号或标点，读者看不出讲的是什么；"
                                  "海报和分享图上印不出这样的标题，会改印文章类型的名称（如“通知公告”）。"
                                  "请用文字写标题，表情符号可以放在文字旁边，例如 title: 🔥 冬季防火提醒", code="title.no_words")
        type_ = self.check_type()
        date = self.check_date()
        expires = self.check_expires(date)
        author = self.text("author", max_len=MAX_AUTHOR, what="落款单位")
        if type_ == "notice" and author is None and "author" not in self.front:
            self.report.error(self.raw.source, self.raw.front_end_line,
                              "通知公告必须写落款单位 author。请加一行，例如 author: 幸福里社区居民委员会", code="author.missing")
        category = self.check_category()
        tags = self.check_tags()
        summary = self.text("summary", max_len=MAX_SUMMARY, what="摘要")
        cover = self.check_cover()
        pinned = self.flag("pinned", "置顶")
        urgent = self.flag("urgent", "紧急")
        if urgent and type_ and type_ != "notice":
            self.error("urgent", "只有通知公告（type: notice）可以设为紧急 urgent。请删掉这一行，或改用 pinned: true 置顶。", code="urgent.not_notice")
        if urgent and type_ == "notice" and self.front.get("expires") is None and self.front.get("event") is None:
            self.warning("urgent", "紧急通知没有写过期时间 expires：它的红色横幅会一直挂在网站每一页的顶部和电子屏上。"
                                   "请加一行 expires: 2026-11-30 18:00（换成停水、停电等结束的时间），到时自动撤下。",
                         code="notice.urgent_no_expires")
        draft = self.flag("draft", "草稿")
        consent = self.flag("consent", "本人同意")
        self.timing = (date, draft)
        unpublished = is_unpublished(date, draft, self.as_of)
        if type_ == "story" and not consent and unpublished and not draft:
            self.warning("consent" if "consent" in self.front else "type",
                         f"道德模范文章还没有写 consent: true（本人同意）。它定在 {beijing(date, 'minute')} 发布，到时如果还没有取得同意，"
                         "整个网站会生成失败。请在那之前取得本人同意并写 consent: true，或改成 draft: true。",
                         code="story.consent_pending")
        if type_ == "story" and not consent and not unpublished:
            line_key = "consent" if "consent" in self.front else "type"
            self.error(line_key, "道德模范文章写的是真实居民，必须先征得本人同意，再写 consent: true。"
                                 "没有取得同意前，请不要发布（可以先写 draft: true 存为草稿）。", code="story.consent")
        editor = self.text("editor", max_len=MAX_AUTHOR, what="撰稿人")
        approved_by = self.text("approved_by", max_len=MAX_AUTHOR, what="审核人")
        event = self.check_event()
        poster = self.check_poster()
        share = self.flag("share", "分享图片") if self.front.get("share") is not None else True  # default: on
        slug = self.check_slug()
        parsed = check_body(self.raw, self.content_dir, self.report, self.public_phones)
        links, assets = parsed.article_links, parsed.assets
        if len(self.report.errors) > errors_before or self.raw.slips or None in (title, type_, date, slug):
            return None
        body = self.raw.body
        if not body.strip():
            self.report.warning(self.raw.source, self.raw.body_line, "正文是空的。请在信息块下面写正文。", code="body.empty")
        return Article(
            source=self.raw.source, src_uri=self.raw.src_uri, path=self.raw.path, slug=slug,
            title=title, type=type_, date=date, body=body, body_html=parsed.parsed.safe_html, page=parsed.parsed.page,
            text=parsed.parsed.search_text,
            minutes=parsed.parsed.minutes, summary=summary or cut_summary(parsed.parsed.summary, MAX_SUMMARY) or title,
            expires=expires, author=author, category=category, tags=tags, cover=cover,
            pinned=pinned, urgent=urgent, draft=draft, event=event, poster=poster, consent=consent, share=share,
            editor=editor, approved_by=approved_by, slug_line=self.raw.line_of("slug"),
            article_links=tuple(links), assets=tuple(dict.fromkeys(([cover] if cover else []) + assets)),
        )

    def check_type(self) -> str | None:
        value = self.front.get("type")
        if value is None:
            self.report.error(self.raw.source, self.raw.front_end_line,
                              f"缺少 type（文章类型）。请加一行，例如 type: notice。可选：{_type_choices()}。", code="type.missing")
            return None
        text = str(value).strip()
        if type_key(text):
            return type_key(text)
        self.error("type", f"文章类型“{shown(text)}”不认识。可选：{_type_choices()}（中英文都可以）。", code="type.unknown")
        return None

    def check_date(self):
        if self.front.get("date") is None:
            self.report.error(self.raw.source, self.raw.front_end_line,
                              "缺少 date（发布日期）。请加一行，例如 date: 2026-11-20（写将来的日期表示到时候再发布）。", code="date.missing")
            return None
        return self.time("date", self.front["date"], "发布日期 date")

    def check_expires(self, date):
        if self.front.get("expires") is None:
            return None
        expires = self.time("expires", self.front["expires"], "过期时间 expires")
        if expires and date and expires <= date:
            self.error("expires", "过期时间 expires 早于或等于发布日期 date。请把 expires 改到 date 之后，或删掉 expires。", code="expires.before_date")
            return None
        return expires

    def check_category(self) -> str | None:
        value = self.front.get("category")
        if value is None:
            return None
        text = str(value).strip()
        if category_key(text):
            return category_key(text)
        self.error("category", f"栏目“{shown(text)}”不认识。可选：{_category_choices()}（中英文都可以），也可以不写。", code="category.unknown")
        return None

    def check_tags(self) -> tuple[str, ...]:
        value = self.front.get("tags")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [t for t in re.split(r"[,，、;；\s]+", value.strip("[]【】［］")) if t]
        if not isinstance(value, list):
            self.error("tags", "标签 tags 应写成列表，例如 tags: [垃圾分类, 志愿服务]。", code="tags.not_list")
            return ()
        # `[停水，便民服务]`: the full-width comma was meant to separate tags; each part keeps its item's line
        parts = [(index, part) for index, tag in enumerate(value)
                 for part in (_TAG_SEPARATORS.split(tag) if isinstance(tag, str) else [tag])]
        tags: list[str] = []
        for index, tag in parts:
            if isinstance(tag, (list, dict)) or tag is None:
                self.error("tags", "标签 tags 里每一项都应是一小段文字，例如 tags: [垃圾分类, 志愿服务]。", "tags.not_text", index)
                return ()
            text = str(tag).strip()
            if not text:
                continue
            if len(text) > MAX_TAG or _BAD_TAG.search(text) or text.startswith("."):
                self.error("tags", f"标签“{shown(text)}”太长或含有 / \\ # ? % < > 引号 等符号。每个标签最多 {MAX_TAG} 个字，不要用这些符号，也不要以 . 开头。", "tags.bad_tag", index)
                return ()
            problem = windows_problem(text)  # a tag names a folder: tags/<tag>/
            if problem:
                self.error("tags", f"标签“{shown(text)}”{problem}。网站放到 Windows 电脑上会出错，请换一个写法。", "tags.windows_name", index)
                return ()
            if text not in tags:
                tags.append(text)
        if len(tags) > MAX_TAGS:
            self.error("tags", f"标签太多（{len(tags)} 个），最多 {MAX_TAGS} 个。请保留最要紧的几个。", code="tags.too_many")
            return ()
        return tuple(tags)

    def check_cover(self) -> str | None:
        value = self.text("cover", what="封面图片")
        if value is None:
            return None
        resolved = resolve_inside(self.raw.path.parent, value, self.content_dir)
        if resolved is None:
            self.error("cover", f"封面图片路径“{shown(value)}”指到了 content 文件夹外面。请把图片放进 content 里（例如文章旁边的 images 文件夹），写相对路径 images/图片名.jpg。", code="cover.outside_content")
            return None
        if not resolved.suffix.lower() in IMAGE_SUFFIXES:
            self.error("cover", f"封面“{shown(value)}”不是图片。请用 jpg、png、gif、webp 或 svg 格式的图片。", code="cover.not_picture")
            return None
        if not exists(resolved) or not resolved.is_file():
            self.error("cover", f"找不到封面图片“{shown(value)}”。请检查文件名（包括扩展名 .jpg/.png）和所在文件夹，路径相对于这篇文章所在的文件夹。", code="cover.missing")
            return None
        return resolved.relative_to(self.content_dir.resolve()).as_posix()

    def check_event(self) -> Event | None:
        value = self.front.get("event")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error("event", "活动 event 应写成几行：start（开始时间）、end（结束时间，可省略）、location（地点），每行前缩进两个空格。", code="event.not_mapping")
            return None
        for key in value:
            if key not in ("start", "end", "location"):
                self.warning("event", f"活动 event 里不认识的设置“{shown(key)}”。可用：start、end、location。", "event.unknown_key", str(key))
        if value.get("start") is None:
            self.error("event", "活动 event 缺少开始时间 start。例如在 event: 下面写“  start: 2026-12-05 09:00”。", code="event.missing_start")
            return None
        start = self.time("event", value["start"], "活动开始时间 start", "start")
        end = self.time("event", value["end"], "活动结束时间 end", "end") if value.get("end") is not None else None
        if start and end and end < start:
            self.error("event", "活动结束时间 end 早于开始时间 start。请检查。", "event.end_before_start", "end")
            return None
        location = value.get("location")
        if location is not None and (isinstance(location, (list, dict, bool)) or len(str(location)) > MAX_LOCATION
                                     or _ANGLE.search(str(location))):
            self.error("event", f"活动地点 location 应是一段不超过 {MAX_LOCATION} 字的文字，不能有尖括号 < >。", "event.bad_location", "location")
            return None
        if start is None:
            return None
        return Event(start=start, end=end, location=str(location).strip() if location else None)

    def check_poster(self) -> PosterOptions:
        value = self.front.get("poster")
        if value is None or value is True:
            return PosterOptions()
        if value is False:
            return PosterOptions(enabled=False)
        if not isinstance(value, dict):
            self.error("poster", "海报设置 poster 只能写 false（不要海报），或写 size（A4/A3）和 orientation（portrait 竖版/landscape 横版）。", code="poster.not_mapping")
            return PosterOptions()
        size = str(value.get("size", "A4")).upper()
        orientation = str(value.get("orientation", "portrait")).lower()
        orientation = {"竖版": "portrait", "横版": "landscape"}.get(orientation, orientation)
        if size not in POSTER_SIZES:
            self.error("poster", f"海报尺寸 size 只能是 A4 或 A3，现在是“{shown(value.get('size'))}”。", "poster.bad_size", "size")
        if orientation not in POSTER_ORIENTATIONS:
            self.error("poster", f"海报方向 orientation 只能是 portrait（竖版）或 landscape（横版），现在是“{shown(value.get('orientation'))}”。",
                       "poster.bad_orientation", "orientation")
        for key in value:
            if key not in ("size", "orientation"):
                self.warning("poster", f"海报设置 poster 里不认识的“{shown(key)}”。可用：size、orientation。", "poster.unknown_key", str(key))
        return PosterOptions(enabled=True, size=size if size in POSTER_SIZES else "A4",
                             orientation=orientation if orientation in POSTER_ORIENTATIONS else "portrait")

    def check_slug(self) -> str | None:
        explicit = self.front.get("slug")
        slug = self.text("slug", max_len=80, what="网址名") if explicit is not None else self.raw.path.stem.strip()
        where = "slug" if explicit is not None else "title"
        if not slug:
            if explicit is not None and "slug" in self.front and not str(self.front["slug"] or "").strip():
                self.error("slug", "网址名 slug 是空的。请写上一个名字，例如 slug: 2026-11-20-冬季大扫除，或删掉这一行用文件名。", code="slug.empty")
            return None
        if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
            thing = "网址名 slug" if explicit is not None else "文件名"
            self.error(where, f"{thing}太长（{len(slug)} 个字）。请缩短到 {MAX_SLUG_BYTES // 3} 个汉字以内，例如 2026-11-20-冬季大扫除。", code="slug.too_long")
            return None
        if _BAD_SLUG.search(slug) or slug.startswith((".", "_", "-")) or slug.endswith("."):
            thing = "网址名 slug" if explicit is not None else "文件名"
            self.error(where, f"{thing}“{shown(slug)}”里有不能用在网址里的符号（/ \\ # ? % 或开头的 . _ -）。请改名，例如 2026-11-20-冬季大扫除。", code="slug.bad_characters")
            return None
        problem = windows_problem(slug)  # names the site itself uses are refused by the output's claims
        if problem:
            thing = "网址名 slug" if explicit is not None else "文件名"
            self.report.error(self.raw.source, self.raw.line_of(where), f"{thing}“{shown(slug)}”{problem}。网站放到 Windows 电脑上会出错，请改名，例如 2026-11-20-冬季大扫除。", code="slug.windows_name")
            return None
        return slug


EXAMPLES = {
    "title": "关于开展冬季环境卫生大扫除的通知",
    "author": "幸福里社区居民委员会",
    "summary": "一句话说明这篇文章讲什么",
    "cover": "images/封面.jpg",
    "slug": "2026-11-20-冬季大扫除",
}


def visible(text: str) -> str:
    """The text without spaces and characters that take no room (a title of zero-width characters
    pasted from WeChat looks empty and is)."""
    return "".join(c for c in text if not (c.isspace() or is_invisible(c)))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "是/否（true/false）"
    if isinstance(value, list):
        return "一个列表"
    if isinstance(value, dict):
        return "几行设置"
    return "其他内容"


def _type_choices() -> str:
    return "、".join(f"{k}（{t.label}）" for k, t in TYPES.items())


def _category_choices() -> str:
    return "、".join(f"{k}（{label}）" for k, label in CATEGORIES.items())


def exists(path: Path) -> bool:
    """Path.exists that says False, not raises, for names the system refuses (too long, say)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def resolve_inside(base: Path, relative: str, content_dir: Path) -> Path | None:
    """Resolve a path written in an article; None if it leaves content/ (symlinks followed) or is no path."""
    if PurePosixPath(relative).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", relative) or relative.startswith("\\"):
        return None
    if "\0" in relative:
        return None
    try:
        target = (base / relative.replace("\\", "/")).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    root = content_dir.resolve()
    if target != root and root not in target.parents:
        return None
    return target


def is_unpublished(date: datetime | None, draft: bool, as_of: datetime | None) -> bool:
    """Whether the checks judge the article as not yet online (the only way `as_of` enters them)."""
    return draft or (date is not None and as_of is not None and date > as_of)


def check_article(raw: RawArticle, content_dir: Path, report: Report,
                  public_phones: tuple[str, ...] = (), as_of: datetime | None = None) -> Article | None:
    """The checked article, or None with messages. `as_of` decides what is published (consent applies only then)."""
    return check_article_timed(raw, content_dir, report, public_phones, as_of)[0]


def check_article_timed(raw: RawArticle, content_dir: Path, report: Report, public_phones: tuple[str, ...] = (),
                        as_of: datetime | None = None) -> tuple[Article | None, tuple[datetime | None, bool]]:
    """check_article, and the (date, draft) it compared with `as_of`, so a kept result can be reused
    at another time exactly when is_unpublished gives the same answer (generator.incremental)."""
    checker = _Checker(raw, content_dir, report, public_phones, as_of)
    return checker.run(), checker.timing


def check_article_links(articles: list[Article], report: Report) -> None:
    """Links to articles that do not exist or are not published (draft, scheduled) lead nowhere: warn."""
    by_src = {a.src_uri: a for a in articles}
    for article in articles:
        if not article.status.published:
            continue
        for line, written, target in article.article_links:
            other = by_src.get(target)
            if other is None:
                report.warning(article.source, line, f"链接“{written}”指向的文章不存在（或有错误没能发布），读者点开会找不到。请检查文件名。", code="link.article_missing")
            elif not other.status.published:
                why = "还是草稿" if other.draft else "还没到发布时间"
                report.warning(article.source, line, f"链接“{written}”指向的文章{why}，现在发布的页面上这个链接不会显示为链接。", code="link.article_unpublished")


def check_site(articles: list[Article], report: Report) -> list[Article]:
    """Rules across articles: slugs unique (case-insensitively, as Windows and some servers see them)."""
    first: dict[str, Article] = {}
    kept: list[Article] = []
    for article in articles:
        key = unicodedata.normalize("NFC", article.slug).casefold()
        other = first.get(key)
        if other is not None:
            how = "" if other.slug == article.slug else "（两个名字看起来一样，只差大小写或同一个字的不同编码）"
            report.error(article.source, 1,
                         f"网址名“{article.slug}”和 {other.source} 重复了{how}。每篇文章的文件名（或 slug）必须不同，请改一个。",
                         code="slug.duplicate")
            continue
        first[key] = article
        kept.append(article)
    return kept
