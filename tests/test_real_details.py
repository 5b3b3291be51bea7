"""Real clinic details before strict passes (issue 21): init's placeholders
are warnings naming each field and line, and ``check --strict`` fails until
they are replaced; a phone without digits, a website or QR link that is not a
web address and an email that is not one are errors at their line; a website
without https:// gets it; ``init --with-templates`` on an existing project
adds the templates only; ``preview`` writes outside output/."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from helpers import REPO, build, clinic_path, error_lines, expect_error, line_of, pdfs, run_cli, set_line

FIELDS = ["name", "phone", "address", "website", "email", "tagline.en", "tagline.es", "tagline.vi", "qr",
          "logo_alt.en", "logo_alt.es", "logo_alt.vi"]
REAL = {
    r"name:": "name: Lakeside Foot Clinic",
    r"phone:": "phone: (503) 555-0199",
    r"address:": "address: 4 Lake Road, Portland, OR 97201",
    r"website:": "website: https://lakeside.example.net",
    r"email:": "email: hello@lakeside.example.net",
    r"qr:": "qr: https://lakeside.example.net/visit",
    r"  en: Your clinic's tagline": "  en: Feet first",
    r"  es: El lema de su clínica": "  es: Primero los pies",
    r"  en: Your Clinic Name logo": "  en: Lakeside Foot Clinic logo",
    r"  es: Logotipo de Your Clinic Name": "  es: Logotipo de Lakeside Foot Clinic",
    r"  vi: Khẩu hiệu của phòng khám": "  vi: Đôi chân trước tiên",
    r"  vi: Biểu tượng của Your Clinic Name": "  vi: Biểu tượng của Lakeside Foot Clinic",
}


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    assert run_cli("init", "myclinic", cwd=tmp_path).returncode == 0
    return tmp_path / "myclinic"


def test_a_fresh_project_fails_strict_until_every_placeholder_is_replaced(fresh):
    checked = run_cli("check", "--strict", cwd=fresh)
    assert checked.returncode == 1, checked.stderr
    text = clinic_path(fresh).read_text("utf-8")
    warnings = [ln for ln in (checked.stdout + checked.stderr).splitlines() if ln.startswith("warning: ")]
    for field in FIELDS:
        key = field.split(".")[0]
        hits = [w for w in warnings if f": {field}: still init's placeholder" in w]
        assert len(hits) == 1, (field, checked.stderr)
        assert hits[0].startswith("warning: content/clinic.yaml:"), hits[0]
        line = int(hits[0].split(":")[2])
        assert key in text.splitlines()[line - 1] or field.endswith((".en", ".es", ".vi")), (field, line)
    assert not run_cli("check", cwd=fresh).returncode  # not strict: warnings only
    path = clinic_path(fresh)
    for pattern, replacement in REAL.items():
        set_line(path, pattern, replacement)
    # ... and a clinician approves the example's words (the clinic's details are
    # among them); the Spanish says which English words it was made from.
    import re

    langs = sorted(p.name for p in (fresh / "content").iterdir() if (p / "night-leg-cramps.yaml").is_file())
    for lang in langs:
        approved = run_cli("approve", "night-leg-cramps", "--lang", lang, "--by", "Ana Ruiz, MD", cwd=fresh)
        assert approved.returncode == 0, approved.stderr
    # One English text, so one digest for every translation.
    [line] = set(re.findall(r"add (translated_from: sha256:[0-9a-f]{12})", run_cli("check", cwd=fresh).stdout))
    for lang in (lang for lang in langs if lang != "en"):
        translation = fresh / "content" / lang / "night-leg-cramps.yaml"
        translation.write_text(translation.read_text("utf-8") + line + "\n", "utf-8")
    passed = run_cli("check", "--strict", cwd=fresh)
    assert passed.returncode == 0, passed.stderr
    assert "placeholder" not in passed.stderr


@pytest.mark.parametrize("key, value, words", [
    ("phone", "call the front desk", "is not a phone number (it has 0 digits)"),
    ("website", "our website", "is not a web address"),
    ("website", "riverbend", "is not a web address"),
    ("qr", "book online", "is not a web address"),
    ("email", "front desk", "is not an email address"),
    ("email", "care@riverbend", "is not an email address"),
])
def test_a_clinic_detail_that_is_not_what_it_says_is_an_error_at_its_line(project, key, value, words):
    line = set_line(clinic_path(project), rf"{key}:", f"{key}: {value}")
    result, out = build(project)
    expect_error(result, clinic_path(project), line, key, words)
    assert len(error_lines(result)) == 1
    assert pdfs(out, None) == []


def test_a_website_without_https_gets_it_on_the_page(project):
    set_line(clinic_path(project), r"website:", "website: riverbend.example.org")
    result, out = build(project, "leg-cramps")
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out / "en" / "leg-cramps.pdf") as pdf:
        links = [a.get("uri") for a in pdf.pages[0].annots]
    assert "https://riverbend.example.org" in links, links


def test_init_with_templates_on_an_existing_project_adds_only_the_templates(fresh):
    before = {p: p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    result = run_cli("init", "--with-templates", str(fresh))
    assert result.returncode == 0, result.stderr
    added = {p for p in fresh.rglob("*") if p.is_file()} - set(before)
    assert added and all(p.relative_to(fresh).parts[0] == "templates" for p in added), added
    assert (fresh / "templates" / "handout.xml.j2").is_file()
    assert all(p.read_bytes() == data for p, data in before.items())
    again = run_cli("init", "--with-templates", str(fresh))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_preview_writes_outside_output_by_default(project):
    result = run_cli("preview", "leg-cramps", "--project", str(project))
    assert result.returncode == 0, result.stderr
    png = project / "previews" / "en" / "leg-cramps.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "previews/en/leg-cramps.png" in result.stdout
    assert not list((project / "output").rglob("*.png")) if (project / "output").exists() else True
