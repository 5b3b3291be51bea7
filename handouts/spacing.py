"""The spaces between a page's blocks, in one place: ``markup.build`` gives
each flowable its spaces with these rules, and ``respace`` gives a page
already built another spacing at the same body size (the fit search builds a
page once per size and respaces it for each spacing it tries).

Spacing moves blocks and never changes a line: a paragraph's spaces come from
its style, and two sets of styles that differ only in spacing break every
line alike (``spacing_only``)."""

from __future__ import annotations

from functools import lru_cache

from handouts.flowables import TaggedParagraph as Paragraph, lines_key
from handouts.panels import Box, ListItem
from handouts.styles import STYLE_FIELDS, Styles


def list_spaces(items: list, st: Styles) -> None:
    """A list's items are spaced as their paragraphs, and the last as a
    paragraph of body text (the list ends its block)."""
    for item in items:
        item.spaceBefore, item.spaceAfter = item.paragraph.style.spaceBefore, item.paragraph.style.spaceAfter
    if items:
        items[-1].spaceAfter = st.body.spaceAfter


def box_spaces(box: Box, st: Styles, role: str) -> None:
    """The space after the summary's panel and before the callout's."""
    if role == "summary":
        box.spaceAfter = st.body_pt * 0.5 * st.spacing
    else:
        box.spaceBefore = st.body_pt * 0.9 * st.spacing


def respace(page, st: Styles):
    """``page`` (a ``markup.Page``, as ``markup.build`` made it) at the spacing of ``st``: the very same
    flowables, lines and structure, each given the spaces ``build`` gives it
    with ``st``, so the fit search builds a page once per body size and only
    respaces it for each other spacing. None (build it again) when ``st``
    differs from the page's styles in more than spacing and the leading
    that follows it (``spacing_only``). Changes ``page`` in place."""
    old = page.styles
    if old is None or not spacing_only(old, st):
        return None
    flowables = list(_walk(page.body))
    restyled = []
    for f in flowables:
        para = f.paragraph if isinstance(f, ListItem) else f
        if isinstance(para, Paragraph):
            name = para.style.name
            if getattr(old, name, None) is not para.style:
                return None  # not one of the page's styles: cannot tell its spacing
            restyled.append((para, getattr(st, name)))
    for para, new in restyled:
        para.restyle(new)
    lists: dict[int, list] = {}
    for f in flowables:
        if isinstance(f, ListItem):
            lists.setdefault(id(f.handout_list), []).append(f)
        elif isinstance(f, Box) and getattr(f, "handout_role", "") in ("summary", "callout"):
            box_spaces(f, st, f.handout_role)
    for items in lists.values():
        list_spaces(items, st)
    page.styles = st
    return page


def spacing_only(a: Styles, b: Styles) -> bool:
    """True when two sets of styles differ at most in spacing: the same
    brand, sizes and fonts, so they break every line alike. Two sets
    ``make_styles`` made tell it by construction (``Styles.made``: the same
    inputs but the spacing), without comparing their styles (a new pair
    cost 0.3 ms so); their leading may differ too (in large print and
    Chinese it follows the spacing), which changes a paragraph's height,
    never its lines (``TaggedParagraph.restyle``)."""
    if a.made is not None and b.made is not None:
        return a.made[:6] == b.made[:6]
    return _compared(a, b)


@lru_cache(maxsize=1024)
def _compared(a: Styles, b: Styles) -> bool:
    """``spacing_only`` of styles made otherwise: every style compared, but
    for its spaces and leading."""
    if (a.palette, a.fonts, a.body_pt, a.min_text_pt) != (b.palette, b.fonts, b.body_pt, b.min_text_pt):
        return False
    return all(lines_key(getattr(a, name)) == lines_key(getattr(b, name)) for name in STYLE_FIELDS)


def _walk(flowables: list):
    for f in flowables:
        yield f
        if isinstance(f, Box):
            yield from _walk(f.children)
