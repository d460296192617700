"""`wechat/<slug>.html`: each article prepared for the official account's (公众号) editor.

The editor drops <style>, classes, scripts and links to other sites, and refuses pictures from
other sites. So the article is rebuilt from its published HTML (the one parse): pictures become
numbered boxes where staff upload them (listed beside the article), links become their text, and
a QR code to the article carries the reader to what the links pointed at. Every style is inlined
by css-inline (the maintained inliner); the page's only script is its "复制全文" button's file.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, unquote, urlsplit

import css_inline
import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from generator import urls
from generator.assets import public_name
from generator.buildcache import code_version, digest, tree_digest
from generator.html_walk import VOID, Walker
from generator.incremental import cache_kind, kept_files, print_of
from generator.model import Article
from generator.output.claims import WECHAT as OWNER
from generator.output.writer import SiteWriter
from generator.plan import SitePlan
from generator.qr import qr_png
from generator.timeutil import beijing, event_span

ARTICLE_ID = "wx-article"
# What the editor keeps; anything else is unwrapped to its text by nh3.
TAGS = {"section", "div", "p", "span", "strong", "b", "em", "i", "u", "ins", "s", "del", "mark", "sup", "sub",
        "small", "abbr", "time", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "code", "pre", "dl", "dt", "dd", "figure",
        "figcaption"}
ATTRS = {"*": {"style"}, "td": {"style", "colspan", "rowspan"}, "th": {"style", "colspan", "rowspan"},
         "ol": {"style", "start"}, "section": {"style", "id"}}


@dataclass(frozen=True)
class Picture:
    number: int
    name: str  # file name as staff know it
    href: str  # relative to the copy page
    label: str  # 图片 1 / 二维码


class _Rewriter(Walker):
    """Re-emits the published body with pictures as numbered upload boxes and links as their text.
    Our own small walker: nh3 removes tags and attributes but cannot replace one element by another.
    Ruby annotations (hidden text) are dropped: the editor keeps no <ruby>, so they would run into the text."""

    replays = True  # reads no parser state: the body parse's tokens of the same HTML serve

    def __init__(self, article: Article) -> None:
        super().__init__()
        self.article = article
        self.out: list[str] = []
        self.pictures: list[Picture] = []
        self.links = 0

    def _picture(self, attrs: dict) -> None:
        src = unquote((attrs.get("src") or "").split("#", 1)[0].split("?", 1)[0])
        if not src or urlsplit(src).scheme:
            return  # data: pictures and the like: nothing a staff member could download and upload
        src_uri = posixpath.normpath(posixpath.join(posixpath.dirname(self.article.src_uri), src))
        if src_uri.startswith("../") or src_uri not in self.article.assets:
            return
        number = len(self.pictures) + 1
        name = posixpath.basename(src_uri)
        self.pictures.append(Picture(number, name, "../" + quote(public_name(src_uri)), f"图片 {number}"))
        alt = f"：{attrs['alt']}" if attrs.get("alt") else ""
        self.out.append(f'<p class="wx-picture">〔图片 {number}：请在这里上传 {escape(name)}{escape(alt)}〕</p>')

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self._picture(values)
            return
        if tag == "a":
            self.links += 1 if values.get("href") else 0
            return
        kept = "".join(f' {k}="{escape(v or "", quote=True)}"' for k, v in attrs if k in ("class", "colspan", "rowspan", "start"))
        self.out.append(f"<{tag}{kept}>")

    def end(self, tag: str) -> None:
        if tag not in ("a", "img") and tag not in VOID:
            self.out.append(f"</{tag}>")

    def text(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def _facts(article: Article) -> str:
    rows = []
    if article.event:
        rows.append(("活动时间", event_span(article.event.start, article.event.end)))
        if article.event.location:
            rows.append(("活动地点", article.event.location))
    if article.expires and article.type == "notice" and not article.event:
        rows.append(("有效期至", beijing(article.expires)))
    if not rows:
        return ""
    inner = "".join(f'<p class="wx-fact"><span class="wx-label">{escape(k)}：</span>{escape(v)}</p>' for k, v in rows)
    return f'<section class="wx-facts">{inner}</section>'


def article_fragment(article: Article, link: str | None, css: str) -> tuple[str, list[Picture], bool]:
    """The article as the editor takes it: (HTML with every style inline and no class, pictures, has_qr)."""
    walker = _Rewriter(article).walk(article.body_html)
    body = "".join(walker.out)
    signature = ""
    if article.type == "notice" and article.author:
        signature = f'<p class="wx-signature">{escape(article.author)}<br>{escape(beijing(article.date, "date"))}</p>'
    pictures = list(walker.pictures)
    more = ""
    if link:
        number = len(pictures) + 1
        qr_name = posixpath.basename(urls.wechat_qr(article.slug))
        pictures.append(Picture(number, qr_name, quote(qr_name), "二维码"))
        why = "文中提到的网址和文件，" if walker.links else ""
        more = (f'<section class="wx-more"><p class="wx-fact">{why}请长按识别二维码，阅读社区网站上的原文</p>'
                f'<p class="wx-picture">〔图片 {number}：请在这里上传二维码 {escape(qr_name)}〕</p>'
                f'<p class="wx-link">{escape(link)}</p></section>')
    elif walker.links:
        more = '<section class="wx-more"><p class="wx-fact">文中提到的网址和文件，请到社区公告栏网站查看原文。</p></section>'
    html = f'<section id="{ARTICLE_ID}" class="wx-article">{_facts(article)}{body}{signature}{more}</section>'
    html = css_inline.inline_fragment(html, css)
    html = nh3.clean(html, tags=TAGS, attributes=ATTRS, link_rel=None, strip_comments=True)
    return html, pictures, bool(link)


class WechatMaker:
    """The copy page of an article (its HTML and whether a QR code goes with it), from the templates
    in templates/wechat/. Made once per process: in the check's worker pool (generator.products) and in
    write_wechat, so a page made ahead is the page write_wechat would make."""

    def __init__(self, settings) -> None:
        self.settings = settings
        source = settings.templates_dir / "wechat"
        self.article_css = (source / "article.css").read_text(encoding="utf-8")
        self.inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False,
                                             extra_css=(source / "page.css").read_text(encoding="utf-8"))
        self.script = (source / "copy.js").read_bytes()
        # a file, not an inline script (the site's Content-Security-Policy allows none), named by its
        # content so a web server may cache it for good (deploy/nginx/board.conf)
        self.script_name = f"copy.{hashlib.sha256(self.script).hexdigest()[:10]}.js"
        env = Environment(loader=FileSystemLoader(str(source)), autoescape=select_autoescape(["html"]))
        self.template = env.get_template("page.html")
        # what every copy page depends on besides its article and link (generator.incremental)
        self.shared = digest("wechat", code_version(),
                             settings.config_file.read_bytes() if settings.config_file.is_file() else None,
                             tree_digest(source))

    def ahead_key(self, link: str | None) -> str:
        """What a page made ahead (generator.products) was made for, besides its article's checked fields."""
        return digest(self.shared, link, self.settings.committee)

    def page(self, article: Article, link: str | None) -> tuple[str, bool]:
        """(the copy page's HTML, whether it shows a QR code of link)."""
        fragment, pictures, has_qr = article_fragment(article, link, self.article_css)
        html = self.template.render(title=article.title, summary=article.summary,
                                    author=article.author or self.settings.committee,
                                    page_href="../" + quote(article.url), pictures=pictures,
                                    article=Markup(fragment), script=self.script_name)
        return self.inliner.inline(html), has_qr


def write_wechat(plan: SitePlan, writer: SiteWriter, link_path) -> None:
    """wechat/<slug>.html (and <slug>.qr.png with site_url) for every published article.
    `link_path(article)` is the article's link relative to the site root (its short URL)."""
    from generator.products import made_ahead

    settings = plan.board.settings
    maker = WechatMaker(settings)
    writer.write_bytes(urls.WECHAT + maker.script_name, maker.script, OWNER)
    board = plan.board
    # An article's copy page is made again only when it, the templates or the settings changed (generator.incremental).
    kind = cache_kind(board, "wechat")
    for article in board.published:
        link = settings.full_url(link_path(article))

        def make(writer, article=article, link=link, ahead=None) -> None:
            html, has_qr = ahead or maker.page(article, link)
            if has_qr:
                writer.write_bytes(urls.wechat_qr(article.slug), qr_png(link), OWNER)
            writer.write_text(urls.wechat_path(article.slug), html, OWNER)

        key = digest(maker.shared, print_of(board, article), link)
        # the files an earlier build made from the same inputs are still there: nothing to make
        if writer.keep_made("wechat:" + key[:32], OWNER):
            if board.cache is not None:
                board.cache.keep(kind, key)  # still this article's: its entry is not pruned
                board.cache.count("wechat.left")
            continue
        keyed = writer.keyed("wechat:" + key[:32])
        # made ahead in the check's pool (and kept with the check): nothing to make or keep here
        ahead = made_ahead(article, "wechat", maker.ahead_key(link))
        if ahead is not None:
            make(keyed, ahead=ahead)
            if board.cache is not None:
                board.cache.count("wechat.ahead")
        else:
            kept_files(board.cache, kind, key, keyed, make)
