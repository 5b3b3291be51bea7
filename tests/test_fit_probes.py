"""The fit search passes over the steps a tighter step that does not fit
rules out (``layout.probes``): it must find the very step walking every
step in turn finds, on every demo and on generated articles of every
length, in every language; and it must build fewer pages."""

from __future__ import annotations

import random
import shutil

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from helpers import HANDOUTS, LANGS, REPO
from handouts import layout, markup
from handouts.build import fit_handout, with_words, words
from handouts.errors import FitError
from handouts.handout import load_handout
from handouts.inputs import cached_brand
from handouts.layout import base, columns, probes
from handouts.layout.columns import FIT_STEPS, ROOMY_STEPS
from handouts.library import Item
from handouts.project import Project

STEP_LISTS = (list(FIT_STEPS), [*ROOMY_STEPS, FIT_STEPS[0]])


def walked(steps: list, fits) -> int | None:
    """The first step that fits, trying every step in turn."""
    return next((i for i, step in enumerate(steps) if fits(step)), None)


def probed(steps: list, fits, across: bool) -> tuple[int | None, int]:
    """The first step that fits as the search finds it with probes (as
    ``ColumnsLayout.fit_page`` walks on from where they leave it), and how
    many steps it measured."""
    asked = []

    def measure(step):
        asked.append(step)
        return fits(step)

    p = probes.Probes(measure, lambda: across)
    start = p.skip(steps)
    found = next((i for i in range(start, len(steps)) if not p.failed(steps[i]) and p.fits(steps[i])), None)
    return found, len(set(asked))


@st.composite
def step_lists(draw):
    """The layouts' own lists, or runs of steps of one body size each, the
    spacing falling within a run, in any order of sizes and spacings."""
    if draw(st.booleans()):
        return draw(st.sampled_from(STEP_LISTS))
    steps = []
    for size in draw(st.lists(st.sampled_from([12.0, 12.5, 13.0, 13.5, 14.0]), min_size=1, max_size=5)):
        if steps and steps[-1][0] == size:
            continue
        spacings = draw(st.sets(st.sampled_from([0.45, 0.55, 0.7, 0.85, 1.0, 1.3, 1.6]), min_size=1))
        steps += [(size, s) for s in sorted(spacings, reverse=True)]
    return steps


@settings(max_examples=500, deadline=None)
@given(steps=step_lists(), across=st.booleans(), data=st.data())
def test_probes_find_the_step_walking_finds(steps, across, data):
    """For any answer that holds the argument ``probes`` makes (a step that
    does not fit rules out the looser steps at its size, and, ``across``,
    the steps of larger sizes at no tighter spacing), the step found is the
    walked one. Within each size the spacing at which it starts to fit is
    drawn at random; across sizes, so is a body that fits less as the size
    grows."""
    sizes = sorted({b for b, _ in steps})
    spacings = sorted({s for _, s in steps})
    if across:   # fits when the spacing is at most a bound that falls as the size grows
        bounds = sorted((data.draw(st.sampled_from([0.0, *spacings, 9.0])) for _ in sizes), reverse=True)
    else:
        bounds = [data.draw(st.sampled_from([0.0, *spacings, 9.0])) for _ in sizes]
    bound = dict(zip(sizes, bounds))

    def fits(step):
        return step[1] <= bound[step[0]]

    found, measured = probed(steps, fits, across)
    assert found == walked(steps, fits)
    assert measured <= len(steps)


def test_a_tight_step_that_fits_rules_nothing_out():
    """Probes never pass over a step that fits: with every step fitting,
    the first is found."""
    for steps in STEP_LISTS:
        assert probed(steps, lambda step: True, True)[0] == 0
        assert probed(steps, lambda step: False, True)[0] is None


PROJECT = Project.find(REPO)


def _walk_every_step(monkeypatch) -> None:
    """The search as it was: no probe rules anything out."""
    monkeypatch.setattr(probes.Probes, "skip", lambda self, steps, i=0: i)
    monkeypatch.setattr(probes.Probes, "failed", lambda self, step: False)


def outcome(h, brand, project, paper: str):
    """What the search decided: the Fit and the numbers of the plan drawn,
    or the refusal's words."""
    base.answers_clear()
    try:
        sheet = fit_handout(h, brand, project, paper)
    except FitError as e:
        return str(e)
    plan = sheet.page.handout_layout[1]
    return sheet.fit, plan.top_h, plan.bottom_h, plan.col_h, plan.room, plan.tall


def loaded(project: Project, lang: str, slug: str):
    brand, _ = cached_brand(project)
    h = load_handout(Item(lang, slug), project.content / lang / f"{slug}.yaml", brand)
    return brand, with_words(h, brand, project, words(project, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_every_demo_fits_at_the_walked_step(lang, monkeypatch):
    """Every demo, Letter and A4: the same Fit and the same plan as walking
    every step."""
    found = {}
    for slug in HANDOUTS[lang]:
        brand, h = loaded(PROJECT, lang, slug)
        for paper in ("letter", "a4"):
            found[slug, paper] = outcome(h, brand, PROJECT, paper)
    with monkeypatch.context() as m:
        _walk_every_step(m)
        for (slug, paper), got in found.items():
            brand, h = loaded(PROJECT, lang, slug)
            assert outcome(h, brand, PROJECT, paper) == got, (slug, paper)


def generated(tmp_path, count: int, seed: int) -> tuple[Project, dict[str, list[str]]]:
    """A copy of the demo project with ``count`` more articles in each
    language, each a random choice of the demos' sections (some repeated,
    some cut short), with or without the callout: from a few lines to far
    more than a page."""
    copy = tmp_path / "project"
    shutil.copytree(REPO / "content", copy / "content")
    shutil.copytree(REPO / "templates", copy / "templates")
    rng = random.Random(seed)
    made: dict[str, list[str]] = {}
    for lang in LANGS:
        demos = [yaml.safe_load((REPO / "content" / lang / f"{slug}.yaml").read_text("utf-8"))
                 for slug in HANDOUTS[lang]]
        pool = [section for demo in demos for section in demo["sections"]]
        for n in range(count):
            article = dict(rng.choice(demos))
            sections = []
            for _ in range(rng.randint(1, 6)):
                section = dict(rng.choice(pool))
                if "bullets" in section:
                    section["bullets"] = section["bullets"][:rng.randint(1, len(section["bullets"]))]
                    if "body" in section and rng.random() < 0.5:
                        del section["body"]
                sections.append(section)
            article["sections"] = sections
            if rng.random() < 0.3:
                del article["callout"]
            slug = f"made-{n:02d}"
            (copy / "content" / lang / f"{slug}.yaml").write_text(
                yaml.safe_dump(article, allow_unicode=True, sort_keys=False), "utf-8")
            made.setdefault(lang, []).append(slug)
    return Project.find(copy), made


def test_generated_articles_fit_at_the_walked_step(tmp_path, monkeypatch):
    """Articles of every length in every language (short ones set larger,
    long ones at every size and spacing, some refused): the search finds
    the walked step, or refuses with the walked words."""
    project, made = generated(tmp_path, 14, seed=22)
    found = {}
    for lang, slugs in made.items():
        for slug in slugs:
            brand, h = loaded(project, lang, slug)
            for paper in ("letter", "a4"):
                found[lang, slug, paper] = outcome(h, brand, project, paper)
    steps = {got[0].body_pt if not isinstance(got, str) else "refused" for got in found.values()}
    assert {14.0, 13.0, 12.5, 12.0, "refused"} <= steps, steps   # the articles reach every size
    with monkeypatch.context() as m:
        _walk_every_step(m)
        for (lang, slug, paper), got in found.items():
            brand, h = loaded(project, lang, slug)
            assert outcome(h, brand, project, paper) == got, (lang, slug, paper)


def sizes_built(monkeypatch, lang: str, slug: str) -> list[float]:
    sizes = []
    real = markup.build

    def build(m, styles, furniture=None):
        sizes.append(styles.body_pt)
        return real(m, styles, furniture)

    monkeypatch.setattr(markup, "build", build)
    brand, h = loaded(PROJECT, lang, slug)
    base.answers_clear()
    fit = fit_handout(h, brand, PROJECT, "letter").fit
    monkeypatch.setattr(markup, "build", real)
    return [fit.body_pt, *sizes]


def test_a_size_a_tighter_step_rules_out_is_not_built(monkeypatch):
    """An English handout that fits at 12 pt: 12.5 pt at its tightest
    spacing does not fit, which rules out 12.5 and 13 pt at every spacing,
    so 13 pt is never built. Chinese lines break between characters by
    punctuation rules, so a smaller size rules out no larger one there: 13
    pt is ruled out by its own tightest step, built after 12.5 pt's."""
    fitted, *built = sizes_built(monkeypatch, "en", "risk-factors")
    assert fitted == 12.0 and built == [12.5, 12.0], built
    fitted, *built = sizes_built(monkeypatch, "zh-Hans", "risk-factors")
    assert fitted in (12.0, 12.5) and built[:2] == [12.5, 13.0], built
    assert len(built) == len(set(built)), built   # each size once: its leading follows the spacing, its lines do not


def test_probes_ask_fewer_steps_than_walking(monkeypatch):
    """Counting the steps the search lays out (each a plan of the body):
    fewer with the probes on every English demo."""
    counted = []
    real = columns._plan

    def plan(*args, **kwargs):
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(columns, "_plan", plan)

    def steps_laid_out(slug: str) -> int:
        counted.clear()
        brand, h = loaded(PROJECT, "en", slug)
        outcome(h, brand, PROJECT, "letter")
        return len(counted)

    probed_counts = {slug: steps_laid_out(slug) for slug in HANDOUTS["en"]}
    with monkeypatch.context() as m:
        _walk_every_step(m)
        walked_counts = {slug: steps_laid_out(slug) for slug in HANDOUTS["en"]}
    assert all(probed_counts[s] < walked_counts[s] for s in HANDOUTS["en"]), (probed_counts, walked_counts)
