"""Languages: Spanish handouts, every fixed word from the language's catalog,
Babel dates, per-language clinic words, repeated --lang, translation tracking,
mixed-language packets, and a third language added with files alone."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml

from helpers import LANGS, REPO, SLUGS, run_cli, squash
from handouts.templating import longdate
from pdfutil import open_pdf, pdffonts, stream_text

EN = yaml.safe_load((REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"))
ES = yaml.safe_load((REPO / "templates" / "labels" / "es.yaml").read_text("utf-8"))
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def approved_on(lang: str, slug: str, root: Path = REPO) -> str:
    """The date of the demo's approval record, written out as the footer says it."""
    record = yaml.safe_load((root / "content" / "approvals" / lang / f"{slug}.yaml").read_text("utf-8"))
    return longdate(record["date"], lang)


def fragments(phrase: str) -> list[str]:
    """The literal words of a catalog phrase, without its {fields}."""
    return [f.strip() for f in re.split(r"\{[^}]*\}", phrase) if re.search(r"[A-Za-z]{2}", f)]


def all_phrases(tree: dict) -> list[str]:
    out = []
    for value in tree.values():
        out.extend(all_phrases(value) if isinstance(value, dict) else [value])
    return out


def text_of(path: Path) -> str:
    with open_pdf(path) as pdf:
        return squash(" ".join(stream_text(p) for p in pdf.pages))


def struct_elems(pdf: pikepdf.Pdf):
    """Every structure element, depth first."""
    def walk(node):
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            yield node
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                yield from walk(kid)
        elif isinstance(kids, pikepdf.Dictionary):
            yield from walk(kids)
    yield from walk(pdf.Root.StructTreeRoot)


def alt_texts(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(e.Alt) for e in struct_elems(pdf) if "/Alt" in e]


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


# --------------------------------------------------------------------------
# Languages in the commands.

def test_lang_may_be_repeated_and_an_unknown_one_lists_those_there_are(tmp_path):
    out = tmp_path / "out"
    both = run_cli("build", "--project", str(REPO), "--out", str(out), "--lang", "en", "--lang", "es",
                   "leg-cramps")
    assert both.returncode == 0, both.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
        "en/leg-cramps.pdf", "es/leg-cramps.pdf"]
    only = run_cli("build", "--project", str(REPO), "--out", str(tmp_path / "es"), "--lang", "es")
    assert only.returncode == 0, only.stderr
    assert sorted(p.parent.name for p in (tmp_path / "es").rglob("*.pdf")) == ["es"] * 3
    for command in ("build", "check"):
        bad = run_cli(command, "--project", str(REPO), "--out" if command == "build" else "--lang",
                      *( [str(tmp_path / "x"), "--lang"] if command == "build" else []), "fr")
        assert bad.returncode == 1
        assert f"there are no 'fr' handouts; the languages here are: {', '.join(LANGS)}\n" in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr


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


# --------------------------------------------------------------------------
# Mixed-language packets.

def test_mixed_packet_has_a_language_per_part(tmp_path):
    packet = tmp_path / "visit.pdf"
    result = run_cli("build", "--project", str(REPO), "--packet", str(packet), "leg-cramps",
                     "es:leg-cramps", "es:cvi-symptoms")
    assert result.returncode == 0, result.stderr
    with pikepdf.open(packet) as pdf:
        assert len(pdf.pages) == 3
        assert str(pdf.Root.Lang) == "en"
        (document,) = pdf.Root.StructTreeRoot.K
        parts = list(document.K)
        assert [str(p.S) for p in parts] == ["/Part"] * 3
        assert [str(p.Lang) for p in parts] == ["en", "es", "es"]
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
    assert titles == ["Leg cramps (English)", "Calambres en las piernas (Español)",
                      "Señales de insuficiencia venosa crónica (IVC) (Español)"]
    with open_pdf(packet) as pdf:
        first, second = (squash(stream_text(p)) for p in pdf.pages[:2])
    assert approved_on("en", "leg-cramps") in first and approved_on("es", "leg-cramps") in second
    assert "Questions? Call us" not in second


def test_packet_slug_without_language_takes_the_first_lang_given(tmp_path):
    packet = tmp_path / "visita.pdf"
    result = run_cli("build", "--project", str(REPO), "--packet", str(packet), "--lang", "es",
                     "leg-cramps", "en:leg-cramps")
    assert result.returncode == 0, result.stderr
    with pikepdf.open(packet) as pdf:
        assert str(pdf.Root.Lang) == "es"
        assert str(pdf.docinfo.Title).startswith("Hojas informativas para pacientes: Calambres")
        assert [str(p.Lang) for p in pdf.Root.StructTreeRoot.K[0].K] == ["es", "en"]


# --------------------------------------------------------------------------
# Catalogs and a third language, with files alone.

FR_LABELS = """\
handout:
  language: "Français"
  call_us: "Des questions ? Appelez-nous"
  reviewed: "Revu par nos soignants : {date}"
  draft: "Brouillon : pas encore relu"
  qr_caption: "Scannez le code ou allez sur :"
  qr_alt: "Code QR qui ouvre {url}"
  sources: "Sources :"
  turn_over: "Tournez la page"
  logo_alt: "Logo de {clinic}"
  disclaimer: "Cette fiche sert à apprendre. Elle ne remplace pas l'avis de votre équipe de soins."
  packet_title: "Fiches pour les patients : {titles}"
  packet_subject: "{count} fiches de {clinic}"
  bookmark_language: "{title} ({language})"
"""

FR_ARTICLE = """\
title: Crampes aux jambes
summary: La plupart des crampes ne sont pas graves. Des crampes qui reviennent peuvent venir d'un problème de veines.
sections:
  - heading: Qu'est-ce qu'une crampe ?
    body: Un muscle de la jambe se serre tout à coup. Cela fait mal, mais passe vite.
  - heading: Que faire
    bullets:
      - Étirez le mollet.
      - Marchez un peu.
      - Buvez de l'eau.
callout:
  heading: Quand demander de l'aide
  bullets:
    - Appelez le 911 si vous avez mal à la poitrine.
"""


def french_labels(drop: str | None = None, replace: tuple[str, str] = ("", "")) -> str:
    """A French catalog: the handout words above; the other sections (email,
    ...) carried over from English, as a clinic might start."""
    words = {**EN, **yaml.safe_load(FR_LABELS.replace(*replace) if replace[0] else FR_LABELS)}
    if drop:
        section, key = drop.split(".")
        del words[section][key]
    return yaml.safe_dump(words, allow_unicode=True, sort_keys=False)


def add_french(project: Path) -> None:
    (project / "content" / "fr").mkdir()
    (project / "content" / "fr" / "leg-cramps.yaml").write_text(FR_ARTICLE, "utf-8")
    (project / "templates" / "labels" / "fr.yaml").write_text(french_labels(), "utf-8")


def test_a_third_language_is_added_with_files_alone(project):
    add_french(project)
    out = project / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out), "--lang", "fr")
    assert result.returncode == 0, result.stderr
    path = out / "fr" / "leg-cramps.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "fr" and len(pdf.pages) == 1
    text = text_of(path)
    assert "Brouillon : pas encore relu" in text and "Revu par" not in text   # not yet approved
    approved = run_cli("approve", "leg-cramps", "--lang", "fr", "--project", str(project), "--by", "Anne Roy, MD")
    assert approved.returncode == 0, approved.stderr
    assert run_cli("build", "--project", str(project), "--out", str(out), "--lang", "fr").returncode == 0
    text = text_of(path)
    assert f"Revu par nos soignants : {longdate(dt.date.today(), 'fr')}" in text and "Brouillon" not in text
    assert "Des questions ? Appelez-nous" in text and "Questions? Call us" not in text
    # check: no formula for French by default, said in words ...
    check = run_cli("check", "--project", str(project), "--lang", "fr")
    assert "no reading-level formula for fr" in check.stdout
    assert "there is no French version (content/fr/cvi-symptoms.yaml)" in run_cli(
        "check", "--project", str(project), "--lang", "en").stdout
    # ... and one set in clinic.yaml, without code.
    clinic = project / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8") + "reading:\n  fr: {formula: flesch-reading-ease, target: 60}\n",
                      "utf-8")
    check = run_cli("check", "--project", str(project), "--lang", "fr", "--format", "json")
    import json
    rows = {r["slug"]: r for r in json.loads(check.stdout)}
    row = rows["leg-cramps"]
    assert row["reading_formula"] == "Flesch reading ease" and row["reading_score"] > 60
    # clinic.yaml's words given in en and es only are pointed out for French.
    assert any(f"tagline is given in {', '.join(LANGS)} only; the fr handouts" in w
               for w in rows["clinic.yaml"]["warnings"])
    # list shows the new language's column.
    listed = run_cli("list", "--project", str(project)).stdout.splitlines()
    assert listed[0].split()[-len(LANGS) - 1:] == sorted([*LANGS, "fr"])


def test_a_missing_catalog_key_names_the_file_and_the_key(project):
    add_french(project)
    labels = project / "templates" / "labels" / "fr.yaml"
    labels.write_text(french_labels(drop="handout.call_us"), "utf-8")
    out = project / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out))
    assert result.returncode == 1
    assert ("error: templates/labels/fr.yaml: handout.call_us: missing in the 'fr' catalog "
            f"(English: 'Questions? Call us')") in result.stderr, result.stderr
    # The other languages still build; nothing is written for French.
    assert sorted(p.parent.name for p in out.rglob("*.pdf")) == [lang for lang in LANGS for _ in range(3)]
    # A phrase that uses a field its English does not have is refused too.
    labels.write_text(french_labels(replace=("{date}", "{jour}")), "utf-8")
    wrong = run_cli("build", "--project", str(project), "--out", str(out), "--lang", "fr")
    assert wrong.returncode == 1
    assert "handout.reviewed: uses {jour}, which is not filled in" in wrong.stderr, wrong.stderr


def test_a_clinic_overrides_one_phrase_of_a_bundled_language(project):
    labels = project / "templates" / "labels" / "es.yaml"
    labels.write_text('handout:\n  call_us: "¿Dudas? Llámenos"\n', "utf-8")
    out = project / "out"
    result = run_cli("build", "--project", str(project), "--out", str(out), "es:leg-cramps")
    assert result.returncode == 0, result.stderr
    text = text_of(out / "es" / "leg-cramps.pdf")
    assert "¿Dudas? Llámenos" in text and "Fuentes:" in text  # the rest still bundled
