"""The fit search's answer is kept (``Layout.fit``'s key): the same page
asked again in one process (in a packet, on other paper after this paper,
in a batch) is built once at the step the search found and placed as the
search placed it. The PDF must be exactly the searched one, and anything
that can change the fit must miss."""

from __future__ import annotations

import shutil

import pytest

from helpers import HANDOUTS, LANGS, REPO
from test_room import SHORT
from handouts import build, layout, markup, review
from handouts.build import brand_art, fit_handout, render_single, with_words, words
from handouts.handout import load_handout
from handouts.inputs import cached_brand
from handouts.layout import base
from handouts.library import Item
from handouts.project import Project

PROJECT = Project.find(REPO)


def handout(lang: str, slug: str):
    brand, _ = cached_brand(PROJECT)
    h = load_handout(Item(lang, slug), PROJECT.content / lang / f"{slug}.yaml", brand)
    return brand, with_words(h, brand, PROJECT, words(PROJECT, lang))


def reviewed_line(h) -> list:
    return [n.children for n in review._nodes(h.markup.root) if n.tag == review.REVIEW_TAG]


class Counted:
    """How often the fit search ran and how often markup was built into a page."""

    def __init__(self, monkeypatch):
        self.searches = self.builds = 0
        for kind in (type(layout.COLUMNS), type(layout.LARGE_PRINT)):
            searched = kind.fit_page

            def fit_page(self_, *args, _searched=searched, **kwargs):
                self.searches += 1
                return _searched(self_, *args, **kwargs)

            monkeypatch.setattr(kind, "fit_page", fit_page)
        built = markup.build

        def build_page(*args, **kwargs):
            self.builds += 1
            return built(*args, **kwargs)

        monkeypatch.setattr(markup, "build", build_page)


@pytest.mark.parametrize("lang", LANGS)
def test_a_kept_answer_gives_the_very_same_pdf(lang, monkeypatch):
    """Every demo handout, Letter and A4, regular and large print: the PDF
    made from a kept answer is byte for byte the searched one, with the same
    Fit, and the page was built once, without a search."""
    count = Counted(monkeypatch)
    for slug in HANDOUTS[lang]:
        brand, h = handout(lang, slug)
        for paper in ("letter", "a4"):
            for page_layout in (layout.COLUMNS, layout.LARGE_PRINT):
                base.answers_clear()
                count.searches = 0
                searched = render_single(h, brand, PROJECT, paper, page_layout, words(PROJECT, lang))
                assert count.searches == 1
                count.searches = count.builds = 0
                again = render_single(h, brand, PROJECT, paper, page_layout, words(PROJECT, lang))
                assert (count.searches, count.builds) == (0, 1), (slug, paper, page_layout)
                assert again[0] == searched[0]
                assert again[1] == searched[1], (slug, paper, page_layout)


def copied(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(REPO / "content", copy / "content")
    shutil.copytree(REPO / "templates", copy / "templates")
    return copy


def test_a_spread_page_is_replayed_with_its_gaps(tmp_path):
    """A short handout without a callout spread down the page (gaps between
    its sections, ``columns._spread``) keeps its gaps and its PDF when
    replayed."""
    copy = copied(tmp_path)
    (copy / "content/en/plain.yaml").write_text(SHORT["en"].split("callout:")[0], encoding="utf-8")
    project = Project.find(copy)
    brand, _ = cached_brand(project)
    h = with_words(load_handout(Item("en", "plain"), copy / "content/en/plain.yaml", brand),
                   brand, project, words(project, "en"))

    def shape(plan):
        return [[("gap", f.height) if type(f).__name__ == "Spacer" else f.handout_where for f in story]
                for story in plan.spread]

    for paper in ("letter", "a4"):
        base.answers_clear()
        searched = fit_handout(h, brand, project, paper).page.handout_layout[1]
        assert any(x[0] == "gap" for story in shape(searched) for x in story)
        assert shape(fit_handout(h, brand, project, paper).page.handout_layout[1]) == shape(searched)
        base.answers_clear()
        first = render_single(h, brand, project, paper, layout.COLUMNS, words(project, "en"))
        assert render_single(h, brand, project, paper, layout.COLUMNS, words(project, "en"))[1] == first[1]


def test_whatever_changes_the_fit_misses(monkeypatch, tmp_path):
    """Other paper, another layout's steps, other words (a draft's review
    line is not an approved one's: written after parsing) each search again;
    the same handout asked again does not."""
    count = Counted(monkeypatch)
    brand, h = handout("en", "risk-factors")
    base.answers_clear()

    def fits(handout_=h, brand_=brand, paper="letter"):
        before = count.searches
        fit_handout(handout_, brand_, PROJECT, paper)
        return count.searches - before

    assert fits() == 1 and fits() == 0
    assert fits(paper="a4") == 1 and fits(paper="a4") == 0
    # The same article with no approval record: the same template text but
    # for the review line written into the tree after parsing.
    copy = copied(tmp_path)
    (copy / "content" / "approvals" / "en" / "risk-factors.yaml").unlink()
    project = Project.find(copy)
    cbrand, _ = cached_brand(project)
    draft = with_words(load_handout(Item("en", "risk-factors"), copy / "content/en/risk-factors.yaml", cbrand),
                       cbrand, project, words(project, "en"))
    assert draft.approval.draft and not h.approval.draft
    assert reviewed_line(draft) != reviewed_line(h) and draft.markup.digest != h.markup.digest
    assert fits(draft, cbrand) == 1 and fits(draft, cbrand) == 0
    parsed = markup.parse("<handout lang='en'/>", PROJECT.templates / build.TEMPLATE)
    before = parsed.digest
    parsed.changed("Reviewed by Dr. A")
    assert parsed.digest != before
    monkeypatch.setattr(type(layout.COLUMNS), "steps", layout.FIT_STEPS[1:])
    assert fits() == 1 and fits() == 0


def test_the_answers_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(base, "MAX_ANSWERS", 3)
    base.answers_clear()
    for lang in ("en", "es"):
        for slug in HANDOUTS[lang]:
            brand, h = handout(lang, slug)
            fit_handout(h, brand, PROJECT, "letter")
    assert len(base._answers) == 3


def test_a_page_that_does_not_fit_is_searched_every_time(monkeypatch):
    """Only a fit is kept: a refusal is found again (and told again)."""
    count = Counted(monkeypatch)
    brand, h = handout("en", "cvi-symptoms")
    monkeypatch.setattr(type(layout.COLUMNS), "steps", ((40.0, 1.0),))
    monkeypatch.setattr(type(layout.COLUMNS), "roomy", ())
    base.answers_clear()
    for _ in range(2):
        with pytest.raises(Exception):
            fit_handout(h, brand, PROJECT, "letter")
    assert count.searches == 2 and not base._answers
