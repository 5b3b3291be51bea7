"""The PDF: fitted sheets drawn onto one canvas, with metadata, outline and
the structure tree. ``render_pdf`` is the only entry point the build needs."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from handouts import __version__
from handouts.converters import PAPER_SIZES
from handouts.layout.columns import draw_page
from handouts.layout.flow import Fit
from handouts.layout.furniture import BrandArt
from handouts.layout.large import draw_large
from handouts.markup import Page
from handouts.tagging import StructNode, Tagger, finish


@dataclass(frozen=True)
class DocInfo:
    """The PDF's metadata."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str
    created: tuple[int, int, int]


@dataclass(frozen=True)
class Sheet:
    """One fitted page to draw, and its entry in the PDF's outline."""

    page: Page
    fit: Fit
    bookmark: str | None = None


def render_pdf(sheets: list[Sheet], art: BrandArt, info: DocInfo, columns: int = 2) -> bytes:
    """Draw fitted pages into one tagged PDF (one page each; a packet has several)."""
    first = sheets[0].page
    width, height = PAPER_SIZES[art.paper]
    buf = io.BytesIO()
    canv = Canvas(
        buf, pagesize=(width, height), invariant=1, pageCompression=1,
        initialFontName=first.styles.fonts.regular, initialFontSize=first.styles.body_pt,
        lang=info.lang,
    )
    canv.handout_tagger = tagger = Tagger()
    _stamp(canv, info.created)
    canv.setTitle(info.title)
    canv.setAuthor(info.author)
    canv.setSubject(info.subject)
    canv.setKeywords(", ".join(info.keywords))
    canv.setCreator(f"handouts {__version__}")
    links: dict[str, str] = {}
    for number, sheet in enumerate(sheets, 1):
        if sheet.bookmark:
            key = f"handout-{number}"
            canv.bookmarkPage(key)
            canv.addOutlineEntry(sheet.bookmark, key, level=0)
        if sheet.page.styles.large:
            links.update(draw_large(canv, sheet, art))
        else:
            links.update(draw_page(canv, sheet, art, columns))
        canv.showPage()
        tagger.next_page()
    if any(s.bookmark for s in sheets):
        canv.showOutline()
    canv.save()
    if len(sheets) == 1:
        root = first.struct
    else:  # a packet: one Part per handout
        root = StructNode("Document")
        for sheet in sheets:
            sheet.page.struct.type = "Part"
            sheet.page.struct.lang = sheet.page.lang  # a screen reader switches voice per part
            root.kids.append(sheet.page.struct)
    y, m, d = info.created
    return finish(buf.getvalue(), root, lang=info.lang, title=info.title, author=info.author,
                  subject=info.subject, keywords=", ".join(info.keywords),
                  creator=f"handouts {__version__}", date=f"{y:04d}-{m:02d}-{d:02d}T00:00:00Z",
                  link_text=links)


def _stamp(canv: Canvas, ymd: tuple[int, int, int]) -> None:
    """Make the PDF's dates the review date, so output depends only on input."""
    ts = canv._doc._timeStamp
    t = time.mktime((*ymd, 0, 0, 0, 0, 0, 0)) - time.timezone
    ts.t = t
    ts.lt = time.gmtime(t)
    ts.YMDhms = tuple(ts.lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"


