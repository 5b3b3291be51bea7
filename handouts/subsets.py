"""A TrueType font subset, byte for byte as ReportLab's
``TTFontFace.makeSubset`` makes it, from each face's tables and glyphs read
once per process.

ReportLab makes the small font file each PDF embeds (the glyphs one PDF
draws) by reading the face's tables and every glyph it needs again, a short
at a time in Python, and copying the whole glyph table (3.5 MB for the Chinese font), for every subset:
about 0.3 ms a face, three faces a handout, every time its words are new.
Here a face's tables that a subset copies as they are, and each glyph's
bytes and the glyphs it is made of (an accented letter is a composite of
two), are read once per process (``Face``); a subset is then put together
from them with ReportLab's own ``TTFontMaker`` (its table directory and
checksums), exactly as ``makeSubset`` does: the same glyphs in the same
order, the same composite glyph numbers, metrics, cmap, loca and head.

A glyph that does not read cleanly (a composite running past its own end, as
only a damaged font has) is not guessed at: ``make`` returns None and the
caller uses ReportLab's ``makeSubset``, which reads it as it always did.
"""

from __future__ import annotations

import threading
from itertools import accumulate
from struct import error as StructError
from struct import pack, unpack_from

from reportlab.pdfbase.ttfonts import (GF_ARG_1_AND_2_ARE_WORDS, GF_MORE_COMPONENTS,
                                       GF_WE_HAVE_A_SCALE, GF_WE_HAVE_A_TWO_BY_TWO,
                                       GF_WE_HAVE_AN_X_AND_Y_SCALE, TTFontMaker)

#: The tables a subset copies as they are (those the face has).
COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")

_lock = threading.Lock()


class Unsure(Exception):
    """A glyph that this reading cannot be sure to read as ReportLab does."""


class Face:
    """One face's tables and glyphs, read once (glyphs as they are first needed)."""

    def __init__(self, face):
        self.face = face
        self.copied = []
        for tag in COPIED:
            if tag in face.table:
                self.copied.append((tag, face.get_table(tag)))
        self.post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.hhea, self.maxp, self.head = (face.get_table(t) for t in ("hhea", "maxp", "head"))
        self.glyf_at, self.glyf_length = face.get_table_pos("glyf")
        self.glyphs: dict[int, tuple] = {}

    def glyph(self, index: int) -> tuple[bytes, tuple[int, ...], tuple[int, ...], bytes, tuple[int, int]]:
        """(its bytes, the glyphs it is made of, where in its bytes each of
        their numbers stands, its bytes padded to four, its advance and
        left side bearing as whole numbers)."""
        known = self.glyphs.get(index)
        if known is None:
            data, parts, at = self._read(index)
            aw, lsb = self.face.hmetrics[index]
            known = self.glyphs[index] = (data, parts, at, data + b"\0" * (-len(data) % 4),
                                          (int(aw), int(lsb)))
        return known

    def _read(self, index: int) -> tuple[bytes, tuple[int, ...], tuple[int, ...]]:
        positions = self.face.glyphPos
        start = positions[index]
        length = positions[index + 1] - start
        if not length:
            return b"", (), ()
        if start < 0 or length < 2 or start + length > self.glyf_length:
            raise Unsure(index)
        data = self.face.get_chunk(self.glyf_at + start, length)
        if unpack_from(">h", data, 0)[0] >= 0:
            return data, (), ()
        parts, at, pos, flags = [], [], 10, GF_MORE_COMPONENTS
        while flags & GF_MORE_COMPONENTS:
            if pos + 4 > length:
                raise Unsure(index)
            flags, part = unpack_from(">HH", data, pos)
            parts.append(part)
            at.append(pos + 2)
            pos += 8 if flags & GF_ARG_1_AND_2_ARE_WORDS else 6
            if flags & GF_WE_HAVE_A_SCALE:
                pos += 2
            elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
                pos += 4
            elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
                pos += 8
        return data, tuple(parts), tuple(at)


def face_of(face) -> Face:
    """The ``Face`` read from a ReportLab ``TTFontFace`` (once per face)."""
    known = getattr(face, "handouts_subsets", None)
    if known is None:
        with _lock:
            known = getattr(face, "handouts_subsets", None)
            if known is None:
                known = Face(face)
                face.handouts_subsets = known
    return known


def make(face, subset) -> bytes | None:
    """``face.makeSubset(subset)``'s bytes, or None where this reading is
    not sure to give them (the caller then asks ReportLab)."""
    try:
        return _make(face_of(face), subset)
    except (Unsure, IndexError, KeyError, StructError):
        return None


def _make(tables: Face, subset) -> bytes:
    face = tables.face
    char_to_glyph = face.charToGlyph
    glyph_map = [0]        # new glyph index -> old glyph index
    glyph_set = {0: 0}     # old glyph index -> new glyph index
    code_to_glyph = {}
    for code in subset:
        old = char_to_glyph[code] if code in char_to_glyph else 0
        new = glyph_set.get(old)
        if new is None:
            new = glyph_set[old] = len(glyph_map)
            glyph_map.append(old)
        code_to_glyph[code] = new
    known, glyph = tables.glyphs, tables.glyph
    glyphs = []
    n = 0
    while n < len(glyph_map):   # the glyphs composite glyphs are made of, in the order found
        entry = known.get(glyph_map[n]) or glyph(glyph_map[n])
        glyphs.append(entry)
        for part in entry[1]:
            if part not in glyph_set:
                glyph_set[part] = len(glyph_map)
                glyph_map.append(part)
        n += 1

    output = TTFontMaker()
    for tag, data in tables.copied:
        output.add(tag, data)
    output.add("post", tables.post)

    hmtx = [v for entry in glyphs for v in entry[4]]
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    hmtx = hmtx[:n] + hmtx[n + 1::2]
    output.add("hmtx", pack(">%dH" % len(hmtx), *hmtx))
    output.add("hhea", _set_ushort(tables.hhea, 34, n >> 1))
    output.add("maxp", _set_ushort(tables.maxp, 4, len(glyph_map)))

    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]
    cmap.extend(map(code_to_glyph.get, subset))
    output.add("cmap", pack(">%dH" % len(cmap), *cmap))

    # Each glyph's bytes padded to four (so each starts at a multiple of
    # four), a composite's glyph numbers made the subset's.
    glyf = []
    for data, parts, at, padded, _ in glyphs:
        if parts:
            for part, where in zip(parts, at):
                data = data[:where] + pack(">H", glyph_set[part]) + data[where + 2:]
            padded = data + b"\0" * (-len(data) % 4)
        glyf.append(padded)
    offsets = [0, *accumulate(map(len, glyf))]
    pos = offsets[-1]
    output.add("glyf", b"".join(glyf))
    if (pos + 1) >> 1 > 0xFFFF:
        loc_format, loca = 1, pack(">%dL" % len(offsets), *offsets)
    else:
        loc_format, loca = 0, pack(">%dH" % len(offsets), *(o >> 1 for o in offsets))
    output.add("loca", loca)
    output.add("head", _set_ushort(tables.head, 50, loc_format))
    return output.makeStream()


def _set_ushort(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + pack(">H", value) + data[offset + 2:]
