"""A clinic admin's first hour (issue 12): `handouts init`, then build and
check pass; `list` with a search word and --lang; review dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber
import pytest
import yaml

from helpers import GOOD, REPO, build, error_lines, line_of, run_cli, write_article

SLUG = "night-leg-cramps"


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    result = run_cli("init", "myclinic", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "myclinic"


def test_init_then_build_then_check_pass(fresh):
    built = run_cli("build", cwd=fresh)
    assert built.returncode == 0, built.stderr
    assert "demo clinic" not in built.stderr
    with pdfplumber.open(fresh / "output" / "en" / f"{SLUG}.pdf") as pdf:
        assert len(pdf.pages) == 1
        assert "Your Clinic Name" in pdf.pages[0].extract_text()
    spanish = run_cli("build", "--lang", "es", cwd=fresh)
    assert spanish.returncode == 0, spanish.stderr
    with pdfplumber.open(fresh / "output" / "es" / f"{SLUG}.pdf") as pdf:
        assert "Calambres en las piernas de noche" in pdf.pages[0].extract_text()
        assert "Borrador: todavía sin revisar" in pdf.pages[0].extract_text()
    # Nobody approved the example's words yet: drafts, and check says so.
    draft = run_cli("check", cwd=fresh)
    assert f"content/en/{SLUG}.yaml: draft: never approved" in draft.stdout
    langs = sorted(p.name for p in (fresh / "content").iterdir() if (p / f"{SLUG}.yaml").is_file())
    assert {"en", "es", "vi", "zh-Hans"} <= set(langs)
    for lang in langs:
        approved = run_cli("approve", SLUG, "--lang", lang, "--by", "Ana Ruiz, MD", cwd=fresh)
        assert approved.returncode == 0, approved.stderr
    # The translated examples must say which English words they were translated
    # from: check gives the line (one English text, one digest).
    checked = run_cli("check", cwd=fresh)
    [line] = set(re.findall(r"add (translated_from: sha256:[0-9a-f]{12})", checked.stdout))
    for lang in (lang for lang in langs if lang != "en"):
        translation = fresh / "content" / lang / f"{SLUG}.yaml"
        translation.write_text(translation.read_text("utf-8") + line + "\n", "utf-8")
    # The placeholders are warnings until replaced (tests/test_real_details.py):
    # without --strict, check passes, and nothing is a draft or out of date.
    checked = run_cli("check", cwd=fresh)
    assert "draft" not in checked.stdout and "translated_from" not in checked.stdout
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stderr.strip().splitlines()[-1].endswith(": 0 with errors, 1 with warnings")


def test_init_writes_every_clinic_key_with_comments(fresh):
    from handouts.schema.clinic import FACES, Clinic

    text = (fresh / "content" / "clinic.yaml").read_text("utf-8")
    # fonts: the Latin faces and one script's family (any script key may be given).
    for key in [*Clinic.model_fields, *FACES, "arabic"]:
        assert f"{key}:" in text, f"clinic.yaml made by init does not show {key}"
    assert text.count("#") > 20  # commented
    data = yaml.safe_load(text)
    assert "example" in data["website"] and "555" in data["phone"]  # fictional placeholders


def test_init_writes_one_example_per_bundled_language(fresh):
    from handouts import catalog
    from handouts.project import bundled_root

    langs = catalog.languages(bundled_root() / "templates", bundled_root())
    assert {"en", "es"} <= set(langs)
    for lang in langs:
        example = fresh / "content" / lang / f"{SLUG}.yaml"
        assert example.is_file(), lang
        assert example.read_text("utf-8").startswith("#")
    logo = fresh / "content" / "assets" / "logo.png"
    assert logo.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ignore = (fresh / ".gitignore").read_text("utf-8").split()
    assert "output/" in ignore and ".handouts/" in ignore


def test_init_prints_the_next_commands(tmp_path):
    result = run_cli("init", "clinic2", cwd=tmp_path)
    lines = [line.strip() for line in result.stdout.splitlines()]
    at = lines.index("cd clinic2")
    assert lines[at:at + 5] == ["cd clinic2", "handouts build", f"handouts review {SLUG}",
                                f'handouts approve {SLUG} --by "NAME, CREDENTIAL"', "handouts check --strict"]


def test_init_refuses_to_overwrite_anything(fresh):
    clinic = fresh / "content" / "clinic.yaml"
    clinic.write_text("name: mine\n", "utf-8")
    (fresh / "content" / "en" / f"{SLUG}.yaml").unlink()
    result = run_cli("init", str(fresh))
    assert result.returncode == 1
    assert "already exists" in result.stderr and "clinic.yaml" in result.stderr
    assert clinic.read_text("utf-8") == "name: mine\n"
    assert not (fresh / "content" / "en" / f"{SLUG}.yaml").exists()  # nothing written


def test_init_into_an_existing_folder_of_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep", "utf-8")
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "notes.txt").read_text("utf-8") == "keep"


def test_init_with_templates_copies_them_and_builds(tmp_path):
    result = run_cli("init", "withtpl", "--with-templates", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "withtpl"
    for rel in ("templates/handout.xml.j2", "templates/labels/en.yaml", "templates/labels/es.yaml"):
        assert (project / rel).read_bytes() == (REPO / rel).read_bytes()
    template = project / "templates" / "handout.xml.j2"
    template.write_text(template.read_text("utf-8").replace("<summary>", "<summary>Our own: "), "utf-8")
    built = run_cli("build", cwd=project)
    assert built.returncode == 0, built.stderr
    with pdfplumber.open(project / "output" / "en" / f"{SLUG}.pdf") as pdf:
        assert "Our own:" in pdf.pages[0].extract_text()


def test_init_without_templates_has_none(fresh):
    assert not (fresh / "templates").exists()


# ---------------------------------------------------------------------------
# `list` with a search word and --lang.


def test_list_filters_by_word_and_language(fresh):
    en = fresh / "content" / "en"
    (en / "stairs.yaml").write_text(GOOD.replace("Leg cramps", "Taking the stairs"), "utf-8")
    everything = run_cli("list", cwd=fresh)
    assert SLUG in everything.stdout and "stairs" in everything.stdout
    found = run_cli("list", "STAIRS", cwd=fresh)
    assert "stairs" in found.stdout and SLUG not in found.stdout
    spanish = run_cli("list", "--lang", "es", cwd=fresh)
    assert "Calambres" in spanish.stdout and "stairs" not in spanish.stdout
    accents = run_cli("list", "que es un calambre", "--lang", "es", cwd=fresh)
    assert SLUG not in accents.stdout  # not in the title, summary or keywords
    keyword = run_cli("list", "calambres de noche", cwd=fresh)
    assert SLUG in keyword.stdout
    none = run_cli("list", "zzz", cwd=fresh)
    assert none.returncode == 0 and "no handouts matching 'zzz'" in none.stderr


def test_list_refuses_a_path_as_language(fresh):
    result = run_cli("list", "--lang", "../x", cwd=fresh)
    assert result.returncode == 1 and "--lang" in result.stderr


# ---------------------------------------------------------------------------
# Review dates.


def test_reviewed_in_the_future_is_an_error(project):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    text = GOOD.replace("reviewed: 2026-11-01", f"reviewed: {future}")
    write_article(project, text)
    result, out = build(project)
    assert result.returncode == 1
    [found] = [e for e in error_lines(result) if "leg-cramps" in e]
    assert f":3: reviewed: {future} is in the future" in found


def test_next_review_before_reviewed_is_an_error(project):
    text = GOOD.replace("reviewed: 2026-11-01", "reviewed: 2026-11-01\nnext_review: 2026-10-01")
    write_article(project, text)
    result, out = build(project)
    [found] = [e for e in error_lines(result) if "leg-cramps" in e]
    assert f":{line_of(text, 'next_review')}: next_review: 2026-10-01 is before reviewed" in found


@pytest.mark.parametrize("months, old", [(None, True), (None, False), (6, True), (60, False)])
def test_check_warns_when_the_review_is_older_than_the_period(project, months, old):
    today = dt.date.today()
    years = 2 if months is None else 1
    reviewed = today.replace(year=today.year - years, day=1) - dt.timedelta(days=1 if old else -40)
    if months == 6:
        reviewed = today - dt.timedelta(days=200)
    write_article(project, GOOD.replace("reviewed: 2026-11-01\n", ""))
    approve_on(project, reviewed)
    clinic = project / "content" / "clinic.yaml"
    if months is not None:
        clinic.write_text(clinic.read_text("utf-8") + f"review_every_months: {months}\n", "utf-8")
    result = run_cli("check", "leg-cramps", "--project", str(project), "--lang", "en", "--format", "json")
    import json

    [row] = json.loads(result.stdout)
    warned = [w for w in row["warnings"] if "review_every_months" in w]
    assert bool(warned) == old, row["warnings"]
    if old:
        assert f"review due: approved by Ana Ruiz, MD on {reviewed.isoformat()}" in warned[0]


def approve_on(project: Path, day: dt.date, slug: str = "leg-cramps") -> None:
    """An approval of the handout's words made on ``day`` (in the past)."""
    from handouts import render, review
    from handouts.library import Item
    from handouts.project import Project

    item = Item("en", slug)
    review.write(project / "content", item, "Ana Ruiz, MD", render.words(Project(project), item), day)


def test_review_every_months_must_be_sensible(project):
    clinic = project / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8") + "review_every_months: 0\n", "utf-8")
    result, _ = build(project)
    assert result.returncode == 1
    assert any("review_every_months" in e for e in error_lines(result)), result.stderr


def test_init_examples_include_the_clinics_red_flags_and_cite_a_source(fresh):
    """The example a clinic starts from follows the seed handouts' standard:
    its callout includes the clinic's "when to get help" block (written once
    per language) and it cites a real source with its year."""
    for lang, words in (("en", "Call 911"), ("es", "Llame al 911")):
        example = yaml.safe_load((fresh / "content" / lang / f"{SLUG}.yaml").read_text("utf-8"))
        assert example["callout"]["include"] == "when-to-get-help"
        assert example["sources"] and all(re.search(r"\b20\d\d\b", s) for s in example["sources"])
        block = fresh / "content" / "blocks" / lang / "when-to-get-help.yaml"
        assert words in block.read_text("utf-8")
        out = fresh / "out"
        built = run_cli("build", "--lang", lang, "--out", str(out), cwd=fresh)
        assert built.returncode == 0, built.stderr
        with pdfplumber.open(out / lang / f"{SLUG}.pdf") as pdf:
            assert words in pdf.pages[0].extract_text()
