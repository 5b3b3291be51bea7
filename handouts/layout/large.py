"""Large print: 18 pt body in one column on at most two pages, the header on
the first, the footer on the last, "please turn over" between them."""

from __future__ import annotations

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from handouts import rlframes
from handouts.flowables import TaggedParagraph as Paragraph
from handouts.layout.base import Layout, PageBuilder, Sheet, Tries
from handouts.layout.flow import Fit, fit_error, flow, frame_at, measure
from handouts.layout.furniture import SAFE_AREA, BrandArt, Geometry, draw_footer, draw_header
from handouts.markup import Page
from handouts.styles import LARGE_BODY_PT, LARGE_FINE_PT
from handouts.tagging import artifact
from handouts.xmltext import escape


def _turn_over(canv: Canvas, geo: Geometry, styles, words: str) -> None:
    """"Please turn over" at the foot of the page, where the reader's eye
    ends it: the right corner, or the left one in a right-to-left language
    (drawn as a paragraph there: shaped, in visual order)."""
    if not styles.rtl:
        canv.setFont(styles.fonts.bold, styles.footer.fontSize)
        canv.setFillColor(styles.palette.color("muted"))
        canv.drawRightString(geo.right, geo.bottom + 4, words)
        return
    style = ParagraphStyle("turn_over", parent=styles.footer, fontName=styles.fonts.bold, alignment=TA_LEFT)
    para = Paragraph(escape(words), style)
    _, h = para.wrap(geo.content_w, geo.height)
    para.drawOn(canv, geo.left, geo.bottom + 4 - (h - style.fontSize))


#: Large print: 18 pt body, single column, at most two pages.
LARGE_STEPS = tuple((18.0, spacing) for spacing in (1.15, 1.0, 0.85, 0.7, 0.55, 0.4))
LARGE_MAX_PAGES = 2
TURN_NOTE_H = 0.3 * inch
#: The sources' size, tried in order (outermost): 18 pt like everything else
#: while the handout fits two pages so, smaller only when it must.
SOURCES_PT = (LARGE_BODY_PT, 16.0, LARGE_FINE_PT)


def _frames(geo: Geometry, pages: int) -> list[Frame]:
    """One column per page. The header is on the first page, the footer on
    the last; a two-page handout says "please turn over" at the foot of page 1."""
    if pages == 1:
        return [frame_at(geo.left, geo.body_bottom, geo.content_w, geo.body_h)]
    first_bottom = geo.bottom + TURN_NOTE_H
    return [frame_at(geo.left, first_bottom, geo.content_w, geo.body_top - first_bottom),
            frame_at(geo.left, geo.body_bottom, geo.content_w, geo.top - geo.body_bottom)]


class LargePrintLayout(Layout):
    """Large print: the large type scale, one column, on as few pages as the
    handout needs, at most ``max_pages``; the QR code at the left of the
    footer, its caption the first line beside it, the contact lines under
    the caption."""

    suffix = "-large-print"
    large_type = True
    caption_beside = False
    qr_left = True
    margin = SAFE_AREA   # large type needs the room more than the page needs a wide border
    steps = LARGE_STEPS

    def __init__(self, max_pages: int = LARGE_MAX_PAGES):
        self.max_pages = max_pages

    def fit_page(self, build: PageBuilder, paper: str, art: BrandArt) -> tuple[Page, Fit]:
        """Fit a large-print handout on as few pages as it needs."""
        fit = page = None
        tries = Tries(self, build, paper, art)
        for sources_pt, (body_pt, spacing) in ((pt, step) for pt in SOURCES_PT for step in self.steps):
            page, geo = tries.at(body_pt, spacing)
            page.handout_sources_pt = sources_pt   # the geometry (and draw) set the sources so
            if sources_pt != page.styles.fine.fontSize:
                geo = self.geometry(paper, page, art)
            for pages in range(1, self.max_pages + 1):
                frames = _frames(geo, pages)
                available = sum(rlframes.frame_height(f) for f in frames)
                split: list = []
                rest = flow(page.body, frames, split=split)
                if not rest:
                    used = sum(rlframes.frame_used(f) for f in frames)
                    return page, Fit(True, available, used, body_pt, spacing, pages=pages,
                                     split=tuple(split))
            over = measure(rest, geo.content_w)[0]
            fit = Fit(False, available, available + over, body_pt, spacing,
                      getattr(rest[0], "handout_where", ()), pages=self.max_pages)
        assert fit is not None and page is not None
        return page, fit

    def answer(self, page: Page, fit: Fit) -> tuple[Fit, float]:
        """The Fit and the sources' size the search settled on."""
        return fit, page.handout_sources_pt

    def replay(self, build: PageBuilder, paper: str, art: BrandArt, known: tuple[Fit, float]) -> tuple[Page, Fit]:
        fit, sources_pt = known
        page = build(fit.body_pt, fit.spacing, None)
        page.handout_sources_pt = sources_pt
        return page, fit

    def draw(self, canv: Canvas, sheet: Sheet, art: BrandArt) -> dict[str, str]:
        """Draw a large-print handout on ``sheet.fit.pages`` pages."""
        page, styles = sheet.page, sheet.page.styles
        geo = self.geometry(art.paper, page, art)
        frames = _frames(geo, sheet.fit.pages)
        draw_header(canv, geo, page, styles, art)
        story = list(page.body)
        for number, frame in enumerate(frames):
            if number:
                canv.showPage()
                canv.handout_tagger.next_page()
            story = flow(story, [frame], canv)
            if number < len(frames) - 1:
                with artifact(canv, pagination=True):
                    _turn_over(canv, geo, styles, page.turn_over or "")
        if story:
            raise fit_error(None, sheet.fit)
        return draw_footer(canv, geo, page, styles)
