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

from typing import Any, Iterable

from generator import phrases, qr, urls
from generator.model import Article
from generator.shorturls import candidate

_MAKERS: dict[int, Any] = {}  # id(settings) -> its WechatMaker, one per process


class Ahead:
    """Called on every freshly checked article (generator.incremental.ArticleChecker); picklable,
    for the pool's processes on Windows."""

    def __init__(self, settings) -> None:
        self.settings = settings

    def __call__(self, article: Article) -> None:
        try:
            article.products = make(article, self.settings)
        except Exception:  # noqa: BLE001  the main process makes them again and reports any problem as before
            article.products = {}


def make(article: Article, settings) -> dict[str, tuple]:
    from generator.feeds import article_json
    from generator.phrases import fixed_names
    from generator.wechat import WechatMaker

    products: dict[str, tuple] = {}
    link = settings.full_url(urls.short_url(candidate(article.slug)))  # the likely short URL (see above)
    if link:
        products["qr"] = (link, qr.qr_svg(link), qr.qr_png(link))
    maker = _MAKERS.get(id(settings))
    if maker is None:
        maker = _MAKERS[id(settings)] = WechatMaker(settings)
    products["wechat"] = (maker.ahead_key(link), *maker.page(article, link))
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
    return kept[1:]


def remember(articles: Iterable[Article]) -> None:
    """Hand the QR codes and phrase breaks made ahead to the modules that make them in this process."""
    for article in articles:
        code = article.products.get("qr")
        if code is not None:
            qr.remember(*code)
        found = article.products.get("breaks")
        if found is not None:
            phrases.remember(*found)
