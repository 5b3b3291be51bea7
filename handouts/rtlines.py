"""Right-to-left paragraphs: ReportLab breaks the lines in reading order;
each line is then drawn in visual order.

ReportLab's own right-to-left support needs ``rlbidi`` (not installable
here) and, with shaping on, still keeps words in reading order; its shaping
guesses each word's direction and shapes a word with its first font only. So
a right-to-left paragraph is broken into lines by ReportLab unshaped, in
reading order (``wrap``: joined Arabic is about a fifth narrower than its
letters apart, so the lines are broken for a width that much wider, as wide
as the shaped lines may be, and never wider), and each line is then:

1. cut into runs of one direction (``bidi.visual_runs``: UAX #9, phone
   numbers and addresses left to right as wholes) and one font (the Arabic
   font, or the Latin one for Latin letters, digits and ASCII punctuation);
2. each run shaped by HarfBuzz in its own direction (``shaping.shape``: Arabic
   letters joined, brackets mirrored in a right-to-left run);
3. the runs set from left to right, the line aligned to the right.

A shaped glyph maps back to the letters it stands for in the font's
ToUnicode map (``shaping.shape``), so copied or extracted text is the letters
written, not presentation forms; a screen reader gets the paragraph in
reading order as its structure element's ActualText (flowables.py).
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_RIGHT

from handouts import bidi, rl, shaping


#: How much wider Arabic may be unshaped than shaped (Noto Sans Arabic:
#: 1.26 on the seed handouts, more in some lines): the first width tried.
UNSHAPED = 1.4


def wrap(para, reportlab_wrap, width: float, height: float) -> None:
    """Break ``para`` into lines (``reportlab_wrap``, unshaped) as wide as
    its shaped lines may be: the widest shaped line within ``width``."""
    factor = UNSHAPED
    rtl = direction(para)
    room = line_width(para, width)
    for _ in range(12):
        reportlab_wrap(width + room * (factor - 1), height)
        widest, extra = max(((_shaped_width(para.blPara, line, rtl), _pieces(para.blPara, line)[0])
                             for line in para.blPara.lines), default=(0.0, 0.0))
        if widest <= room + 0.01:
            break
        # Narrower: by the widest line's overflow, and at least enough that it
        # no longer fits as it is (its unshaped width is room * factor - extra).
        factor = min(factor * room / widest, (room * factor - extra) / room) - 0.002
    para.width = width


def line_width(para, width: float) -> float:
    """How wide a line of ``para`` may be in ``width`` (inside its indents)."""
    return width - para.style.leftIndent - para.style.rightIndent


def said(para) -> str:
    """The paragraph's words in reading order, as one line (kept by its parts
    when it is split)."""
    text = para.__dict__.get("_handout_said")
    if text is None:
        # A forced break (<br/>) is between two words too.
        parts = (" " if getattr(f, "lineBreak", False) else getattr(f, "text", "") for f in para.frags)
        text = para._handout_said = " ".join("".join(parts).split())
    return text


def direction(para) -> bool:
    """True when the paragraph reads right to left (``bidi.base_rtl``)."""
    rtl = para.__dict__.get("_handout_base_rtl")
    if rtl is None:
        rtl = para._handout_base_rtl = bidi.base_rtl(said(para))
    return rtl


def line_widths(para) -> list[float]:
    """Each line's width as drawn, shaped (after ``wrap``)."""
    rtl = direction(para)
    return [_shaped_width(para.blPara, line, rtl) for line in para.blPara.lines]


def _shaped_width(bl, line, rtl: bool) -> float:
    _, pieces = _pieces(bl, line)
    return sum(run[2] for run in _runs(pieces, rtl))


def _runs(pieces, rtl: bool):
    """Each run of one line from left to right: (fragment, shaped text, width,
    where the run starts in reading order)."""
    text = "".join(t for _, t in pieces)
    owner, cuts = [], set()
    for k, (_, t) in enumerate(pieces):
        if owner:
            cuts.add(len(owner))
        owner.extend([k] * len(t))
    for run in bidi.visual_runs(text, rtl, frozenset(cuts)):
        frag = pieces[owner[run.start]][0]
        shaped = shaping.shape(text[run.start:run.end], frag.fontName, frag.fontSize, run.rtl)
        yield frag, shaped, shaping.shaped_width(shaped, frag.fontSize), run


def _pieces(bl, line) -> tuple[float, list[tuple[object, str]]]:
    """(extra space, [(fragment, text)]) of one line, in reading order."""
    if bl.kind == 0:
        extra, words = line
        return extra, [(bl, " ".join(words))]
    return line.extraSpace, [(f, f.text) for f in line.words if getattr(f, "text", None)]


def _words(shaped, text: str, run, size: float):
    """A shaped run cut into its words and spaces, for writing in reading
    order: (where it starts in the line's text, its x in the run, the shaped
    part, its width). A left-to-right run stays whole."""
    if not run.rtl:
        yield run.start, 0.0, shaped, shaping.shaped_width(shaped, size)
        return
    data = shaped.__shapeData__
    x, i = 0.0, 0
    while i < len(shaped):
        space = text[run.start + data[i].cluster] == " "
        j = i + 1
        while j < len(shaped) and (text[run.start + data[j].cluster] == " ") == space:
            j += 1
        part = shaped[i:j]
        width = shaping.shaped_width(part, size)
        yield run.start + min(d.cluster for d in data[i:j]), x, part, width
        x += width
        i = j


def draw(para) -> None:
    """Draw the paragraph's lines (wrapped by ``wrap``): each line's runs set
    from left to right, aligned as its style says (right, for the body), and
    written in reading order, each run at its place: a reader that follows
    the page's text (poppler's, a screen reader's) meets the words in the
    order they are read. Links (``<a href>``) get their annotations here."""
    canv, style, bl = para.canv, para.style, para.blPara
    if not bl.lines:
        return
    width = line_width(para, para.width)
    rtl = direction(para)
    y = para.height - (bl.fontSize if bl.kind == 0 else bl.lines[0].fontSize)
    tx = para.beginText(0, y)
    for n, line in enumerate(bl.lines):
        _, pieces = _pieces(bl, line)
        runs = list(_runs(pieces, rtl))
        spare = width - sum(run[2] for run in runs)
        x = style.leftIndent + (spare if style.alignment == TA_RIGHT else spare / 2
                                if style.alignment == TA_CENTER else 0.0)
        left, right, placed = x, x + width - spare, []
        text = "".join(t for _, t in pieces)
        for frag, shaped, w, run in runs:
            for at, dx, part, pw in _words(shaped, text, run, frag.fontSize):
                placed.append((at, x + dx, frag, part, pw))
            x += w
        placed.sort(key=lambda word: word[0])
        for _, x, frag, shaped, w in placed:
            tx.setTextOrigin(x, y)
            tx.setFont(frag.fontName, frag.fontSize, style.leading)
            tx.setFillColor(frag.textColor)
            rl.text_out(tx, shaped)
            for _, href in getattr(frag, "link", None) or ():
                canv.linkURL(href, (x, y - frag.fontSize * 0.2, x + w, y + frag.fontSize * 0.8),
                             relative=1, thickness=0)
        # A line that ends between two words ends with its space (a word
        # break is a real space: ISO 32000-1, 14.8.2.5), where reading ends it.
        if placed and (n < len(bl.lines) - 1 or para.handout_continued) \
                and not rl.splits_a_word(pieces[-1][1]) and not text.endswith(" "):
            frag = placed[-1][2]
            tx.setTextOrigin(left if rtl else right, y)
            tx.setFont(frag.fontName, frag.fontSize, style.leading)
            rl.text_out(tx, " ")
        y -= style.leading
    canv.drawText(tx)
