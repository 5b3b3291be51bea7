"""The regular page: title and summary across the top, the body in balanced
columns, the callout across the bottom; the fit search over type size and
spacing, and drawing the fitted page.

One page, honestly: the body is laid out at the designed size first, then with
tighter spacing and smaller type, never below 12 pt. If it still does not fit,
the Fit says how much is over and where, and no PDF is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Spacer

from handouts.layout.base import Layout, PageBuilder, Sheet, Tries
from handouts.layout.flow import Fit, Measured, fit_error, flow, frame_at, measure
from handouts.layout.furniture import BrandArt, Geometry, draw_footer, draw_header
from handouts.layout.probes import Probes
from handouts.markup import Page


GUTTER = 0.3 * inch

#: Tried in order until the body fits: (body size in pt, spacing factor). The
#: designed spacing is 1.0; a short handout gets a little more air, a long one
#: tighter spacing first, then smaller type, never below 12 pt; at 12 pt the
#: spacing may tighten a little further, because blocks move whole between
#: columns.
FIT_STEPS = tuple((size, spacing) for size in (13.0, 12.5, 12.0)
                  for spacing in (1.3, 1.15, 1.0, 0.85, 0.7, 0.55, 0.5, 0.45)
                  if (size == 13.0 or spacing <= 1.0) and (size == 12.0 or spacing >= 0.55))

#: A handout with room to spare at the first step is set larger and more
#: airy: the first of these that fits wins (the most generous first), so a
#: short handout leaves no wide empty band above the footer. A handout that
#: does not fit the first step never tries them.
ROOMY_STEPS = tuple((size, spacing) for size in (14.0, 13.5) for spacing in (2.8, 2.4, 2.1, 1.9, 1.6, 1.3, 1.15, 1.0)) + \
    ((13.0, 1.9), (13.0, 1.6))


@dataclass
class _Plan:
    """Where the body goes: a full-width top (title, summary), columns, and a
    full-width bottom (the callout)."""

    top: list
    cols: list
    bottom: list
    top_h: float
    bottom_h: float
    col_w: float
    col_h: float          # the balanced column height used
    room: float           # spare height on the page
    leftover: list
    tall: float = 0.0     # a block taller than this (the tallest column) may split
    split: tuple = ()     # the blocks that had to (YAML locations)
    spread: list | None = None   # each column's own story, its sections spread (see _spread)
    measured: Measured | None = None   # the columns' blocks measured once (flow.Measured)


@dataclass(frozen=True)
class _Answer:
    """A fit search's answer, kept (``Layout.fit``): the Fit and the numbers
    of the plan drawn; ``spread``, each column's story (an index into the
    columns' blocks, or a gap's height)."""

    fit: Fit
    top_h: float
    bottom_h: float
    col_h: float
    room: float
    tall: float
    spread: tuple | None


def _split_zones(body: list) -> tuple[list, list, list]:
    top, cols, bottom = [], [], []
    for f in body:
        zone = getattr(f, "handout_zone", "flow")
        if zone == "top" and not cols and not bottom:
            top.append(f)
        elif zone == "bottom":
            bottom.append(f)
        else:
            cols.append(f)
    return top, cols, bottom


def _plan(page: Page, geo: Geometry, columns: int, balance: bool = True, quick: bool = False) -> _Plan:
    """Where the body goes at the tallest columns, then (``balance``) at the
    least column height that holds it. ``quick``: when only whether it fits
    is asked, a body whose blocks are together taller than the columns can
    hold is not flowed (its leftover is then all of it)."""
    top, cols, bottom = _split_zones(page.body)
    top_h = measure(top, geo.content_w)[0] if top else 0.0
    bottom_h = 0.0
    if bottom:
        bottom_h = measure(bottom, geo.content_w)[0] + bottom[0].getSpaceBefore()
    col_w = _col_w(geo, columns)
    max_h = geo.body_h - top_h - bottom_h
    if max_h <= 0:
        return _Plan(top, cols, bottom, top_h, bottom_h, col_w, 0.0, max_h, list(cols))
    measured = Measured.of(cols, col_w)
    if quick and _total(cols, col_w, measured) > columns * max_h + 1e-3:
        return _Plan(top, cols, bottom, top_h, bottom_h, col_w, max_h, 0.0, list(cols), max_h)
    split: list = []
    rest = _leftover(cols, col_w, columns, max_h, max_h, split, measured)
    plan = _Plan(top, cols, bottom, top_h, bottom_h, col_w, max_h, 0.0, rest, max_h, tuple(split),
                 measured=measured)
    return _balanced(plan, columns) if balance and not rest else plan


def _col_w(geo: Geometry, columns: int) -> float:
    return (geo.content_w - (columns - 1) * GUTTER) / columns


def _total(cols: list, col_w: float, measured: Measured | None = None) -> float:
    """The blocks' heights together, spaces left out: the columns hold at
    most ``columns`` times their height of it (a block split between columns
    only grows), so a column height under this over ``columns`` cannot take it."""
    if measured is not None:
        return sum(row[0] for row in measured.rows)
    return sum(f.wrap(col_w, 1e6)[1] for f in cols)


def _leftover(cols: list, col_w: float, columns: int, h: float, tall: float,
              split: list | None = None, measured: Measured | None = None) -> list:
    """What does not fit ``columns`` columns ``h`` tall (``flow``): by the
    frames' arithmetic over the blocks measured once where it can be
    (``flow.Measured``), else by flowing them."""
    if measured is not None:
        rest = measured.leftover(columns, h, tall)
        if rest is not None:
            return rest
    frames = [frame_at(0, 0, col_w, h) for _ in range(columns)]
    return flow(cols, frames, tall=tall, split=split)


def _balanced(plan: _Plan, columns: int) -> _Plan:
    """Balance the columns of a plan that fits with whole blocks: the least
    height at which everything still fits (a block moves whole to the next
    column). A step of the search under the blocks' total over ``columns``
    cannot take them all and needs no flowing."""
    total = _total(plan.cols, plan.col_w, plan.measured)
    lo, hi = 0.0, plan.tall
    while hi - lo > 1.0:
        mid = (lo + hi) / 2
        if total > columns * mid + 1e-3 or _leftover(plan.cols, plan.col_w, columns, mid, plan.tall,
                                                     measured=plan.measured):
            lo = mid
        else:
            hi = mid
    return _Plan(plan.top, plan.cols, plan.bottom, plan.top_h, plan.bottom_h, plan.col_w, hi,
                 plan.tall - hi, [], plan.tall, plan.split)


#: A gap between two sections grows by at most this much when a page with
#: room to spare and no callout is spread out.
MAX_SPREAD = 0.5 * inch


def _spread(plan: _Plan, columns: int) -> _Plan:
    """Room to spare under balanced columns with no callout below them goes
    between the sections of each column, up to MAX_SPREAD a gap, so the
    columns reach down the page instead of leaving an empty band above the
    footer. Each column keeps the blocks balancing gave it. (With a callout,
    the room goes above the callout instead, which then sits at the foot.)"""
    full = plan.col_h + plan.room
    if plan.room <= 1 or plan.leftover or plan.bottom or plan.split:
        return plan   # no room, or a callout to take it, or a block split between columns
    stories, rest = [], list(plan.cols)
    for _ in range(columns):
        before = rest
        rest = flow(rest, [frame_at(0, 0, plan.col_w, plan.col_h)], tall=plan.tall)
        stories.append(before[:len(before) - len(rest)])
    if rest:
        return plan
    spread, lowest = [], 0.0
    for story in stories:
        gaps = [i for i, f in enumerate(story) if i and getattr(f, "handout_role", "") == "H2"]
        used = measure(story, plan.col_w)[0] if story else 0.0
        extra = min(MAX_SPREAD, (full - used) / len(gaps)) if gaps else 0.0
        while True:
            out = [x for i, f in enumerate(story)
                   for x in ([Spacer(0, extra), f] if i in gaps and extra > 0 else [f])]
            if extra <= 0 or not flow(list(out), [frame_at(0, 0, plan.col_w, full)], tall=plan.tall):
                break
            extra -= 1.0   # spaces before and after meet a spacer a little differently
        spread.append(out)
        lowest = max(lowest, measure(out, plan.col_w)[0] if out else 0.0)
    col_h = min(full, max(lowest, plan.col_h))
    return _Plan(plan.top, plan.cols, plan.bottom, plan.top_h, plan.bottom_h, plan.col_w, col_h,
                 full - col_h, [], plan.tall, plan.split, spread)


class ColumnsLayout(Layout):
    """The regular page: one page, the body in ``columns`` balanced columns."""

    steps = FIT_STEPS
    roomy = ROOMY_STEPS

    def __init__(self, columns: int = 2):
        self.columns = columns

    def fit_page(self, build: PageBuilder, paper: str, art: BrandArt) -> tuple[Page, Fit]:
        """Find the most generous (size, spacing) step at which the body
        fits: the steps in order, but for those a tighter step that does not
        fit rules out (``probes.Probes``)."""
        fit: Fit | None = None
        page: Page | None = None
        columns = self.columns
        tries = Tries(self, build, paper, art, borrow=True)   # the geometry made once, for planning

        def fits(step) -> bool:   # as the loop below decides a step that is not the last
            return not _plan(*tries.at(*step), columns, balance=False, quick=True).leftover

        probes = Probes(fits, tries.greedy)   # steps a tighter one that does not fit rules out
        steps = list(self.steps)
        start = probes.skip(steps)
        if start == 0 and self.roomy and probes.fits(steps[0]):
            steps = [*self.roomy, steps[0]]
            start = probes.skip(steps)
        for i in range(start, len(steps)):
            body_pt, spacing = steps[i]
            last = i == len(steps) - 1   # only the last try's Fit is told when none fits
            if not last and probes.failed((body_pt, spacing)):
                continue
            page, geo = tries.at(body_pt, spacing)
            plan = _plan(page, geo, columns, balance=False, quick=not last)
            if not plan.leftover:
                plan = _spread(_balanced(plan, columns), columns)
                page.handout_layout = (tries.own(page), plan, self)  # draw draws this very plan
                return page, Fit(True, geo.body_h, geo.body_h - plan.room, body_pt, spacing,
                                 split=plan.split)
            if not last:
                continue
            over = measure(plan.leftover, plan.col_w)[0] if plan.col_h > 0 else (
                plan.top_h + plan.bottom_h - geo.body_h + measure(plan.cols, plan.col_w)[0] / columns)
            if plan.col_h <= 0:  # the title, summary and callout alone overflow
                blame = plan.bottom or plan.top
                where = getattr(blame[0], "handout_where", ()) if blame else ()
            else:
                where = getattr(plan.leftover[0], "handout_where", ()) if plan.leftover else ()
            fit = Fit(False, geo.body_h, geo.body_h + over, body_pt, spacing, where)
        assert fit is not None and page is not None
        return page, fit

    def answer(self, page: Page, fit: Fit) -> _Answer | None:
        """The plan's numbers, and each spread column as indices into the
        columns' blocks and its gaps' heights (nothing is kept when a column
        holds a part of a block: a split has no index)."""
        geo, plan, _ = page.handout_layout
        spread = None
        if plan.spread is not None:
            index = {id(f): i for i, f in enumerate(plan.cols)}
            spread = tuple(tuple(index[id(f)] if id(f) in index else
                                 (("gap", f.height) if type(f) is Spacer else None) for f in story)
                           for story in plan.spread)
            if any(x is None for story in spread for x in story):
                return None
        return _Answer(fit, plan.top_h, plan.bottom_h, plan.col_h, plan.room, plan.tall, spread)

    def replay(self, build: PageBuilder, paper: str, art: BrandArt, known: _Answer) -> tuple[Page, Fit]:
        fit = known.fit
        page = build(fit.body_pt, fit.spacing, None)
        geo = self.geometry(paper, page, art)
        top, cols, bottom = _split_zones(page.body)
        spread = None if known.spread is None else [
            [cols[x] if isinstance(x, int) else Spacer(0, x[1]) for x in story] for story in known.spread]
        plan = _Plan(top, cols, bottom, known.top_h, known.bottom_h, _col_w(geo, self.columns), known.col_h,
                     known.room, [], known.tall, fit.split, spread)
        page.handout_layout = (geo, plan, self)
        return page, fit

    def draw(self, canv: Canvas, sheet: Sheet, art: BrandArt) -> dict[str, str]:
        """Draw one handout page, as ``fit_page`` planned it. Returns the page's
        links and their descriptions."""
        page, styles = sheet.page, sheet.page.styles
        columns = self.columns
        fitted = getattr(page, "handout_layout", None)
        if fitted is not None and fitted[2] is self and fitted[0].paper == art.paper:
            geo, plan, _ = fitted
        else:
            geo = self.geometry(art.paper, page, art)
            plan = _plan(page, geo, columns)
        if plan.leftover:  # never spill silently
            raise fit_error(None, sheet.fit)
        draw_header(canv, geo, page, styles, art)
        y = geo.body_top
        if plan.top:
            flow(plan.top, [frame_at(geo.left, y - plan.top_h - 1, geo.content_w, plan.top_h + 1)], canv)
            y -= plan.top_h
        # The first column at the left, or at the right in a right-to-left language.
        frames = [frame_at(geo.x(geo.left + i * (plan.col_w + GUTTER), plan.col_w), y - plan.col_h,
                           plan.col_w, plan.col_h) for i in range(columns)]
        if plan.spread is None:
            rest = flow(plan.cols, frames, canv, tall=plan.tall)
        else:   # each column its own story, as _spread planned it
            rest = [f for story, frame in zip(plan.spread, frames)
                    for f in flow(story, [frame], canv, tall=plan.tall)]
        y -= plan.col_h
        if plan.bottom and plan.room > 0:
            # Room to spare even at the largest type: all of it above the
            # callout, so no wide empty band is left above the footer.
            y -= plan.room
        if plan.bottom:
            # The frame starts below the callout's space before (a frame drops
            # the space before its first flowable).
            gap = plan.bottom[0].getSpaceBefore()
            h = plan.bottom_h - gap
            rest += flow(plan.bottom, [frame_at(geo.left, y - gap - h - 1, geo.content_w, h + 1)], canv)
        if rest:
            raise fit_error(None, sheet.fit)
        return draw_footer(canv, geo, page, styles)
