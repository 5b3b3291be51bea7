"""Large print: 18 pt body in one column on at most two pages, the header on
the first, the footer on the last, "please turn over" between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from handouts.layout.flow import Fit, fit_error, flow, frame_at, measure
from handouts.layout.furniture import BrandArt, Geometry, draw_footer, draw_header
from handouts.markup import Page
from handouts.tagging import artifact

if TYPE_CHECKING:
    from handouts.layout.pdf import Sheet


#: Large print: 18 pt body, single column, at most two pages.
LARGE_STEPS = tuple((18.0, spacing) for spacing in (1.15, 1.0, 0.85, 0.7, 0.55, 0.4))
LARGE_MAX_PAGES = 2
TURN_NOTE_H = 0.3 * inch


def _large_frames(geo: Geometry, pages: int) -> list[Frame]:
    """One column per page. The header is on the first page, the footer on
    the last; a two-page handout says "please turn over" at the foot of page 1."""
    if pages == 1:
        return [frame_at(geo.left, geo.body_bottom, geo.content_w, geo.body_h)]
    first_bottom = geo.bottom + TURN_NOTE_H
    return [frame_at(geo.left, first_bottom, geo.content_w, geo.body_top - first_bottom),
            frame_at(geo.left, geo.body_bottom, geo.content_w, geo.top - geo.body_bottom)]


def fit_large(build: Callable[[float, float], Page], paper: str, art: BrandArt,
              steps=LARGE_STEPS, max_pages: int = LARGE_MAX_PAGES) -> tuple[Page, Fit]:
    """Fit a large-print handout on as few pages as it needs, at most two."""
    fit = page = None
    for body_pt, spacing in steps:
        page = build(body_pt, spacing)
        geo = Geometry(paper, page, art)
        for pages in range(1, max_pages + 1):
            frames = _large_frames(geo, pages)
            available = sum(f._aH for f in frames)
            split: list = []
            rest = flow(page.body, frames, split=split)
            if not rest:
                used = sum(f._y1p + f._aH - f._y for f in frames)
                return page, Fit(True, available, used, body_pt, spacing, pages=pages,
                                 split=tuple(split))
        over = measure(rest, geo.content_w)[0]
        fit = Fit(False, available, available + over, body_pt, spacing,
                  getattr(rest[0], "handout_where", ()), pages=max_pages)
    assert fit is not None and page is not None
    return page, fit


def draw_large(canv: Canvas, sheet: Sheet, art: BrandArt) -> dict[str, str]:
    """Draw a large-print handout on ``sheet.fit.pages`` pages."""
    page, styles = sheet.page, sheet.page.styles
    geo = Geometry(art.paper, page, art)
    frames = _large_frames(geo, sheet.fit.pages)
    draw_header(canv, geo, page, styles, art)
    story = list(page.body)
    for number, frame in enumerate(frames):
        if number:
            canv.showPage()
            canv.handout_tagger.next_page()
        story = flow(story, [frame], canv)
        if number < len(frames) - 1:
            with artifact(canv, pagination=True):
                canv.setFont(styles.fonts.bold, styles.footer.fontSize)
                canv.setFillColor(styles.palette.color("muted"))
                canv.drawRightString(geo.right, geo.bottom + 4, page.turn_over or "")
    if story:
        raise fit_error(None, sheet.fit)
    return draw_footer(canv, geo, page, styles)


