"""What a patient gets from the real PDFs, for every handout in every language
in content/, on Letter and A4, in normal and large print, and in a packet:
whole words in the structure tree (what a screen reader reads)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from handouts import catalog, library
from helpers import ALL_PDFS as ALL, CONTENT, HANDOUTS, REPO, unspaced
from pdfutil import (footer_top, glued_words, header_bottom, pdftotext, poppler_structure_text,
                     structure_blocks, structure_elements)

#: Article keys that are not printed as text.
NOT_PRINTED = {"keywords", "reviewed", "next_review", "checklist", "include", "translated_from", "codes"}
#: clinic.yaml keys that are printed as text.
CLINIC_PRINTED = ("name", "tagline", "phone", "address", "website", "email", "disclaimer")


def printed_strings(data, skip=NOT_PRINTED):
    """Every printed string of a loaded YAML article."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in skip:
                yield from printed_strings(value, skip)
    elif isinstance(data, list):
        for value in data:
            yield from printed_strings(value, skip)


def slugs_in(key: str) -> tuple[str, list[str]]:
    lang, slug = key.split("/")[:2]
    return lang, HANDOUTS[lang] if slug == "packet" else [slug]


def article_words(lang: str, slug: str) -> list[str]:
    """Every printed word of the article as built (with its included block's)."""
    data = library.load(CONTENT / lang / f"{slug}.yaml").get().model_dump(mode="json")
    if data.get("sources"):  # printed on one line after the label, punctuated as the language's catalog says
        words = catalog.load(REPO / "templates", REPO / "templates", lang)
        data["sources"] = (words["handout.sources"] + words.get("handout.sources_space", " ")
                           + words.get("handout.sources_joiner", "; ").join(data["sources"]))
    return [w for s in printed_strings(data) for w in s.split()]


def clinic() -> dict:
    return yaml.safe_load((CONTENT / "clinic.yaml").read_text("utf-8"))


def clinic_words(lang: str | None = None) -> list[str]:
    """The clinic's printed words: those given once for every language, and
    with ``lang``, those given in that language."""
    brand = clinic()
    texts = [brand[k] if isinstance(brand.get(k), str) else (brand.get(k) or {}).get(lang) for k in CLINIC_PRINTED]
    return [w for text in texts if isinstance(text, str) for w in text.split()]


def vocabulary(key: str, path: Path) -> set[str]:
    """The words the text is made of: the YAML's, the clinic's and the page's
    own words as poppler lays them out line by line (which has the labels and
    the date, and never glues words from two lines)."""
    lang, slugs = slugs_in(key)
    # The QR code's caption prints its address bare; broken at its joints
    # (a wide font: Chinese), it is still one word.
    qr = re.sub(r"^https?://", "", clinic()["qr"])
    words = set(pdftotext(path).split()) | set(clinic_words(lang)) | {qr}
    for slug in slugs:
        words |= set(article_words(lang, slug))
    return words


@pytest.mark.parametrize("key", ALL)
def test_structure_text_has_every_word_whole(all_pdfs, key):
    """Line breaks are real spaces: no two words run together in the text a
    screen reader gathers from the structure tree (pdfplumber's tree and
    poppler's), and every word of the YAML is there as a whole word."""
    path = all_pdfs[key]
    vocab = vocabulary(key, path)
    tokens = " ".join(text for _, text in structure_blocks(path)).split()
    assert glued_words(tokens, vocab) == []
    assert glued_words(" ".join(poppler_structure_text(path)).split(), vocab) == []
    lang, slugs = slugs_in(key)
    have = set(tokens)
    for slug in slugs:
        missing = [w for w in article_words(lang, slug) if w not in have]
        assert missing == [], f"{slug}: not whole words in the structure text: {missing[:8]}"
    missing = [w for w in clinic_words(lang) if w not in have]
    assert missing == [], f"clinic words not whole in the structure text: {missing[:8]}"


def test_print_the_structure_text_of_one_handout(all_pdfs, capsys):
    """Prints what a screen reader gets from leg-cramps, element by element, for
    docs/accessibility.md (run with -s)."""
    blocks = structure_blocks(all_pdfs["en/leg-cramps/letter"])
    for kind, text in blocks:
        print(f"{kind:7} {text}")
    assert ("H1", "Leg cramps") in blocks


def spoken(number: str) -> str:
    """Digit by digit, groups apart: "(541) 555-0142" -> "5 4 1, 5 5 5, 0 1 4 2"."""
    groups = ", ".join(" ".join(group) for group in re.findall(r"\d+", number))
    return "+" + groups if number.strip().startswith("+") else groups


@pytest.mark.parametrize("key", ALL)
def test_numbers_are_spoken_digit_by_digit(all_pdfs, key):
    """The clinic's phone (header and footer) and every 911 in the text are a
    Span whose ActualText a speech engine reads digit by digit, while the
    printed glyphs stay as written."""
    spans = [(unspaced(e["text"]), e["actual"]) for e in structure_elements(all_pdfs[key])
             if e["type"] == "Span" and e["actual"] is not None]
    phone = clinic()["phone"]
    lang, slugs = slugs_in(key)
    assert spans.count((unspaced(phone), spoken(phone))) == 2 * len(slugs)
    # (no \b: Chinese writes 拨打911 with no space, and it is still the number)
    nines = sum(len(re.findall(r"(?<![0-9A-Za-z])911(?![0-9A-Za-z])", " ".join(article_words(lang, s))))
                for s in slugs)
    assert spans.count(("911", "9 1 1")) == nines
    assert set(spans) <= {(unspaced(phone), spoken(phone)), ("911", "9 1 1")}


@pytest.mark.parametrize("key", ALL)
def test_phone_email_and_website_are_tagged_links(all_pdfs, key):
    """tel:, mailto: and https: links, in the header and the footer of every
    handout: each a Link element holding the link's text and its annotation,
    which has /Contents and the Print flag and covers exactly that text."""
    path = all_pdfs[key]
    brand = clinic()
    tel = "tel:+1" + re.sub(r"\D", "", brand["phone"])[-10:]
    expected = {tel: 2, f"mailto:{brand['email']}": 1, brand["website"]: 1, brand["qr"]: 2}
    lang, slugs = slugs_in(key)
    links = [e for e in structure_elements(path) if e["type"] == "Link"]
    owners = [ref for e in links for ref in e["annots"]]
    assert len(owners) == len(set(owners))
    uris: dict[str, list] = {}
    with pikepdf.open(path) as pdf, pdfplumber.open(path) as plumbed:
        annots = [(i, n, a) for i, page in enumerate(pdf.pages)
                  for n, a in enumerate(page.obj.get("/Annots", []))]
        assert sorted((i, n) for i, n, _ in annots) == sorted(owners)  # every one is tagged
        for i, n, annot in annots:
            assert annot.Subtype == "/Link" and int(annot.F) & 4, "no Print flag"
            assert str(annot.Contents).strip()
            uris.setdefault(str(annot.A.URI), []).append((i, [float(v) for v in annot.Rect]))
        assert {u: len(v) for u, v in uris.items()} == {u: k * len(slugs) for u, k in expected.items()}
        for link in links:
            if len(link["annots"]) != 1:
                continue  # the QR code and its caption
            page_i, n = link["annots"][0]
            page = plumbed.pages[page_i]
            x0, y0, x1, y1 = [float(v) for v in pdf.pages[page_i].obj.Annots[n].Rect]
            inside = "".join(c["text"] for c in page.chars
                             if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                             and y0 <= page.height - (c["top"] + c["bottom"]) / 2 <= y1)
            assert unspaced(inside) == unspaced(link["text"]) != ""
        # One phone link in the header and one in the footer of each handout.
        for page_i, rect in uris[tel]:
            page = plumbed.pages[page_i]
            top = page.height - rect[3]
            assert top < header_bottom(page) or top > footer_top(page)
        heads = [r for i, r in uris[tel] if plumbed.pages[i].height - r[3] < header_bottom(plumbed.pages[i])]
        assert len(heads) == len(slugs)


@pytest.mark.parametrize("text, found", [
    ("Call 911 if you have chest pain.", [("911", None, "9 1 1")]),
    ("Llame al 911 si le duele el pecho.", [("911", None, "9 1 1")]),
    ("(541) 555-0142", [("(541) 555-0142", "tel:+15415550142", "5 4 1, 5 5 5, 0 1 4 2")]),
    ("or 1-800-555-0199.", [("1-800-555-0199", "tel:+18005550199", "1, 8 0 0, 5 5 5, 0 1 9 9")]),
    ("+44 20 7946 0958", [("+44 20 7946 0958", "tel:+442079460958", "+4 4, 2 0, 7 9 4 6, 0 9 5 8")]),
    ("Call 211 for help", [("211", None, "2 1 1")]),
    ("Visit www.example.org/care.", [("www.example.org/care", "https://www.example.org/care", None)]),
    ("Write to care@example.org.", [("care@example.org", "mailto:care@example.org", None)]),
    # Chinese writes no space around them, and its punctuation is no part of them:
    ("拨打911：突然胸痛", [("911", None, "9 1 1")]),
    ("请拨打(541) 555-0142联系我们", [("(541) 555-0142", "tel:+15415550142", "5 4 1, 5 5 5, 0 1 4 2")]),
    ("访问https://example.org/book。", [("https://example.org/book", "https://example.org/book", None)]),
    ("写信到care@example.org。", [("care@example.org", "mailto:care@example.org", None)]),
    # Not numbers to read digit by digit, nor links:
    ("It costs $911.", []), ("Lose 211 pounds", []), ("Walk 30 minutes, 5 days a week.", []),
    ("1200 Riverside Avenue, Suite 210, Springfield, OR 97477", []), ("2026-11-01", []),
    ("+1 2", []), ("v1.541.555.0142", []),
])
def test_phone_like_numbers_are_found_conservatively(text, found):
    from handouts import contacts

    assert [(f.text, f.href, f.spoken) for f in contacts.find(text)] == found


#: Characters contact-finding turns on, and letters of the scripts below the
#: wide ones (Latin, Vietnamese, Arabic): a text of these never holds a
#: character of contacts._WIDE.
_NARROW_TEXT = "0123456789 +-.()/@:%$,;!?'\"<>\u00a0\nabcwx ACLW ñéơờ ệ ابت ٣"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["911", "988", "211", "call ", "llame al ", "(541) 555-0142",
                                 "+44 20 7946 0958", "541.555.0142", "www.", "https://", "example.org",
                                 "care@example.org", "@", *_NARROW_TEXT]), max_size=30).map("".join))
def test_a_text_without_wide_characters_is_searched_by_the_narrow_pattern_alike(text):
    """A text with no character of the wide scripts (Han, kana, Hangul) is
    searched by the pattern without their classes (contacts._pattern(False),
    a sixth of the compiling), which finds exactly what the whole one does."""
    from handouts import contacts

    assert max(text, default=" ") < contacts._FIRST_WIDE
    assert contacts._WIDE not in contacts._pattern(False).pattern
    spans = [(m.span(), m.lastgroup) for m in contacts._pattern(True).finditer(text)]
    assert [(m.span(), m.lastgroup) for m in contacts._pattern(False).finditer(text)] == spans
    assert all(ch >= contacts._FIRST_WIDE for ch in contacts._WIDE if ch != "-")


def test_a_latin_handout_never_compiles_the_wide_pattern(tmp_path):
    """An English build compiles only the narrow pattern; a Chinese one the whole."""
    code = ("from handouts.cli import main\nfrom handouts import contacts\n"
            "for lang in ('en', 'zh-Hans'):\n    try:\n"
            f"        main(['build', '--project', {str(REPO)!r}, '--lang', lang, '--out', {str(tmp_path)!r}, 'leg-cramps'])\n"
            "    except SystemExit as exc:\n        assert not exc.code\n"
            "    print(lang, contacts._pattern.cache_info().currsize)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if not line.startswith("built")] == \
        ["en 1", "zh-Hans 2"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["911", "988", "211", "call ", "(541) 555-0142", "+44 20 7946 0958",
                                 "www.", "WwW.", "https://", "HTTPS://", "httſ://", "ftp://", "example.org",
                                 "care@example.org", "@", "拨打", "１２３", "٣٤٥", "०१२", "ａｂ", "Ｗ",
                                 "\u212a", "\u017f", *_NARROW_TEXT]), max_size=30).map("".join))
def test_a_text_the_pattern_finds_nothing_in_is_not_searched(text):
    """``contacts.find`` searches only a text that holds a digit, "@", "://"
    or "www." (``may_hold``): every text the pattern matches holds one."""
    from handouts import contacts

    if any(contacts._pattern(True).finditer(text)):
        assert contacts.may_hold(text), text


def test_words_without_numbers_or_addresses_are_not_searched(monkeypatch):
    from handouts import contacts

    def never(wide=True):
        raise AssertionError("searched")

    monkeypatch.setattr(contacts, "_pattern", never)
    assert contacts.find("Stand slowly and hold something steady, quibbleton.") == ()
    assert contacts.find("腿抽筋常在夜间发生，quibbleton。") == ()
    with pytest.raises(AssertionError):
        contacts.find("Call 911, quibbleton.")
