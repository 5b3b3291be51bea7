"""Flowing the columns by arithmetic (``flow.Measured``): the fit search
measures each block once per plan and flows the columns through frames of a
dozen heights by the frames' own arithmetic. What it leaves over must be
exactly what flowing real frames leaves over, wherever it answers; and
balancing a page must make no frame at all."""

from __future__ import annotations

import importlib

import pytest

from helpers import HANDOUTS, LANGS, REPO
from test_fit_probes import generated, loaded
from handouts import layout
from handouts.build import fit_handout
from handouts.layout import base, columns
from handouts.project import Project

PROJECT = Project.find(REPO)
#: the module (``handouts.layout.flow`` the name is the function the package exports)
flow = importlib.import_module("handouts.layout.flow")


def columns_of(project, lang: str, slug: str, paper: str):
    """The columns' blocks of the fitted page, their width and the tallest
    column height."""
    brand, h = loaded(project, lang, slug)
    base.answers_clear()
    sheet = fit_handout(h, brand, project, paper)
    plan = sheet.page.handout_layout[1]
    return plan.cols, plan.col_w, plan.tall


def compare(cols, col_w, tall) -> tuple[int, int]:
    """For column heights from a tenth of the tallest to a third more, and
    for one to three columns: what ``Measured`` leaves over is what
    ``flow`` through real frames leaves over (the same flowables), wherever
    it answers. Returns (answered, asked)."""
    measured = flow.Measured.of(cols, col_w)
    assert measured is not None
    answered = asked = 0
    for n in (1, 2, 3):
        for step in range(1, 41):
            h = tall * step / 30
            for limit in (None, tall):
                frames = [flow.frame_at(0, 0, col_w, h) for _ in range(n)]
                real = flow.flow(list(cols), frames, tall=limit)
                got = measured.leftover(n, h, limit)
                asked += 1
                if got is not None:
                    answered += 1
                    assert [id(f) for f in got] == [id(f) for f in real], (n, h, limit)
    return answered, asked


@pytest.mark.parametrize("lang", LANGS)
def test_the_arithmetic_leaves_over_what_frames_leave_over(lang):
    """Every demo, Letter and A4, at every height: the same leftover, and an
    answer wherever no block is taller than a column (where ``flow`` would
    split one, ``Measured`` leaves it to ``flow``)."""
    for slug in HANDOUTS[lang]:
        for paper in ("letter", "a4"):
            cols, col_w, tall = columns_of(PROJECT, lang, slug, paper)
            answered, asked = compare(cols, col_w, tall)
            assert answered > asked / 2, (slug, paper, answered, asked)


def test_generated_articles_leave_over_what_frames_leave_over(tmp_path):
    """Articles of every length in every language."""
    project, made = generated(tmp_path, 6, seed=5)
    for lang, slugs in made.items():
        for slug in slugs:
            try:
                cols, col_w, tall = columns_of(project, lang, slug, "letter")
            except Exception as e:   # refused: too long for one page
                assert type(e).__name__ == "FitError", e
                continue
            compare(cols, col_w, tall)


def test_balancing_makes_no_frame(monkeypatch):
    """The fit search's balancing (about a dozen column heights) flows by
    arithmetic: no frame is made for it, on every English demo."""
    made = []
    real_frame_at, real_balanced = columns.frame_at, columns._balanced

    def frame_at(*args):
        made.append(args)
        return real_frame_at(*args)

    def balanced(plan, n):
        made.clear()
        out = real_balanced(plan, n)
        assert made == [], len(made)
        return out

    monkeypatch.setattr(columns, "frame_at", frame_at)
    monkeypatch.setattr(columns, "_balanced", balanced)
    for slug in HANDOUTS["en"]:
        brand, h = loaded(PROJECT, "en", slug)
        base.answers_clear()
        assert fit_handout(h, brand, PROJECT, "letter").fit.fits
