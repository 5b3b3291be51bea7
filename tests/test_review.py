"""Approvals bind to words (issue 19): the canonical words of a handout, their
digest, the approval record and its validation, the word diff and the states."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from handouts import build, review
from handouts.errors import HandoutError
from handouts.inputs import cached_brand
from handouts.library import Item
from handouts.project import Project

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
BY = "Ana Ruiz, MD"


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.rmtree(root / "content" / review.FOLDER, ignore_errors=True)
    return root


def words_of(root: Path, slug: str = "leg-cramps", lang: str = "en") -> str:
    project = Project(root)
    brand, _ = cached_brand(project)
    handout = build.load_handout(Item(lang, slug), project.content / lang / f"{slug}.yaml", brand)
    return review.words(build.handout_markup(handout, brand, project, build.words(project, lang)).root)


def exists(root: Path):
    return lambda item: (root / "content" / item.lang / f"{item.slug}.yaml").is_file()


def test_words_are_every_word_the_patient_sees_but_the_review_line(clinic):
    text = words_of(clinic)
    for expected in ("# Leg cramps", "Questions? Call us", "(541) 555-0142",   # article, catalog, clinic
                     "[qr alt] QR code that opens riverbend.example.org/book",
                     "This sheet is for learning only."):
        assert expected in text
    assert "reviewed" not in text.lower()
    spanish = words_of(clinic, lang="es")
    assert "¿Preguntas? Llámenos" in spanish and "Questions" not in spanish


def test_one_changed_word_changes_the_digest_and_the_diff_shows_it(clinic):
    before = words_of(clinic)
    path = clinic / "content" / "en" / "leg-cramps.yaml"
    path.write_text(path.read_text("utf-8").replace("stop within minutes", "stop within hours"), "utf-8")
    after = words_of(clinic)
    assert review.digest(before) != review.digest(after)
    ops = review.diff(before, after)
    assert ("-", "minutes.") in ops and ("+", "hours.") in ops
    assert review.changed_words(ops) == (1, 1)
    assert review.digest(words_of(clinic)) == review.digest(after)   # stable


def test_a_catalog_word_is_part_of_what_is_approved(clinic):
    before = words_of(clinic)
    labels = clinic / "templates" / "labels" / "en.yaml"
    labels.write_text(labels.read_text("utf-8").replace("Questions? Call us", "Questions? Phone us"), "utf-8")
    assert review.digest(words_of(clinic)) != review.digest(before)


def test_record_round_trip_and_states(clinic):
    item = review.Item("en", "leg-cramps")
    text = words_of(clinic)
    content = clinic / "content"
    rec = review.write(content, item, BY, text, day=dt.date(2026, 11, 2))
    path = content / "approvals" / "en" / "leg-cramps.yaml"
    assert rec.path == path and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["leg-cramps.yaml"]   # no temporary left
    found = review.records(content, exists(clinic), TODAY)
    assert not found.problems
    got = found.get(item)
    assert (got.by, got.date, got.text, got.digest) == (BY, dt.date(2026, 11, 2), text, review.digest(text))

    assert review.state(item, text, got, today=TODAY).kind == review.APPROVED
    changed = review.state(item, text.replace("minutes", "hours"), got, today=TODAY)
    assert changed.kind == review.CHANGED and changed.draft
    assert "Ana Ruiz, MD approved it on 2026-11-02" in changed.warning(path)
    assert review.state(item, text, None, today=TODAY).kind == review.NEVER
    due = review.state(item, text, got, months=24, today=dt.date(2028, 11, 3))
    assert not due.draft and due.review_due and "review due" in due.label()
    assert not review.state(item, text, got, months=24, today=dt.date(2028, 11, 2)).review_due


def test_words_with_yaml_specials_round_trip(clinic):
    item = review.Item("en", "leg-cramps")
    text = "# Title: with colon\n- item #not a comment\n[qr alt] x\n'quoted' \"both\" ¿ü? · 911"
    review.write(clinic / "content", item, BY, text, day=TODAY)
    assert review.records(clinic / "content", exists(clinic), TODAY).get(item).text == text


@pytest.mark.parametrize("by", ["", "   ", "Ana Ruiz", "Ana Ruiz,", ", MD", "Ana\nRuiz, MD"])
def test_approve_needs_a_name_and_a_credential_and_writes_nothing_otherwise(clinic, by):
    with pytest.raises(HandoutError) as exc:
        review.write(clinic / "content", review.Item("en", "leg-cramps"), by, "words", day=TODAY)
    assert len(exc.value.problems) == 1 and "--by" in str(exc.value)
    assert not (clinic / "content" / "approvals").exists()


def _approved(clinic) -> Path:
    review.write(clinic / "content", review.Item("en", "leg-cramps"), BY, words_of(clinic), day=TODAY)
    return clinic / "content" / "approvals" / "en" / "leg-cramps.yaml"


def _problems(clinic) -> list[str]:
    return [str(p) for p in review.records(clinic / "content", exists(clinic), TODAY).problems]


def _line(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line.startswith(start))


def test_a_hand_edited_text_is_refused_at_its_digest_line(clinic):
    path = _approved(clinic)
    path.write_text(path.read_text("utf-8").replace("within minutes", "within hours"), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path}:{_line(path, 'digest:')}: digest: does not match the approved text")
    assert "edited by hand" in problem
    assert review.records(clinic / "content", exists(clinic), TODAY).broken == {review.Item("en", "leg-cramps")}


def test_an_empty_by_is_refused_at_its_line(clinic):
    path = _approved(clinic)
    path.write_text(path.read_text("utf-8").replace(f'by: "{BY}"', 'by: ""'), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path}:{_line(path, 'by:')}: by: is empty")


def test_an_approval_for_a_handout_that_does_not_exist(clinic):
    path = _approved(clinic)
    other = path.with_name("leg-cramp.yaml")
    other.write_text(path.read_text("utf-8").replace("handout: en/leg-cramps", "handout: en/leg-cramp"), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{other}:1: an approval for a handout that does not exist")


def test_two_approvals_for_one_handout(clinic):
    path = _approved(clinic)
    shutil.copy(path, path.with_suffix(".yml"))
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path.with_suffix('.yml')}:1: a second approval for en/leg-cramps")
    # and a file that lists two
    path.with_suffix(".yml").unlink()
    body = path.read_text("utf-8").split("handout:", 1)[1]
    path.write_text("- handout:" + body.replace("\n", "\n  ") + "\n- handout:" + body.replace("\n", "\n  "), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path}:") and "holds 2 approvals for one handout" in problem


def test_a_copied_record_and_other_hand_edits(clinic):
    path = _approved(clinic)
    copy = clinic / "content" / "approvals" / "en" / "risk-factors.yaml"
    shutil.copy(path, copy)
    [problem] = _problems(clinic)
    assert problem.startswith(f"{copy}:{_line(copy, 'handout:')}: handout: this record is for 'en/leg-cramps'")
    copy.unlink()
    path.write_text(path.read_text("utf-8").replace("date: 2026-11-26", "date: 2027-01-01")
                    + "approved: yes\n", "utf-8")
    problems = _problems(clinic)
    assert f"{path}:{_line(path, 'approved:')}: approved: unknown key" in problems[0]
    path.write_text(path.read_text("utf-8").replace("approved: yes\n", ""), "utf-8")
    [problem] = _problems(clinic)
    assert problem == f"{path}:{_line(path, 'date:')}: date: 2027-01-01 is in the future"
