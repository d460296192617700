"""Current articles -> share pictures `shares/<slug>.png` (the shares package does the layout)."""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.messages import Report
from generator.model import Article
from generator.output import claims
from generator.output.swap import remove_tree
from generator.output.writer import SiteWriter
from generator.plan import SitePlan
from generator.qr import qr_svg


def link_path(article: Article) -> str:
    """The link residents get from a share picture's QR code or a copied link, relative to the site
    root: the article's short URL (generator.shorturls), as on posters and the kiosk."""
    return article.short_url


def link_of(article: Article, plan: SitePlan) -> str | None:
    """link_path as an absolute URL (None without site_url)."""
    return plan.board.settings.full_url(link_path(article))


def share_job(article: Article, plan: SitePlan):
    """The article's poster job (same data) with the link the picture's QR code carries."""
    from generator.poster_step import poster_job

    return dataclasses.replace(poster_job(article, plan), url=link_of(article, plan))


def shares_dir(plan: SitePlan) -> Path:
    return plan.board.settings.templates_dir / "shares"


def write_shares(plan: SitePlan, writer: SiteWriter, report: Report) -> bool:
    """Render the share pictures of current articles (unless `share: false`) and hand them to the writer."""
    from generator.poster_step import cache_dir_for, poster_settings  # imported late: Typst is only needed here
    from generator.shares import PosterError, render_shares

    articles = [a for a in plan.current if a.has_share]
    scratch = Path(tempfile.mkdtemp(prefix=writer.root.name + "-shares-", dir=writer.root.parent))
    try:
        try:
            result = render_shares([share_job(a, plan) for a in articles], scratch, poster_settings(plan),
                                   shares_dir(plan), cache_dir_for(plan))
        except PosterError as exc:
            report.error("mkdocs.yml", 1, str(exc), code="share.failed")
            return False
        for article in articles:
            writer.move_in(urls.share_path(article.slug), scratch / f"{article.slug}.png", claims.SHARES)
            omitted = result.fits[article.slug].get("omitted")
            if omitted:
                report.warning(article.source, 1, f"《{article.title}》的分享图片字体里没有这些字符，图片上略去了它们："
                               f"{' '.join(omitted)}", code="share.missing_glyphs")
        return True
    finally:
        remove_tree(scratch)


@dataclass(frozen=True)
class ShareLinks:
    """What an article page offers for sharing: og: tags and the 分享 panel (all URLs site-relative,
    or absolute where the name says so; absolute ones are None without site_url)."""

    link: str  # the short URL
    link_abs: str | None
    page_abs: str | None
    picture: str | None  # the share picture, when one is built
    image: str | None  # og:image: the cover, else the share picture
    image_abs: str | None
    wechat: str  # the 公众号 copy page

    def qr_svg(self) -> str | None:
        """The short URL as an inline SVG QR code (sized by CSS), for a neighbour to scan."""
        return qr_svg(self.link_abs) if self.link_abs else None


def share_links(article: Article, settings, posters: bool) -> ShareLinks:
    """`posters`: whether this build draws posters and share pictures (`--no-posters` draws neither)."""
    from generator.assets import public_name

    picture = urls.share_path(article.slug) if posters and article.has_share else None
    image = public_name(article.cover) if article.cover else picture
    return ShareLinks(
        link=link_path(article), link_abs=settings.full_url(link_path(article)), page_abs=settings.full_url(article.url),
        picture=picture, image=image, image_abs=settings.full_url(image) if image else None,
        wechat=urls.wechat_path(article.slug),
    )
