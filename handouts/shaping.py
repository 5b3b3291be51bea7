"""Shaping a run of text with HarfBuzz, in the direction it runs, for
ReportLab's TrueType fonts (rtlines.py draws right-to-left lines with it).

ReportLab's own shaping (``ttfonts.shapeFragWord``) guesses each word's
direction from its script and shapes a word with the font of its first part;
a right-to-left line needs each run shaped in its own direction and font.
The result is ReportLab's ``ShapedStr``: the font's glyphs with HarfBuzz's
positions, which ReportLab's text object draws as they are.

A shaped glyph that is not simply its letter (a joined form, a ligature, a
mirrored bracket) is given a code of its own whose entry in the font's
ToUnicode map is the letters it stands for: ReportLab writes that map
(``ttfonts.makeToUnicodeCMap``, wrapped by ``rl.say_extra_codes``), so copied
or extracted text is the letters written, never presentation forms.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from handouts import rl

#: Codes handouts gives shaped glyphs (a joined letter, a ligature, a
#: mirrored bracket) -> the letters each stands for, in reading order: what
#: the font's ToUnicode map says, so text copied or extracted is the letters
#: written, not presentation forms. Supplementary private use (plane 15),
#: never written to the PDF itself (a subset numbers its glyphs 0-255).
_SAID: dict[int, str] = {}
_CODES: dict[tuple, int] = {}
_FIRST_CODE = 0xF0000


def _code_for(ttf, gid: int, said: str) -> int:
    key = (ttf.fontName, gid, said)
    code = _CODES.get(key)
    if code is None:
        code = _CODES[key] = _FIRST_CODE + len(_CODES)
        _SAID[code] = said
        rl.add_glyph_code(ttf, code, gid)
    return code


rl.say_extra_codes(_SAID)


@lru_cache(maxsize=8192)
def shape(text: str, font_name: str, size: float, rtl: bool) -> ShapedStr:
    """``text`` shaped by HarfBuzz with the font, running right to left when
    ``rtl`` (glyphs then come in visual order, brackets mirrored): a string
    of the font's glyphs that ReportLab's text object draws with HarfBuzz's
    positions (as ``ttfonts.shapeFragWord`` makes them, whose direction is
    only guessed from the script and whose font is the word's first). A
    glyph that is not simply its letter maps back to the letters of its
    cluster (``_SAID``)."""
    import uharfbuzz

    ttf = pdfmetrics.getFont(font_name)
    hb_font = ttf.hbFont(size)
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    uharfbuzz.shape(hb_font, buf, {"kern": True, "liga": True})
    infos, positions = buf.glyph_infos, buf.glyph_positions
    starts = sorted({info.cluster for info in infos}) + [len(text)]
    ends = dict(zip(starts, starts[1:]))
    face, done = ttf.face, set()
    chars, data = [], []
    for info, pos in zip(infos, positions):
        gid, cluster = info.codepoint, info.cluster
        said = "" if cluster in done else text[cluster:ends[cluster]]
        done.add(cluster)
        if rtl:     # the text layer reads glyphs left to right, as drawn
            said = said[::-1]
        known = face.glyphToChar.get(gid)
        uchar = known[0] if known and chr(known[0]) == said else _code_for(ttf, gid, said)
        chars.append(chr(uchar))
        data.append(ShapeData(cluster, ttf.pdfScale(pos.x_advance), ttf.pdfScale(pos.y_advance),
                              ttf.pdfScale(pos.x_offset), ttf.pdfScale(pos.y_offset),
                              face.charWidths[uchar]))
    return ShapedStr("".join(chars), shapeData=data)


def shaped_width(text: ShapedStr, size: float) -> float:
    """The width HarfBuzz gave a shaped string, in points."""
    return sum(d.x_advance for d in text.__shapeData__) * size / 1000
