"""The fit search lays a handout out once per body size: the page is built
(markup into flowables) once for each size it tries, and each other spacing
at that size only respaces it. Respacing must give exactly what building
again gives, so the fitted result is the same as when every step was built."""

from __future__ import annotations

import pytest

from helpers import HANDOUTS, LANGS, REPO
from handouts import layout, markup
from handouts.spacing import respace
from handouts.build import brand_art, with_words, words
from handouts.panels import Box, ListItem
from handouts.handout import load_handout
from handouts.inputs import cached_brand
from handouts.layout import base, columns, probes
from handouts.layout.columns import ROOMY_STEPS
from handouts.library import Item
from handouts.project import Project


def parsed(lang: str, slug: str):
    proj = Project.find(REPO)
    brand, _ = cached_brand(proj)
    handout = load_handout(Item(lang, slug), proj.content / lang / f"{slug}.yaml", brand)
    return proj, brand, with_words(handout, brand, proj, words(proj, lang)).markup


def builder(brand, marks, sizes: list | None = None):
    """The fit search's page builder for ``marks`` in the regular layout's
    styles (the brand's Latin fonts), noting each body size it builds in
    ``sizes``."""
    def build_at(body_pt, spacing, furniture=None):
        if sizes is not None:
            sizes.append(body_pt)
        return markup.build(marks, layout.COLUMNS.styles(brand.palette, brand.fonts, body_pt, spacing),
                            furniture)
    return build_at


def measured(flowables: list, width: float) -> list:
    """Everything the layout reads of each flowable, nested boxes included."""
    out = []
    for f in flowables:
        row = [type(f).__name__, getattr(f, "handout_role", ""), f.wrap(width, 1e6)[1],
               f.getSpaceBefore(), f.getSpaceAfter()]
        para = f.paragraph if isinstance(f, ListItem) else f
        if hasattr(para, "style"):
            row += [para.style.name, para.style.spaceBefore, para.style.spaceAfter, para.blPara.lines]
        if isinstance(f, Box):
            row.append(measured(f.children, width - f.padding * 2 - f.bar_width))
        out.append(row)
    return out


SIZES = {}
for size, spacing in (*layout.FIT_STEPS, *ROOMY_STEPS):
    SIZES.setdefault(size, []).append(spacing)


@pytest.mark.parametrize("lang", LANGS)
def test_a_respaced_page_is_the_page_built_at_that_spacing(lang):
    """For every demo handout, at every size and spacing the search tries
    (the most generous first, as the search goes), the respaced page and a
    page built at that step measure alike, flowable by flowable."""
    for slug in HANDOUTS[lang]:
        _, brand, marks = parsed(lang, slug)
        style = lambda b, s: layout.COLUMNS.styles(brand.palette, brand.fonts, b, s)  # noqa: E731
        for size, spacings in SIZES.items():
            page = markup.build(marks, style(size, spacings[0]))
            for spacing in spacings[1:]:
                assert respace(page, style(size, spacing)) is page
                fresh = markup.build(marks, style(size, spacing))
                for width in (250.0, 504.0):
                    assert measured(page.body, width) == measured(fresh.body, width), (slug, size, spacing)
                assert page.styles is fresh.styles


def test_respace_refuses_styles_that_break_lines_differently():
    """Another body size breaks other lines: respace says so instead of
    keeping stale lines."""
    _, brand, marks = parsed("en", "leg-cramps")
    page = markup.build(marks, layout.COLUMNS.styles(brand.palette, brand.fonts, 13.0, 1.0))
    assert respace(page, layout.COLUMNS.styles(brand.palette, brand.fonts, 12.5, 1.0)) is None


def _lines_of(para) -> list:
    """Each line's words, whatever kind of lines ReportLab made."""
    bl = para.blPara
    if bl.kind == 0:
        return [tuple(line[1]) for line in bl.lines]
    return ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]


def _heights(flowables: list, width: float) -> list:
    """Each flowable's height, spaces, style and lines, nested boxes included."""
    out = []
    for f in flowables:
        row = [type(f).__name__, f.wrap(width, 1e6)[1], f.getSpaceBefore(), f.getSpaceAfter()]
        para = f.paragraph if isinstance(f, ListItem) else f
        if hasattr(para, "style"):
            row += [para.style.name, para.style.leading, _lines_of(para)]
        if isinstance(f, Box):
            row.append(_heights(f.children, width - f.padding * 2 - f.bar_width))
        out.append(row)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_respaced_to_another_leading_is_the_page_built_there(lang):
    """Large print, and Chinese, whose leading follows the spacing, are
    respaced too: the same lines at their new height. For every demo, both
    layouts and every size and spacing each searches (the most generous
    first), in the language's own fonts and script, the respaced page and a
    page built at that step measure alike, flowable by flowable."""
    _, brand, _ = parsed(lang, HANDOUTS[lang][0])
    script = brand.script(lang)
    for slug in HANDOUTS[lang]:
        _, _, marks = parsed(lang, slug)
        for page_layout in (layout.COLUMNS, layout.LARGE_PRINT):
            def style(b, s):
                return page_layout.styles(brand.palette, brand.family(lang), b, s,
                                          script.break_anywhere, script.rtl)
            sizes: dict = {}
            for size, spacing in (*page_layout.steps, *page_layout.roomy):
                sizes.setdefault(size, []).append(spacing)
            for size, spacings in sizes.items():
                page = markup.build(marks, style(size, spacings[0]))
                for width in (250.0, 504.0):
                    _heights(page.body, width)   # lines broken, as the search breaks them first
                for spacing in spacings[1:]:
                    assert respace(page, style(size, spacing)) is page
                    fresh = markup.build(marks, style(size, spacing))
                    for width in (250.0, 504.0):
                        assert _heights(page.body, width) == _heights(fresh.body, width), \
                            (slug, page_layout.suffix, size, spacing)


@pytest.mark.parametrize("slug", HANDOUTS["en"])
def test_the_search_builds_each_body_size_once(slug):
    """Counting the pages the fit search builds: one per body size tried,
    however many spacings it tries at that size."""
    proj, brand, marks = parsed("en", slug)
    sizes = []
    sheet = layout.COLUMNS.fit(builder(brand, marks, sizes), "letter", brand_art(brand, "letter"))
    assert sheet.fit.fits
    assert len(sizes) == len(set(sizes)), sizes


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_step_whose_blocks_cannot_fit_is_not_flowed(lang, monkeypatch):
    """A step of the search whose column blocks are together taller than its
    columns can hold is refused by arithmetic, without flowing them (the
    fitted result is the same; the last step is flowed to tell the refusal)."""
    flowed, tried = [], []
    real_leftover, real_at = columns._leftover, base.Tries.at

    def leftover(cols, col_w, n, h, tall, split=None, measured=None):
        if h == tall:   # a step's tallest columns (balancing tries lower ones)
            flowed.append(columns._total(cols, col_w) <= n * h + 1e-3)
        return real_leftover(cols, col_w, n, h, tall, split, measured)

    def at(self, body_pt, spacing):
        tried.append((body_pt, spacing))
        return real_at(self, body_pt, spacing)

    monkeypatch.setattr(columns, "_leftover", leftover)
    monkeypatch.setattr(base.Tries, "at", at)
    # Every step walked in turn (no probe passes over any: tests/test_fit_probes.py).
    monkeypatch.setattr(probes.Probes, "skip", lambda self, steps, i=0: i)
    monkeypatch.setattr(probes.Probes, "failed", lambda self, step: False)
    for slug in HANDOUTS[lang]:
        flowed.clear()
        tried.clear()
        proj, brand, marks = parsed(lang, slug)
        sheet = layout.COLUMNS.fit(builder(brand, marks), "letter", brand_art(brand, "letter"))
        assert sheet.fit.fits and all(flowed), slug
        assert len(flowed) < len(tried), (slug, len(flowed), len(tried))


def _looks(brand):
    """(family, break_anywhere, rtl) of every demo language, as the build sets them."""
    from handouts.scripts import script_of

    return {lang: (brand.family(lang), script_of(lang).break_anywhere, script_of(lang).rtl) for lang in LANGS}


def test_spacing_only_is_told_by_construction(monkeypatch):
    """Two sets of styles make_styles made say whether they differ only in
    spacing by what they were made from (``Styles.made``), without comparing
    a style (a new pair cost 0.3 ms so): the same answer as comparing every
    style, for every pair of steps of both layouts in every demo language."""
    from handouts import spacing, styles

    _, brand, _ = parsed("en", "leg-cramps")
    fresh = styles.make_styles.__wrapped__     # new objects: no answer kept from before
    sets = [fresh(brand.palette, family, size, s, page_layout.large_type, anywhere, rtl)
            for family, anywhere, rtl in set(_looks(brand).values())
            for page_layout in (layout.COLUMNS, layout.LARGE_PRINT)
            for size, s in (*page_layout.steps, *page_layout.roomy)]
    compared = [[spacing._compared(a, b) for b in sets] for a in sets]
    assert any(row.count(True) > 1 for row in compared) and not all(all(row) for row in compared)

    def no_key(style):
        raise AssertionError(f"{style.name} compared")
    monkeypatch.setattr(spacing, "lines_key", no_key)
    assert [[spacing.spacing_only(a, b) for b in sets] for a in sets] == compared


def test_the_page_starts_with_the_styles_of_every_step(project):
    """render.ready (the page's start-up) makes the styles of every step of
    both layouts for each language of the project (``layout.styles_ahead``),
    with what a paragraph first asks of each style (its keys, its fragment
    for plain text), so a first render makes none (each set cost 0.13 ms):
    fitting every demo handout in every language, in both layouts, then
    makes no new styles."""
    import gc

    from handouts import render as api, styles
    from handouts.build import fit_handout

    proj = Project.find(project)
    styles.make_styles.cache_clear()
    try:
        api.ready(proj)
    finally:
        gc.unfreeze()
    brand, _ = cached_brand(proj)
    made = styles.make_styles.cache_info().misses
    assert made >= len(set(_looks(brand).values())) * 40
    from handouts import flowables
    for family, anywhere, rtl in _looks(brand).values():
        for page_layout in (layout.COLUMNS, layout.LARGE_PRINT):
            for size, s in (*page_layout.steps, *page_layout.roomy):
                st = page_layout.styles(brand.palette, family, size, s, anywhere, rtl)
                for name in styles.STYLE_FIELDS:
                    style = getattr(st, name)
                    assert style in flowables.style_key.known and style in flowables.size_free_key.known
                    assert flowables.style_key(style) in flowables._PLAIN
    for lang in LANGS:
        for slug in HANDOUTS[lang]:
            handout = load_handout(Item(lang, slug), proj.content / lang / f"{slug}.yaml", brand)
            for page_layout in (layout.COLUMNS, layout.LARGE_PRINT):
                fit_handout(handout, brand, proj, "letter", page_layout)
    assert styles.make_styles.cache_info().misses == made


def _numbers(geo) -> dict:
    """Every number of a geometry (where each part goes and how big), and
    how many lines of furniture it sets."""
    return {k: (len(v) if isinstance(v, list) else v) for k, v in vars(geo).items()
            if isinstance(v, (int, float, bool, str, list)) or v is None}


@pytest.mark.parametrize("lang", LANGS)
def test_the_geometry_is_the_same_at_every_body_size(lang):
    """The fit search plans every body size with the geometry made at its
    first (``Tries(borrow=True)``): for every demo handout on both papers,
    the geometry made at each body size the search tries has the very same
    numbers as the one made at the first."""
    for slug in HANDOUTS[lang]:
        proj, brand, marks = parsed(lang, slug)
        from handouts.scripts import script_of
        family, script = brand.family(lang), script_of(lang)
        for paper in ("letter", "a4"):
            art = brand_art(brand, paper)
            seen = {}
            for size, spacings in SIZES.items():
                st = layout.COLUMNS.styles(brand.palette, family, size, spacings[0],
                                           script.break_anywhere, script.rtl)
                seen[size] = _numbers(layout.COLUMNS.geometry(paper, markup.build(marks, st), art))
            first = next(iter(seen.values()))
            assert all(numbers == first for numbers in seen.values()), (slug, paper)


def test_the_search_makes_the_geometry_once_and_the_fitted_pages(monkeypatch):
    """A handout that fits at the second body size built (12.5 pt, probed
    at its tightest spacing, does not fit; so neither does 13 pt, which is
    never built): the geometry is made once, for the first size; the other
    size's page takes that
    page's header and footer (``markup.build``'s ``furniture``: the furniture does
    not follow the body size), so the geometry is the page's own too, and
    the page drawn has its own (its header's paragraphs, its structure)."""
    proj, brand, marks = parsed("en", "risk-factors")
    made = []
    geometry = layout.COLUMNS.geometry

    def counted(paper, page, art):
        made.append(page.styles.body_pt)
        return geometry(paper, page, art)
    monkeypatch.setattr(layout.COLUMNS, "geometry", counted)
    sizes = []
    sheet = layout.COLUMNS.fit(builder(brand, marks, sizes), "letter", brand_art(brand, "letter"))
    assert sheet.fit.fits and sizes == [12.5, 12.0]
    assert made == [12.5]
    geo = sheet.page.handout_layout[0]
    assert geo.left_stack[-1] is sheet.page.header["tagline"]
    kids = sheet.page.struct.kids
    assert sheet.page.header_node in kids and sheet.page.footer_node in kids
    assert geo.left_stack[-1].handout_struct in sheet.page.header_node.kids


@pytest.mark.parametrize("lang", LANGS)
def test_the_fitted_page_is_drawn_with_its_own_geometry(lang):
    """Whatever geometry planned it (another size's; Chinese builds a size
    again where its leading follows the spacing), the page drawn has its own:
    its header's paragraphs are the page's."""
    from handouts.build import fit_handout

    proj, brand, _ = parsed(lang, HANDOUTS[lang][0])
    for slug in HANDOUTS[lang]:
        handout = load_handout(Item(lang, slug), proj.content / lang / f"{slug}.yaml", brand)
        for paper in ("letter", "a4"):
            page = fit_handout(handout, brand, proj, paper).page
            geo = page.handout_layout[0]
            assert geo.left_stack[-1] is page.header["tagline"], (slug, paper)
            assert all(p is page.header[k] for p, k in zip(geo.right_stack, ("ask", "phone")))
