"""What writing a PDF can do once per process instead of once per PDF.

**Font subsets.** ReportLab embeds in each PDF a subset of each TrueType
font it used: a small font file of just those glyphs
(``TTFontFace.makeSubset``), compressed, with a compressed ToUnicode map.
Both are the same bytes whenever the glyphs are: the subset depends only on
the face and the glyphs in their order, the map only on its text. Here both
are kept (a few dozen of each; when full, all are forgotten at once) and
reused by the next PDF with the same glyphs, such as the same handout again
on other paper, or a batch that repeats a handout; a PDF with new glyphs
makes them as ReportLab does.

**Names and text.** ReportLab formats every name and number of a PDF
(several hundred a page) through ``pdfdoc.PDFName``, which escapes it
character by character, and ``pdfdoc.pdfdocEnc``, its own PDFDocEncoding
codec in Python. A name is escaped once per process, and plain ASCII text
(which that codec leaves as it is) is encoded as ASCII.

The bytes written are the same either way.
"""

from __future__ import annotations

import threading
import zlib

from reportlab.pdfbase import pdfdoc, ttfonts

#: How many subsets a face keeps, and how many compressed streams are kept
#: (a subset about 12 KB and 6 KB compressed; a map about 1 KB).
KEEP_SUBSETS = 16
KEEP_STREAMS = 64
#: How many names are kept escaped (a PDF of handouts uses a few dozen).
KEEP_NAMES = 4096

_lock = threading.Lock()
_streams: dict[bytes | str, bytes] = {}   # content: its Flate compression


class _FlateOnce:
    """ReportLab's Flate filter (``pdfdoc.PDFZCompress``), compressing each
    content once per process."""

    pdfname = "FlateDecode"

    def encode(self, content: bytes | str) -> bytes:
        packed = _streams.get(content)
        if packed is None:
            packed = zlib.compress(content.encode("utf8") if isinstance(content, str) else content)
            with _lock:
                if len(_streams) >= KEEP_STREAMS:
                    _streams.clear()
                _streams[content] = packed
        return packed

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


FLATE_ONCE = _FlateOnce()


def _remember_subsets(face) -> None:
    """Make ``face.makeSubset`` keep what it made, keyed by the glyphs (what
    it depends on: the face's tables and the glyph of each code, in order)."""
    if "makeSubset" in vars(face):
        return
    make = face.makeSubset
    made: dict[tuple[int, ...], bytes] = {}

    def make_subset(subset):
        glyphs = face.charToGlyph
        key = tuple(glyphs.get(code, 0) for code in subset)
        data = made.get(key)
        if data is None:
            data = make(subset)
            with _lock:
                if len(made) >= KEEP_SUBSETS:
                    made.clear()
                made[key] = data
        return data

    face.makeSubset = make_subset


def prepare(doc) -> None:
    """What ``PDFDocument.format`` does first (each font used adds its
    objects), with each subset and map made or compressed only once per
    process; and ReportLab's names and text formatted the quicker way."""
    format_quicker()
    for font in doc.delayedFonts:
        if isinstance(font, ttfonts.TTFont):
            _remember_subsets(font.face)
        font.addObjects(doc)
    for name, obj in doc.idToObject.items():
        if (name.startswith(("fontFile:", "toUnicodeCMap:")) and isinstance(obj, pdfdoc.PDFStream)
                and obj.filters == [pdfdoc.PDFZCompress]):
            obj.filters = [FLATE_ONCE]


def format_quicker() -> None:
    """Put the quicker ``PDFName`` and ``pdfdocEnc`` in ``pdfdoc`` (which
    calls them by their module names). Idempotent."""
    if getattr(pdfdoc.pdfdocEnc, "handouts", False):
        return
    encode, name = pdfdoc.pdfdocEnc, pdfdoc.PDFName
    names: dict[str, str] = {}

    def pdfdoc_enc(x):
        # The codec maps U+0020..U+007F to themselves (and refuses a few
        # control characters below): such text is its ASCII bytes.
        if x.__class__ is str and x.isascii() and (not x or min(x) >= " "):
            return x.encode("ascii")
        return encode(x)

    def pdf_name(data, lo=chr(0x21), hi=chr(0x7e)):
        if data.__class__ is not str or (lo, hi) != ("!", "~"):
            return name(data, lo, hi)
        known = names.get(data)
        if known is None:
            known = name(data)
            if len(names) < KEEP_NAMES:
                names[data] = known
        return known

    pdfdoc_enc.handouts = pdf_name.handouts = True
    pdfdoc_enc.__wrapped__, pdf_name.__wrapped__ = encode, name
    pdfdoc.pdfdocEnc, pdfdoc.PDFName = pdfdoc_enc, pdf_name
