"""generator.fragments: a part rendered once per nav state gives, on every page, the bytes a plain include
gives there (links relative to each page, the active item marked), and a part it cannot reuse is rendered
as before. The whole site is compared byte for byte with the theme's own blocks by the 1,000-article check
in the README (issue 12); here, small templates with pages at several depths."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import jinja2

try:
    import mkdocs  # noqa: F401  MkDocs 1.6
except ImportError:  # CI's second pass: ProperDocs answers to mkdocs.* once it is imported
    import properdocs.replacement  # noqa: F401
from mkdocs.utils.templates import url_filter

from generator.fragments import fragment_global


@dataclass(eq=False)
class Item:
    title: str
    url: str
    active: bool = False
    children: list["Item"] = field(default_factory=list)


@dataclass
class Nav:
    items: list[Item]


PARTS = {
    "nav.html": '{{ rendered("nav") }}<ul>{% for i in nav.items %}<li class="{{ "on" if i.active }}">'
                '<a href="{{ i.url | url }}">{{ i.title }}</a></li>{% endfor %}</ul>',
    "card.html": '{% autoescape true %}{{ rendered("card") }}<a href="{{ item.url | url }}">{{ item.title }}</a>{% endautoescape %}',
    "plain.html": "{% include 'nav.html' %}|{% for item in items %}{% include 'card.html' %}{% endfor %}",
    "cached.html": "{% call fragment('nav', nav) %}{% include 'nav.html' %}{% endcall %}|"
                   "{% for item in items %}{% call fragment('card', of=item) %}"
                   "{% include 'card.html' %}{% endcall %}{% endfor %}",
    # url's result compared: the markers do not come out whole, so this part is rendered on every page
    "compared.html": "{% call fragment('cmp', nav) %}{% include 'cmp.html' %}{% endcall %}",
    "cmp.html": "{% if '' | url == '.' %}top{% else %}below{% endif %}",
}


def _env() -> tuple[jinja2.Environment, Counter]:
    """An environment with MkDocs' url filter and `fragment`; the counter: how often each part was rendered."""
    env = jinja2.Environment(loader=jinja2.DictLoader(PARTS))
    env.filters["url"] = url_filter
    env.globals["fragment"] = fragment_global(env)
    renders: Counter = Counter()
    env.globals["rendered"] = lambda part: renders.update([part]) or ""
    return env, renders


@dataclass(eq=False)
class Page:
    url: str


def test_a_part_made_once_has_each_pages_links_and_active_item() -> None:
    env, renders = _env()
    home, notices = Item("首页", ""), Item("通知", "notices/")
    nav = Nav([home, notices])
    items = [Item("停水", "notices/water/"), Item("讲座", "science/talk/")]
    pages = [Page(""), Page("notices/"), Page("notices/water/"), Page("science/talk/"), Page("tags/水/")]
    seen, made = [], Counter()
    for page in pages * 2:  # the second round reuses every part
        notices.active = page.url.startswith("notices/")
        context = {"page": page, "base_url": "", "nav": nav, "items": items}
        plain = env.get_template("plain.html").render(context)
        renders.clear()
        cached = env.get_template("cached.html").render(context)
        assert cached == plain
        seen.append(cached)
        made.update(renders)
    assert len(set(seen)) == len(pages)  # the pages' links do differ
    assert 'href="../../science/talk/"' in seen[2] and 'href="water/"' in seen[1]
    assert made == {"nav": 2, "card": len(items)}  # the nav once per state (notices active or not), a card once


def test_a_part_whose_links_are_not_whole_is_rendered_each_time() -> None:
    env, renders = _env()
    nav = Nav([Item("首页", "")])
    out = [env.get_template("compared.html").render({"page": Page(url), "base_url": "", "nav": nav})
           for url in ("", "notices/")]
    assert out == ["top", "below"]
