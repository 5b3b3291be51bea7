"""Translation tracking: missing and out-of-date translations in `list` and
`check` (translations follow words, not dates), and clinic words given in
some languages only."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from helpers import LANGS, REPO, run_cli, squash


def remove_spanish_risk_factors_and_change_english_leg_cramps(project: Path) -> None:
    """One translation gone (with its approval), one English word changed."""
    (project / "content" / "es" / "risk-factors.yaml").unlink()
    (project / "content" / "approvals" / "es" / "risk-factors.yaml").unlink()
    en = project / "content" / "en" / "leg-cramps.yaml"
    text = en.read_text("utf-8")
    assert text.count(" cramps ") > 1
    en.write_text(text.replace(" cramps ", " aches ", 1), "utf-8")


def test_list_marks_missing_and_stale_translations(project):
    remove_spanish_risk_factors_and_change_english_leg_cramps(project)
    result = run_cli("list", "--project", str(project))
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert " missing " in f"{rows['risk-factors']} "
    assert "changed since approved" in rows["leg-cramps"]
    assert f"approved {approved_date('es', 'leg-cramps')}, out of date" in rows["leg-cramps"]
    assert "out of date" not in rows["cvi-symptoms"]
    assert result.stdout.splitlines()[0].split()[-len(LANGS):] == LANGS


def approved_date(lang: str, slug: str) -> str:
    return yaml.safe_load((REPO / "content" / "approvals" / lang / f"{slug}.yaml").read_text("utf-8"))[
        "date"].isoformat()


def test_check_warns_stale_and_missing_translations(project):
    remove_spanish_risk_factors_and_change_english_leg_cramps(project)
    result = run_cli("check", "--project", str(project))
    assert result.returncode == 0, result.stderr  # warnings only
    out = squash(result.stdout)
    assert "es/leg-cramps is out of date: it was translated from other English words (sha256:" in out
    assert "handouts review leg-cramps --lang en shows what changed" in out
    assert ("warning: risk-factors (en): there is no Spanish version (content/es/risk-factors.yaml)"
            in out)
    strict = run_cli("check", "--project", str(project), "--strict")
    assert strict.returncode == 1
    # A translation that does not say what it was made from is pointed out too.
    es = project / "content" / "es" / "cvi-symptoms.yaml"
    es.write_text(re.sub(r"translated_from: .*\n", "", es.read_text("utf-8")), "utf-8")
    again = run_cli("check", "--project", str(project), "--lang", "es")
    assert "es/cvi-symptoms does not say which English words it was translated from" in again.stdout


def test_clinic_words_in_one_language_only_warn(project):
    clinic = project / "content" / "clinic.yaml"
    text = clinic.read_text("utf-8").replace(
        "  es: Cuidamos sus piernas y sus venas\n", "")
    clinic.write_text(text, "utf-8")
    result = run_cli("check", "--project", str(project))
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("tagline:"))
    given = ", ".join(lang for lang in LANGS if lang != "es")
    assert (f"warning: content/clinic.yaml:{line}: tagline is given in {given} only; the es handouts will show it "
            "untranslated") in result.stdout, result.stdout
    # A bad per-language value is one clear line with file and line.
    clinic.write_text(text.replace("  en: Care for healthy legs and veins", "  english: Care"), "utf-8")
    bad = run_cli("build", "--project", str(project), "--out", str(project / "out"))
    assert bad.returncode == 1
    assert f"content/clinic.yaml:{line}: tagline: 'english' is not a language code" in bad.stderr, bad.stderr
