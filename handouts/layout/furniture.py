"""The page furniture: where the header, footer and QR code go (``Geometry``)
and how they are drawn. It depends only on the paper, the brand art and the
texts of the header and footer, never on the body."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from handouts.converters import PAPER_SIZES
from handouts.fontruns import string_width   # Latin in another script: in its own font
from handouts.layout.images import draw_image
from handouts.layout.lines import LABEL, SEPARATOR, restyled, settle
from handouts.layout.qrmatrix import matrix as qr_matrix
from handouts.flowables import TaggedParagraph as Paragraph
from handouts.markup import Page
from handouts.styles import Styles, resized
from handouts.tagging import AnnotRef, StructNode, artifact, link_count, tagged
from handouts.templating import bare_url
from handouts.xmltext import escape


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


@dataclass(frozen=True)
class BrandArt:
    """What the layout draws from the brand besides text."""

    logo: ImageReader
    logo_size: tuple[int, int]
    logo_alt: str
    author: str
    paper: str


FOOTER_SIDE = ("contact", "reviewed")   # beside the QR code; the rest spans the width
#: Where a footer line may break: contact lines at their separator dots (the
#: dot dropped), the review line after its label (the date kept whole).
FOOTER_JOINTS = {"contact": SEPARATOR, "reviewed": LABEL}
NAME_SIZES = (16.0, 14.5, 13.0)        # the clinic name shrinks to stay within two lines


def url_lines(url: str, font: str, size: float, width: float) -> list[str]:
    """Break a URL into lines at its natural joints (after / ? & . = -), so a
    long booking link stays readable instead of breaking mid-word."""
    tokens = [t for t in re.split(r"(?<=[/?&.=-])", url) if t]
    lines, current = [], ""
    for token in tokens:
        if current and string_width(current + token, font, size) > width:
            lines.append(current)
            current = ""
        while string_width(token, font, size) > width:  # one joint-less run longer than a line
            cut = max(1, next(i for i in range(len(token), 0, -1)
                              if string_width(token[:i], font, size) <= width))
            lines.append(token[:cut])
            token = token[cut:]
        current += token
    if current:
        lines.append(current)
    # No lone piece on the last line ("handout" after "...?src="): the joint
    # before it moves down with it when the two fit a line.
    if len(lines) > 1:
        before = [t for t in re.split(r"(?<=[/?&.=-])", lines[-2]) if t]
        alone = [t for t in re.split(r"(?<=[/?&.=-])", lines[-1]) if t]
        if len(before) > 1 and len(alone) == 1 and \
                string_width(before[-1] + lines[-1], font, size) <= width:
            lines[-2:] = ["".join(before[:-1]), before[-1] + lines[-1]]
    return lines


class Geometry:
    """Where everything goes on one page: computed from the paper, the brand
    art and the texts of the header and footer. The QR code's caption sits
    beside the code, or (``caption_beside`` false: too big for that) under
    the contact lines."""

    def __init__(self, paper: str, page: Page, art: BrandArt, caption_beside: bool = True,
                 qr_left: bool = False, sources_pt: float | None = None, margin: float = MARGIN):
        st = page.styles
        self.paper = paper
        self.width, self.height = PAPER_SIZES[paper]
        self.rtl = st.rtl      # a right-to-left language: everything drawn mirrored (``x``)
        self.left = margin
        self.right = self.width - margin
        self.content_w = self.right - self.left
        self.top = self.height - margin
        self.bottom = margin
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
            scale = st.header_name.fontSize / NAME_SIZES[0]
            for size in dict.fromkeys(max(st.min_text_pt, pt * scale) for pt in NAME_SIZES):
                original = page.header["clinic"]
                self.name = restyled(original, resized(original.style, size))
                if self.name.wrap(self.header_text_w, self.height)[1] <= 2.2 * self.name.style.leading:
                    break
        self.left_stack = [p for p in (self.name, page.header.get("tagline")) if p is not None]
        self.right_stack = right
        self.name_h = sum(p.wrap(self.header_text_w, self.height)[1] for p in self.left_stack)
        self.phone_h = sum(p.wrap(self.phone_w, self.height)[1] for p in right)
        self.header_h = max(self.logo_h, self.name_h, self.phone_h)
        # Footer: contact lines and the review date at the left, the QR code
        # and its caption at the right, the fine print across the width below.
        # Or (``qr_left``, large print) the code at the left, its caption the
        # first line beside it, the contact lines and review date under the
        # caption, still beside the code.
        self.qr = qr_matrix(page.qr_url) if page.qr_url else None
        self.caption_beside = caption_beside
        self.qr_left = bool(qr_left and self.qr)
        if self.qr:
            modules = len(self.qr)
            self.qr_module = QR_SYMBOL / modules
            self.qr_quiet = QR_QUIET_MODULES * self.qr_module
            self.qr_total = self.qr_module * (modules + 2 * QR_QUIET_MODULES)
            self.caption_w = QR_CAPTION_W * st.footer.fontSize / 9.5 if self.caption_beside else 0.0
            # A little wider where that keeps the address on one line (a font
            # with wider Latin letters: the CJK font), never a lone "book".
            whole = string_width(bare_url(page.qr_url), st.footer.fontName, st.footer.fontSize) + 8
            if self.caption_w < whole <= self.caption_w * 1.2:
                self.caption_w = whole
            side_w = self.content_w - self.qr_total - self.caption_w
            text_w = self.caption_w - 8 if self.caption_beside else side_w
            label = [settle(p, text_w) for p in page.footer.get("qr", [])]
            if self.caption_beside:
                url = Paragraph("<br/>".join(escape(line) for line in url_lines(
                    bare_url(page.qr_url), st.footer.fontName, st.footer.fontSize, text_w)),
                    st.footer)
                url.handout_word_breaks = False  # broken at its joints, not between words
                self.caption = [*label, url]
            else:  # one line when it fits: "Scan the code or visit: clinic.org/book"
                self.caption = [settle(Paragraph(run_on([*(p.text for p in label),
                                                        escape(bare_url(page.qr_url))]), st.footer),
                                       text_w)]
            self.caption_text_w = text_w
            # The symbol's top quiet zone lies under the rule; its bottom one
            # may reach into the blank margin below the footer text.
            qr_h = self.qr_total - self.qr_quiet
            caption_h = sum(p.wrap(text_w, self.height)[1] for p in self.caption)
        else:
            self.qr_total = self.caption_w = 0.0
            qr_h = caption_h = 0.0
            self.caption = []
            side_w = self.content_w
        self.side_w = side_w
        self.side_x = self.left + (self.qr_total if self.qr_left else 0.0)
        # Contact lines and the review date always sit beside the code; the
        # fine print joins them while it fits beside the code, and the rest
        # runs across the full width below.
        self.side, self.fine = [], []
        side_h = 0.0
        room = max(qr_h, caption_h) + 4
        for key, paras in page.footer.items():
            if key == "qr":
                continue
            joint = FOOTER_JOINTS.get(key)
            for para in paras:
                if key == "sources" and sources_pt and sources_pt != para.style.fontSize:
                    para = restyled(para, resized(para.style, sources_pt))
                beside = settle(para, side_w, joint)
                h = beside.wrap(side_w, self.height)[1] + FOOTER_LINE_GAP
                if key in FOOTER_SIDE or (not self.fine and side_h + h <= room):
                    self.side.append(beside)
                    side_h += h
                else:
                    self.fine.append(settle(para, self.content_w, joint))
        if not self.caption_beside:
            side_h += caption_h + FOOTER_LINE_GAP
            caption_h = 0.0
        self.fine_h = sum(p.wrap(self.content_w, self.height)[1] + FOOTER_LINE_GAP for p in self.fine)
        # Fine print below the code keeps clear of its bottom quiet zone.
        qr_clear = qr_h + 2 + (self.qr_quiet if self.qr and self.fine else 0)
        self.footer_upper_h = max(side_h + 8, qr_clear, caption_h + 8)
        self.footer_h = self.footer_upper_h + (self.fine_h + 2 if self.fine else 0)
        self.body_top = self.top - self.header_h - HEADER_GAP
        self.body_bottom = self.bottom + self.footer_h + FOOTER_GAP
        self.body_h = self.body_top - self.body_bottom

    def x(self, left: float, width: float) -> float:
        """Where a box ``width`` wide whose left edge is ``left`` on the
        left-to-right page stands: the same place from the right edge in a
        right-to-left language (the logo at the right, the QR code at the
        left, the first column at the right)."""
        return self.width - left - width if self.rtl else left


def run_on(parts: list[str]) -> str:
    """Parts of one line joined by a space, but none after a full-width mark
    (a Chinese colon carries its own space: "扫描二维码或访问：clinic.org")."""
    out = ""
    for part in parts:
        if out and unicodedata.east_asian_width(out[-1]) not in ("F", "W"):
            out += " "
        out += part
    return out


def _line_width(para: Paragraph) -> float:
    st = para.style
    return string_width(para.getPlainText(), st.fontName, st.fontSize) + 1


def draw_header(canv: Canvas, geo: Geometry, page: Page, st: Styles, art: BrandArt) -> None:
    top = geo.top
    logo_y = top - geo.header_h + (geo.header_h - geo.logo_h) / 2
    figure = StructNode("Figure", alt=page.logo_alt or art.logo_alt)
    if page.header_node is not None:
        page.header_node.kids.insert(0, figure)
    with tagged(canv, figure):
        draw_image(canv, art.logo, geo.x(geo.left, geo.logo_w), logo_y, geo.logo_w, geo.logo_h, mask="auto")
    for stack, x, w, h in ((geo.left_stack, geo.header_text_x, geo.header_text_w, geo.name_h),
                           (geo.right_stack, geo.right - geo.phone_w, geo.phone_w, geo.phone_h)):
        _stack(canv, stack, geo.x(x, w), top - (geo.header_h - h) / 2, w, geo.height, gap=0)
    # A brand rule under the header.
    _rule(canv, geo, top - geo.header_h - HEADER_GAP / 2, st.palette.color("primary"), 2.5)


def _rule(canv: Canvas, geo: Geometry, y: float, color, width: float) -> None:
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


def draw_footer(canv: Canvas, geo: Geometry, page: Page, st: Styles) -> dict[str, str]:
    top = geo.bottom + geo.footer_h
    _rule(canv, geo, top, st.palette.color("rule"), 0.75)
    links, link = {}, None
    if geo.qr_left:   # the code and its caption first, the lines beside the code under the caption
        links, link = _draw_qr(canv, geo, page, st, top - 2, (geo.side_x, top - 8))
        below_caption = top - 8 - sum(p.wrap(geo.caption_text_w, geo.height)[1] for p in geo.caption)
        _stack(canv, geo.side, geo.x(geo.side_x, geo.side_w), below_caption - FOOTER_LINE_GAP, geo.side_w,
               geo.height, FOOTER_LINE_GAP)
    else:
        below_side = _stack(canv, geo.side, geo.x(geo.left, geo.side_w), top - 8, geo.side_w, geo.height,
                            FOOTER_LINE_GAP)
        if geo.qr:
            caption_at = None if geo.caption_beside else (geo.left, below_side)
            links, link = _draw_qr(canv, geo, page, st, top - 2, caption_at)
    _stack(canv, geo.fine, geo.left, top - geo.footer_upper_h, geo.content_w, geo.height,
           FOOTER_LINE_GAP)
    if page.footer_node is not None:
        # Read in the order printed: the lines beside the code, the code and
        # its caption (first, when they stand at the left), then the fine
        # print across the width below.
        beside = [p.handout_struct for p in geo.side]
        printed = ([link] + beside if geo.qr_left else beside + [link]) + [p.handout_struct for p in geo.fine]
        kids = page.footer_node.kids
        kids[:] = [k for k in printed if k in kids] + [k for k in kids if k not in printed]
    return links


def _draw_qr(canv: Canvas, geo: Geometry, page: Page, st: Styles, top: float,
             caption_at: tuple[float, float] | None = None) -> tuple[dict[str, str], StructNode]:
    """The QR code and its caption (beside the code, or at ``caption_at``),
    both one Link (the code a Figure inside it)."""
    words = " ".join(p.getPlainText() for p in geo.caption)
    link = StructNode("Link", alt=words)
    if page.footer_node is not None:
        page.footer_node.kids.append(link)
    figure = link.add("Figure", alt=page.qr_alt or words)
    for para in geo.caption:
        para.handout_struct = link.add("Span")
    m = geo.qr_module
    quiet = geo.qr_quiet
    # The symbol's outer edge keeps a quiet zone from the content edge; right
    # to left, the same from the other side (the symbol itself never mirrored).
    symbol = len(geo.qr) * m
    x0 = geo.x(geo.left + quiet if geo.qr_left else geo.right - geo.qr_total + quiet, symbol)
    y_top = top - quiet
    with tagged(canv, figure):
        _draw_modules(canv, geo, st, x0, y_top)
    first = link_count(canv)
    canv.linkURL(page.qr_url, (x0, y_top - symbol, x0 + symbol, y_top), relative=0, thickness=0)
    # The link in words beside the code (or under the contact lines), for
    # people who do not scan.
    cx, ctop = caption_at or (geo.right - geo.qr_total - geo.caption_w + 4, top - 6)
    cx = geo.x(cx, geo.caption_text_w)
    cw = max(w for p in geo.caption for w in p.getActualLineWidths0())
    if geo.rtl and caption_at is None:   # set right, as wide as its words: beside the code
        cx -= geo.caption_text_w - cw
    cy = _stack(canv, geo.caption, cx, ctop, geo.caption_text_w, geo.height, 0)
    at = cx + geo.caption_text_w - cw if geo.rtl else cx   # where its words are
    canv.linkURL(page.qr_url, (at, cy, at + cw, ctop), relative=0, thickness=0)
    link.kids.extend(AnnotRef(tagger_page(canv), index, page.qr_url)
                     for index in (first, link_count(canv) - 1))
    return {page.qr_url: words}, link


def tagger_page(canv: Canvas) -> int:
    tagger = getattr(canv, "handout_tagger", None)
    return tagger.page if tagger else 0


#: A QR code's dark modules as the path ReportLab's ``rect`` makes of them,
#: one filled rectangle for each run of them in a row, per matrix, module
#: size and left edge: the path's text with each number formatted as
#: ReportLab formats it, but a place (``%s``) for each run's height on the
#: page, and the row of each run. The same for every handout of a clinic on
#: its paper, so a page formats only its rows' heights (the footer's height,
#: and so the code's, differs from handout to handout) and fills them in.
_MODULES: dict[tuple, tuple[str, tuple[int, ...]]] = {}
MAX_MODULES = 64


def _module_path(matrix, m: float, x0: float) -> tuple[str, tuple[int, ...]]:
    key = (matrix, m, x0)
    kept = _MODULES.get(key)
    if kept is None:
        height = fp_str(m)
        parts, rows = ["n"], []
        for r, row in enumerate(matrix):
            c = 0
            n = len(row)
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    parts.append(f"{fp_str(x0 + start * m)} %s {fp_str((c - start) * m)} {height} re")
                    rows.append(r)
                else:
                    c += 1
        if len(_MODULES) >= MAX_MODULES:
            _MODULES.clear()
        kept = _MODULES[key] = (" ".join(parts) if rows else "", tuple(rows))
    return kept


def _draw_modules(canv: Canvas, geo: Geometry, st: Styles, x0: float, y_top: float) -> None:
    """The dark modules, each run of them in a row one filled rectangle: the
    very path ReportLab's ``rect`` makes of them (its first operator ``n``,
    each number formatted alike), the path kept for the matrix with this
    page's row heights filled in."""
    m = geo.qr_module
    canv.saveState()
    canv.setFillColor(st.palette.color("ink"))
    path, rows = _module_path(geo.qr, m, x0)
    ys = [fp_str(y_top - (r + 1) * m) for r in range(len(geo.qr))]
    code = [path % tuple([ys[r] for r in rows])] if rows else []
    canv.drawPath(PDFPathObject(code=code), stroke=0, fill=1)
    canv.restoreState()
