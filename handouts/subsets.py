"""Font subsets made once per process per set of glyphs, not once per PDF.

ReportLab embeds in each PDF a subset of each TrueType font it used: a small
font file of just those glyphs (``TTFontFace.makeSubset``), compressed, with
a compressed ToUnicode map. Both are the same bytes whenever the glyphs are:
the subset depends only on the face and the glyphs in their order, the map
only on its text. Here both are kept (a few dozen of each, the newest) and
reused by the next PDF with the same glyphs, such as the same handout again
on other paper, or a batch that repeats a handout; a PDF with new glyphs
makes them as ReportLab does. The bytes written are the same either way.
"""

from __future__ import annotations

import threading
import zlib

from reportlab.pdfbase import pdfdoc, ttfonts

#: How many subsets a face keeps, and how many compressed streams are kept
#: (a subset about 12 KB and 6 KB compressed; a map about 1 KB).
KEEP_SUBSETS = 16
KEEP_STREAMS = 64

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


def add_font_objects(doc) -> None:
    """What ``PDFDocument.format`` does first (each font used adds its
    objects), with each subset and map made or compressed only once per
    process."""
    for font in doc.delayedFonts:
        if isinstance(font, ttfonts.TTFont):
            _remember_subsets(font.face)
        font.addObjects(doc)
    for name, obj in doc.idToObject.items():
        if (name.startswith(("fontFile:", "toUnicodeCMap:")) and isinstance(obj, pdfdoc.PDFStream)
                and obj.filters == [pdfdoc.PDFZCompress]):
            obj.filters = [FLATE_ONCE]
