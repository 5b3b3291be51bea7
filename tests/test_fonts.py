"""Fonts per script (issue 24), on real PDFs: each language's handout set in
its script's font (CLDR says which script), Latin words in it drawn with the
Latin family, every font embedded and subset, a Chinese handout under 100 KB,
a clinic's own font per script from clinic.yaml, a bad one refused at its
line, and a missing glyph named with its font and language.

The samples are tests-only (tests/samples/scripts/): the shipped Chinese and
Arabic handouts are content/zh-Hans/ and content/ar/. Korean and Russian are
languages the project does not ship, added with files alone."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REPO, clinic_path, error_lines, expect_error, line_of, run_cli
from pdfutil import pdffonts, pdftotext

SAMPLES = Path(__file__).resolve().parent / "samples" / "scripts"
LANGS = ("zh-Hans", "ar", "ko", "ru")
SYSTEM_FONTS = Path("/usr/share/fonts/truetype")


def system_font(relative: str) -> Path:
    """A Debian font file a test uses as a clinic's own; fails loudly if missing."""
    path = SYSTEM_FONTS / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing; .ci/run installs it (apt-get install fonts-dejavu-core "
                    "fonts-droid-fallback)")
    return path


def with_samples(root: Path, langs=LANGS) -> Path:
    """A copy of the demo clinic with the samples as ``leg-cramps`` in their
    languages; a language without a catalog gets the English words (the
    fonts are what is tested here)."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    for lang in langs:
        (root / "content" / lang).mkdir(exist_ok=True)
        shutil.copy(SAMPLES / f"{lang}.yaml", root / "content" / lang / "leg-cramps.yaml")
        catalog = root / "templates" / "labels" / f"{lang}.yaml"
        if not catalog.exists():
            shutil.copy(REPO / "templates" / "labels" / "en.yaml", catalog)
    return root


def build(root: Path, out: Path, *items: str):
    return run_cli("build", *items, "--project", str(root), "--out", str(out))


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    root = with_samples(tmp_path_factory.mktemp("scripts") / "clinic")
    out = root / "out"
    result = build(root, out, *(f"{lang}:leg-cramps" for lang in LANGS), "en:leg-cramps")
    assert result.returncode == 0, result.stderr
    return out


def fonts_in(path: Path) -> set[str]:
    rows = pdffonts(path)
    assert rows and all(r["emb"] == "yes" and r["sub"] == "yes" and r["uni"] == "yes" for r in rows), rows
    return {r["name"].split("+", 1)[1].rsplit("-", 1)[0] if r["name"].endswith("-0") else
            r["name"].split("+", 1)[1] for r in rows}


# --------------------------------------------------------------------------
# Which script, which family (no PDF).

@pytest.mark.parametrize("lang, code, key, rtl, anywhere", [
    ("zh-Hans", "Hans", "cjk", False, True),
    ("zh", "Hans", "cjk", False, True),        # CLDR's likely script
    ("zh-TW", "Hant", "cjk", False, True),
    ("ko", "Kore", "cjk", False, False),       # Korean breaks at its spaces
    ("ar", "Arab", "arabic", True, False),
    ("fa", "Arab", "arabic", True, False),
    ("he", "Hebr", "hebrew", True, False),
    ("ru", "Cyrl", "cyrillic", False, False),
    ("vi", "Latn", "latin", False, False),
    ("en", "Latn", "latin", False, False),
    ("qq", "Latn", "latin", False, False),     # unknown to CLDR
])
def test_a_language_is_written_in_the_script_cldr_says(lang, code, key, rtl, anywhere):
    from handouts.scripts import Script, script_of

    assert script_of(lang) == Script(code, key, rtl, anywhere)


def test_a_catalog_may_say_the_script():
    from handouts.scripts import script_of

    assert script_of("qq", "Arab").key == "arabic" and script_of("qq", "Arab").rtl


def test_family_for_a_language_is_its_scripts_default_family():
    from handouts.fonts import family_for

    zh, ar, en, ru = (family_for(lang) for lang in ("zh-Hans", "ar", "en", "ru"))
    assert zh.regular == "WenQuanYiMicroHei" and not zh.shaping and zh.fallback == en
    assert ar.regular == "NotoSansArabic" and ar.bold == "NotoSansArabic-Bold" and ar.shaping
    assert en.regular == "SourceSansPro" and ru == en and en.fallback is None
    # A family with one weight uses it for bold too.
    assert zh.cmaps[zh.bold] == zh.cmaps[zh.regular]


def test_latin_words_in_arabic_go_to_the_latin_font_whole():
    from handouts.fontruns import split_runs
    from handouts.fonts import family_for

    ar = family_for("ar")
    runs = split_runs("اتصل بنا على (541) 555-0142 أو زر example.org.", ar.regular)
    assert runs == [("NotoSansArabic", "اتصل بنا على "), ("SourceSansPro", "(541) 555-0142 "),
                    ("NotoSansArabic", "أو زر "), ("SourceSansPro", "example.org.")]
    # An Arabic word with its full stop stays whole: ReportLab shapes a word
    # with the font of its first part.
    assert split_runs("دقائق.", ar.regular) == [("NotoSansArabic", "دقائق.")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab Z.,'\u2019\u00e9\u0416\u0436\u03a9\u03c9\u4e2d\n", max_size=40))
def test_a_fonts_runs_are_its_own_characters_and_its_fallbacks(text):
    """Where the Latin family's italic (no Cyrillic, no Greek) or the CJK
    font hands characters to its fallback: each character goes to the font
    that has it (the face's own first), a space stays with the run before
    it, and a text the face draws whole is one run (the quick way)."""
    from handouts.fontruns import FALLBACK, split_runs
    from handouts.fonts import family_for

    for font in (family_for("en").italic, family_for("zh-Hans").regular):
        other, own, latin, _, prefer = FALLBACK[font]
        assert not prefer
        want: list[list] = []
        for ch in text:
            use = (want[-1][0] if want else font) if ch.isspace() else \
                other if ord(ch) not in own and ord(ch) in latin else font
            if want and want[-1][0] == use:
                want[-1][1] += ch
            else:
                want.append([use, ch])
        assert split_runs(text, font) == ([(u, t) for u, t in want] if text else [(font, text)])


def test_a_cjk_font_draws_its_own_latin():
    from handouts.fontruns import split_runs
    from handouts.fonts import family_for

    zh = family_for("zh-Hans")
    assert split_runs("请打电话 (541) 555-0142。", zh.regular) == [(zh.regular, "请打电话 (541) 555-0142。")]


# --------------------------------------------------------------------------
# The real PDFs.

@pytest.mark.parametrize("lang, want", [
    ("zh-Hans", {"WenQuanYiMicroHei"}),
    ("ko", {"WenQuanYiMicroHei"}),
    ("ar", {"NotoSansArabic-Regular", "NotoSansArabic-Bold", "SourceSansPro-Regular"}),
    ("ru", {"SourceSansPro-Regular", "SourceSansPro-Bold"}),
    ("en", {"SourceSansPro-Regular", "SourceSansPro-Bold"}),
])
def test_each_language_embeds_its_scripts_fonts_subset(samples, lang, want):
    path = samples / lang / "leg-cramps.pdf"
    names = fonts_in(path)
    assert want <= names, names
    if lang in ("zh-Hans", "ko"):
        assert names == {"WenQuanYiMicroHei"}, names      # one font: small
    if lang in ("ru", "en"):
        assert not any("Noto" in n or "WenQuanYi" in n for n in names), names
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == lang and len(pdf.pages) == 1


@pytest.mark.parametrize("lang", ["zh-Hans", "ko", "ru"])
def test_every_character_of_the_title_is_in_the_text_layer(samples, lang):
    import yaml

    title = yaml.safe_load((SAMPLES / f"{lang}.yaml").read_text("utf-8"))["title"]
    text = unicodedata.normalize("NFC", pdftotext(samples / lang / "leg-cramps.pdf"))
    assert title in text, text[:300]


def test_a_full_chinese_handout_stays_under_100_kb(samples):
    # The sample is a whole page of Chinese (about 200 different characters).
    path = samples / "zh-Hans" / "leg-cramps.pdf"
    import yaml

    words = yaml.safe_load((SAMPLES / "zh-Hans.yaml").read_text("utf-8"))
    han = {ch for ch in str(words) if unicodedata.name(ch, "").startswith("CJK UNIFIED")}
    assert len(han) > 180
    assert path.stat().st_size < 100 * 1024, path.stat().st_size
    for lang in ("ar", "ko", "ru"):
        assert (samples / lang / "leg-cramps.pdf").stat().st_size < 100 * 1024, lang


def test_arabic_phone_and_address_are_in_the_latin_font(samples):
    import pdfplumber

    with pdfplumber.open(samples / "ar" / "leg-cramps.pdf") as pdf:
        chars = pdf.pages[0].chars
    latin = "".join(c["text"] for c in chars if "SourceSansPro" in c["fontname"])
    assert "555" in latin and "example.org" in latin.replace(" ", "")
    assert any("NotoSansArabic" in c["fontname"] for c in chars)


# --------------------------------------------------------------------------
# clinic.yaml: a font per script.

def test_a_clinic_font_per_script_from_clinic_yaml_is_used(tmp_path):
    root = with_samples(tmp_path / "clinic", ("zh-Hans", "ar"))
    fonts = root / "content" / "fonts"
    fonts.mkdir()
    shutil.copy(system_font("droid/DroidSansFallbackFull.ttf"), fonts / "droid.ttf")
    shutil.copy(system_font("dejavu/DejaVuSans.ttf"), fonts / "dejavu.ttf")
    shutil.copy(system_font("dejavu/DejaVuSans-Bold.ttf"), fonts / "dejavu-bold.ttf")
    with open(clinic_path(root), "a", encoding="utf-8") as fh:
        fh.write("fonts:\n"
                 "  cjk:\n    regular: fonts/droid.ttf\n"
                 "  arabic:\n    regular: fonts/dejavu.ttf\n    bold: fonts/dejavu-bold.ttf\n")
    out = tmp_path / "out"
    result = build(root, out, "zh-Hans:leg-cramps", "ar:leg-cramps", "en:leg-cramps")
    assert result.returncode == 0, result.stderr
    zh = fonts_in(out / "zh-Hans" / "leg-cramps.pdf")
    # Droid Sans Fallback has no Latin: the clinic name and phone fall back to Source Sans Pro.
    assert "DroidSansFallback" in zh and "SourceSansPro-Regular" in zh and "WenQuanYiMicroHei" not in zh, zh
    ar = fonts_in(out / "ar" / "leg-cramps.pdf")
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= ar and not any("Noto" in n for n in ar), ar
    assert not any("DejaVu" in n or "Droid" in n for n in fonts_in(out / "en" / "leg-cramps.pdf"))


def test_a_bad_font_file_for_a_script_is_one_line_at_its_clinic_yaml_line(tmp_path):
    root = with_samples(tmp_path / "clinic", ("zh-Hans",))
    with open(clinic_path(root), "a", encoding="utf-8") as fh:
        fh.write("fonts:\n  cjk:\n    regular: assets/logo.png\n")
    out = tmp_path / "out"
    result = build(root, out)
    line = line_of(clinic_path(root).read_text("utf-8"), "regular: assets/logo.png")
    message = expect_error(result, clinic_path(root), line, "fonts.cjk.regular", "not a TrueType font")
    assert len(error_lines(result)) == 1, result.stderr
    assert "logo.png" in message
    assert not list(out.rglob("*.pdf"))


def test_a_script_key_that_is_not_one_is_refused_with_the_closest(tmp_path):
    root = with_samples(tmp_path / "clinic", ())
    with open(clinic_path(root), "a", encoding="utf-8") as fh:
        fh.write("fonts:\n  arabik:\n    regular: fonts/x.ttf\n")
    result = build(root, tmp_path / "out")
    line = line_of(clinic_path(root).read_text("utf-8"), "arabik:")
    expect_error(result, clinic_path(root), line, "fonts.arabik", "arabic")


def test_the_latin_font_given_twice_is_refused(tmp_path):
    root = with_samples(tmp_path / "clinic", ())
    with open(clinic_path(root), "a", encoding="utf-8") as fh:
        fh.write("fonts:\n  regular: fonts/a.ttf\n  bold: fonts/b.ttf\n  latin:\n    regular: fonts/a.ttf\n")
    result = build(root, tmp_path / "out")
    expect_error(result, clinic_path(root), None, "fonts", "give the Latin font once")


# --------------------------------------------------------------------------
# The glyph check names the font and the language.

def test_a_missing_glyph_names_the_font_and_the_language(tmp_path):
    root = with_samples(tmp_path / "clinic", ("zh-Hans",))
    article = root / "content" / "zh-Hans" / "leg-cramps.yaml"
    article.write_text(article.read_text("utf-8").replace("title: 腿抽筋", "title: 腿抽筋 \U0001F9B5"), "utf-8")
    result = build(root, tmp_path / "out", "zh-Hans:leg-cramps")
    expect_error(result, article, line_of(article.read_text("utf-8"), "title:"), "title",
                 "the font WenQuanYiMicroHei (used for zh-Hans) has no glyph for", "U+1F9B5")


def test_a_script_without_a_font_says_how_to_give_it_one(tmp_path):
    root = with_samples(tmp_path / "clinic", ())
    (root / "content" / "he").mkdir()
    (root / "content" / "he" / "leg-cramps.yaml").write_text(
        "title: התכווצויות ברגליים\nsummary: בדרך כלל בלילה.\n"
        "sections:\n  - heading: מה לעשות\n    body: לשתות מים.\n", "utf-8")
    shutil.copy(REPO / "templates" / "labels" / "en.yaml", root / "templates" / "labels" / "he.yaml")
    result = build(root, tmp_path / "out", "he:leg-cramps")
    expect_error(result, root / "content" / "he" / "leg-cramps.yaml", None, "title",
                 "(used for he) has no glyph", "name a font for hebrew in clinic.yaml")


# --------------------------------------------------------------------------
# The package carries its fonts and their licences.

def test_the_shipped_fonts_are_package_data_with_their_licences():
    from handouts.fonts import FONTFILES, SHIPPED

    for folder, files, _ in SHIPPED.values():
        where = FONTFILES / folder
        assert where.is_relative_to(REPO / "handouts")
        for name in filter(None, files):
            data = (where / name).read_bytes()
            assert data[:4] in (b"\x00\x01\x00\x00", b"ttcf"), name     # TrueType outlines
        licences = [p.name for p in where.iterdir() if p.suffix == ".txt"]
        assert licences, folder
    # Not ignored by git, so hatch puts them in the wheel (packages = ["handouts"]).
    ignored = subprocess.run(["git", "check-ignore", "-q", str(FONTFILES / "wqy-microhei" / "wqy-microhei.ttc")],
                             cwd=REPO)
    assert ignored.returncode == 1


def test_a_catalog_that_says_its_script_gets_that_scripts_font(tmp_path):
    # "qq" is no language CLDR knows; its catalog says it is written in Arabic script.
    root = with_samples(tmp_path / "clinic", ())
    (root / "content" / "qq").mkdir()
    shutil.copy(SAMPLES / "ar.yaml", root / "content" / "qq" / "leg-cramps.yaml")
    catalog = root / "templates" / "labels" / "qq.yaml"
    catalog.write_text("script: Arab\n" + (REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    result = build(root, out, "qq:leg-cramps")
    assert result.returncode == 0, result.stderr
    assert "NotoSansArabic-Regular" in fonts_in(out / "qq" / "leg-cramps.pdf")
    from handouts.inputs import cached_brand
    from handouts.project import Project

    assert cached_brand(Project(root))[0].script("qq").rtl
    catalog.write_text(catalog.read_text("utf-8").replace("script: Arab", "script: Arabic"), "utf-8")
    result = build(root, out, "qq:leg-cramps")
    expect_error(result, catalog, 1, "script", "'Arabic' is not a script code", "Arab")
    # Only that language fails; the others still build.
    result = build(root, out, "qq:leg-cramps", "en:leg-cramps")
    assert result.returncode == 1 and (out / "en" / "leg-cramps.pdf").is_file()


def test_furniture_measures_latin_in_another_script_in_the_latin_font():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from handouts.fontruns import string_width
    from handouts.fonts import family_for

    ar = family_for("ar")
    url = "riverbend.example.org/book"
    assert string_width(url, ar.regular, 10) == pytest.approx(stringWidth(url, "SourceSansPro", 10))
    assert string_width(url, ar.regular, 10) != pytest.approx(stringWidth(url, ar.regular, 10))


def test_a_missing_glyph_in_a_clinic_font_names_its_file_and_the_language(tmp_path):
    root = with_samples(tmp_path / "clinic", ("zh-Hans",))
    (root / "content" / "fonts").mkdir()
    shutil.copy(system_font("droid/DroidSansFallbackFull.ttf"), root / "content" / "fonts" / "droid.ttf")
    with open(clinic_path(root), "a", encoding="utf-8") as fh:
        fh.write("fonts:\n  cjk:\n    regular: fonts/droid.ttf\n")
    article = root / "content" / "zh-Hans" / "leg-cramps.yaml"
    article.write_text(article.read_text("utf-8").replace("title: 腿抽筋", "title: 腿抽筋 \U0001F9B5"), "utf-8")
    result = build(root, tmp_path / "out", "zh-Hans:leg-cramps")
    expect_error(result, article, None, "title", "the font droid.ttf (used for zh-Hans) has no glyph for")


def test_a_packet_mixing_scripts_sets_each_part_in_its_own_font(tmp_path):
    root = with_samples(tmp_path / "clinic", ("zh-Hans", "ar"))
    packet = tmp_path / "visit.pdf"
    result = run_cli("build", "--project", str(root), "--out", str(tmp_path / "out"), "--packet", str(packet),
                     "en:leg-cramps", "ar:leg-cramps", "zh-Hans:leg-cramps")
    assert result.returncode == 0, result.stderr
    assert {"SourceSansPro-Regular", "NotoSansArabic-Regular", "WenQuanYiMicroHei"} <= fonts_in(packet)
    import pdfplumber

    with pdfplumber.open(packet) as pdf:
        used = [{c["fontname"].split("+")[-1] for c in page.chars} for page in pdf.pages]
    assert len(used) == 3
    assert not any("Noto" in f or "WenQuanYi" in f for f in used[0]), used[0]
    assert any("NotoSansArabic" in f for f in used[1]) and not any("WenQuanYi" in f for f in used[1])
    assert any("WenQuanYi" in f for f in used[2]) and not any("Noto" in f for f in used[2])


def test_a_subset_holds_only_the_glyphs_used(samples):
    # ReportLab's default puts every ASCII glyph in each subset (about 10 KB
    # of Latin in each font of an Arabic handout); a page in another script
    # than Latin holds what it draws, in its Latin fonts too.
    with pikepdf.open(samples / "ar" / "leg-cramps.pdf") as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            assert len(font.Widths) < 80, (str(font.BaseFont), len(font.Widths))


def to_unicode(font) -> dict[int, str]:
    """A simple font's codes and the text its ToUnicode map gives each."""
    cmap = font.ToUnicode.read_bytes().decode("ascii")
    body = cmap.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
    pairs = [line.strip()[1:-1].split("> <") for line in body.strip().splitlines()]
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be") for code, text in pairs}


def test_a_latin_page_starts_each_subset_with_all_of_ascii(tmp_path):
    """On a page set in a Latin family every face's first subset holds every
    printable ASCII character at its own code, drawn or not, and other
    characters from 128 on (pdfonce.py: so English handouts of other words
    embed the same subsets, made and compressed once in a batch). Codes 1-31
    stay unused: a character there, or one given an ASCII character's code,
    would be read as another by a screen reader."""
    out = tmp_path / "out"
    result = run_cli("build", "--project", str(REPO), "--out", str(out), "en:leg-cramps", "en:risk-factors",
                     "es:leg-cramps", "vi:leg-cramps")
    assert result.returncode == 0, result.output
    files = {}
    for pdf_path in sorted(out.rglob("*.pdf")):
        with pikepdf.open(pdf_path) as pdf:
            for font in pdf.pages[0].Resources.Font.values():
                said = to_unicode(font)
                assert all(said.get(c) == chr(c) for c in range(0x20, 0x7F)), (pdf_path, str(font.BaseFont))
                assert not [c for c in said if c < 0x20 and said[c] != "\0"], (pdf_path, said)
                assert all(ord(text) > 0x7E for c, text in said.items() if c >= 0x7F), (pdf_path, said)
                face = str(font.BaseFont).split("+")[-1]
                files.setdefault(face, []).append(font.FontDescriptor.FontFile2.read_raw_bytes())
    # Both English handouts draw their regular face's other characters (a
    # curly apostrophe, a dash) in the same order: one subset, byte for byte.
    regular = files["SourceSansPro-Regular"]
    assert len(regular) == 4 and regular[0] == regular[1], [len(f) for f in regular]


def test_an_arabic_word_in_latin_brackets_is_shaped_in_the_arabic_font(samples):
    # ReportLab shapes a word with the font of its first part: "(" is the
    # Latin font's, so "(بهدوء)" came out as empty boxes until each font's
    # run is shaped apart (rl.shape_each_font_apart).
    import pdfplumber

    with pdfplumber.open(samples / "ar" / "leg-cramps.pdf") as pdf:
        chars = pdf.pages[0].chars
    arabic = unicodedata.normalize("NFKC", "".join(c["text"] for c in chars if "NotoSansArabic" in c["fontname"]))
    # (in drawing order, right to left; HarfBuzz joins ب and ه into one glyph)
    assert any(form in arabic for form in ("بهدوء", "ءودهب", "ءودبه")), arabic
    latin = "".join(c["text"] for c in chars if "SourceSansPro" in c["fontname"])
    assert "()" in latin.replace(" ", "") or "(" in latin
    assert not any("\u0600" <= ch <= "\u06ff" for ch in latin), latin
