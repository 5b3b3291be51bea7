"""The page: brand header, body frame, footer with QR code, fit to one page,
metadata. ``render_pdf`` is the only entry point the build step needs.

One page, honestly: the body is laid out at the designed size first, then with
tighter spacing and smaller type, never below 12 pt. If it still does not fit,
a FitError says how much is over and where, and no PDF is made.
"""

from __future__ import annotations

import io
import re
import time
from xml.sax.saxutils import escape
from dataclasses import dataclass
from typing import Callable

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from handouts import __version__
from handouts.converters import PAPER_SIZES
from handouts.errors import FitError
from handouts.loader import field_name
from handouts.flowables import Box, TaggedParagraph as Paragraph
from handouts.markup import Page
from handouts.tagging import AnnotRef, StructNode, Tagger, artifact, finish, tagged
from handouts.styles import Styles, resized
from handouts.templating import bare_url

#: Everything printed stays at least this far from every edge (office
#: printers cannot print closer); the design keeps a little more.
SAFE_AREA = 0.5 * inch
MARGIN = 0.6 * inch
LOGO_MAX_W = 1.8 * inch
LOGO_MAX_H = 0.8 * inch
HEADER_GAP = 0.22 * inch
FOOTER_GAP = 0.2 * inch
QR_SYMBOL = 0.85 * inch     # the dark modules' extent; the quiet zone is extra
QR_QUIET_MODULES = 4
QR_CAPTION_W = 1.75 * inch
FOOTER_LINE_GAP = 1.5
GUTTER = 0.3 * inch

#: Tried in order until the body fits: (body size in pt, spacing factor). The
#: designed spacing is 1.0; a short handout gets a little more air, a long one
#: tighter spacing first, then smaller type, never below 12 pt.
FIT_STEPS = tuple((size, spacing) for size in (13.0, 12.5, 12.0)
                  for spacing in (1.3, 1.15, 1.0, 0.85, 0.7, 0.55)
                  if size == 13.0 or spacing <= 1.0)


@dataclass(frozen=True)
class Fit:
    """How a page's body fits its frame."""

    fits: bool
    available: float       # points of body height on the page
    needed: float          # points the body takes
    body_pt: float
    spacing: float
    overflow_at: tuple = ()  # where the body first crosses the bottom (a YAML location)
    pages: int = 1

    @property
    def room(self) -> float:
        return self.available - self.needed


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    fit: Fit


@dataclass(frozen=True)
class BrandArt:
    """What the layout draws from the brand besides text."""

    logo: ImageReader
    logo_size: tuple[int, int]
    logo_alt: str
    author: str
    paper: str


def _qr(url: str):
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    return code


FOOTER_SIDE = ("contact", "reviewed")   # beside the QR code; the rest spans the width
NAME_SIZES = (16.0, 14.5, 13.0)        # the clinic name shrinks to stay within two lines


def url_lines(url: str, font: str, size: float, width: float) -> list[str]:
    """Break a URL into lines at its natural joints (after / ? & . = -), so a
    long booking link stays readable instead of breaking mid-word."""
    tokens = [t for t in re.split(r"(?<=[/?&.=-])", url) if t]
    lines, current = [], ""
    for token in tokens:
        if current and stringWidth(current + token, font, size) > width:
            lines.append(current)
            current = ""
        while stringWidth(token, font, size) > width:  # one joint-less run longer than a line
            cut = max(1, next(i for i in range(len(token), 0, -1)
                              if stringWidth(token[:i], font, size) <= width))
            lines.append(token[:cut])
            token = token[cut:]
        current += token
    if current:
        lines.append(current)
    return lines


class _Geometry:
    """Where everything goes on one page: computed from the paper, the brand
    art and the texts of the header and footer."""

    def __init__(self, paper: str, page: Page, art: BrandArt):
        st = page.styles
        self.width, self.height = PAPER_SIZES[paper]
        self.left = MARGIN
        self.right = self.width - MARGIN
        self.content_w = self.right - self.left
        self.top = self.height - MARGIN
        self.bottom = MARGIN
        # Header: logo at the left, clinic name and tagline beside it, and
        # "call us" with the phone number at the right, as wide as they need.
        lw, lh = art.logo_size
        scale = min(LOGO_MAX_W / lw, LOGO_MAX_H / lh)
        self.logo_w, self.logo_h = lw * scale, lh * scale
        self.header_text_x = self.left + self.logo_w + 0.2 * inch
        right = [page.header[k] for k in ("ask", "phone") if k in page.header]
        self.phone_w = max([_line_width(p) for p in right] + [0.0])
        self.header_text_w = self.right - self.header_text_x - self.phone_w - 0.2 * inch
        self.name = page.header.get("clinic")
        if self.name is not None:
            for size in NAME_SIZES:
                original = page.header["clinic"]
                self.name = Paragraph(original.text, resized(original.style, size))
                self.name.handout_struct = original.handout_struct
                if self.name.wrap(self.header_text_w, self.height)[1] <= 2.2 * self.name.style.leading:
                    break
        self.left_stack = [p for p in (self.name, page.header.get("tagline")) if p is not None]
        self.right_stack = right
        self.name_h = sum(p.wrap(self.header_text_w, self.height)[1] for p in self.left_stack)
        self.phone_h = sum(p.wrap(self.phone_w, self.height)[1] for p in right)
        self.header_h = max(self.logo_h, self.name_h, self.phone_h)
        # Footer: contact lines and the review date at the left, the QR code
        # and its caption at the right, the fine print across the width below.
        self.qr = _qr(page.qr_url) if page.qr_url else None
        if self.qr:
            modules = self.qr.getModuleCount()
            self.qr_module = QR_SYMBOL / modules
            self.qr_quiet = QR_QUIET_MODULES * self.qr_module
            self.qr_total = self.qr_module * (modules + 2 * QR_QUIET_MODULES)
            self.caption_w = QR_CAPTION_W * st.footer.fontSize / 9.5
            label = page.footer.get("qr", [])
            url = Paragraph("<br/>".join(escape(line) for line in url_lines(
                bare_url(page.qr_url), st.footer.fontName, st.footer.fontSize, self.caption_w - 8)),
                st.footer)
            self.caption = [*label, url]
            # The symbol's top quiet zone lies under the rule; its bottom one
            # may reach into the blank margin below the footer text.
            qr_h = self.qr_total - self.qr_quiet
            caption_h = sum(p.wrap(self.caption_w - 8, self.height)[1] for p in self.caption)
            side_w = self.content_w - self.qr_total - self.caption_w
        else:
            self.qr_total = self.caption_w = 0.0
            qr_h = caption_h = 0.0
            self.caption = []
            side_w = self.content_w
        self.side_w = side_w
        # Contact lines and the review date always sit beside the code; the
        # fine print joins them while it fits beside the code, and the rest
        # runs across the full width below.
        self.side, self.fine = [], []
        side_h = 0.0
        room = max(qr_h, caption_h) + 4
        for key, paras in page.footer.items():
            if key == "qr":
                continue
            for para in paras:
                h = para.wrap(side_w, self.height)[1] + FOOTER_LINE_GAP
                if key in FOOTER_SIDE or (not self.fine and side_h + h <= room):
                    self.side.append(para)
                    side_h += h
                else:
                    self.fine.append(para)
        self.fine_h = sum(p.wrap(self.content_w, self.height)[1] + FOOTER_LINE_GAP for p in self.fine)
        # Fine print below the code keeps clear of its bottom quiet zone.
        qr_clear = qr_h + 2 + (self.qr_quiet if self.qr and self.fine else 0)
        self.footer_upper_h = max(side_h + 8, qr_clear, caption_h + 8)
        self.footer_h = self.footer_upper_h + (self.fine_h + 2 if self.fine else 0)
        self.body_top = self.top - self.header_h - HEADER_GAP
        self.body_bottom = self.bottom + self.footer_h + FOOTER_GAP
        self.body_h = self.body_top - self.body_bottom


def _line_width(para: Paragraph) -> float:
    st = para.style
    return stringWidth(para.getPlainText(), st.fontName, st.fontSize) + 1


def measure(flowables: list, width: float) -> tuple[float, list[tuple[object, float]]]:
    """Lay flowables out in an endless frame, exactly as ReportLab's Frame
    does, and return the height used and each flowable's bottom offset."""
    big = 1e6
    frame = _frame(0, 0, width, big)
    canv = Canvas(io.BytesIO())
    bottoms = []
    for f in flowables:
        frame.add(f, canv)
        bottoms.append((f, big - (frame._y + f.getSpaceAfter())))
    needed = bottoms[-1][1] if bottoms else 0.0
    return needed, bottoms


def _frame(x: float, y: float, w: float, h: float) -> Frame:
    return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                 showBoundary=0)


def flow(story: list, frames: list[Frame], canv: Canvas) -> list:
    """Flow ``story`` through ``frames`` in order, splitting paragraphs where
    allowed and keeping a heading with the start of what follows it. Returns
    what did not fit. The same code measures (on a throwaway canvas) and draws,
    so what was measured is what is printed."""
    story = list(story)
    for frame in frames:
        while story:
            f = story[0]
            avail = frame._y - frame._y1p
            aw = frame._getAvailableWidth()
            if getattr(f, "handout_role", "") == "H2" and len(story) > 1 and not frame._atTop:
                _, h = f.wrap(aw, avail)
                h += f.getSpaceBefore()
                nxt = story[1]
                _, nh = nxt.wrap(aw, 1e6)
                if isinstance(nxt, Paragraph):
                    nh = min(nh, 2 * nxt.style.leading)
                if h + nh > avail:
                    break
            if frame.add(f, canv):
                story.pop(0)
                continue
            parts = frame.split(f, canv) if isinstance(f, (Paragraph, Box)) else []
            if len(parts) > 1 and frame.add(parts[0], canv):
                for part in parts[1:]:
                    part.handout_where = getattr(f, "handout_where", ())
                    part.handout_role = getattr(f, "handout_role", "")
                story[0:1] = parts[1:]
            break
    return story


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


def _plan(page: Page, geo: "_Geometry", columns: int, balance: bool = True) -> _Plan:
    top, cols, bottom = _split_zones(page.body)
    top_h = measure(top, geo.content_w)[0] if top else 0.0
    bottom_h = 0.0
    if bottom:
        bottom_h = measure(bottom, geo.content_w)[0] + bottom[0].getSpaceBefore()
    col_w = (geo.content_w - (columns - 1) * GUTTER) / columns
    max_h = geo.body_h - top_h - bottom_h
    scratch = Canvas(io.BytesIO())

    def leftover(h: float) -> list:
        frames = [_frame(0, 0, col_w, h) for _ in range(columns)]
        return flow(cols, frames, scratch)

    if max_h <= 0:
        return _Plan(top, cols, bottom, top_h, bottom_h, col_w, 0.0, max_h, list(cols))
    rest = leftover(max_h)
    if rest or not balance:
        return _Plan(top, cols, bottom, top_h, bottom_h, col_w, max_h, 0.0, rest)
    # Balance the columns: the least height at which everything still fits.
    lo, hi = 0.0, max_h
    while hi - lo > 1.0:
        mid = (lo + hi) / 2
        if leftover(mid):
            lo = mid
        else:
            hi = mid
    return _Plan(top, cols, bottom, top_h, bottom_h, col_w, hi, max_h - hi, [])


def fit_page(build: Callable[[float, float], Page], paper: str, art: BrandArt,
             steps=FIT_STEPS, columns: int = 2) -> tuple[Page, Fit]:
    """Find the most generous (size, spacing) step at which the body fits."""
    fit: Fit | None = None
    page: Page | None = None
    for body_pt, spacing in steps:
        page = build(body_pt, spacing)
        geo = _Geometry(paper, page, art)
        plan = _plan(page, geo, columns, balance=False)
        if not plan.leftover:
            plan = _plan(page, geo, columns)
            return page, Fit(True, geo.body_h, geo.body_h - plan.room, body_pt, spacing)
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


#: Large print: 18 pt body, single column, at most two pages.
LARGE_STEPS = ((18.0, 1.15), (18.0, 1.0), (18.0, 0.85), (18.0, 0.7), (18.0, 0.55))
LARGE_MAX_PAGES = 2
TURN_NOTE_H = 0.3 * inch


def _large_frames(geo: "_Geometry", pages: int) -> list[Frame]:
    """One column per page. The header is on the first page, the footer on
    the last; a two-page handout says "please turn over" at the foot of page 1."""
    if pages == 1:
        return [_frame(geo.left, geo.body_bottom, geo.content_w, geo.body_h)]
    first_bottom = geo.bottom + TURN_NOTE_H
    return [_frame(geo.left, first_bottom, geo.content_w, geo.body_top - first_bottom),
            _frame(geo.left, geo.body_bottom, geo.content_w, geo.top - geo.body_bottom)]


def fit_large(build: Callable[[float, float], Page], paper: str, art: BrandArt,
              steps=LARGE_STEPS, max_pages: int = LARGE_MAX_PAGES) -> tuple[Page, Fit]:
    """Fit a large-print handout on as few pages as it needs, at most two."""
    scratch = Canvas(io.BytesIO())
    fit = page = None
    for body_pt, spacing in steps:
        page = build(body_pt, spacing)
        geo = _Geometry(paper, page, art)
        for pages in range(1, max_pages + 1):
            frames = _large_frames(geo, pages)
            available = sum(f._aH for f in frames)
            rest = flow(page.body, frames, scratch)
            if not rest:
                used = sum(f._y1p + f._aH - f._y for f in frames)
                return page, Fit(True, available, used, body_pt, spacing, pages=pages)
        over = measure(rest, geo.content_w)[0]
        fit = Fit(False, available, available + over, body_pt, spacing,
                  getattr(rest[0], "handout_where", ()), pages=max_pages)
    assert fit is not None and page is not None
    return page, fit


def fit_error(path, fit: Fit, line_for=None) -> FitError:
    """The one-line refusal: how much is over, and the file, line and field
    where the text runs off the page."""
    over = fit.needed - fit.available
    lines = max(1, round(over / (fit.body_pt * 1.32)))
    loc = tuple(fit.overflow_at)
    return FitError.at(
        path, line_for(loc) if line_for and loc else None, field_name(loc) or None,
        f"does not fit on {'one page' if fit.pages == 1 else f'{fit.pages} pages'}, even at "
        f"{fit.body_pt:g} pt with the tightest spacing: "
        f"about {lines} line{'s' if lines != 1 else ''} ({over / inch:.2f} in) too long, "
        f"running off the page from here on. Shorten the handout.",
    )


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
            root.kids.append(sheet.page.struct)
    y, m, d = info.created
    return finish(buf.getvalue(), root, lang=info.lang, title=info.title, author=info.author,
                  subject=info.subject, keywords=", ".join(info.keywords),
                  creator=f"handouts {__version__}", date=f"{y:04d}-{m:02d}-{d:02d}T00:00:00Z",
                  link_text=links)


def draw_page(canv: Canvas, sheet: Sheet, art: BrandArt, columns: int = 2) -> dict[str, str]:
    """Draw one handout page. ``sheet.page`` must come from ``fit_page``.
    Returns the page's links and their descriptions."""
    page, styles = sheet.page, sheet.page.styles
    geo = _Geometry(art.paper, page, art)
    plan = _plan(page, geo, columns)
    if plan.leftover:  # never spill silently
        raise fit_error(None, sheet.fit)
    _draw_header(canv, geo, page, styles, art)
    y = geo.body_top
    if plan.top:
        flow(plan.top, [_frame(geo.left, y - plan.top_h - 1, geo.content_w, plan.top_h + 1)], canv)
        y -= plan.top_h
    frames = [_frame(geo.left + i * (plan.col_w + GUTTER), y - plan.col_h, plan.col_w, plan.col_h)
              for i in range(columns)]
    rest = flow(plan.cols, frames, canv)
    y -= plan.col_h
    if plan.bottom:
        # The frame starts below the callout's space before (a frame drops
        # the space before its first flowable).
        gap = plan.bottom[0].getSpaceBefore()
        h = plan.bottom_h - gap
        rest += flow(plan.bottom, [_frame(geo.left, y - gap - h - 1, geo.content_w, h + 1)], canv)
    if rest:
        raise fit_error(None, sheet.fit)
    return _draw_footer(canv, geo, page, styles)


def draw_large(canv: Canvas, sheet: Sheet, art: BrandArt) -> dict[str, str]:
    """Draw a large-print handout on ``sheet.fit.pages`` pages."""
    page, styles = sheet.page, sheet.page.styles
    geo = _Geometry(art.paper, page, art)
    frames = _large_frames(geo, sheet.fit.pages)
    _draw_header(canv, geo, page, styles, art)
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
                canv.drawRightString(geo.right, geo.bottom + 4, page.turn_over or "Please turn over")
    if story:
        raise fit_error(None, sheet.fit)
    return _draw_footer(canv, geo, page, styles)


def _stamp(canv: Canvas, ymd: tuple[int, int, int]) -> None:
    """Make the PDF's dates the review date, so output depends only on input."""
    ts = canv._doc._timeStamp
    t = time.mktime((*ymd, 0, 0, 0, 0, 0, 0)) - time.timezone
    ts.t = t
    ts.lt = time.gmtime(t)
    ts.YMDhms = tuple(ts.lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"


def _draw_header(canv: Canvas, geo: _Geometry, page: Page, st: Styles, art: BrandArt) -> None:
    top = geo.top
    logo_y = top - geo.header_h + (geo.header_h - geo.logo_h) / 2
    figure = StructNode("Figure", alt=art.logo_alt)
    if page.header_node is not None:
        page.header_node.kids.insert(0, figure)
    with tagged(canv, figure):
        canv.drawImage(art.logo, geo.left, logo_y, geo.logo_w, geo.logo_h, mask="auto")
    for stack, x, w, h in ((geo.left_stack, geo.header_text_x, geo.header_text_w, geo.name_h),
                           (geo.right_stack, geo.right - geo.phone_w, geo.phone_w, geo.phone_h)):
        _stack(canv, stack, x, top - (geo.header_h - h) / 2, w, geo.height, gap=0)
    # A brand rule under the header.
    _rule(canv, geo, top - geo.header_h - HEADER_GAP / 2, st.palette.color("primary"), 2.5)


def _rule(canv: Canvas, geo: _Geometry, y: float, color, width: float) -> None:
    """A full-width horizontal rule: decoration, so an Artifact."""
    with artifact(canv):
        canv.saveState()
        canv.setStrokeColor(color)
        canv.setLineWidth(width)
        canv.line(geo.left, y, geo.right, y)
        canv.restoreState()


def _stack(canv: Canvas, paras, x: float, top: float, width: float, avail: float, gap: float) -> float:
    """Draw paragraphs one under another from ``top``; return the new top."""
    y = top
    for para in paras:
        _, h = para.wrap(width, avail)
        y -= h
        para.drawOn(canv, x, y)
        y -= gap
    return y


def _draw_footer(canv: Canvas, geo: _Geometry, page: Page, st: Styles) -> dict[str, str]:
    top = geo.bottom + geo.footer_h
    _rule(canv, geo, top, st.palette.color("rule"), 0.75)
    _stack(canv, geo.side, geo.left, top - 8, geo.side_w, geo.height, FOOTER_LINE_GAP)
    links = {}
    if geo.qr:
        links = _draw_qr(canv, geo, page, st, top - 2)
    _stack(canv, geo.fine, geo.left, top - geo.footer_upper_h, geo.content_w, geo.height,
           FOOTER_LINE_GAP)
    return links


def _draw_qr(canv: Canvas, geo: _Geometry, page: Page, st: Styles, top: float) -> dict[str, str]:
    """The QR code and its caption, both one Link (the code a Figure inside it)."""
    words = " ".join(p.getPlainText() for p in geo.caption)
    link = StructNode("Link", alt=words)
    if page.footer_node is not None:
        page.footer_node.kids.append(link)
    figure = link.add("Figure", alt=page.qr_alt or f"QR code. {words}")
    for para in geo.caption:
        para.handout_struct = link.add("Span")
    m = geo.qr_module
    quiet = geo.qr_quiet
    # The symbol's right edge keeps a quiet zone from the content edge.
    x0 = geo.right - geo.qr_total + quiet
    y_top = top - quiet
    with tagged(canv, figure):
        _draw_modules(canv, geo, st, x0, y_top)
    symbol = geo.qr.getModuleCount() * m
    canv.linkURL(page.qr_url, (x0, y_top - symbol, x0 + symbol, y_top), relative=0, thickness=0)
    # The link in words beside the code, for people who do not scan.
    cx = geo.right - geo.qr_total - geo.caption_w + 4
    cy = _stack(canv, geo.caption, cx, top - 6, geo.caption_w - 8, geo.height, 0)
    canv.linkURL(page.qr_url, (cx, cy, cx + geo.caption_w - 8, top - 6), relative=0, thickness=0)
    link.kids.append(AnnotRef(tagger_page(canv), page.qr_url))
    return {page.qr_url: words}


def tagger_page(canv: Canvas) -> int:
    tagger = getattr(canv, "handout_tagger", None)
    return tagger.page if tagger else 0


def _draw_modules(canv: Canvas, geo: _Geometry, st: Styles, x0: float, y_top: float) -> None:
    m = geo.qr_module
    canv.saveState()
    canv.setFillColor(st.palette.color("ink"))
    path = canv.beginPath()
    for r, row in enumerate(geo.qr.modules):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x0 + start * m, y_top - (r + 1) * m, (c - start) * m, m)
            else:
                c += 1
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()
