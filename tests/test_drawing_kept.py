"""What drawing keeps per process (layout/furniture.py) or does at once
(textdraw.split_known_text_at_once): the same operators as ReportLab's own
drawing, and really kept."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from hypothesis import example, given, settings, strategies as st
from pypdf import PdfReader
from reportlab.lib.colors import black
from reportlab.pdfbase.pdfdoc import PDFError
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from helpers import REPO
from handouts import render as api
from handouts.layout import furniture
from handouts.library import Item
from handouts.project import Project


def page_content(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")


def drawn(draw) -> str:
    canv = Canvas(io.BytesIO(), invariant=1)
    draw(canv)
    canv.showPage()
    canv.save()
    return page_content(canv.getpdfdata())


def reportlab_modules(canv, matrix, m, x0, y_top) -> None:
    """The modules drawn with ReportLab's path, a rectangle for each run."""
    canv.saveState()
    canv.setFillColor(black)
    path = canv.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x0 + start * m, y_top - (r + 1) * m, (c - start) * m, m)
            else:
                c += 1
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


numbers = st.floats(min_value=-2000, max_value=2000, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.lists(st.lists(st.booleans(), min_size=n, max_size=n),
                                                     min_size=n, max_size=n)),
       st.floats(min_value=0.01, max_value=20), numbers, numbers, numbers)
def test_kept_modules_draw_what_reportlab_draws(rows, m, x0, y_top, other_y):
    matrix = tuple(tuple(row) for row in rows)
    geo = SimpleNamespace(qr=matrix, qr_module=m)
    ink = SimpleNamespace(palette=SimpleNamespace(color=lambda name: black))
    furniture._MODULES.clear()
    for y in (y_top, other_y, y_top):   # made, kept (at another height), kept
        ours = drawn(lambda canv: furniture._draw_modules(canv, geo, ink, x0, y))
        assert ours == drawn(lambda canv: reportlab_modules(canv, matrix, m, x0, y))
    assert len(furniture._MODULES) == 1


def test_a_clinics_code_is_kept_across_handouts():
    furniture._MODULES.clear()
    project = Project.find(REPO)
    try:
        for slug in ("leg-cramps", "cvi-symptoms"):
            api.cache_clear()
            api.render(project, Item("en", slug))
        assert len(furniture._MODULES) == 1   # one clinic, one paper: one code's runs
        # What is kept is what is drawn: a kept run, moved, shows on the page.
        (key, (path, rows)), = furniture._MODULES.items()
        assert path.startswith("n ")
        first_x = path.split()[1]
        furniture._MODULES[key] = (path.replace(f"n {first_x} ", "n 4242 ", 1), rows)
        api.cache_clear()
        assert " 4242 " in page_content(api.render(project, Item("en", "risk-factors")).pdf)
    finally:
        furniture._MODULES.clear()
        api.cache_clear()


class Doc:
    """A document as a font's subsets know it: a key of their state."""


ALPHABET = ("abcdefghijklmnopqrstuvwxyz ABC.,;:()-0123456789\xa0éèñüçÀ’“”–"
            + "".join(map(chr, range(0x1EA0, 0x1EFA)))       # Vietnamese
            + "".join(map(chr, range(0x0100, 0x0180)))       # more Latin: past the first subset
            + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"                 # not in the Latin face
            + "中文字")


def _fonts() -> dict[str, TTFont]:
    import font_source_sans_pro

    arabic = REPO / "handouts" / "fontfiles" / "noto-sans-arabic" / "NotoSansArabic-Regular.ttf"
    return {"latin": TTFont("KeptLatin", font_source_sans_pro.font_files_ttf["SourceSansPro"]),
            "arabic": TTFont("KeptArabic", str(arabic))}


FONTS = _fonts()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=40), max_size=30), st.sampled_from(["latin", "arabic"]))
@example([ALPHABET, ALPHABET[::-1]], "latin")   # past the first subset for sure
def test_text_known_to_a_document_gets_the_codes_reportlab_gives(texts, face):
    """``textdraw.split_known_text_at_once``: the chunks and the subsets' state as
    ReportLab's own ``splitString`` leaves them, text after text, whether
    each character is new, known, missing from the font or past the first
    subset."""
    font = FONTS[face]
    ours, theirs = Doc(), Doc()
    reportlab_split = TTFont.splitString.reportlab
    for text in texts + texts:   # each text again: known by then
        assert font.splitString(text, ours) == reportlab_split(font, text, theirs)
        assert state_of(font, ours) == state_of(font, theirs)


def test_drawing_maps_known_text_at_once():
    import handouts.flowables  # noqa: F401  (what draws paragraphs installs it)

    assert getattr(TTFont.splitString, "handouts", False)
    font, doc = FONTS["latin"], Doc()
    first = font.splitString("café", doc)   # é new to the document: a code given
    state = font.state[doc]
    state.frozen = True   # a new character from now on is refused (ReportLab's own)
    assert font.splitString("café\xa0au lait", doc) == [(0, first[0][1] + b" au lait")]
    with pytest.raises(PDFError):   # ñ is new: ReportLab's own splitString
        font.splitString("año", doc)


def state_of(font, doc) -> tuple:
    state = font.state[doc]
    return state.assignments, state.subsets, state.nextCode
