"""Everything a build will write, claimed before anything is written: clashes become messages.

The claims come from the plan alone (no renderer), so `board check` finds an article named
`print-pack`, or named like an attachment, as `board build` and `mkdocs build` do.
"""

from __future__ import annotations

from pathlib import Path

from generator import urls
from generator.messages import Report
from generator.model import Article
from generator.output.writer import OutputClash, OutputMap, Owner
from generator.plan import ListingPage, SitePlan
from generator.portable_names import path_problem

SEARCH = Owner("站内搜索的数据")
KIOSK = Owner("电子屏页面")
PRINT_PACK = Owner("海报合集（打印包）")
MANIFEST = Owner("文章清单 board.json")
FEED = Owner("订阅 feed.xml")
CALENDAR = Owner("活动日历 calendar.ics")
THEME = Owner("网站主题的样式、脚本和图标（assets 文件夹）")
RENDERER = Owner("网站自带的页面（404、网站地图）")
MARKER_OWNER = Owner("网站标记文件")
SHORT = Owner("文章短网址（s 文件夹）")
SHARES = Owner("分享图片（shares 文件夹）")
WECHAT = Owner("公众号版本（wechat 文件夹）")


def article_page(article: Article) -> Owner:
    return Owner(f"文章“{article.title}”的网页", article.source, article.slug_line)


def article_poster(article: Article) -> Owner:
    return Owner(f"文章“{article.title}”的海报", article.source, article.slug_line)


def listing_page(listing: ListingPage) -> Owner:
    if listing.kind == "tag" and listing.items:  # tags are the staff's: point at an article that uses it
        first = min(listing.items, key=lambda a: a.source)
        return Owner(f"标签“{listing.key}”的列表页", first.source, 1)
    return Owner(f"列表页“{listing.title}”")


def content_file(article: Article, src_uri: str, content_dir: Path, root: Path) -> Owner:
    try:
        shown = (content_dir / src_uri).relative_to(root).as_posix()
    except ValueError:
        shown = src_uri
    return Owner(f"文件 {shown}（{article.source} 用到）", article.source, 1)


def claim_site(plan: SitePlan, report: Report) -> OutputMap:
    """Claim every output path of the plan; each clash is one error at the staff's file and line."""
    from generator.output.target import MARKER

    settings = plan.board.settings
    claims = OutputMap()

    def claim(path: str, owner: Owner, tree: bool = False) -> None:
        clash = claims.claim_tree(path.rstrip("/"), owner) if tree else claims.claim(path, owner)
        if clash:
            _report(clash, report)

    for path, owner in ((urls.BOARD_JSON, MANIFEST), (urls.FEED, FEED), (urls.CALENDAR, CALENDAR),
                        (urls.PRINT_PACK, PRINT_PACK), (MARKER, MARKER_OWNER)):
        claim(path, owner)
    for path in urls.RENDERER_FILES:
        claim(path, RENDERER)
    for folder, owner in ((urls.THEME_ASSETS, THEME), (urls.SEARCH_DATA, SEARCH), (urls.KIOSK, KIOSK),
                          (urls.SHORT, SHORT), (urls.SHARES, SHARES), (urls.WECHAT, WECHAT)):
        claim(folder, owner, tree=True)
    for listing in plan.pages:
        claim(listing.dest_uri, listing_page(listing))
    seen: set[str] = set()
    for article in plan.board.published:
        for src_uri in article.assets:
            if src_uri not in seen:
                seen.add(src_uri)
                bad = path_problem(src_uri)
                if bad:
                    report.error(article.source, 1, f"用到的文件 {src_uri} 的名字“{bad[0]}”{bad[1]}。"
                                 "网站放到 Windows 电脑上会出错，请给文件（或文件夹）改名，并改好文章里的链接。",
                                 code="asset.windows_name")
                    continue
                claim(urls.asset_path(src_uri), content_file(article, src_uri, settings.content_dir,
                                                               settings.project_root))
    for article in plan.board.published:
        claim(article.dest_uri, article_page(article))
        if article.has_poster:
            claim(urls.poster_path(article.slug), article_poster(article))
    return claims


def _report(clash: OutputClash, report: Report) -> None:
    at = clash.second if clash.second.source else clash.first
    report.error(at.source or "mkdocs.yml", at.line, clash.sentence(), code="output.clash")
