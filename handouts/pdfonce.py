"""What writing a PDF can do once per process instead of once per PDF.

**Font subsets.** ReportLab embeds in each PDF a subset of each TrueType
font it used: a small font file of just those glyphs
(``TTFontFace.makeSubset``), compressed, with a compressed ToUnicode map.
Both are the same bytes whenever the glyphs are: the subset depends only on
the face and the glyphs in their order, the map only on its text. Here both
(and the map's text) are kept, a few dozen of each (when full, all are
forgotten at once), and reused by the next PDF with the same glyphs, such
as the same handout again on other paper, or a batch that repeats a
handout; a PDF with new glyphs makes them, ReportLab's bytes from glyphs
read once (``subsets.py``).

A page set in a Latin family (English, Spanish, Vietnamese: a family that
falls back to no other) starts each face's first subset with every
printable ASCII character at its own code, as ReportLab does by default
(``asciiReadable``; ``rl.ascii_first``), whether drawn or not; other
characters follow in the order drawn. Two English handouts then embed the
same subsets whenever their other characters (a curly apostrophe, a dash)
come in the same order: a batch or the page makes and compresses them once,
not once per handout (about 12% of a new-words handout's instructions,
docs/benchmarks.md), for about 12 KB more a file (English leg-cramps
48.9 -> 61.1 KB, well under the 100 KB for email).
Pages in another script (Arabic, Chinese) keep only the glyphs they draw in
every face, the Latin one they fall back to too: their few Latin characters
would not pay for all of ASCII.

**Names, numbers, text, dictionaries and arrays.** ReportLab formats every
name and number of a PDF (several hundred a page) through ``pdfdoc.format``,
which tries each kind in turn, ``pdfdoc.PDFName``, which escapes a name
character by character, and ``pdfdoc.pdfdocEnc``, its own PDFDocEncoding
codec in Python. A name is escaped once per process, a whole number (a
glyph's width, an object's number) formatted once, plain ASCII text (which
that codec leaves as it is) encoded as ASCII, a plain dictionary or array
(a font's widths, a link's rectangle) joined by ``format`` itself, as
ReportLab's own ``format`` methods join them, without a call for each key,
and a string of printable ASCII (a link's text, a title) escaped without
the codec; a long array of whole numbers (a subset's widths) is kept
formatted, as its subset is.

The bytes written are the same either way.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from itertools import repeat

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc, ttfonts

from handouts import subsets

#: How many subsets a face keeps, and how many compressed streams are kept
#: (a subset about 12 KB and 6 KB compressed; a map about 1 KB).
KEEP_SUBSETS = 16
KEEP_STREAMS = 64
#: How many names are kept escaped (a PDF of handouts uses a few dozen), and
#: how many whole numbers formatted (glyph widths, object numbers: a few hundred).
KEEP_NAMES = 4096
KEEP_INTS = 8192

#: zlib's level for every compressed stream (fonts, pages, object streams):
#: 4, not zlib's default 6, costs about 3% more bytes and a third less CPU
#: (docs/benchmarks.md, "Compression level").
FLATE_LEVEL = 4

_lock = threading.Lock()
_streams: dict[bytes | str, bytes] = {}   # content: its Flate compression


def _keep(store: dict, key, value, limit: int) -> None:
    """``store[key] = value``, all forgotten at once when ``store`` holds ``limit``
    (the page's threads write PDFs at once)."""
    with _lock:
        if len(store) >= limit:
            store.clear()
        store[key] = value


class _FlateOnce:
    """ReportLab's Flate filter (``pdfdoc.PDFZCompress``), compressing each
    content once per process."""

    pdfname = "FlateDecode"

    def encode(self, content: bytes | str) -> bytes:
        packed = _streams.get(content)
        if packed is None:
            packed = zlib.compress(content.encode("utf8") if isinstance(content, str) else content,
                                   FLATE_LEVEL)
            _keep(_streams, content, packed, KEEP_STREAMS)
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
        key = tuple(map(face.charToGlyph.get, subset, repeat(0)))
        data = made.get(key)
        if data is None:
            data = subsets.make(face, subset)
            if data is None:   # a glyph read otherwise than ReportLab reads it: its own
                data = make(subset)
            _keep(made, key, data, KEEP_SUBSETS)
        return data

    face.makeSubset = make_subset


def _remember_maps() -> None:
    """Make ``ttfonts.makeToUnicodeCMap`` keep the maps it made (a few
    dozen): a map depends only on the font's name and its subset (a code
    handouts gives a shaped glyph keeps the letters it was given:
    ``shaping.py``), and a Latin page's subsets repeat. Idempotent."""
    make = ttfonts.makeToUnicodeCMap
    if getattr(make, "handouts_kept", False):
        return
    maps: dict[tuple, str] = {}

    def kept(fontname, subset):
        key = (fontname, tuple(subset))
        known = maps.get(key)
        if known is None:
            known = make(fontname, subset)
            _keep(maps, key, known, KEEP_STREAMS)
        return known

    kept.handouts_kept = True
    kept.handouts = getattr(make, "handouts", False)   # (rl.say_extra_codes: wrapped already or not)
    ttfonts.makeToUnicodeCMap = kept


def prepare(doc) -> None:
    """What ``PDFDocument.format`` does first (each font used adds its
    objects), with each subset and map made or compressed only once per
    process; and ReportLab's names and text formatted the quicker way."""
    format_quicker()
    _remember_maps()
    for font in doc.delayedFonts:
        if isinstance(font, ttfonts.TTFont):
            _remember_subsets(font.face)
        font.addObjects(doc)
    for name, obj in doc.idToObject.items():
        if (name.startswith(("fontFile:", "toUnicodeCMap:")) and isinstance(obj, pdfdoc.PDFStream)
                and obj.filters == [pdfdoc.PDFZCompress]):
            obj.filters = [FLATE_ONCE]


def format_quicker() -> None:
    """Put the quicker ``format``, ``PDFName`` and ``pdfdocEnc`` in
    ``pdfdoc`` (which calls them by their module names). Idempotent."""
    if getattr(pdfdoc.pdfdocEnc, "handouts", False):
        return
    encode, name, original = pdfdoc.pdfdocEnc, pdfdoc.PDFName, pdfdoc.format
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

    fmt = _quicker_format(original, pdfdoc_enc, pdf_name)
    pdfdoc_enc.handouts = pdf_name.handouts = fmt.handouts = True
    pdfdoc_enc.__wrapped__, pdf_name.__wrapped__, fmt.__wrapped__ = encode, name, original
    pdfdoc.pdfdocEnc, pdfdoc.PDFName, pdfdoc.format = pdfdoc_enc, pdf_name, fmt


def _quicker_format(original, pdfdoc_enc, pdf_name):
    """``pdfdoc.format`` (``original``) with the common kinds first: text,
    whole and other numbers, bytes, a plain ``PDFDictionary`` or
    ``PDFArray`` joined here exactly as their ``format`` methods join them
    (the same keys sorted, the same breaks), and a ``PDFString`` of
    printable ASCII escaped as its ``format`` escapes it; anything else, or
    ReportLab's comments turned on, goes to ``original``."""
    ints: dict[int, bytes] = {}
    arrays: dict[tuple, bytes] = {}   # long arrays of whole numbers (a font's widths)
    keys: dict[str, bytes] = {}
    PDFDictionary, PDFArray, PDFString = pdfdoc.PDFDictionary, pdfdoc.PDFArray, pdfdoc.PDFString
    NoEncryption = pdfdoc.NoEncryption

    def key_bytes(k, document) -> bytes:
        known = keys.get(k) if k.__class__ is str else None
        if known is None:
            known = fmt(pdf_name(k), document)
            if k.__class__ is str and len(keys) < KEEP_NAMES:
                keys[k] = known
        return known

    def lines(items: list[bytes], multiline, every: int) -> bytes:
        if (multiline and rl_config.pdfMultiLine) or multiline == "forced":
            return b"\n ".join(items)
        for i in reversed(range(every, len(items), every)):
            items.insert(i, b"\n ")
        return b" ".join(items)

    def fmt(element, document, toplevel=0):
        cls = element.__class__
        if cls is str:
            return pdfdoc_enc(element)
        if cls is int:
            known = ints.get(element)
            if known is None:
                known = fp_str(element).encode("ascii")
                if len(ints) < KEEP_INTS:
                    ints[element] = known
            return known
        if cls is float:
            return fp_str(element).encode("ascii")
        if cls is bytes:
            return element
        if rl_config.pdfComments and not rl_config.invariant:
            return original(element, document, toplevel)
        if cls is PDFDictionary:
            d = element.dict
            order = list(d.keys())
            if not isinstance(d, OrderedDict):
                order.sort()
            return b"<<\n" + lines([key_bytes(k, document) + b" " + fmt(d[k], document) for k in order],
                                    element.multiline, 6) + b"\n>>"
        if cls is PDFString:
            text = element.s
            if (text.__class__ is str and text.isascii() and text.isprintable() and element.escape == 1
                    and element.enc == "auto" and isinstance(document.encrypt, NoEncryption)):
                # Printable ASCII is its own PDFDocEncoding: escaped as ReportLab escapes it.
                return b"(" + escapePDF(text.encode("ascii")).encode("ascii") + b")"
            return original(element, document, toplevel)
        if cls is PDFArray:
            seq = element.sequence
            key = None
            if len(seq) >= 32 and all(e.__class__ is int for e in seq):
                # A font's widths: the same subset (pdfonce's docstring) the same array.
                key = (tuple(seq), element.multiline, rl_config.pdfMultiLine)
                known = arrays.get(key)
                if known is not None:
                    return known
            made = b"[ " + lines([fmt(e, document) for e in seq], element.multiline, 10) + b" ]"
            if key is not None:
                _keep(arrays, key, made, KEEP_STREAMS)
            return made
        return original(element, document, toplevel)

    return fmt
