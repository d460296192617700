"""generator.fragments: a part rendered once per nav state gives, on every page, the bytes a plain include
gives there (links relative to each page, the active item marked), and a part it cannot reuse is rendered
as before. The whole site is compared byte for byte with the theme's own blocks by the 1,000-article check
in the README (issue 12); here, small templates with pages at several depths."""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2
from mkdocs.utils.templates import url_filter

from generator.fragments import Fragments


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
    "nav.html": '<ul>{% for i in nav.items %}<li class="{{ "on" if i.active }}">'
                '<a href="{{ i.url | url }}">{{ i.title }}</a></li>{% endfor %}</ul>',
    "card.html": '{% autoescape true %}<a href="{{ item.url | url }}">{{ item.title }}</a>{% endautoescape %}',
    "plain.html": "{% include 'nav.html' %}|{% for item in items %}{% include 'card.html' %}{% endfor %}",
    "cached.html": "{% call fragment('nav', page, base_url, nav) %}{% include 'nav.html' %}{% endcall %}|"
                   "{% for item in items %}{% call fragment('card', page, base_url, of=item) %}"
                   "{% include 'card.html' %}{% endcall %}{% endfor %}",
    # url's result compared: the markers do not come out whole, so this part is rendered on every page
    "compared.html": "{% call fragment('cmp', page, base_url, nav) %}{% include 'cmp.html' %}{% endcall %}",
    "cmp.html": "{% if '' | url == '.' %}top{% else %}below{% endif %}",
}


def _env() -> tuple[jinja2.Environment, Fragments]:
    env = jinja2.Environment(loader=jinja2.DictLoader(PARTS))
    env.filters["url"] = url_filter
    fragments = Fragments(env)
    env.globals["fragment"] = fragments
    return env, fragments


@dataclass(eq=False)
class Page:
    url: str


def test_a_part_made_once_has_each_pages_links_and_active_item() -> None:
    env, fragments = _env()
    home, notices = Item("首页", ""), Item("通知", "notices/")
    nav = Nav([home, notices])
    items = [Item("停水", "notices/water/"), Item("讲座", "science/talk/")]
    pages = [Page(""), Page("notices/"), Page("notices/water/"), Page("science/talk/"), Page("tags/水/")]
    seen = []
    for page in pages * 2:  # the second round reuses every part
        notices.active = page.url.startswith("notices/")
        context = {"page": page, "base_url": "", "nav": nav, "items": items}
        cached = env.get_template("cached.html").render(context)
        assert cached == env.get_template("plain.html").render(context)
        seen.append(cached)
    assert len(set(seen)) == len(pages)  # the pages' links do differ
    assert 'href="../../science/talk/"' in seen[2] and 'href="water/"' in seen[1]
    assert len(fragments._made) == 2 + len(items)  # nav: two states; one card per article


def test_a_part_whose_links_are_not_whole_is_rendered_each_time() -> None:
    env, fragments = _env()
    nav = Nav([Item("首页", "")])
    out = [env.get_template("compared.html").render({"page": Page(url), "base_url": "", "nav": nav})
           for url in ("", "notices/")]
    assert out == ["top", "below"]
    assert list(fragments._made.values()) == [None]
