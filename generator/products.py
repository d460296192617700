"""Per-article products made ahead, in the check step's worker pool (both cores), not one by one in
the main process while MkDocs renders: the QR codes of the article's short URL (the share panel, the
kiosk and the WeChat copy page show them), its WeChat copy page and the phrase breaks of its title,
summary, facts and headings. They ride back with the checked article (`Article.products`) and so are
kept in the check step's cache entry too.

The short code is not known yet when an article is checked (codes are given once every slug is
known), so each product is made for the code the slug gets when no other slug holds it
(`shorturls.candidate`) and carries what it was made for; the main process uses it only when that
equals what it would use now, else it makes the product itself as before. So the built site is the
same with or without products made ahead.
"""

from __future__ import annotations

import os
import traceback
import zlib
from typing import Any, Iterable

from generator import phrases, urls
from generator.buildcache import digest, tree_digest
from generator.model import Article
from generator.shorturls import candidate

_MAKERS: dict[str, Any] = {}  # maker_key(settings) -> its WechatMaker, in this process
MAKERS_LIMIT = 8  # a long-running board serve, its settings changed many times, never holds more
FAILED = "failed"  # products[FAILED] = (what went wrong,): none made ahead; counted (products.failed) when made


def maker_key(settings) -> str:
    """Which WechatMaker fits these settings: their values and the copy page's templates (read once, by
    the maker). Not id(settings): an id is used again once its object is gone, a digest is not."""
    return digest(sorted(vars(settings).items()), tree_digest(settings.templates_dir / "wechat"))


class Ahead:
    """Called on every freshly checked article (generator.incremental.ArticleChecker); picklable,
    for the pool's processes on Windows."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.key = maker_key(settings)  # once per build, not once per article

    def __call__(self, article: Article) -> bool:
        """Make the article's products; False when that failed (the caller counts products.failed then, once:
        the failure is kept with the cached check, and a build that reuses it made nothing)."""
        try:
            article.products = make(article, self.settings, self.key)
        except Exception as exc:  # noqa: BLE001  the main process makes them again and reports any problem as before;
            # the failure rides back with the article and is counted, so a bug here is seen, not hidden
            article.products = {FAILED: (f"{type(exc).__name__}: {exc}",)}
            if os.environ.get("BOARD_DEBUG"):
                traceback.print_exc()
            return False
        return True


def make(article: Article, settings, key: str | None = None) -> dict[str, tuple]:
    from generator import qr  # here, as the others: `board check` makes no products and needs no numpy
    from generator.feeds import article_json
    from generator.phrases import fixed_names
    from generator.wechat import WechatMaker

    products: dict[str, tuple] = {}
    link = settings.full_url(urls.short_url(candidate(article.slug)))  # the likely short URL (see above)
    if link:
        products["qr"] = (link, qr.qr_svg(link), qr.qr_png(link))
    key = key or maker_key(settings)
    maker = _MAKERS.get(key)
    if maker is None:
        if len(_MAKERS) >= MAKERS_LIMIT:
            _MAKERS.clear()
        maker = _MAKERS[key] = WechatMaker(settings)
    html, has_qr = maker.page(article, link)
    # compressed: every article's copy page waits in the main process until write_wechat (a third of an
    # article's memory there as text; a tenth of it compressed), see made_ahead
    products["wechat"] = (maker.ahead_key(link), zlib.compress(html.encode("utf-8", "surrogatepass"), 1), has_qr)
    keep = fixed_names(settings)
    entry = article_json(article)
    texts: list[Any] = [entry.get("title"), entry.get("summary"), entry.get("author"),
                        (entry.get("event") or {}).get("location"), *(entry.get("display") or {}).values()]
    texts += phrases.heading_texts(article.body_html)
    products["breaks"] = (keep, phrases.breaks_of(texts, keep))
    return products


def made_ahead(article: Article, kind: str, key: object) -> tuple | None:
    """The product `kind` of article without its key, if it was made ahead for `key`; else None."""
    kept = article.products.get(kind)
    if kept is None or kept[0] != key:
        return None
    if kind == "wechat":
        return zlib.decompress(kept[1]).decode("utf-8", "surrogatepass"), kept[2]
    return kept[1:]


def remember(articles: Iterable[Article]) -> None:
    """Hand the QR codes and phrase breaks made ahead to the modules that make them in this process."""
    for article in articles:
        code = article.products.get("qr")
        if code is not None:
            from generator import qr

            qr.remember(*code)
        found = article.products.get("breaks")
        if found is not None:
            phrases.remember(*found)
