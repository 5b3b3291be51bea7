"""Which characters a TrueType font maps, read from its cmap table alone.

Checking clinic.yaml's words in every language needs each language's font's
character map, but registering a font with ReportLab parses every metric of
it (the Chinese font's 5 MB collection alone costs about 0.1 s of CPU), and a
build draws only its own languages' fonts. ``characters(path)`` reads just
the file's table directory and the cmap subtable ReportLab would choose, and
gives exactly the characters ReportLab's ``TTFontFace.charToGlyph`` would
hold once registered (tests/test_startup.py compares them on every shipped
font): every code of every segment, as ReportLab keeps a segment's codes
mapped to glyph 0 too, and the space and no-break space standing for each
other. A cmap format ReportLab reads but this does not (0, 2, 6, 10), or a
file it cannot read, gives None: the caller then registers the font, as
before.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

_TRUETYPE = (0x00010000, 0x74727565)      # ReportLab's accepted sfnt versions
_COLLECTION = 0x74746366                  # "ttcf"


class Codes:
    """A set of character codes held as sorted, merged ranges: ``code in
    codes`` is a binary search, and making one costs a few hundred ranges,
    not tens of thousands of codes (the Chinese font maps 34,600)."""

    __slots__ = ("_firsts", "_lasts")

    def __init__(self, ranges):
        firsts: list[int] = []
        lasts: list[int] = []
        for first, last in sorted(r for r in ranges if r[0] <= r[1]):
            if lasts and first <= lasts[-1] + 1:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(first)
                lasts.append(last)
        self._firsts, self._lasts = firsts, lasts

    def __contains__(self, code: object) -> bool:
        i = bisect_right(self._firsts, code) - 1   # type: ignore[call-overload]
        return i >= 0 and code <= self._lasts[i]   # type: ignore[operator]

    def __iter__(self):
        for first, last in zip(self._firsts, self._lasts):
            yield from range(first, last + 1)


@lru_cache(maxsize=16)
def characters(path: Path) -> Codes | None:
    """The character codes the font at ``path`` (a collection's first font)
    maps, or None when it is not read here."""
    try:
        with open(path, "rb") as fh:
            return _read(fh)
    except (OSError, struct.error, ValueError):
        return None


def _read(fh) -> Codes | None:
    def at(pos: int, size: int) -> bytes:
        fh.seek(pos)
        data = fh.read(size)
        if len(data) != size:
            raise ValueError("truncated")
        return data

    start = 0
    (version,) = struct.unpack(">L", at(0, 4))
    if version == _COLLECTION:
        ttc_version, count = struct.unpack(">LL", at(4, 8))
        if ttc_version not in (0x00010000, 0x00020000) or count < 1:
            return None
        (start,) = struct.unpack(">L", at(12, 4))
        (version,) = struct.unpack(">L", at(start, 4))
    if version not in _TRUETYPE:
        return None
    (tables,) = struct.unpack(">H", at(start + 4, 2))
    directory = at(start + 12, 16 * tables)
    where = {}
    for i in range(tables):     # a later record of the same tag wins, as in ReportLab
        tag, _, offset, length = struct.unpack_from(">4sLLL", directory, 16 * i)
        where[tag] = (offset, length)
    if b"cmap" not in where:
        return None
    cmap_at = where[b"cmap"][0]
    version, count = struct.unpack(">HH", at(cmap_at, 4))
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    records = at(cmap_at + 4, 8 * count)
    for i in range(count):      # ReportLab's choice of subtable, rule for rule
        platform, encoding, offset = struct.unpack_from(">HHL", records, 8 * i)
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            chosen, kind = offset, 1
        elif platform == 1 and encoding == 0 and kind != 1:
            chosen, kind = offset, 2
    if chosen is None:
        return None
    sub = cmap_at + chosen
    (fmt,) = struct.unpack(">H", at(sub, 2))
    if fmt == 4:
        (seg2,) = struct.unpack(">H", at(sub + 6, 2))
        segs = seg2 // 2
        ends = struct.unpack(f">{segs}H", at(sub + 14, 2 * segs))
        starts = struct.unpack(f">{segs}H", at(sub + 16 + 2 * segs, 2 * segs))
        ranges = zip(starts, ends)
    elif fmt in (12, 13):
        (groups,) = struct.unpack(">L", at(sub + 12, 4))
        data = at(sub + 16, 12 * groups)
        ranges = (struct.unpack_from(">LL", data, 12 * i) for i in range(groups))
    else:
        return None
    codes = Codes(ranges)
    if 0x20 in codes:
        return Codes([*zip(codes._firsts, codes._lasts), (0xA0, 0xA0)])
    if 0xA0 in codes:
        return Codes([*zip(codes._firsts, codes._lasts), (0x20, 0x20)])
    return codes
