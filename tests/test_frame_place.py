"""Measuring places flowables by ``Frame.add``'s own arithmetic without
calling it (``rlframes.frame_place``): the fit search places every block many
times a step, and ReportLab's ``Frame.add`` (setting and clearing attributes on
frame and flowable, and a drawOn shadowed) cost more than the arithmetic. The
answers and the frame's cursor must be exactly ReportLab's."""

from __future__ import annotations

import pytest
from reportlab.platypus import Frame, Spacer

from helpers import REPO
from handouts import layout, rlframes
from handouts.build import brand_art, doc_info, fit_handout, load_handout, words
from handouts.inputs import cached_brand
from handouts.layout.flow import _skip_draw, frame_at
from handouts.library import Item
from handouts.panels import Box
from handouts.project import Project


def _page(slug: str, large: bool = False):
    proj = Project.find(REPO)
    brand, _ = cached_brand(proj)
    cat = words(proj, "en")
    handout = load_handout(Item("en", slug), proj.content / "en" / f"{slug}.yaml", brand)
    return proj, brand, cat, handout, fit_handout(handout, brand, proj, "letter", layout.choose(large), cat)


def _state(frame: Frame) -> tuple:
    return (rlframes.frame_cursor(frame), rlframes.frame_at_top(frame), rlframes.frame_spacing(frame))


def _add(frame: Frame, f) -> bool:
    f.drawOn = _skip_draw
    try:
        return frame.add(f, None)
    finally:
        del f.drawOn


@pytest.mark.parametrize("slug", ["leg-cramps", "risk-factors", "cvi-symptoms"])
def test_placing_is_frame_add_to_the_last_bit(slug):
    """Every flowable of a real page (paragraphs, lists, panels, a spacer),
    poured into frames of many heights and two widths: the same answer and
    the same cursor, spaces and top-of-frame flag as ReportLab's Frame.add,
    compared exactly (floats with ==)."""
    page = _page(slug)[4].page
    story = [*page.body, Spacer(0, 7.5)]
    assert any(isinstance(f, Box) for f in story)
    placed = refused = 0
    for width in (250.0, 540.0):
        for height in (12.0, 40.0, 95.5, 200.0, 333.3, 700.0):
            ours, theirs = frame_at(0, 0, width, height), frame_at(0, 0, width, height)
            for f in story:
                if not rlframes.frame_at_top(theirs) and rlframes.frame_room(theirs) < 1:
                    break
                try:
                    expected = _add(theirs, f)
                except Exception as e:   # too large for the frame: ours says so too
                    assert rlframes.frame_place(ours, f) is None, e
                    break
                got = rlframes.frame_place(ours, f)
                assert got is not None and bool(got) == bool(expected)
                assert _state(ours) == _state(theirs)
                placed += bool(expected)
                refused += not expected
    assert placed > 50 and refused > 5


@pytest.mark.parametrize("large", [False, True])
def test_fitting_a_handout_never_calls_frame_add(monkeypatch, large):
    """The fit search measures by arithmetic alone; only drawing calls
    ReportLab's Frame.add (the count shows the spy sees the calls)."""
    calls = []
    real = Frame.add

    def counted(self, f, canv, *args):
        calls.append(canv)
        return real(self, f, canv, *args)

    monkeypatch.setattr(Frame, "add", counted)
    proj, brand, cat, handout, sheet = _page("leg-cramps", large)
    assert sheet.fit.fits and calls == []
    pdf = layout.render_pdf([sheet], brand_art(brand, "letter"), doc_info([handout], brand, cat))
    assert pdf.startswith(b"%PDF") and calls and all(c is not None for c in calls)
