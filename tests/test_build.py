"""The demo handouts, built for real and read back from the PDFs."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml

from handouts import library
from helpers import LANGS, REPO, SLUGS, approval_date, run_cli, run_process, squash
from pdfutil import footer_top, header_bottom, open_pdf, pdffonts, stream_text

BASE14 = re.compile(r"Helvetica|Times|Courier|Symbol|ZapfDingbats", re.I)


def article(slug: str) -> dict:
    """The English article as built: with its included block's words."""
    return library.load(REPO / "content" / "en" / f"{slug}.yaml").get().model_dump(mode="json")


def clinic() -> dict:
    return yaml.safe_load((REPO / "content" / "clinic.yaml").read_text("utf-8"))


def test_build_writes_one_single_page_pdf_per_handout(built):
    """No options: every language under content/."""
    found = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.pdf"))
    assert found == [f"{lang}/{s}.pdf" for lang in LANGS for s in SLUGS]
    for path in built.rglob("*.pdf"):
        with open_pdf(path) as pdf:
            assert len(pdf.pages) == 1
            assert (pdf.pages[0].width, pdf.pages[0].height) == (612, 792)  # clinic paper: letter


@pytest.mark.parametrize("slug", SLUGS)
def test_every_word_is_printed_in_reading_order(built, slug):
    data = article(slug)
    with open_pdf(built / "en" / f"{slug}.pdf") as pdf:
        text = squash(stream_text(pdf.pages[0]))
    expected = [data["title"], data["summary"]]
    for section in data["sections"]:
        expected.append(section["heading"])
        expected.extend(squash(p) for p in (section.get("body") or "").split("\n\n") if p.strip())
        expected.extend(section.get("bullets", []))
    expected.append(data["callout"]["heading"])
    expected.extend(data["callout"].get("bullets", []))
    pos = 0
    nospace = text.replace(" ", "")
    for piece in expected:
        # Paragraphs may break across lines and columns; compare without spaces.
        found = nospace.find(squash(piece).replace(" ", ""), pos)
        assert found >= 0, f"{piece!r} missing or out of order"
        pos = found


@pytest.mark.parametrize("slug", SLUGS)
def test_page_regions_title_then_columns_then_callout(built, slug):
    data = article(slug)
    with open_pdf(built / "en" / f"{slug}.pdf") as pdf:
        page = pdf.pages[0]
        words = page.extract_words(keep_blank_chars=False, extra_attrs=["size"])
        top_of = {}
        for w in words:
            top_of.setdefault(w["text"], w)
        # Sizes follow the body (12 to 13 pt): the title is twice it, headings 1.2 to 1.3 times.
        title = next(w for w in words if w["size"] >= 23.9)
        first_heading = data["sections"][0]["heading"].split()[0]
        last_heading = data["sections"][-1]["heading"].split()[0]
        callout = data["callout"]["heading"].split()[0]
        heads = [w for w in words if 14 < w["size"] < 23.9]
        first = next(w for w in heads if w["text"] == first_heading)
        last = [w for w in heads if w["text"] == last_heading][-1]
        call = [w for w in heads if w["text"] == callout][-1]
        assert header_bottom(page) < title["top"] < first["top"]
        assert first["x0"] < page.width / 2, "first section starts in the left column"
        assert last["x0"] > page.width / 2, "last section ends in the right column"
        assert call["top"] > max(first["top"], last["top"]), "the callout comes after the sections"
        assert call["bottom"] < footer_top(page)


@pytest.mark.parametrize("slug", SLUGS)
def test_fonts_are_embedded_subset_and_never_base14(built, slug):
    path = built / "en" / f"{slug}.pdf"
    rows = pdffonts(path)
    assert rows, "pdffonts listed no fonts"
    for row in rows:
        assert row["emb"] == "yes" and row["sub"] == "yes", row
        assert not BASE14.search(row["name"]), row
        assert "SourceSansPro" in row["name"]
    raw = path.read_bytes()
    assert b"Helvetica" not in raw


@pytest.mark.parametrize("slug", SLUGS)
def test_body_text_is_at_least_12pt_and_only_footer_is_smaller(built, slug):
    with open_pdf(built / "en" / f"{slug}.pdf") as pdf:
        page = pdf.pages[0]
        ftop = footer_top(page)
        body = [c for c in page.chars if c["top"] < ftop]
        small = [c for c in body if c["size"] < 11.99 and c["text"].strip()]
        assert not small, f"text under 12 pt above the footer: {''.join(c['text'] for c in small)[:60]}"
        fine = [c for c in page.chars if c["top"] > ftop]
        assert fine and min(c["size"] for c in fine) >= 8.0


@pytest.mark.parametrize("slug", SLUGS)
def test_header_and_footer_carry_the_brand_and_review_date(built, slug):
    brand = clinic()
    with open_pdf(built / "en" / f"{slug}.pdf") as pdf:
        page = pdf.pages[0]
        ftop, hbot = footer_top(page), header_bottom(page)
        header = squash("".join(c["text"] for c in page.chars if c["top"] < hbot))
        footer = squash("".join(c["text"] for c in page.chars if c["top"] > ftop))
        assert len(page.images) == 1 and page.images[0]["top"] < hbot  # the logo
        img = page.images[0]
    assert brand["name"] in header and brand["phone"] in header
    for key in ("name", "phone", "address", "email"):
        assert brand[key] in footer, key
    assert "riverbend.example.org" in footer
    day = approval_date("en", slug)
    assert f"{day:%B} {day.day}, {day.year}" in footer and "reviewed" in footer.lower()
    assert brand["disclaimer"]["en"] in footer
    # The logo keeps its proportions (the demo logo is square).
    assert abs((img["x1"] - img["x0"]) - (img["bottom"] - img["top"])) < 0.5


def test_checklist_prints_tick_boxes_only_where_asked(built):
    def boxes(slug):
        with open_pdf(built / "en" / f"{slug}.pdf") as pdf:
            return [c for c in pdf.pages[0].chars if c["text"] == "\u2610" and c["size"] >= 15]

    checklist = next(s for s in article("cvi-symptoms")["sections"] if s.get("checklist"))
    assert len(boxes("cvi-symptoms")) == len(checklist["bullets"]) == 6
    assert boxes("leg-cramps") == []


@pytest.mark.parametrize("slug", SLUGS)
def test_metadata(built, slug):
    data = article(slug)
    with pikepdf.open(built / "en" / f"{slug}.pdf") as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == data["title"]
        assert str(info["/Author"]) == clinic()["name"]
        assert str(info["/Subject"]) == data["summary"]
        assert str(info["/Keywords"]).strip()
        assert str(info["/Creator"]) == "handouts 0.1.0"
        assert str(pdf.Root.Lang) == "en"
        assert str(info["/CreationDate"]).startswith(f"D:{approval_date('en', slug):%Y%m%d}")


def test_qr_link_points_at_the_booking_page(built):
    with open_pdf(built / "en" / "leg-cramps.pdf") as pdf:
        uris = {a["uri"] for a in pdf.pages[0].annots}
    brand = clinic()
    # The QR code's, and the clinic's phone, website and email (live links).
    assert uris == {brand["qr"], "tel:+15415550142", brand["website"], f"mailto:{brand['email']}"}


def test_same_input_gives_byte_identical_output(tmp_path, built):
    again = tmp_path / "again"
    result = run_cli("build", "--project", str(REPO), "--out", str(again), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for slug in SLUGS:
        a = (built / "en" / f"{slug}.pdf").read_bytes()
        b = (again / "en" / f"{slug}.pdf").read_bytes()
        assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest(), slug


def test_two_builds_into_one_folder_at_once_both_succeed(tmp_path):
    out = tmp_path / "shared-out"
    cmd = [sys.executable, "-m", "handouts", "build", "--project", str(REPO), "--out", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)}) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    for slug in SLUGS:
        with open_pdf(out / "en" / f"{slug}.pdf") as pdf:
            assert len(pdf.pages) == 1
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


def test_a4_paper_override(tmp_path):
    result = run_cli("build", "leg-cramps", "--project", str(REPO), "--out", str(tmp_path), "--paper", "a4")
    assert result.returncode == 0, result.stderr
    with open_pdf(tmp_path / "en" / "leg-cramps.pdf") as pdf:
        page = pdf.pages[0]
        assert len(pdf.pages) == 1
        assert (round(page.width), round(page.height)) == (595, 842)


def test_build_named_slugs_only(tmp_path):
    result = run_cli("build", "risk-factors", "--project", str(REPO), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    # A slug without a language: that handout in every language that has it.
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")) == [
        f"{lang}/risk-factors.pdf" for lang in LANGS]


def test_runs_from_anywhere_with_the_bundled_demo(tmp_path):
    """No content/ in the current folder: the bundled demo clinic builds into ./output."""
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "output" / "en").glob("*.pdf")) == [f"{s}.pdf" for s in SLUGS]


def test_project_folder_in_the_current_directory_is_the_default(project):
    (project / "content" / "en" / "risk-factors.yaml").unlink()
    (project / "content" / "approvals" / "en" / "risk-factors.yaml").unlink()
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "output" / "en").glob("*.pdf")) == [
        "cvi-symptoms.pdf", "leg-cramps.pdf"]


def test_a_clinic_can_use_its_own_truetype_fonts(project, tmp_path):
    import reportlab

    fonts = Path(reportlab.__file__).parent / "fonts"
    (project / "content" / "fonts").mkdir()
    for name in ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf"):
        (project / "content" / "fonts" / name).write_bytes((fonts / name).read_bytes())
    with open(project / "content" / "clinic.yaml", "a", encoding="utf-8") as fh:
        fh.write("fonts:\n  regular: fonts/Vera.ttf\n  bold: fonts/VeraBd.ttf\n"
                 "  italic: fonts/VeraIt.ttf\n  bold_italic: fonts/VeraBI.ttf\n")
    # Vera is much wider than Source Sans Pro: the demo handouts, which fill
    # their page, would be refused as too long, so this handout is short.
    (project / "content" / "en" / "short.yaml").write_text(
        "title: Walking\nsummary: Walk a little every day.\nreviewed: 2026-11-01\n"
        "sections:\n  - heading: Why walk\n    body: Walking helps the blood in your legs.\n", "utf-8")
    # Vera has no Vietnamese letters: clinic.yaml's Vietnamese words are
    # refused in words, naming the field and the font, and nothing is built.
    refused = run_cli("build", "en:short", "--project", str(project), "--out", str(tmp_path))
    assert refused.returncode == 1
    assert "tagline.vi: the font Vera.ttf (used for vi) has no glyph for" in refused.stderr
    assert not list(tmp_path.rglob("*.pdf"))
    clinic = project / "content" / "clinic.yaml"
    clinic.write_text("".join(line for line in clinic.read_text("utf-8").splitlines(keepends=True)
                              if not line.startswith("  vi: ")), "utf-8")
    shutil.rmtree(project / "content" / "vi")
    result = run_cli("build", "en:short", "--project", str(project), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = pdffonts(tmp_path / "en" / "short.pdf")
    assert rows and all(r["emb"] == "yes" for r in rows)
    assert all(r["name"].split("+")[-1].startswith("BitstreamVeraSans") for r in rows), rows


def test_list_shows_slug_title_languages_and_review_date():
    result = run_cli("list", "--project", str(REPO))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # A column per language, with the date its words were approved.
    assert lines[0].split() == ["slug", "title", *LANGS]
    for slug in SLUGS:
        row = next(line for line in lines if line.startswith(slug))
        assert article(slug)["title"] in row
        assert f"approved {approval_date('en', slug)}" in row and f"approved {approval_date('es', slug)}" in row


def test_check_reports_grade_and_fit_without_writing(tmp_path):
    result = run_cli("check", "--project", str(REPO), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for slug in SLUGS:
        row = next(line for line in result.stdout.splitlines() if line.split()[:2] == [slug, "en"])
        cells = row.split()
        assert float(cells[2]) <= 6.0
        assert "left at" in row and row.rstrip().endswith("ok")
    assert not (tmp_path / "output").exists()


def test_python_dash_m_and_the_console_script_agree(tmp_path):
    import shutil

    exe = shutil.which("handouts")
    assert exe, "the handouts console script is not installed (pip install -e .)"
    result = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "0.1.0" in result.stdout
    assert "0.1.0" in run_process("--version").stdout
