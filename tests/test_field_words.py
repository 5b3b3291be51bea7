"""Every message in the words of the field it is about, never a library's
(issue 21): the schema's limits and number parsing, true/false where a number
is wanted, the font reader's, Python's file-name errors, a section that is not
a section, a date or a number where text is wanted. Each class is a real
mistake built with the real CLI: one line at its line, naming its field."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import GOOD, build, clinic_path, error_lines, expect_error, line_of, pdfs, write_article

#: Words from inside pydantic, ReportLab, Python and PyYAML.
LIBRARY_WORDS = ("Input should be", "unable to parse", "valid number", "valid integer",
                 "fractional part", "Not a recognized TrueType", "can't read version",
                 "version=0x", "embedded null byte", "is not a TTF file", "/tmp/", "is not a real date")

#: (what, a line added to clinic.yaml, its field, the words said)
CLINIC = [
    ("a reading grade over the limit", "reading_grade: 20", "reading_grade",
     ("should be a reading grade from 1 to 16", "(it is 20)")),
    ("a reading grade in words", "reading_grade: hard", "reading_grade",
     ("should be a reading grade from 1 to 16",)),
    ("true as a reading grade", "reading_grade: true", "reading_grade",
     ("should be a reading grade from 1 to 16", "(it is true)")),
    ("a fraction of a month", "review_every_months: 2.5", "review_every_months",
     ("should be a whole number of months from 1 to 120",)),
    ("a reading target in words", "reading:\n  en:\n    formula: flesch_kincaid_grade\n    target: abc",
     "reading.en.target", ("should be a reading target from 0 to 200",)),
    ("a number as the paper", "paper: 5", "paper", ("should be letter or a4",)),
    ("a PNG as the bold font", "fonts:\n  regular: fonts/Vera.ttf\n  bold: assets/logo.png", "fonts.bold",
     ("the bold font file is not a TrueType font (.ttf)", "logo.png")),
    ("a null byte in a font's file name", 'fonts:\n  regular: "fonts/Ve\\0ra.ttf"\n  bold: fonts/Vera.ttf',
     "fonts.regular", ("has an invisible character in it",)),
]


@pytest.mark.parametrize("what, added, field, words", CLINIC, ids=[c[0] for c in CLINIC])
def test_a_clinic_mistake_is_said_in_the_words_of_its_field(project, what, added, field, words):
    import reportlab

    fonts = project / "content" / "fonts"
    fonts.mkdir()
    (fonts / "Vera.ttf").write_bytes((Path(reportlab.__file__).parent / "fonts" / "Vera.ttf").read_bytes())
    path = clinic_path(project)
    text = path.read_text("utf-8")
    text = "\n".join(line for line in text.splitlines()
                     if not line.startswith(("paper:", "reading_grade:", "review_every_months:")))
    text += "\n" + added + "\n"
    path.write_text(text, "utf-8")
    result, out = build(project)
    at = f"{field.split('.')[-1]}:"
    found = expect_error(result, path, line_of(text, at), field, *words)
    assert len(error_lines(result)) == 1, result.stderr
    assert not any(w in found for w in LIBRARY_WORDS), found
    assert pdfs(out, None) == []


ARTICLE = [
    ("a section written as one line", "  - heading: What you can do\n    bullets:\n"
     "      - Stretch and rub your calf.\n      - Drink plenty of water each day.\n",
     "  - What you can do\n", "What you can do", "sections[2]",
     ("a section needs a heading and a body or bullets",)),
    ("a section with a heading only", "    bullets:\n      - Stretch and rub your calf.\n"
     "      - Drink plenty of water each day.\n", "", "What you can do", "sections[2]",
     ("needs a body or bullets",)),
    ("a timestamp as a heading", "heading: What you can do", "heading: 2026-11-01 10:00:00",
     "heading: 2026", "sections[2].heading", None),
    ("a date as a heading", "heading: What you can do", "heading: 2026-11-01",
     "heading: 2026", "sections[2].heading", ("should be text, but YAML reads this as a date",)),
    ("a number as a title", "title: Leg cramps", "title: 42", "title:", "title",
     ("should be text, but YAML reads this as a number", 'title: "42"')),
    ("yes as a bullet", "- Stretch and rub your calf.", "- yes", "- yes", "sections[2].bullets[1]",
     ("should be text, but YAML reads this as true or false", '- "yes"')),
    ("a list as the summary", "summary: Most leg cramps are not serious.", "summary: [a, b]",
     "summary:", "summary", ("should be text, not a list",)),
]


@pytest.mark.parametrize("what, old, new, at, field, words", ARTICLE, ids=[a[0] for a in ARTICLE])
def test_an_article_mistake_is_said_in_the_words_of_its_field(project, what, old, new, at, field, words):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = write_article(project, text)
    result, out = build(project, "leg-cramps")
    if words is None:  # a time in a heading is text like any other
        assert result.returncode == 0, result.stderr
        return
    found = expect_error(result, path, line_of(text, at), field, *words)
    assert not any(w in found for w in LIBRARY_WORDS), found
