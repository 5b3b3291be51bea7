"""A font subset made by ``handouts.subsets`` is, byte for byte, the one
ReportLab's ``TTFontFace.makeSubset`` makes: for every shipped face (Source
Sans Pro's four, Noto Sans Arabic's two, WenQuanYi Micro Hei), for subsets
of every size, with composite glyphs (accented letters), the missing glyph
and codes the face lacks; a glyph it cannot be sure of goes back to
ReportLab. (Speed is measured by bench/, never here.)"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontFace

from handouts import subsets
from handouts.fonts import FONTFILES, SHIPPED, default_family


def shipped_files() -> list[Path]:
    import font_source_sans_pro

    ttf = font_source_sans_pro.font_files_ttf
    files = [Path(ttf[k]) for k in ("SourceSansPro", "SourceSansProBold", "SourceSansProIt",
                                    "SourceSansProBoldIt")]   # the faces fonts.default_family uses
    for folder, names, _ in SHIPPED.values():
        files += [FONTFILES / folder / name for name in names if name]
    return files


FILES = shipped_files()


def test_every_shipped_face_is_here():
    assert len(FILES) == 7 and all(f.is_file() for f in FILES)
    assert default_family()   # Source Sans Pro's package is the one the build uses


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_a_subset_is_reportlabs_own(path):
    face = TTFontFace(str(path))
    rng = random.Random(path.name)
    codes = sorted(face.charToGlyph)
    composite = [c for c in codes if subsets.face_of(face).glyph(face.charToGlyph[c])[1]]
    if "SourceSans" in path.name:
        assert composite   # accented letters: the glyph numbers inside them are remapped
    cases = [[], [0], [0x10FFFF], list(range(32)), [ord(c) for c in "Leg cramps: what helps"]]
    for size in (1, 3, 30, 80, 200, 256):
        for _ in range(6):
            sub = rng.sample(codes, min(size, len(codes)))
            cases.append(sub)
            cases.append(sub[: size // 2] + rng.sample(composite or codes, min(5, len(composite or codes))))
    cases.append([0, 0x10FFFF] + codes[:40])
    for sub in cases:
        made = subsets.make(face, sub)
        assert made is not None and made == face.makeSubset(sub), sub


def test_a_glyph_it_is_not_sure_of_goes_to_reportlab():
    face = TTFontFace(str(FILES[0]))
    code = ord("a")
    glyph = face.charToGlyph[code]
    tables = subsets.face_of(face)
    assert subsets.make(face, [code]) == face.makeSubset([code])
    face.glyphPos = list(face.glyphPos)
    face.glyphPos[glyph + 1] = face.glyphPos[glyph] + 1   # a glyph one byte long: damaged
    tables.glyphs.clear()
    assert subsets.make(face, [code]) is None
