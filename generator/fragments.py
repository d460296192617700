"""Parts of a page that come out the same on many pages but for their links, rendered once per state.

mkdocs-material renders the site navigation and the tabs again for every page (~1.5 ms a page,
1,500 pages), yet they differ between pages only by which nav items are active (or are the page)
and by links, which the `url` filter makes relative to the page; so does an article's card in every
list that shows it. `Fragments` (the template global `fragment`, used with `{% call %}` in
templates/overrides/main.html and partials/board/list.html) renders a part once per such state with
`url` leaving a marker holding its argument, and for each page puts in what `url` would have given
there (the real filter, called with the page's context): the same bytes. A part whose
markers do not come out whole (a `url` result filtered further or compared) is rendered as before.

The body of a `{% call fragment(...) %}` must be an include (or `super()`) and nothing else: a
template looks its filters up when it starts, so a `url` written in the body itself would use the
real filter and keep the first page's links, which no check here would notice.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from jinja2 import pass_context
from markupsafe import Markup

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no template or nav title writes them
_MARKED = re.compile("\ue000([^\ue000\ue001]*)\ue001")
_UNSAFE = re.compile("[&<>\"'\ue000\ue001]")  # a value autoescaping would change, or a marker inside one


def fragment_global(env: Any) -> Callable[..., Markup]:
    """The template global `fragment`: {% call fragment(name, nav, of=object) %}{% include ... %}{% endcall %}."""
    fragments = Fragments(env)

    @pass_context
    def fragment(context: Any, name: str, nav: Any = None, of: Any = None, *, caller: Callable[[], str]) -> Markup:
        return fragments.render(context, name, nav, of, caller)

    return fragment


class Fragments:
    """Per template environment (one build): each part's pieces, by its name and the nav's state."""

    def __init__(self, env: Any) -> None:
        self._env = env
        self._made: dict[tuple, list[str] | None] = {}  # None: this part cannot be reused
        self._kept: list[Any] = []

    def render(self, context: Any, name: str, nav: Any, of: Any, caller: Callable[[], str]) -> Markup:
        """The part `caller` renders for the context's page; `of`: the object it shows (an article's card)."""
        key = (name, _nav_state(nav, context.get("page")), id(of))
        if key not in self._made:
            self._kept.append(of)  # alive while its id is a key
            self._made[key] = self._pieces(caller)
        pieces = self._made[key]
        if pieces is None:
            return Markup(caller())
        url = self._env.filters["url"]  # the template's own filter, with this page's context
        out = pieces[:]
        for n in range(1, len(out), 2):  # odd pieces are url's arguments
            out[n] = url(context, out[n])
        return Markup("".join(out))  # finished HTML, in a template that autoescapes or not

    def _pieces(self, caller: Callable[[], str]) -> list[str] | None:
        """The part rendered with markers for url, split: text, url argument, text, ...; None if not whole."""
        calls = 0

        @pass_context
        def marked(_context: Any, value: Any) -> str:
            nonlocal calls
            calls += 1
            return f"{_OPEN}{value}{_CLOSE}"

        filters = self._env.filters
        real = filters["url"]
        if getattr(real, "jinja_pass_arg", None) is None:  # not MkDocs' url filter (it reads the page)
            return None
        filters["url"] = marked  # templates look filters up when they start: those included below see this one
        try:
            text = str(caller())
        finally:
            filters["url"] = real
        pieces = _MARKED.split(text)
        if len(pieces) // 2 != calls or any(_UNSAFE.search(p) for p in pieces[1::2]) \
                or any(_OPEN in p or _CLOSE in p for p in pieces[::2]):
            return None
        return pieces


def _nav_state(nav: Any, page: Any) -> tuple:
    """What of the page the nav templates read besides links: each item's title, whether it is active and
    whether it is the page (mkdocs' Page.__eq__, as the templates compare)."""
    state: list[tuple] = []
    items = list(getattr(nav, "items", None) or [])
    while items:
        item = items.pop()
        state.append((id(item), item.title, bool(getattr(item, "active", False)), item == page))
        items.extend(getattr(item, "children", None) or [])
    return tuple(state)
