"""An admin's YAML mistakes in words an admin knows, at the line they made
them: in an article, in clinic.yaml and in a label catalog alike (issue 21).

Each case is a real mistake typed into the small known article (helpers.GOOD)
and built with the real CLI: one ``error:`` line at the line of the mistake
(not the line after, where the parser gave up), with the words that say what
to do, exit 1, and never a word of the parser's own.
"""

from __future__ import annotations

import pytest

from helpers import (
    GOOD, assert_bad_article, build, clinic_path, error_lines, expect_error, line_of, pdfs,
    write_article,
)

#: The parser's and the libraries' own words; none may reach an admin.
PARSER_WORDS = (
    "scanning", "simple key", "block end", "block mapping", "block sequence", "<scalar>",
    "document start", "while parsing", "single document in the stream", "incompatible YAML",
    "cannot start any token", "expected URI", "flow sequence", "flow mapping", "YAML syntax",
    "Input should be", "unable to parse", "could not find expected",
)

#: (what the admin did, the text it replaces, what they typed, the line of
#: the mistake as a piece of the edited text, words the message must have)
MISTAKES = [
    ("colon missing after a key", "summary: Most", "summary Most", "summary Most",
     ("summary needs a colon after it", "summary: Most leg cramps")),
    ("colon missing in a list item", "  - heading: What you can do", "  - heading What you can do",
     "heading What you", ("heading needs a colon after it",)),
    ("colon missing before a list", "    bullets:", "    bullets", "    bullets",
     ("bullets needs a colon after it",)),
    ("colon missing before a block", "    body: |", "    body |", "body |",
     ("body needs a colon after it",)),
    ("key indented one space short", "    bullets:", "   bullets:", "   bullets:",
     ("bullets is indented 3 spaces; line it up with heading on line 8 (4 spaces)",)),
    ("key indented one space more", "    bullets:", "     bullets:", "     bullets:",
     ("bullets is indented 5 spaces; line it up with heading on line 8 (4 spaces)",)),
    ("bullet one space short", "      - Drink", "     - Drink", "     - Drink",
     ("is indented 5 spaces; line its - up with the - on line 10 (6 spaces)",)),
    ("bullet one space more swallowed by the one before", "      - Drink", "       - Drink",
     "       - Drink", ("read as more words of that item", "line its - up with the - on line 10")),
    ("a tab to indent", "    bullets:", "\tbullets:", "\tbullets:", ("tab", "spaces")),
    ("a quote never closed", "title: Leg cramps", 'title: "Leg cramps', 'title: "Leg',
     ("the quote (\") that opens title's text here is never closed",)),
    ("a heading that starts with #", "heading: What you can do", "heading: #1 tip",
     "#1 tip", ('"#1 tip" was left out', 'heading: "#1 tip"')),
    ("a bullet that starts with #", "- Stretch and rub your calf.", "- #1 tip", "- #1 tip",
     ('"#1 tip" was left out', '- "#1 tip"')),
    ("a second document", "reviewed: 2026-11-01", "---\nreviewed: 2026-11-01", "---",
     ("remove it",)),
    ("a line starting with %", "title: Leg cramps", "%title: Leg cramps", "%title",
     ("cannot start with %",)),
    ("text starting with @", "title: Leg cramps", "title: @Leg cramps", "@Leg",
     ("cannot start with @", "quotes")),
    ("text starting with !", "title: Leg cramps", "title: !Leg cramps", "!Leg",
     ("starts with ! must be in quotes",)),
    ("text with a colon in it", "summary: Most", "summary: Note: Most", "Note: Most",
     ("summary: put text that contains ': ' in quotes", 'like summary: "Note: Most leg')),
    ("a list in brackets never closed", "title: Leg cramps",
     "title: Leg cramps\nkeywords: [cramps, legs", "keywords:", ("never closed with ]",)),
    ("a list item among keys", "title: Leg cramps", "title: Leg cramps\n- oops", "- oops",
     ("cannot stand among the keys",)),
    ("no space after a dash", "sections:", "sections:\n  -heading: x", "-heading",
     ("put a space after the -",)),
    ("a time after a date", "reviewed: 2026-11-01", "reviewed: 2026-11-01 10:00:00",
     "reviewed:", ("has a time after the date",)),
    ("a date where text is wanted", "heading: What you can do", "heading: 2026-11-01",
     "heading: 2026", ("should be text, but YAML reads this as a date", 'heading: "2026-11-01"')),
]


@pytest.mark.parametrize("what, old, new, at, words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_yaml_mistake_is_one_plain_line_at_its_own_line(project, what, old, new, at, words):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = write_article(project, text)
    result, out = build(project, "leg-cramps")
    line = expect_error(result, path, line_of(text, at), None, *words)
    assert len(error_lines(result)) == 1, result.stderr
    assert not any(w.lower() in line.lower() for w in PARSER_WORDS), line
    assert pdfs(out) == []


def test_the_other_handouts_still_build_after_a_yaml_mistake(project):
    text = GOOD.replace("summary: Most", "summary Most")
    assert_bad_article(project, text, 2, None, "summary needs a colon after it")


def test_a_mistake_in_clinic_yaml_is_at_its_line_and_every_handout_fails(project):
    path = clinic_path(project)
    text = path.read_text("utf-8").replace("phone: (541)", "phone (541)")
    path.write_text(text, "utf-8")
    result, out = build(project)
    found = expect_error(result, path, line_of(text, "phone (541)"), None,
                         "phone needs a colon after it")
    assert not any(w.lower() in found.lower() for w in PARSER_WORDS), found
    assert pdfs(out, None) == []


def test_a_broken_label_catalog_is_at_its_line_and_its_language_counts_as_failed(project):
    path = project / "templates" / "labels" / "es.yaml"
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    number = next(i for i, ln in enumerate(lines, 1) if ln.startswith("  call_us:"))
    lines[number - 1] = lines[number - 1].replace("call_us:", "call_us", 1)
    path.write_text("".join(lines), "utf-8")
    result, out = build(project, "--lang", "en", "--lang", "es")
    found = expect_error(result, path.resolve(), number, None, "call_us needs a colon after it")
    assert len(error_lines(result)) == 1, result.stderr   # said once, not once per handout
    assert not any(w.lower() in found.lower() for w in PARSER_WORDS), found
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("built 3 handouts") and summary.endswith("; 3 failed"), summary
    assert pdfs(out, "es") == [] and len(pdfs(out, "en")) == 3
