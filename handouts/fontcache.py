"""TrueType faces as ReportLab reads them, kept in the per-user cache
(``usercache.py``), so a new process does not parse a font file it has
parsed before.

ReportLab's ``TTFontFace`` reads a font's tables in Python: about 3-4 ms of
CPU for each Source Sans Pro face, four of them in every build, far more for
the Chinese collection. What it reads (the character map, the widths, where
each glyph is, the names and metrics) is plain data; it is kept as
``marshal`` data (dictionaries, lists, numbers and bytes, never code), keyed
by a digest of the file's bytes, the face's index in a collection and
ReportLab's version. A hit gives a face equal, attribute by attribute, to
the one ReportLab would parse (tests/test_fontcache.py checks every font
handouts ships), so the PDFs are the same bytes with the cache cold, warm or
off (tests/test_usercache.py). Making a ``TTFont`` around a face it did not
parse reaches into ReportLab's private attributes (the file's bytes, the
scale to 1000 units, ``_asciiReadable``): with ``rl.py`` and ``rlframes.py``
this is one of the three modules allowed to (tests/test_layout_objects.py).
"""

from __future__ import annotations

import hashlib
import io
import marshal
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from handouts import usercache

KIND = "fonts"
#: Changes when what an entry holds changes.
FORMAT = 1
#: The face's attributes that are ``TTFNameBytes`` (bytes with their text).
_NAMES = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
#: What a face read from its file has, and an entry does not: the file's
#: bytes, its path and a function (ReportLab's scale to 1000 units per em).
_NOT_KEPT = ("_ttf_data", "filename", "_pdfScale")
#: An entry must hold these to be used.
_NEEDED = frozenset({"charToGlyph", "charWidths", "glyphPos", "hmetrics", "table", "unitsPerEm",
                     *_NAMES})


def ttfont(name: str, path: Path, subfont: int = 0, shapable: bool = True,
           ascii_readable: bool = False, data: bytes | None = None, sha256: str | None = None) -> TTFont:
    """``TTFont(name, path, subfontIndex=subfont, shapable=..., asciiReadable=...)``,
    its face from the cache when the same file was read before. ``data``:
    the file's bytes, already read (and ``sha256``, their digest in hex,
    already made), so a file is read and hashed once."""
    if data is None:
        data, sha256 = path.read_bytes(), None
    key = _key(data, subfont, sha256)
    face = _face(usercache.read(KIND, key), data, str(path))
    if face is None:
        # Parsed from the bytes read (the file is opened once), named as
        # ReportLab names a face it opens itself.
        file = io.BytesIO(data)
        file.name = str(path)
        font = TTFont(name, file, subfontIndex=subfont, shapable=shapable, asciiReadable=ascii_readable)
        kept = _kept(font.face)
        if kept is not None:
            usercache.write(KIND, key, kept)
        return font
    # What TTFont.__init__ sets, with the face it would have parsed.
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = ascii_readable
    font.shapable = shapable
    return font


def _key(data: bytes, subfont: int, sha256: str | None = None) -> str:
    return usercache.digest("ttf", FORMAT, reportlab.Version, subfont, sha256 or hashlib.sha256(data).hexdigest())


def _kept(face: TTFontFace) -> bytes | None:
    """The entry for a face just parsed: its attributes but the file's."""
    fields = {k: v for k, v in vars(face).items() if k not in _NOT_KEPT}
    for key in _NAMES:
        fields[key] = bytes(fields[key])
    try:
        return marshal.dumps(fields)
    except ValueError:      # something ReportLab added that is not plain data: not kept
        return None


def _face(entry: bytes | None, data: bytes, filename: str) -> TTFontFace | None:
    if entry is None:
        return None
    try:
        fields = marshal.loads(entry)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(fields, dict) or not _NEEDED <= fields.keys():
        return None
    for key in _NAMES:
        fields[key] = TTFNameBytes(fields[key])
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(fields)
    face._ttf_data = data
    face.filename = filename
    face._pdfScale = _scale(face.unitsPerEm)
    return face


def _scale(units_per_em: int):
    """ReportLab's own scale (``TTFontFile.extractInfo``): font units to 1/1000 em."""
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult
