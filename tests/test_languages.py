"""Languages in the commands (repeated --lang, an unknown one), mixed-language
packets, and a third language added with files alone: its catalog (a missing
key, a wrong field, a clinic overriding one phrase), its handout, its review
and its reading formula. Spanish: test_spanish.py; translation tracking:
test_translations.py; Korean and Russian from fixture files:
test_added_languages.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
import yaml

from helpers import LANGS, REPO, approved_on, run_cli, squash
from handouts.templating import longdate
from pdfutil import open_pdf, pdftotext_page, stream_text, text_of

EN = yaml.safe_load((REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"))



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


def test_a_packet_in_every_shipped_language_tags_each_part_with_its_own(tmp_path):
    """English, then every other language the demo ships (Vietnamese, and
    Chinese and Arabic where they are), one part each: each part's /Lang in
    the structure tree is its own, its page's text layer has its own title,
    and its bookmark names the language in that language's catalog words."""
    import unicodedata

    langs = ["en", *[lang for lang in LANGS if lang != "en"]]
    assert len(langs) >= 3 and "vi" in langs
    packet = tmp_path / "family.pdf"
    items = [f"{lang}:leg-cramps" for lang in langs]
    result = run_cli("build", "--project", str(REPO), "--packet", str(packet), *items)
    assert result.returncode == 0, result.stderr
    titles = {lang: yaml.safe_load((REPO / "content" / lang / "leg-cramps.yaml").read_text("utf-8"))["title"]
              for lang in langs}
    words = {lang: yaml.safe_load((REPO / "templates" / "labels" / f"{lang}.yaml").read_text("utf-8"))[
        "handout"] for lang in langs}
    with pikepdf.open(packet) as pdf:
        assert len(pdf.pages) == len(langs) and str(pdf.Root.Lang) == "en"
        (document,) = pdf.Root.StructTreeRoot.K
        assert [str(p.S) for p in document.K] == ["/Part"] * len(langs)
        assert [str(p.Lang) for p in document.K] == langs
        with pdf.open_outline() as outline:
            bookmarks = [item.title for item in outline.root]
    # In each part's own words: "Chuột rút ở chân (Tiếng Việt)", "腿抽筋（简体中文）".
    assert bookmarks == [words[lang]["bookmark_language"].format(title=titles[lang], language=words[lang]["language"])
                         for lang in langs]
    for n, lang in enumerate(langs, 1):
        page = unicodedata.normalize("NFC", pdftotext_page(packet, n))
        assert " ".join(titles[lang].split()) in " ".join(page.split()), (lang, page[:200])


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
