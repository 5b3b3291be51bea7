"""Spanish, the first language after English: the default build's Spanish
PDFs (every fixed word from the catalog, Babel dates, the clinic's Spanish
words, alt texts, one tagged page, A4 and large print, never hyphenated) and
Fernández-Huerta reading ease, offline."""

from __future__ import annotations

import re
import subprocess
import sys

import pikepdf
import pytest
import yaml

from helpers import REPO, SLUGS, approved_on, run_cli, squash
from pdfutil import alt_texts, open_pdf, pdffonts, stream_text, struct_elems, text_of

EN = yaml.safe_load((REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"))
ES = yaml.safe_load((REPO / "templates" / "labels" / "es.yaml").read_text("utf-8"))
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def fragments(phrase: str) -> list[str]:
    """The literal words of a catalog phrase, without its {fields}."""
    return [f.strip() for f in re.split(r"\{[^}]*\}", phrase) if re.search(r"[A-Za-z]{2}", f)]


def all_phrases(tree: dict) -> list[str]:
    out = []
    for value in tree.values():
        out.extend(all_phrases(value) if isinstance(value, dict) else [value])
    return out




# --------------------------------------------------------------------------
# The Spanish PDFs the default build writes.

@pytest.mark.parametrize("slug", SLUGS)
def test_spanish_text_layer_has_no_english_label(built, slug):
    path = built / "es" / f"{slug}.pdf"
    text = text_of(path)
    english = [frag for phrase in all_phrases(EN["handout"]) for frag in fragments(phrase)]
    assert len(english) >= 10
    for frag in english:
        assert frag not in text, f"English label {frag!r} in the Spanish {slug}"
    for month in MONTHS_EN:
        assert month not in text
    # ... and the Spanish words are there instead, with a Babel date.
    assert ES["handout"]["call_us"] in text
    assert f"Revisado por nuestro equipo médico: {approved_on('es', slug)}" in text
    assert ES["handout"]["qr_caption"] in text and ES["handout"]["sources"] in text
    # The alt texts a screen reader speaks are Spanish too.
    alts = alt_texts(path)
    assert any(a.startswith("Logotipo de Riverbend") for a in alts), alts
    assert any(a.startswith("Código QR que abre riverbend.example.org/book") for a in alts), alts
    for alt in alts:
        for frag in english:
            assert frag not in alt, (frag, alt)


@pytest.mark.parametrize("slug", SLUGS)
def test_spanish_pdf_is_one_tagged_page_in_spanish_with_fonts_embedded(built, slug):
    path = built / "es" / f"{slug}.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert str(pdf.Root.Lang) == "es"
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        types = [str(e.S) for e in struct_elems(pdf)]
        assert types.count("/H1") == 1 and "/H2" in types and "/L" in types
        assert b"<dc:language><rdf:Bag><rdf:li>es</rdf:li>" in pdf.Root.Metadata.read_bytes()
    fonts = pdffonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    # The clinic's own Spanish words from clinic.yaml.
    text = text_of(path)
    assert "Cuidamos sus piernas y sus venas" in text
    assert "Esta hoja es solo para aprender." in text


def test_english_keeps_its_words_and_date(built):
    text = text_of(built / "en" / "leg-cramps.pdf")
    assert f"Last reviewed by our clinicians: {approved_on('en', 'leg-cramps')}" in text
    assert "Questions? Call us" in text and "Care for healthy legs and veins" in text
    assert "Cuidamos" not in text


def test_spanish_fits_a4_and_builds_in_large_print(tmp_path):
    result = run_cli("build", "--project", str(REPO), "--out", str(tmp_path / "a4"),
                     "--lang", "es", "--paper", "a4")
    assert result.returncode == 0, result.stderr
    for slug in SLUGS:
        with pikepdf.open(tmp_path / "a4" / "es" / f"{slug}.pdf") as pdf:
            assert len(pdf.pages) == 1
    large = run_cli("build", "--project", str(REPO), "--out", str(tmp_path / "lp"), "--lang", "es",
                    "--large-print")
    assert large.returncode == 0, large.stderr
    for slug in SLUGS:
        path = tmp_path / "lp" / "es" / f"{slug}-large-print.pdf"
        with open_pdf(path) as pdf:
            assert 1 <= len(pdf.pages) <= 2
            sizes = {round(c["size"]) for c in pdf.pages[0].chars}
            assert 18 in sizes
            if len(pdf.pages) == 2:
                assert ES["handout"]["turn_over"] in squash(stream_text(pdf.pages[0]))
        assert "Please turn over" not in text_of(path)


def test_spanish_body_is_at_least_12_pt_and_never_hyphenated(built):
    import json

    check = run_cli("check", "--project", str(REPO), "--lang", "es", "--format", "json", *SLUGS)
    rows = {row["slug"]: row for row in json.loads(check.stdout)}
    for slug in SLUGS:
        with open_pdf(built / "es" / f"{slug}.pdf") as pdf:
            page = pdf.pages[0]
            lines = page.extract_text().splitlines()
        assert not [ln for ln in lines if re.search(r"[a-záéíóúñ]-$", ln)], lines
        assert rows[slug]["body_pt"] >= 12


# --------------------------------------------------------------------------
# Reading ease: Fernández-Huerta, offline.

OFFLINE = r"""
import socket
def refuse(*a, **k):
    raise OSError("network is off in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from pathlib import Path
from handouts import library
from handouts.readability import reading_ease
for slug in {slugs!r}:
    article = library.load(Path(r"{root}") / f"{{slug}}.yaml").get()   # with its shared block
    print(slug, round(reading_ease(article), 1))
"""


def test_spanish_reading_ease_is_75_or_more_with_the_network_off(tmp_path):
    code = OFFLINE.format(slugs=SLUGS, root=REPO / "content" / "es")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "NLTK_DATA": str(tmp_path / "none"),
           "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    scores = dict(line.split() for line in result.stdout.splitlines())
    assert set(scores) == set(SLUGS)
    for slug, score in scores.items():
        assert float(score) >= 75, (slug, score)


def test_hard_spanish_scores_below_75(tmp_path):
    from handouts.schema.article import load_article
    from handouts.readability import reading_ease

    hard = ("La insuficiencia venosa crónica constituye una condición fisiopatológica caracterizada "
            "por la incompetencia valvular, que ocasiona circulación hemodinámica retrógrada.")
    path = tmp_path / "hard.yaml"
    path.write_text(f"title: Insuficiencia\nsummary: {hard}\nreviewed: 2026-11-01\n"
                    f"sections:\n  - heading: Fisiopatología\n    body: {hard} {hard}\n", "utf-8")
    article, _ = load_article(path)
    assert reading_ease(article) < 60


def test_check_uses_each_languages_formula(project):
    result = run_cli("check", "--project", str(project), "--format", "json")
    import json
    rows = {(r["slug"], r["lang"]): r for r in json.loads(result.stdout)}
    assert rows[("leg-cramps", "en")]["reading_formula"] == "Flesch-Kincaid grade"
    assert rows[("leg-cramps", "en")]["reading_score"] <= 6
    es = rows[("leg-cramps", "es")]
    assert es["reading_formula"] == "Fernández-Huerta" and es["reading_score"] >= 75
    assert es["reading_target"] == 75
    # The target is configurable per language in clinic.yaml.
    clinic = project / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8") + "reading:\n  es: {formula: fernandez-huerta, target: 99}\n",
                      "utf-8")
    table = run_cli("check", "--project", str(project), "--lang", "es", "leg-cramps")
    assert "(≥99)" in table.stdout
    assert "Fernández-Huerta reading ease" in table.stdout and "below the target 99" in table.stdout
