"""The kiosk: `kiosk/index.html`, a full-screen rotating display for the touch screen in the hall.

One self-contained folder (page, script, style, QR codes); nothing is fetched from outside the
site. The current articles are embedded in the page, so the screen shows them even when its first
fetch of board.json fails; the script then re-reads board.json every few minutes and drops each
article at its `expires` time by the screen's own clock. A service worker (sw.js) keeps the page,
its script and style, board.json and the pictures of every article it may show, so a screen that restarts with the
network down shows the last content at once. Outside `kiosk_hours` the screen shows only a dim
clock and the committee's phone (an urgent notice still shows).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from generator import urls
from generator.feeds import manifest
from generator.model import TYPES
from generator.output.claims import KIOSK as OWNER
from generator.output.writer import SiteWriter
from generator.phrases import fixed_names, js_breaks
from generator.plan import SitePlan
from generator.qr import qr_svg

KIOSK_DIR = urls.KIOSK.rstrip("/")
REFRESH_SECONDS = 300  # re-read board.json every 5 minutes
RESUME_SECONDS = 60  # a paused screen carries on by itself after a minute
STALE_SECONDS = 3600  # board.json not refreshed for this long: the screen says when its content is from
ASSETS = ("kiosk.js", "kiosk.css")


def duty_text(settings) -> str:
    """What the screen shows in quiet hours besides the clock: the committee's phone."""
    if settings.contact:
        return settings.contact
    if settings.public_phones:
        return f"{settings.committee} 电话 {settings.public_phones[0]}"
    return settings.committee


def hours_minutes(hours: str) -> str:
    """"06:30-22:00" (as generator.settings normalises kiosk_hours) -> "390-1320", minutes of the day for the script."""
    if not hours:
        return ""
    return "-".join(str(int(t[:2]) * 60 + int(t[3:])) for t in hours.split("-"))


def _script_json(value: object) -> str:
    """JSON safe inside <script type="application/json"> (no `</script>`, no `<!--`)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def on_screen(plan: SitePlan) -> list:
    """The first `kiosk_items` current articles in board order: a rotation residents can follow
    (30 at 15 s is a loop of under 8 minutes); the rest are on the site."""
    return plan.current[: plan.board.settings.kiosk_items]


def can_show(plan: SitePlan) -> list:
    """Every current article the screen may ever show from this build's board.json, in board order.

    The screen shows the first `kiosk_items` that have not expired by its own clock, so as those
    expire (say, offline for days) later ones move up: an article can show when, just before it
    expires (or ever, if it never does), fewer than `kiosk_items` articles before it outlive it.
    The service worker keeps the pictures of exactly these, so the cache stays bounded."""
    limit = plan.board.settings.kiosk_items
    before: list[float] = []  # expiry times (inf: never) of the articles ahead, sorted
    shown = []
    for article in plan.current:
        if len(before) >= limit and before[-limit] == math.inf:
            break  # `limit` never-expiring articles ahead: nothing later can reach the screen
        ends = article.expires.timestamp() if article.expires else math.inf
        if len(before) - bisect.bisect_left(before, ends) < limit:
            shown.append(article)
        bisect.insort(before, ends)
    return shown


def _revision(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def kiosk_data(plan: SitePlan) -> dict:
    """The initial set, in board.json's own form (so the script treats both alike); no poster links."""
    return manifest(plan, on_screen(plan), posters=False)


def write_kiosk(plan: SitePlan, writer: SiteWriter) -> None:
    """Write site/kiosk/: index.html, kiosk.<hash>.js, kiosk.<hash>.css, sw.js and qr/<slug>.svg for every article it may show."""
    settings = plan.board.settings
    source = settings.templates_dir / "kiosk"

    # Names carry a content hash (kiosk.<hash>.js), as the site's own assets do: a web server may
    # cache them for a year, and a new build's script is never taken from a stale cache.
    assets = {}
    for name in ASSETS:
        data = (source / name).read_bytes()
        stem, suffix = name.rsplit(".", 1)
        assets[name] = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
        writer.write_bytes(urls.kiosk_file(assets[name]), data, OWNER)

    # The pictures the service worker keeps (site-relative URL -> revision), so a screen restarted
    # without network shows every slide whole: the cover and QR code of every article it may show.
    # QR files serve articles that move up as others expire, or come through a later board.json; the
    # initial set carries its codes inline so the first screen needs no further request.
    pictures: dict[str, str] = {}
    qr_inline: dict[str, dict[str, str]] = {}
    first = {article.slug for article in on_screen(plan)}
    for article in can_show(plan):
        url = settings.full_url(article.short_url)  # short: a small code that reads from across the hall
        if url:
            svg = qr_svg(url)
            writer.write_text(urls.kiosk_qr(article.slug), svg, OWNER)
            pictures[urls.kiosk_qr(article.slug)] = _revision(svg.encode())
            if article.slug in first:
                qr_inline[article.slug] = {"site": settings.site_url, "url": article.short_url, "svg": svg}
        if article.cover:
            try:
                pictures[urls.asset_path(article.cover)] = _revision(settings.content_path(article.cover).read_bytes())
            except OSError:
                pass  # the build has already said the picture is missing; the screen drops a cover it cannot load

    env = Environment(loader=FileSystemLoader(str(source)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    # The service worker keeps one name (browsers look for updates at it); its text names this
    # build's script, style and pictures with their revisions, so it changes whenever one does.
    precache = {urls.kiosk_file(assets[name]): assets[name].split(".")[1] for name in ASSETS}
    precache.update(sorted(pictures.items()))
    precache_json = json.dumps(precache, ensure_ascii=False, separators=(",", ":"))
    build = hashlib.sha256(precache_json.encode() + (source / "sw.js").read_bytes()).hexdigest()[:10]
    sw = env.get_template("sw.js").render(build=build, precache_json=precache_json)
    writer.write_text(urls.KIOSK_WORKER, sw, OWNER)
    html = env.get_template("index.html").render(
        settings=settings,
        title=f"{settings.community}公告栏",
        interval=settings.kiosk_interval,
        items=settings.kiosk_items,
        refresh=REFRESH_SECONDS,
        stale=STALE_SECONDS,
        hours=hours_minutes(settings.kiosk_hours),
        duty=duty_text(settings),
        resume=RESUME_SECONDS,
        assets=assets,
        data_json=_script_json(kiosk_data(plan)),
        qr_json=_script_json(qr_inline),
        type_labels_json=_script_json({key: t.label for key, t in TYPES.items()}),
        committee_breaks=js_breaks(settings.committee, fixed_names(settings)),
    )
    writer.write_text(urls.kiosk_file("index.html"), html, OWNER)
