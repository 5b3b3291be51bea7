"""What drawing keeps per process (layout/furniture.py): the same operators
as ReportLab's own drawing, and really kept."""

from __future__ import annotations

import io
from types import SimpleNamespace

from hypothesis import given, settings, strategies as st
from pypdf import PdfReader
from reportlab.lib.colors import black
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
        (key, runs), = furniture._MODULES.items()
        furniture._MODULES[key] = ((runs[0][0], "4242", runs[0][2]), *runs[1:])
        api.cache_clear()
        assert " 4242 " in page_content(api.render(project, Item("en", "risk-factors")).pdf)
    finally:
        furniture._MODULES.clear()
        api.cache_clear()
