"""Diagnosis codes in the content: each shipped code checked against the CMS
ICD-10-CM tables (simple_icd_10_cm ships them) or, for SNOMED CT, its check
digit and its documented source; shapes refused at their line; `handouts list
--code`; the EHR token's rules in `handouts serve`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import simple_icd_10_cm as cms
import yaml
from click.testing import CliRunner

from helpers import REPO
from handouts.cli import main
from handouts.ehr import codes
from handouts.web.serve import ServeError, settings_for

DOCS = (REPO / "docs" / "ehr.md").read_text("utf-8")


def shipped() -> dict[str, dict[str, list[str]]]:
    """file -> system -> codes, for every handout in content/."""
    out = {}
    for path in sorted((REPO / "content").glob("*/*.yaml")):
        if path.name == "clinic.yaml":
            continue
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        out[str(path.relative_to(REPO))] = {s: [str(c) for c in (data.get("codes") or {}).get(s, [])]
                                            for s in codes.SYSTEMS}
    return out


def test_the_seed_handouts_have_their_codes():
    found = shipped()
    assert found["content/en/cvi-symptoms.yaml"]["icd10cm"] == ["I87.2", "I83"]
    assert found["content/en/risk-factors.yaml"]["icd10cm"] == ["I87.2", "I83"]
    assert found["content/en/leg-cramps.yaml"]["icd10cm"] == ["R25.2", "G47.62"]


def test_every_icd10cm_code_in_content_is_in_the_cms_tables():
    """A wrong code sends the wrong handout to a patient: each one must be a
    code or category of the CMS ICD-10-CM release that simple_icd_10_cm ships,
    and docs/ehr.md must name it with its CMS title."""
    checked = 0
    for path, systems in shipped().items():
        for code in systems["icd10cm"]:
            assert cms.is_valid_item(code), f"{path}: {code} is not in the CMS ICD-10-CM tables"
            title = cms.get_description(code)
            assert re.search(rf"\b{re.escape(code)}\b.*{re.escape(title)}", DOCS), \
                f"docs/ehr.md does not list {code} as {title!r}"
            checked += 1
    assert checked >= 6
    # The table itself is the one we think it is.
    assert cms.get_description("I87.2") == "Venous insufficiency (chronic) (peripheral)"
    assert cms.get_description("G47.62") == "Sleep related leg cramps"


def test_every_snomed_code_in_content_is_well_formed_and_sourced_in_the_docs():
    for path, systems in shipped().items():
        for code in systems["snomed"]:
            assert codes.problem(codes.SNOMED, code) is None, (path, code)
            row = next((line for line in DOCS.splitlines() if f"| {code} |" in line), None)
            assert row and "http" in row, f"docs/ehr.md gives no source for SNOMED CT {code}"


@pytest.mark.parametrize("sctid", ["22298006", "73211009", "72866009", "448606008", "900000000000207008"])
def test_verhoeff_accepts_real_snomed_ids(sctid):
    assert codes.verhoeff_ok(sctid)


@pytest.mark.parametrize("typo", ["22298007", "22289006", "72866090", "27866009", "7286609"])
def test_verhoeff_catches_a_typo(typo):
    """A wrong digit, two neighbours swapped, a digit missing."""
    assert codes.problem(codes.SNOMED, typo) is not None


BAD = """\
codes:
  icd10cm:
    - I87.2
    - I83.-
    - 87.2
    - I87.23456
  snomed:
    - 72866009
    - 72866008
    - "12345"
  loinc: [1234-5]
"""


def test_bad_codes_are_refused_at_their_line(project: Path):
    path = project / "content" / "en" / "leg-cramps.yaml"
    text = re.sub(r"(?m)^codes:.*\n(  .*\n)+", "", path.read_text("utf-8"))
    start = text.count("\n") + 1
    path.write_text(text + BAD, "utf-8")
    result = CliRunner().invoke(main, ["check", "leg-cramps", "--lang", "en", "--project", str(project)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    where = "error: content/en/leg-cramps.yaml"
    assert errors == [
        f"{where}:{start + 3}: codes.icd10cm[2]: I83.- is written as a category; write the category "
        "alone (such as I83): it covers every code under it",
        f"{where}:{start + 4}: codes.icd10cm[3]: 87.2 is a number, not an ICD-10-CM code: those start "
        "with a letter (such as I87.2)",
        f"{where}:{start + 5}: codes.icd10cm[4]: 'I87.23456' is not an ICD-10-CM code: a letter, a digit, "
        "a letter or digit, then optionally a dot and 1 to 4 more (such as I87.2 or I83)",
        f"{where}:{start + 8}: codes.snomed[2]: 72866008 fails the SNOMED CT check digit (its last digit), "
        "so it has a typo; copy the concept id again from the SNOMED CT browser",
        f"{where}:{start + 9}: codes.snomed[3]: '12345' is not a SNOMED CT concept id: 6 to 18 digits, "
        "not starting with 0 (such as 72866009)",
        f"{where}:{start + 10}: codes.loinc: unknown key; allowed here: icd10cm, snomed",
    ]


def listed(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["list", "--project", str(REPO), *args])
    slugs = [line.split()[0] for line in result.output.splitlines()[1:] if line.strip()
             and not line.startswith(("no handouts", "error"))]
    return result.exit_code, slugs


@pytest.mark.parametrize("code,expected", [
    ("I87.2", ["cvi-symptoms", "risk-factors"]), ("i872", ["cvi-symptoms", "risk-factors"]),
    ("I83.91", ["cvi-symptoms", "risk-factors"]), ("72866009", ["cvi-symptoms", "risk-factors"]),
    ("G47.62", ["leg-cramps"]), ("R25.2", ["leg-cramps"]), ("I87", []), ("Z00.00", []),
])
def test_list_by_code(code, expected):
    assert listed("--code", code) == (0, expected)


def test_list_by_code_in_a_language_uses_the_handouts_codes_from_any_language():
    assert listed("--code", "I87.2", "--lang", "es") == (0, ["cvi-symptoms", "risk-factors"])


def test_list_refuses_a_code_of_no_known_shape():
    result = CliRunner().invoke(main, ["list", "--project", str(REPO), "--code", "leg"])
    assert result.exit_code == 1
    assert result.output.strip() == ("error: --code: 'leg' is neither an ICD-10-CM code (such as I87.2) "
                                     "nor a SNOMED CT id (such as 72866009)")


def test_the_ehr_token_comes_from_the_environment_and_must_be_long():
    token = "x" * 32
    assert settings_for("127.0.0.1", environ={"HANDOUTS_EHR_TOKEN": token}).ehr_token == token
    assert settings_for("127.0.0.1", environ={}).ehr_token is None
    for bad in ("short", "has a space in it but is long enough"):
        with pytest.raises(ServeError, match="HANDOUTS_EHR_TOKEN"):
            settings_for("127.0.0.1", environ={"HANDOUTS_EHR_TOKEN": bad})
