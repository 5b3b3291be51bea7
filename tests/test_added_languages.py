"""A clinic adds a language with files alone (issue 24): Russian (Cyrillic,
drawn with the default family) and Korean (Hangul, drawn with the shipped
CJK font), from the fixture files in tests/added-languages/ (a catalog, a
handout and the shared "when to get help" block per language, and the
clinic's own words), copied into a copy of the demo clinic. No code knows
either language; the PDFs are checked as a patient's copy would be: /Lang,
fonts embedded and subset, every character of the title in the text layer,
the catalog's words and Babel's date, one page; and the page finds them by
a word of their own and emails them in their language."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pikepdf
import pytest
import yaml

from handouts.checks import check
from handouts.project import Project
from handouts.templating import longdate
from helpers import REPO, plain_smtp, run_cli, use_smtp
from pdfutil import open_pdf, pdffonts, pdftotext, text_of
from smtpserver import smtp_server
from webutil import LiveServer

FIXTURES = Path(__file__).resolve().parent / "added-languages"
ADDED = ["ru", "ko"]
#: The font each language's words are drawn with (PDF base names are subset
#: as ABCDEF+Name).
FONTS = {"ru": "SourceSansPro", "ko": "WenQuanYiMicroHei"}


def add_languages(root: Path) -> None:
    """What a clinic does: copy in the files, and give its own words (tagline,
    logo description, disclaimer) in each new language in clinic.yaml."""
    for path in FIXTURES.rglob("*"):
        if path.is_file() and path.name != "clinic-words.yaml":
            target = root / path.relative_to(FIXTURES)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    words = yaml.safe_load((FIXTURES / "clinic-words.yaml").read_text("utf-8"))
    clinic = root / "content" / "clinic.yaml"
    lines = clinic.read_text("utf-8").splitlines()
    for lang, fields in words.items():
        for key, text in fields.items():
            at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
            while at + 1 < len(lines) and lines[at + 1].startswith("  "):
                at += 1
            lines.insert(at + 1, f"  {lang}: {text}")
    clinic.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("added")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    add_languages(root)
    return root


@pytest.fixture(scope="module")
def built(clinic) -> Path:
    out = clinic / "out"
    result = run_cli("build", "--project", str(clinic), "--out", str(out), "--lang", "ru", "--lang", "ko")
    assert result.returncode == 0, result.stderr
    return out


def fixture(*parts: str) -> dict:
    return yaml.safe_load(FIXTURES.joinpath(*parts).read_text("utf-8"))


def labels(lang: str) -> dict:
    return fixture("templates", "labels", f"{lang}.yaml")


def title(lang: str) -> str:
    return fixture("content", lang, "leg-cramps.yaml")["title"]


def test_the_fixtures_are_files_a_clinic_writes_and_nothing_else():
    files = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())
    assert files == ["clinic-words.yaml",
                     "content/blocks/ko/when-to-get-help.yaml", "content/blocks/ru/when-to-get-help.yaml",
                     "content/ko/leg-cramps.yaml", "content/ru/leg-cramps.yaml",
                     "templates/labels/ko.yaml", "templates/labels/ru.yaml"]
    # No bundled file knows either language: no catalog, no content.
    for lang in ADDED:
        assert not (REPO / "templates" / "labels" / f"{lang}.yaml").exists()
        assert not (REPO / "content" / lang).exists()
    # Every key of the English catalog is in each new one.
    en = yaml.safe_load((REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"))
    for lang in ADDED:
        words = labels(lang)
        assert {s: set(v) for s, v in words.items()} == {s: set(v) for s, v in en.items()}, lang


@pytest.mark.parametrize("lang", ADDED)
def test_a_language_added_with_files_is_one_tagged_page_with_its_fonts_and_words(built, lang):
    path = built / lang / "leg-cramps.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert str(pdf.Root.Lang) == lang
        assert f"<rdf:li>{lang}</rdf:li>".encode() in pdf.Root.Metadata.read_bytes()
    assert path.stat().st_size < 100 * 1024
    rows = pdffonts(path)
    assert rows and all(r["emb"] == "yes" and r["sub"] == "yes" and r["uni"] == "yes" for r in rows), rows
    assert any(r["name"].split("+")[-1].startswith(FONTS[lang]) for r in rows), rows
    # Every character of the title, as a reader copies it or hears it.
    text = unicodedata.normalize("NFC", pdftotext(path))
    assert title(lang) in " ".join(text.split()) and set(title(lang)) <= set(text)
    # The catalog's words around the article, and the clinic's own words.
    drawn = text_of(path)
    words = labels(lang)["handout"]
    for key in ("call_us", "draft", "qr_caption", "sources"):
        assert " ".join(words[key].split()) in drawn, (key, words[key])
    assert fixture("clinic-words.yaml")[lang]["tagline"] in drawn
    assert "Questions? Call us" not in drawn


def test_russian_is_drawn_by_the_default_family_alone(built):
    """Source Sans Pro has Cyrillic upright; its italic has none, so the
    disclaimer and the sources (set in italic) print upright in Russian."""
    rows = pdffonts(built / "ru" / "leg-cramps.pdf")
    assert {r["name"].split("+")[-1].split("-")[0] for r in rows} == {"SourceSansPro"}, rows


@pytest.mark.parametrize("lang", ADDED)
def test_an_approved_handout_in_an_added_language_has_babels_date(clinic, lang, tmp_path):
    root = tmp_path / "clinic"
    shutil.copytree(clinic, root, ignore=shutil.ignore_patterns("out"))
    approved = run_cli("approve", "leg-cramps", "--lang", lang, "--project", str(root), "--by", "Test Reviewer, MD")
    assert approved.returncode == 0, approved.stderr
    result = run_cli("build", "--project", str(root), "--out", str(root / "out"), f"{lang}:leg-cramps")
    assert result.returncode == 0, result.stderr
    drawn = text_of(root / "out" / lang / "leg-cramps.pdf")
    reviewed = labels(lang)["handout"]["reviewed"].format(date=longdate(dt.date.today(), lang))
    assert " ".join(reviewed.split()) in drawn, (reviewed, drawn[-300:])
    assert labels(lang)["handout"]["draft"] not in drawn


@pytest.mark.parametrize("lang", ADDED)
def test_large_print_and_a4(clinic, lang, tmp_path):
    for extra in (["--large-print"], ["--paper", "a4"]):
        out = tmp_path / "-".join(extra)
        result = run_cli("build", "--project", str(clinic), "--out", str(out), f"{lang}:leg-cramps", *extra)
        assert result.returncode == 0, result.stderr
        [path] = (out / lang).glob("*.pdf")
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == lang and len(pdf.pages) <= (2 if "--large-print" in extra else 1)


def test_check_and_list_know_the_added_languages(clinic):
    check = run_cli("check", "--project", str(clinic), "--lang", "ru", "--lang", "ko")
    assert check.returncode == 0, check.stdout + check.stderr
    for lang in ADDED:
        assert f"no reading-level formula for {lang}" in check.stdout
    listed = run_cli("list", "--project", str(clinic))
    assert listed.returncode == 0, listed.stderr
    head = listed.stdout.splitlines()[0].split()
    assert "ko" in head and "ru" in head


# --------------------------------------------------------------------------
# A language CLDR does not know, in a script other than Latin.

DARI = """\
title: گرفتگی عضلات پا
summary: گرفتگی پا بیشتر در شب می‌آید و در چند دقیقه خوب می‌شود.
sections:
  - heading: چه کار کنید
    bullets:
      - پای خود را صاف کنید و انگشتان پا را به طرف زانو بکشید.
      - آب کافی بنوشید.
"""


def add_dari(root: Path, code: str) -> None:
    """Dari (``prs``: Babel's CLDR data has no locale for it), written in
    Arabic script: a handout and a catalog naming the language; the layout's
    words are the English ones (what this proves is the script, not the words)."""
    words = yaml.safe_load((REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"))
    words["handout"]["language"] = "دری"
    (root / "templates" / "labels" / f"{code}.yaml").write_text(
        yaml.safe_dump(words, allow_unicode=True, sort_keys=False), "utf-8")
    (root / "content" / code).mkdir()
    (root / "content" / code / "leg-cramps.yaml").write_text(DARI, "utf-8")


def dari_with_script(tmp_path: Path) -> Path:
    """A copy of the demo clinic with Dari as ``prs`` (no script subtag) and
    ``script: Arab`` at the top of its catalog."""
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    add_dari(root, "prs")
    catalog = root / "templates" / "labels" / "prs.yaml"
    catalog.write_text("script: Arab\n" + catalog.read_text("utf-8"), "utf-8")
    return root


def test_a_language_cldr_does_not_know_says_its_script_in_its_code(tmp_path):
    from babel import Locale, UnknownLocaleError

    with pytest.raises(UnknownLocaleError):
        Locale.parse("prs")
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    # Without its script, an unknown language is taken as Latin: the Latin
    # font cannot draw it, and the one line says which font and language.
    add_dari(root, "prs")
    plain = run_cli("build", "--project", str(root), "--out", str(root / "out"), "--lang", "prs")
    assert plain.returncode == 1
    assert "content/prs/leg-cramps.yaml:1: title: the font SourceSansPro-Bold (used for prs) has no glyph" \
        in plain.stderr, plain.stderr
    assert ("; CLDR does not know the language prs, so it is taken as written in Latin letters; if it is not, "
            "name its script in its code (prs-Arab, prs-Mymr ...) or in its catalog (script: Arab)\n") \
        in plain.stderr, plain.stderr
    # With it (BCP 47's script subtag), the shipped Arabic font draws it.
    shutil.rmtree(root / "content" / "prs")
    add_dari(root, "prs-Arab")
    result = run_cli("build", "--project", str(root), "--out", str(root / "out"), "--lang", "prs-Arab")
    assert result.returncode == 0, result.stderr
    path = root / "out" / "prs-Arab" / "leg-cramps.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "prs-Arab" and len(pdf.pages) == 1
    rows = pdffonts(path)
    assert any("NotoSansArabic" in r["name"] for r in rows) and all(r["emb"] == "yes" for r in rows), rows
    # ... and it is laid out right to left: the title ends at the right margin.
    with open_pdf(path) as pdf:
        page = pdf.pages[0]
        biggest = max(c["size"] for c in page.chars)
        title_chars = [c for c in page.chars if c["size"] == biggest]
        assert min(c["x0"] for c in title_chars) > page.width / 2, "the title starts on the left half"


def test_a_language_whose_catalog_names_its_script_is_laid_out_in_it(tmp_path):
    """``script: Arab`` at the top of the catalog, the code without a script
    subtag: the Arabic font, and the page right to left, as with ``prs-Arab``."""
    root = dari_with_script(tmp_path)
    result = run_cli("build", "--project", str(root), "--out", str(root / "out"), "--lang", "prs")
    assert result.returncode == 0, result.stderr
    path = root / "out" / "prs" / "leg-cramps.pdf"
    assert any("NotoSansArabic" in r["name"] for r in pdffonts(path))
    with open_pdf(path) as pdf:
        page = pdf.pages[0]
        biggest = max(c["size"] for c in page.chars)
        title_chars = [c for c in page.chars if c["size"] == biggest]
        assert min(c["x0"] for c in title_chars) > page.width / 2, "the title starts on the left half"


# --------------------------------------------------------------------------
# The page and the email, with nothing but the files.

@pytest.mark.parametrize("lang, word", [("ru", "судороги"), ("ko", "경련")])
def test_the_page_finds_an_added_language_by_its_own_word_and_emails_it_in_that_language(clinic, tmp_path,
                                                                                         lang, word):
    root = tmp_path / "clinic"
    shutil.copytree(clinic, root, ignore=shutil.ignore_patterns("out"))
    with LiveServer(root) as server:
        status, headers, _ = server.raw("GET", f"/?q={quote(word)}&go=1")
        assert status == 303 and headers["location"] == f"/h/{lang}/leg-cramps"
        status, _, page = server.raw("GET", f"/h/{lang}/leg-cramps", headers={"Accept-Language": lang})
        assert status == 200 and title(lang) in page.decode("utf-8")
    approved = run_cli("approve", "leg-cramps", "--lang", lang, "--project", str(root), "--by", "Test Reviewer, MD")
    assert approved.returncode == 0, approved.stderr
    with smtp_server() as (inbox, port):
        use_smtp(root, plain_smtp(port))
        sent = run_cli("email", f"{lang}:leg-cramps", "--to", "patient@example.org", "--lang", lang,
                       "--project", str(root))
    assert sent.returncode == 0, sent.stderr
    msg = inbox.received[0].message
    words = labels(lang)["email"]
    assert msg["Subject"] == words["subject_one"].format(title=title(lang), clinic="Riverbend Vein & Leg Clinic")
    assert words["greeting_no_name"] in msg.get_body(("plain",)).get_content()


def test_a_language_whose_catalog_names_its_script_is_right_to_left_in_the_email_and_on_the_page(tmp_path):
    """``script: Arab`` in the catalog of a language CLDR does not know: the
    email's letter and the page in that language run right to left too, as
    the PDF does (CLDR alone would take ``prs`` for Latin, left to right)."""
    root = dari_with_script(tmp_path)
    approved = run_cli("approve", "leg-cramps", "--lang", "prs", "--project", str(root), "--by", "Test Reviewer, MD")
    assert approved.returncode == 0, approved.stderr
    with smtp_server() as (inbox, port):
        use_smtp(root, plain_smtp(port))
        sent = run_cli("email", "prs:leg-cramps", "en:leg-cramps", "--to", "patient@example.org",
                       "--lang", "prs", "--project", str(root))
    assert sent.returncode == 0, sent.stderr
    html = inbox.received[0].message.get_body(("html",)).get_content()
    assert '<html lang="prs" dir="rtl">' in html, html[:200]
    assert '<div lang="en" dir="ltr">' in html          # the English part of the letter
    with LiveServer(root) as server:
        status, _, page = server.raw("GET", "/", headers={"Accept-Language": "prs"})
        assert status == 200 and '<html lang="prs" dir="rtl">' in page.decode("utf-8")
        status, _, page = server.raw("GET", "/", headers={"Accept-Language": "en"})
        assert status == 200 and '<html lang="en" dir="ltr">' in page.decode("utf-8")


def test_a_chinese_language_cldr_does_not_know_is_measured_in_characters_by_check(tmp_path):
    """Min Zhong (``czo``: CLDR does not know it) written in Chinese
    characters, its catalog saying ``script: Hans``: ``check`` measures its
    sentences in characters and splits them at 。, exactly as for the same
    words in ``zh-Hans`` (CLDR alone would take ``czo`` for Latin and count
    space-separated words: a whole Chinese sentence would be one word)."""
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(root / "content" / "zh-Hans", root / "content" / "czo")
    shutil.copytree(root / "content" / "blocks" / "zh-Hans", root / "content" / "blocks" / "czo")
    labels = root / "templates" / "labels"
    (labels / "czo.yaml").write_text("script: Hans\n" + (labels / "zh-Hans.yaml").read_text("utf-8"), "utf-8")
    found = {(c.lang, c.slug): c for c in check(Project.find(root), langs=["czo", "zh-Hans"])}
    czo, zh = found[("czo", "leg-cramps")], found[("zh-Hans", "leg-cramps")]
    assert czo.errors == [] and czo.fits, czo.errors
    assert (czo.sentence_unit, czo.sentence_limit) == ("characters", 30)
    assert (czo.longest_sentence, czo.mean_sentence, czo.long_sentences) == \
        (zh.longest_sentence, zh.mean_sentence, zh.long_sentences)
