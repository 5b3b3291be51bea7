"""Arabic (issue 24) on the real PDFs: letters joined by HarfBuzz, lines right
to left with the phone number, web and email addresses and 911 reading as
written, the words in reading order for poppler and for a screen reader
(ActualText, never presentation forms), and the whole page mirrored: the
first column at the right, the logo at the right and the phone at the left,
list markers and the summary's bar at the right, the QR code at the left."""

from __future__ import annotations

import re
import unicodedata

import pikepdf
import pytest

from helpers import HANDOUTS, PAPERS, REPO, run_cli
from mailutil import clinic  # noqa: F401 (a fixture)
from pdfutil import open_pdf, pdftotext, struct_elems

SLUGS = HANDOUTS["ar"]
MODES = [(slug, paper, large) for slug in SLUGS for paper in PAPERS for large in (False, True)]
IDS = [f"{slug}/{paper}{'/large' if large else ''}" for slug, paper, large in MODES]
#: The marks poppler puts around each right-to-left word.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\ue000-\uf8ff]")


def key(slug: str, paper: str, large: bool) -> str:
    return f"ar/{slug}/{paper}{'/large' if large else ''}"


#: Punctuation poppler may attach to the neighbouring word of a right-to-left
#: word (its own guess for a neutral character between runs).
NEUTRALS = re.compile(r"(?<!\d)[.,:;!?\u060c\u061b\u061f](?!\d)")


def words(text: str) -> str:
    """poppler's text as words in reading order, one space apart, its
    right-to-left marks removed."""
    return " ".join(BIDI_MARKS.sub("", unicodedata.normalize("NFC", text)).split())


def letters(text: str) -> str:
    """The words alone: the order of words and of letters in each, whatever
    side of a word poppler put a full stop, comma or colon."""
    return " ".join(NEUTRALS.sub(" ", words(text)).split())


def source(slug: str) -> str:
    import yaml

    return yaml.safe_load((REPO / "content" / "ar" / f"{slug}.yaml").read_text("utf-8"))


@pytest.mark.parametrize("slug, paper, large", MODES, ids=IDS)
def test_numbers_and_addresses_read_as_written_inside_arabic(all_pdfs, slug, paper, large):
    text = words(pdftotext(all_pdfs[key(slug, paper, large)]))
    for written in ("(541) 555-0142", "https://riverbend.example.org", "care@riverbend.example.org"):
        assert written in text, (written, text[-400:])
    # 911 inside an Arabic sentence, its words in reading order on both sides.
    assert letters("اتصل بالرقم 911 فورا عند: ضيق مفاجئ في التنفس") in letters(text)
    assert letters("اتصل بالرقم 911 إذا استمر النزيف بعد 10 دقائق") in letters(text)


@pytest.mark.parametrize("slug, paper, large", MODES, ids=IDS)
def test_the_text_layer_is_the_letters_written_in_reading_order(all_pdfs, slug, paper, large):
    """poppler reads every sentence in order, letters not presentation forms."""
    raw = pdftotext(all_pdfs[key(slug, paper, large)])
    assert not PRESENTATION_FORMS.search(raw), PRESENTATION_FORMS.findall(raw)[:5]
    text = letters(raw)
    article = source(slug)
    assert article["title"] in words(raw)
    assert letters(article["summary"]) in text
    bullets = [b for s in article["sections"] for b in s.get("bullets", [])]
    for bullet in bullets:
        assert letters(bullet) in text, bullet


@pytest.mark.parametrize("slug, paper, large", MODES, ids=IDS)
def test_a_screen_reader_gets_each_paragraph_in_reading_order(all_pdfs, slug, paper, large):
    """Drawn run by run in visual order, each Arabic paragraph's element
    carries its words as ActualText: the title, the summary, every bullet."""
    with pikepdf.open(all_pdfs[key(slug, paper, large)]) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        said = {str(e.S): [] for e in struct_elems(pdf)}
        for e in struct_elems(pdf):
            if "/ActualText" in e:
                said[str(e.S)].append(str(e.ActualText))
    article = source(slug)
    assert said["/H1"] == [article["title"]]
    assert article["summary"] in said["/P"]
    bullets = [b for s in article["sections"] for b in s.get("bullets", [])]
    assert set(bullets) <= set(said["/LBody"])
    assert not any(PRESENTATION_FORMS.search(t) for texts in said.values() for t in texts)


def _font_codes(path, name: str) -> dict[str, int]:
    """How many glyph codes of the font ``name`` map to each letter (ToUnicode)."""
    counts: dict[str, int] = {}
    with pikepdf.open(path) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            if name not in str(font.BaseFont):
                continue
            cmap = font.ToUnicode.read_bytes().decode("latin-1").split("beginbfchar")[1]
            for _code, target in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", cmap):
                text = bytes.fromhex(target).decode("utf-16-be")
                counts[text] = counts.get(text, 0) + 1
    return counts


def test_arabic_letters_are_joined_by_harfbuzz(all_pdfs):
    """Shaped, a letter is drawn in its initial, middle, final or separate
    form: several glyphs of the Arabic font stand for the same letter (lam,
    meem, yeh ...), and lam with alef is one ligature that maps to both."""
    counts = _font_codes(all_pdfs["ar/leg-cramps/letter"], "NotoSansArabic-Regular")
    forms = {letter: n for letter, n in counts.items() if n > 1}
    assert {"ل", "م", "ي"} <= set(forms), counts
    assert any(len(t) == 2 and set(t) == {"ل", "ا"} for t in counts), "no lam-alef ligature"


def _unmirrored(path, article) -> list[str]:
    """What stands where a left-to-right page has it (empty: all mirrored)."""
    wrong = []
    with open_pdf(path) as pdf:
        page = pdf.pages[0]
        mid = page.width / 2
        if not page.images[0]["x0"] > mid:
            wrong.append("the logo is not at the right")
        digits = [c for c in page.chars if c["text"] in "0123456789" and c["top"] < 100]
        if not (digits and max(c["x1"] for c in digits) < mid):
            wrong.append("the phone number is not at the left")
        words = page.extract_words()

        def x_of(word: str) -> float:
            # pdfplumber joins glyphs left to right: a right-to-left word reads backwards.
            hits = [w for w in words if BIDI_MARKS.sub("", w["text"]) in (word, word[::-1])]
            return hits[0]["x0"] if hits else -1.0

        first, second = (article["sections"][i]["heading"].split()[-1] for i in (0, 1))
        if not x_of(first) > mid > x_of(second) >= 0:
            wrong.append("the first column is not at the right")
        biggest = max(c["size"] for c in page.chars)
        title = [c for c in page.chars if c["size"] == biggest]
        if not max(c["x1"] for c in title) > page.width - 0.75 * 72:
            wrong.append("the title does not end at the right margin")
        # Each list marker (a drawn dot) at the right of its line: the item's
        # words end just left of it, and nothing starts just right of it.
        dots = [c for c in page.curves if c["x1"] - c["x0"] < 8 and c["top"] > 150] + \
            [c for c in page.chars if c["text"] in "\u2022\u2610"]
        for dot in dots:
            line = [c for c in page.chars if abs((c["top"] + c["bottom"]) / 2 - (dot["top"] + dot["bottom"]) / 2) < 8
                    and c["text"] not in "\u2022\u2610 "]
            before = [c for c in line if dot["x0"] - 20 < c["x1"] <= dot["x0"] + 1]
            after = [c for c in line if dot["x1"] - 1 <= c["x0"] < dot["x1"] + 15]
            if not before or after:
                wrong.append(f"a list marker at x={dot['x0']:.0f} is not at the right of its words")
                break
        if not dots:
            wrong.append("no list markers drawn")
        bars = [r for r in page.rects if r["width"] < 8 and r["height"] > 20]
        if not (bars and all(r["x0"] > mid for r in bars)):
            wrong.append("the summary's bar is not at the right")
        qr = [a for a in page.annots if "book" in (a.get("uri") or "")]
        if not (qr and all(a["x1"] < mid for a in qr)):
            wrong.append("the QR code is not at the left")
    return wrong


@pytest.mark.parametrize("paper", PAPERS)
def test_the_page_is_mirrored(all_pdfs, paper):
    """Measured on the real PDF; the same measures find every one of these
    on the English page the other way round (so they can fail)."""
    assert _unmirrored(all_pdfs[f"ar/leg-cramps/{paper}"], source("leg-cramps")) == []
    import yaml

    english = yaml.safe_load((REPO / "content" / "en" / "leg-cramps.yaml").read_text("utf-8"))
    assert len(_unmirrored(all_pdfs[f"en/leg-cramps/{paper}"], english)) == 7


def test_reading_level_is_not_made_up_and_sentence_length_still_reported():
    result = run_cli("check", "--project", str(REPO), "--lang", "ar")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.split()[1:2] == ["ar"]]
    assert len(rows) == 3
    for row in rows:
        assert "no reading-level formula for ar" in row
    import json

    result = run_cli("check", "--project", str(REPO), "--lang", "ar", "--format", "json")
    assert result.returncode == 0
    for row in json.loads(result.stdout):
        assert row["reading_score"] is None and row["grade"] is None
        assert isinstance(row["long_sentences"], list)


def test_the_email_for_an_arabic_handout_reads_right_to_left(clinic):
    """Sent through a real SMTP server: the subject and words in Arabic, the
    HTML part set right to left (``dir="rtl"``), the PDF the one build makes."""
    from handouts import mail
    from helpers import plain_smtp, use_smtp
    from mailutil import PATIENT
    from smtpserver import smtp_server

    approved = run_cli("approve", "ar:leg-cramps", "--project", str(clinic), "--by", "Test Reviewer, MD")
    assert approved.returncode == 0, approved.stderr
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        result = mail.send_handouts(clinic, ["leg-cramps"], PATIENT, lang="ar", staff="desk-1")
    assert result.status == "sent", result.reason
    msg = inbox.received[0].message
    assert "تقلصات الساق" in str(msg["Subject"]) and "نشرة من" in str(msg["Subject"])
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html
    assert "مرحبًا María Núñez،" in msg.get_body(("plain",)).get_content()


def test_the_page_in_arabic_runs_right_to_left(tmp_path):
    """Over real HTTP: the front-desk page in Arabic is ``dir="rtl"``; on an
    English page an Arabic title keeps its own direction (``dir="auto"``)."""
    from webutil import LiveServer, copy_project

    root = copy_project(REPO, tmp_path / "site")
    with LiveServer(root) as site:
        _, _, arabic = site.raw("GET", "/", headers={"Accept-Language": "ar"})
        _, _, english = site.raw("GET", "/", headers={"Accept-Language": "en"})
    assert '<html lang="ar" dir="rtl">' in arabic.decode("utf-8")
    page = english.decode("utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert re.search(r'lang="ar" dir="auto">[^<]*(<a [^>]*>)?تقلصات الساق', page)


def test_brackets_around_arabic_words_open_to_the_right(tmp_path):
    """A bracket is not in the Arabic font: it comes from the Latin one, in a
    run of its own, mirrored in its right-to-left run. The opening bracket
    stands at the right of the words it encloses, and the text layer reads
    it as written."""
    from webutil import copy_project

    root = copy_project(REPO, tmp_path / "clinic")
    path = root / "content" / "ar" / "leg-cramps.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "      - التقدم في العمر\n", "      - التقدم في العمر (الشيخوخة) وكذلك [الحمل]\n", 1), "utf-8")
    built = run_cli("build", "ar:leg-cramps", "--project", str(root), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    pdf_path = tmp_path / "out" / "ar" / "leg-cramps.pdf"
    def tight(text: str) -> str:   # poppler may space a bracket off its word
        return re.sub(r"\s*([()\[\]])\s*", r"\1", text)

    assert tight("التقدم في العمر (الشيخوخة) وكذلك [الحمل]") in tight(words(pdftotext(pdf_path)))
    with open_pdf(pdf_path) as pdf:
        chars = pdf.pages[0].chars
        line = next(c["top"] for c in chars if c["text"] == "[")   # not the phone's brackets
        x = {c["text"]: c["x0"] for c in chars if c["text"] in "()[]" and abs(c["top"] - line) < 3}
    assert x["("] > x[")"] and x["["] > x["]"], x      # opening at the right
    assert x[")"] > x["["]                              # the first pair read first, at the right
