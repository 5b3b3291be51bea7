"""The PDF: fitted sheets drawn onto one canvas, with metadata, outline and
the structure tree. ``render_pdf`` is the only entry point the build needs."""

from __future__ import annotations

import time
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from handouts import __version__, rl
from handouts.converters import PAPER_SIZES
from handouts.layout.base import Sheet
from handouts.layout.furniture import BrandArt
from handouts.tagging import StructNode, Tagger, write_tree


@dataclass(frozen=True)
class DocInfo:
    """The PDF's metadata."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str
    created: tuple[int, int, int]


def render_pdf(sheets: list[Sheet], art: BrandArt, info: DocInfo) -> bytes:
    """Draw fitted sheets into one tagged PDF, each in its own layout (a
    packet has several)."""
    first = sheets[0].page
    width, height = PAPER_SIZES[art.paper]
    canv = Canvas(
        None, pagesize=(width, height), invariant=1, pageCompression=1,
        initialFontName=first.styles.fonts.regular, initialFontSize=first.styles.body_pt,
        lang=info.lang, pdfVersion=(1, 7),   # PDF/UA-1 is ISO 32000-1, PDF 1.7
    )
    canv.handout_tagger = tagger = Tagger()
    for sheet in sheets:   # a page set in a Latin family: its subsets start with ASCII (pdfonce.py)
        fonts = sheet.page.styles.fonts
        if fonts.fallback is None:
            rl.ascii_first(canv, dict.fromkeys((fonts.regular, fonts.bold, fonts.italic, fonts.bold_italic)))
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
        links.update(sheet.draw(canv, art))
        canv.showPage()
        tagger.next_page()
    if any(s.bookmark for s in sheets):
        canv.showOutline()
    if len(sheets) == 1:
        root = first.struct
    else:  # a packet: one Part per handout
        root = StructNode("Document")
        for sheet in sheets:
            sheet.page.struct.type = "Part"
            sheet.page.struct.lang = sheet.page.lang  # a screen reader switches voice per part
            root.kids.append(sheet.page.struct)
    y, m, d = info.created
    write_tree(canv, root, lang=info.lang, title=info.title, author=info.author,
               subject=info.subject, keywords=", ".join(info.keywords),
               creator=f"handouts {__version__}", date=f"{y:04d}-{m:02d}-{d:02d}T00:00:00Z",
               link_text=links)
    return rl.pdf_bytes(canv)


def _stamp(canv: Canvas, ymd: tuple[int, int, int]) -> None:
    """Make the PDF's dates the review date, so output depends only on input."""
    t = time.mktime((*ymd, 0, 0, 0, 0, 0, 0)) - time.timezone
    lt = time.gmtime(t)
    rl.set_timestamp(canv, t, lt, tuple(lt)[:6])


