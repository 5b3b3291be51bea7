"""With ``rlframes.py`` (a frame's cursor, and placing without drawing), one
of the two modules that touch ReportLab's private attributes.

ReportLab's public API does not say where a frame's cursor stands, which lines
a paragraph broke into, which annotations a page has, or when the document was
made, and it cannot write object streams; handouts needs each of these. Every such access is one small function
here or there, so a ReportLab upgrade that renames an internal breaks these two files and no
other (tests/test_layout_objects.py fails if another module reaches in).
"""

from __future__ import annotations

import zlib

from reportlab import rl_config
from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import _digester
from reportlab.platypus.paragraph import (ParaLines, _handleBulletWidth, _SplitWord, _SplitWordEnd,
                                          cjkU, makeCJKParaLine)
from reportlab.rl_config import _FUZZ

from handouts import pdfonce

#: ReportLab's "nothing can fit in this width" threshold (``rl_config._FUZZ``).
FUZZ = _FUZZ

# Streams (pages, images) in binary Flate only, not also ASCII85 text: a
# quarter smaller, and less to encode. ReportLab reads this setting as it
# writes, for every document in the process; handouts always wants it off.
rl_config.useA85 = 0


# -- Paragraphs: the broken lines ------------------------------------------

def wrapped(para) -> tuple:
    """What ``Paragraph.wrap`` leaves behind: (width, height, lines, widths)."""
    return para.width, para.height, para.blPara, para._wrapWidths


def set_wrapped(para, state: tuple) -> None:
    """Restore what ``wrapped`` returned, as if ``wrap`` had just run."""
    para.width, para.height, para.blPara, para._wrapWidths = state


def shape_each_font_apart() -> None:
    """ReportLab shapes a word with the font of its first part
    (``ttfonts.shapeFragWord``): in a word of two fonts, such as an Arabic
    word in brackets the Latin font draws, the letters would get the first
    font's glyph numbers (empty boxes). Paragraphs shape each run of one font
    on its own instead, and join the runs; a word in one font is shaped as
    before. Idempotent."""
    from reportlab.platypus import paragraph

    original = ttfonts.shapeFragWord
    if getattr(paragraph.shapeFragWord, "handouts", False):
        return

    def shape(word, *args, **kw):
        items = word[1:]
        if isinstance(word, ttfonts.ShapedFragWord) or len(
                {f.fontName for f, _ in items if not hasattr(f, "cbDefn")}) < 2:
            return original(word, *args, **kw)
        runs: list[list] = []
        for item in items:
            name = None if hasattr(item[0], "cbDefn") else item[0].fontName
            if runs and name in (None, runs[-1][0]):
                runs[-1][1].append(item)
            else:
                runs.append([name, [item]])
        out = ttfonts.makeShapedFragWord(word)([0.0])
        for _, run in runs:
            width = sum(pdfmetrics.stringWidth(text, f.fontName, f.fontSize)
                        for f, text in run if not hasattr(f, "cbDefn"))
            shaped = original([width, *run], *args, **kw)
            out[0] += shaped[0]
            out.extend(shaped[1:])
        return out

    shape.handouts = True
    paragraph.shapeFragWord = shape


def add_glyph_code(ttf, code: int, gid: int) -> None:
    """Give glyph ``gid`` of a TrueType font a character code of its own
    (a shaped form that no character maps to), with the glyph's width."""
    ttf.face.charToGlyph[code] = gid
    ttf.face.charWidths[code] = ttf.face.hmetrics[gid][0]


def say_extra_codes(said: dict[int, str]) -> None:
    """Make ReportLab's ToUnicode CMap (``ttfonts.makeToUnicodeCMap``) map
    each code in ``said`` (given by ``add_glyph_code``) to its letters, and
    leave out a code that stands for none (the second glyph of a cluster).
    Idempotent."""
    if getattr(ttfonts.makeToUnicodeCMap, "handouts", False):
        return
    original = ttfonts.makeToUnicodeCMap

    def to_unicode_cmap(fontname, subset):
        cmap = original(fontname, [0 if v in said else v for v in subset])
        silent = 0
        for i, v in enumerate(subset):
            if v in said:
                letters = said[v].encode("utf-16-be").hex().upper()
                silent += not letters
                cmap = cmap.replace("<%02X> <0000>\n" % i,
                                    "<%02X> <%s>\n" % (i, letters) if letters else "", 1)
        if silent:
            cmap = cmap.replace("%d beginbfchar" % len(subset),
                                "%d beginbfchar" % (len(subset) - silent), 1)
        return cmap

    to_unicode_cmap.handouts = True
    ttfonts.makeToUnicodeCMap = to_unicode_cmap


def is_split_part(para) -> bool:
    """True for a part of a split paragraph (its fragments are not its text)."""
    return bool(getattr(para, "_splitpara", 0))


def splits_a_word(word) -> bool:
    """True for a piece of a word that ReportLab broke across lines (not its
    last piece)."""
    return isinstance(word, _SplitWord) and not isinstance(word, _SplitWordEnd)


def cjk_lines(para, max_widths, break_lines):
    """``Paragraph.breakLinesCJK`` with our own choice of breaks: the
    paragraph's characters (as ReportLab's ``cjkFragSplit`` measures them)
    go to ``break_lines(text, widths, max_width, forced)``, which returns
    [(start, end)] per line; the lines are made as ReportLab makes them."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    max_widths = list(max_widths)
    style = para.style
    para.height = 0
    if getattr(para, "_splitpara", 0) and hasattr(para, "blPara"):
        return para.blPara
    _handleBulletWidth(para.bulletText, style, max_widths)
    units = []
    for frag in para.frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        units.extend(cjkU(ch, frag, "utf8") for ch in text) if text else units.append(cjkU("", frag, "utf8"))
    text = "".join(u or "\ufffc" for u in units)   # an image or a line break holds one place
    forced = [hasattr(u.frag, "lineBreak") for u in units]
    auto = getattr(para, "autoLeading", getattr(style, "autoLeading", ""))
    bounds = auto not in ("", "off")

    def width_of(n: int) -> float:
        return max_widths[n] if n < len(max_widths) else max_widths[-1]

    lines = []
    for start, end in break_lines(text, [u.width for u in units], width_of, forced, _FUZZ):
        used = sum(u.width for u in units[start:end])
        limit = width_of(len(lines))
        lines.append(makeCJKParaLine(units[start:end], limit, used, limit - used,
                                     forced[end - 1], bounds))
    return ParaLines(kind=1, lines=lines)


def wrap_text_out(tx, wrapper) -> None:
    """Send a text object's writing through ``wrapper(text_out)``, which gets
    the original writer and returns the one to use."""
    tx._textOut = wrapper(tx._textOut)


def text_font(tx) -> str:
    """The font a text object writes in now."""
    return tx._fontname


def text_out(tx, text) -> None:
    """Write ``text`` (a shaped string too) at the text object's point,
    through whatever writer ``wrap_text_out`` put in place."""
    tx._textOut(text, 0)


def add_operator(tx, op: str) -> None:
    """Write a raw PDF operator into a text object, in line with its text."""
    tx._code.append(op)


# -- Canvas and document ---------------------------------------------------

def document(canv):
    """The canvas's PDF document (``PDFDocument``)."""
    return canv._doc


def ascii_first(canv, names) -> None:
    """Start each TrueType font named in ``names`` in this PDF with every
    printable ASCII character in its first subset, at its own code
    (ReportLab's ``asciiReadable``), before anything is drawn in it (why: in
    ``pdfonce.py``). Other characters take codes from 128 on (ReportLab
    fills codes 1-31 first only for a font made ``asciiReadable``)."""
    for name in names:
        font = pdfmetrics.getFont(name)
        if isinstance(font, ttfonts.TTFont) and canv._doc not in font.state:
            font._assignState(canv._doc, asciiReadable=True).nextCode = 128


def reference(doc, obj) -> bytes:
    """``doc.Reference(obj).format(doc)``, written directly: ``obj``
    registered (once) and its reference, such as ``12 0 R`` (the structure
    tree makes one for each of its hundred or more elements). An object new
    to the document is registered here as ``Reference`` registers it (the
    next number, named ``R`` and the number), without its checks."""
    if (obj.__class__ is not pdfdoc.PDFObjectReference and isinstance(obj, pdfdoc.PDFObject)
            and not hasattr(obj, "__InternalName__")):
        number = doc.objectcounter + 1
        name = "R%d" % number
        objects = doc.idToObject
        if name not in objects:
            doc.objectcounter = number
            obj.__InternalName__ = name
            doc.idToObjectNumberAndVersion[name] = (number, 0)
            doc.numberToId[number] = name
            objects[name] = obj
            return b"%d 0 R" % number
    return b"%d %d R" % doc.idToObjectNumberAndVersion[doc.Reference(obj).name]


def annotation_count(canv) -> int:
    """How many annotations the canvas has made on the current page."""
    return len(canv._annotationrefs)


def annotation(canv, index: int):
    """The current page's ``index``-th annotation object."""
    return canv._doc.idToObject[canv._annotationrefs[index].name]


def shown_pages(canv) -> list:
    """The document's pages (``PDFPage``) shown so far, in order."""
    return list(canv._doc.Pages.pages)


def page_annotations(canv, page) -> list[tuple]:
    """(reference, dictionary) of each annotation on a shown page, in the
    order the canvas made them."""
    objects = canv._doc.idToObject
    return [(ref, objects[ref.name]) for ref in page.Annots or ()]


def page_content(page) -> str:
    """A shown page's content stream, as the canvas wrote it."""
    return page.stream


def set_page_entries(page, **entries) -> None:
    """Add entries to a page dictionary that ``PDFPage`` does not know (such
    as /StructParents and /Tabs): it writes only the keys it lists."""
    known = type(page).__NoDefault__
    page.__NoDefault__ = [*known, *(k for k in entries if k not in known)]
    for key, value in entries.items():
        setattr(page, key, value)


def add_to_id(canv, data: str | bytes) -> None:
    """Make the file identifier (/ID, a digest even with ``invariant``)
    depend on ``data`` too; before saving."""
    canv._doc.updateSignature(data)


def producer(canv) -> str:
    """The /Producer ReportLab writes in the document information."""
    return canv._doc.info.producer


def pdf_bytes(canv) -> bytes:
    """The PDF ``canv.save()`` would write, every object formatted by
    ReportLab, but packed as PDF 1.5 allows: the objects that are not streams
    (page, font and structure dictionaries, the structure tree's hundreds of
    small elements) in one Flate-compressed object stream, and a
    cross-reference stream in place of the plain table and trailer: about a
    fifth smaller than ReportLab's own save (60 against 75 KB for a demo
    handout). The canvas is done with afterwards."""
    if canv._code:
        canv.showPage()
    doc = canv._doc
    if not isinstance(doc.encrypt, pdfdoc.NoEncryption):
        raise ValueError("an encrypted PDF cannot be packed here")
    # What PDFDocument.GetPDFData and .format do before the objects.
    pdfonce.prepare(doc)
    doc.info.invariant = doc.invariant
    doc.info.digest(doc.signature)
    doc.Outlines.prepare(doc, canv)
    if doc.Outlines.ready < 0:
        doc.Catalog.Outlines = None
    root, info = doc.Reference(doc.Catalog), doc.Reference(doc.info)
    if doc._pdfVersion < (1, 5):
        doc._pdfVersion = (1, 5)
    out = bytearray(pdfdoc.PDFFile(doc._pdfVersion).format(doc))
    xref: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}   # number: (type, field 2, field 3)
    packed: list[tuple[int, bytes]] = []
    number = 0
    while (number := number + 1) in doc.numberToId:   # objects may add objects as they format
        obj = doc.idToObject[doc.numberToId[number]]
        body = obj.data if obj.__class__ is Written else pdfdoc.format(obj, doc, toplevel=1)
        if body.rstrip().endswith(b"endstream"):   # a stream: written as ReportLab writes it
            xref[number] = (1, len(out), 0)
            out += b"%d 0 obj\n%s%sendobj\n" % (number, body, b"" if body.endswith(b"\n") else b"\n")
        else:
            packed.append((number, body))
    objstm, xref_number = number, number + 1
    for i, (n, _) in enumerate(packed):
        xref[n] = (2, objstm, i)
    index, bodies, at = [], [], 0
    for n, body in packed:
        index.append(b"%d %d " % (n, at))
        bodies.append(body)
        at += len(body) + 1
    index = b"".join(index)
    data = zlib.compress(index + b"\n".join(bodies) + b"\n", pdfonce.FLATE_LEVEL)
    xref[objstm] = (1, len(out), 0)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n" % (objstm, len(packed), len(index), len(data), data))
    xref[xref_number] = (1, len(out), 0)
    rows = [xref[n] for n in range(xref_number + 1)]
    w2, w3 = ((max(row[i] for row in rows).bit_length() + 7) // 8 for i in (1, 2))
    data = zlib.compress(b"".join(b"%c%s%s" % (kind, a.to_bytes(w2, "big"), b.to_bytes(w3, "big"))
                                  for kind, a, b in rows), pdfonce.FLATE_LEVEL)
    ident = b"<%s>" % doc.signature.hexdigest().upper().encode()   # ReportLab's /ID digest
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 %d %d ] /Root %s /Info %s /ID [ %s %s ] "
            b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n"
            b"startxref\n%d\n%%%%EOF\n" % (xref_number, xref_number + 1, w2, w3, root.format(doc),
                                             info.format(doc), ident, ident, len(data), data,
                                             xref[xref_number][1]))
    return bytes(out)


class Written(pdfdoc.PDFObject):
    """A PDF object that handouts writes out itself, as bytes, for ReportLab
    to put in the file as it is: a structure element (a hundred or more a
    page) costs no ``PDFDictionary`` formatting, and ``pdf_bytes`` takes its
    bytes without going through ``pdfdoc.format``."""

    def __init__(self, data: bytes = b""):
        self.data = data

    def format(self, document) -> bytes:
        return self.data


def set_timestamp(canv, t: float, lt, ymdhms: tuple) -> None:
    """Make the document's dates ``t`` (UTC), whatever the clock says."""
    ts = canv._doc._timeStamp
    ts.t = t
    ts.lt = lt
    ts.YMDhms = ymdhms
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"


# -- Images ----------------------------------------------------------------

def image_digest(data: bytes) -> str:
    """ReportLab's name for an image with these bytes (``canvas._digester``)."""
    return _digester(data)


def image_source(image):
    """The PIL image an ``ImageReader`` reads (the one it was made from, or
    the one it opened), or None before it has one."""
    return image._image


def draw_xobject(canv, name: str, reg: str, x: float, y: float, w: float, h: float) -> None:
    """Draw the image XObject ``reg`` (registered under ``name``) in the box,
    as ``Canvas.drawImage`` draws an image the document already has, without
    reading and hashing its pixels again to find it."""
    obj = canv._doc.idToObject[reg]
    canv._currentPageHasImages = 1
    x, y, w, h, _ = aspectRatioFix(False, "c", x, y, w, h, obj.width, obj.height, False)
    canv.saveState()
    canv.translate(x, y)
    canv.scale(w, h)
    canv._code.append("/%s Do" % reg)
    canv.restoreState()
    canv._formsinuse.append(name)


def image_alpha(image):
    """The image's alpha channel as an image (set by ``getRGBData``), or None."""
    return image._dataA


def add_xobject(canv, obj) -> None:
    """Note an XObject as used on the current page (``Canvas._setXObjects``)."""
    canv._setXObjects(obj)


def take_soft_mask(obj):
    """Detach and return an image XObject's soft mask (or None)."""
    smask = getattr(obj, "_smask", None)
    if smask is not None:
        del obj._smask
    return smask
