"""Bad input is never a traceback.

Every mistake a clinic can make in its content, brand file, logo or templates
gives one clear line per problem on stderr,

    error: PATH:LINE: FIELD: message

(LINE and FIELD where they make sense), exit status 1, nothing half-written
(no PDF, no stray ``.<slug>.pdf.*.tmp``) for the bad handout, an earlier good
PDF left byte-identical, and the other handouts still built.

This file holds the articles' mistakes (YAML, types, keys, dates, encodings,
bombs, size, markup and glyphs); the brand, logo, templates, output folder,
long handouts and command-line names are in test_bad_project.py. Most tests
run the real CLI (in process, tests/helpers.py) on a temp copy of the demo
clinic. The bugs these tests first found (a control character or deep nesting crashing
the run, lines pointing past the end of a file, problems hiding one another,
errors naming the wrong template line) are fixed; the tests keep them fixed.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pdfplumber
import pytest

from helpers import (
    BAD, GOOD, OTHERS, SENTENCE, SLUGS, assert_bad_article, assert_nothing_half_written,
    assert_others_built, build, cli, clinic_path, error_lines, expect_error, line_of, pdfs, shown,
    write_article,
)


# ---------------------------------------------------------------------------
# Helpers


def alias_bomb(levels: int = 9, width: int = 9, key: str = "bomb") -> str:
    lines = [f"{key}0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"{key}{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def assert_refused_quickly(path: Path) -> None:
    """The bomb is refused without being expanded: loading it costs well under
    a second of CPU (expanding it would take minutes and gigabytes). CPU time,
    not wall time, so a busy machine cannot make this fail."""
    from handouts.errors import ContentError
    from handouts.loader import load_yaml

    start = time.process_time()
    with pytest.raises(ContentError):
        load_yaml(path)
    used = time.process_time() - start
    assert used < 1, f"took {used:.2f} s of CPU"


# ---------------------------------------------------------------------------
# The control: the edited-from article is good, so a failure below is the edit.


def test_the_good_article_builds(project):
    write_article(project, GOOD)
    result, out = build(project)
    assert result.returncode == 0, result.stderr
    assert pdfs(out) == [f"{s}.pdf" for s in SLUGS]
    assert_nothing_half_written(out, bad=None)


# ---------------------------------------------------------------------------
# 1. YAML syntax errors point at the line of the error.


def test_yaml_bad_indent_names_its_line(project):
    text = GOOD.replace("    bullets:", "   bullets:")
    assert_bad_article(project, text, line_of(text, "   bullets:"), None,
                       "bullets is indented 3 spaces; line it up with heading on line")


def test_yaml_tab_indent_names_its_line(project):
    text = GOOD.replace("  - heading: What you can do", "\t- heading: What you can do")
    assert_bad_article(project, text, line_of(text, "\t- heading"), None, "tab", "spaces")


def test_yaml_unclosed_flow_list_names_its_line(project):
    text = GOOD + "sources: [one, two\nkeywords: [cramps]\n"
    found = assert_bad_article(project, text, None, None, "never closed with ]")
    opened = line_of(text, "sources:")
    # Where the list opens, or the next line, where YAML sees it is unclosed.
    assert re.search(rf"\.yaml:({opened}|{opened + 1}): ", found), found


def test_yaml_unclosed_quote_names_the_line_where_it_opens(project):
    text = GOOD.replace("summary: Most", "summary: 'Most")
    assert text.count("'") == 1
    assert_bad_article(project, text, line_of(text, "summary:"), None,
                       "the quote (') that opens summary's text here is never closed")


# ---------------------------------------------------------------------------
# 2. Wrong types.


BULLETS = "      - Stretch and rub your calf.\n      - Drink plenty of water each day.\n"


@pytest.mark.parametrize("old, new, field, words", [
    ("title: Leg cramps", "title: 123", "title", "should be text"),
    (GOOD[GOOD.index("sections:"):], 'sections: "text"\n', "sections", "should be a list"),
    ("    bullets:", "    checklist: maybe\n    bullets:", "sections[2].checklist", "true or false"),
    (BULLETS, "      stretch: Stretch and rub your calf.\n", "sections[2].bullets", "should be a list"),
], ids=["title-int", "sections-text", "checklist-maybe", "bullets-mapping"])
def test_wrong_type_names_the_line_and_field(project, old, new, field, words):
    assert old in GOOD
    text = GOOD.replace(old, new)
    key = re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1]
    assert_bad_article(project, text, line_of(text, f"{key}:"), field, words)


# ---------------------------------------------------------------------------
# 3. Missing and unknown keys; list positions count from 1.


@pytest.mark.parametrize("drop, field", [
    ("title: Leg cramps\n", "title"),
    ("summary: Most leg cramps are not serious.\n", "summary"),
])
def test_missing_top_level_key_is_required(project, drop, field):
    text = GOOD.replace(drop, "")
    assert_bad_article(project, text, None, field, "required")


def test_missing_sections_is_required(project):
    text = GOOD.split("sections:")[0]
    assert_bad_article(project, text, None, "sections", "required")


def test_missing_heading_of_second_section_is_required_at_its_item(project):
    text = GOOD.replace("  - heading: What you can do\n    bullets:", "  - bullets:")
    assert_bad_article(project, text, line_of(text, "  - bullets:"), "sections[2].heading", "required")


def test_unknown_key_typo_suggests_the_real_one(project):
    text = GOOD.replace("reviewed:", "reviewd:")
    found = assert_bad_article(project, text, line_of(text, "reviewd:"), "reviewd", "unknown")
    assert "reviewed" in found.split("reviewd:", 1)[1]


def test_unknown_key_in_second_section_is_sections_2(project):
    text = GOOD.replace("    bullets:", "    bulets:")
    found = assert_bad_article(project, text, line_of(text, "bulets:"), "sections[2].bulets", "unknown")
    assert "bullets" in found


# ---------------------------------------------------------------------------
# 4. Every problem in a file is reported, not only the first.


def test_three_problems_give_three_lines(project):
    text = (GOOD.replace("title: Leg cramps", "title: 123")
                .replace("    body: |", "    checklist: maybe\n    body: |")
                .replace("    bullets:", "    bulets:"))
    path = write_article(project, text)
    result, out = build(project)
    mine = [e for e in error_lines(result) if e.startswith(f"error: {shown(path)}")]
    assert len(mine) == 3, result.stderr
    expect_error(result, path, 1, "title", "should be text")
    expect_error(result, path, line_of(text, "checklist:"), "sections[1].checklist", "true or false")
    expect_error(result, path, line_of(text, "bulets:"), "sections[2].bulets", "unknown")
    assert_others_built(result, out)


def test_load_article_lists_every_problem(tmp_path):
    """The same through the library: one Problem per mistake, each placed."""
    from handouts.errors import ContentError
    from handouts.schema.article import load_article

    text = GOOD.replace("title: Leg cramps", "title: 123").replace("    bullets:", "    bulets:")
    text = text.replace("summary: Most leg cramps are not serious.\n", "")
    path = tmp_path / "x.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError) as info:
        load_article(path)
    got = {(p.field, p.line) for p in info.value.problems}
    assert ("title", 1) in got
    assert ("sections[2].bulets", line_of(text, "bulets:")) in got
    assert any(field == "summary" for field, _ in got)


def test_a_bad_date_does_not_hide_the_other_problems(project):
    text = (GOOD.replace("title: Leg cramps", "title: 123")
                .replace("reviewed: 2026-11-01", "reviewed: 2026-02-30")
                .replace("    bullets:", "    bulets:"))
    path = write_article(project, text)
    result, _ = build(project)
    expect_error(result, path, line_of(text, "reviewed:"), "reviewed", "2026-02-30")
    expect_error(result, path, 1, "title")
    expect_error(result, path, line_of(text, "bulets:"), "sections[2].bulets")


def test_a_schema_problem_does_not_hide_a_missing_glyph(project):
    text = (GOOD.replace("title: Leg cramps", "title: 123")
                .replace("Stretch and rub your calf.", "Stretch and rub your calf \U0001F9B5."))
    path = write_article(project, text)
    result, _ = build(project)
    expect_error(result, path, 1, "title")
    expect_error(result, path, line_of(text, "\U0001F9B5"), "sections[2].bullets[1]", "U+1F9B5")


# ---------------------------------------------------------------------------
# 5. Bad dates.


@pytest.mark.parametrize("value", ["2026-13-45", "2026-02-30", '"last week"', "last week", "20261101"])
def test_bad_review_date(project, value):
    text = GOOD.replace("reviewed: 2026-11-01", f"reviewed: {value}")
    found = assert_bad_article(project, text, 3, "reviewed")
    assert "YYYY-MM-DD" in found


# ---------------------------------------------------------------------------
# 6. Empty, blank and non-UTF-8 files.


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n   ", b"# only a comment\n"],
                         ids=["empty", "whitespace", "comment"])
def test_empty_file(project, content):
    assert_bad_article(project, content, None, None, "empty")


def test_document_marker_only_is_empty_or_line_1(project):
    path = write_article(project, b"---\n")
    result, out = build(project)
    found = expect_error(result, path)
    assert found.startswith(f"error: {shown(path)}: ") or found.startswith(f"error: {shown(path)}:1: "), found


def test_latin1_file_names_the_line_of_the_bad_byte(project):
    text = GOOD.replace("Drink plenty of water", "Drink plenty of caf\u00e9 water")
    found = assert_bad_article(project, text.encode("latin-1"), line_of(text, "caf\u00e9"), None, "UTF-8")
    assert "0xe9" in found.lower()


def test_utf8_with_a_byte_order_mark_is_fine(project):
    write_article(project, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    result, out = build(project, BAD)
    assert result.returncode == 0, result.stderr
    assert pdfs(out) == [f"{BAD}.pdf"]


@pytest.mark.parametrize("char", ["\x00", "\x07"], ids=["NUL", "BEL"])
def test_control_character_in_file_names_its_line(project, char):
    text = GOOD.replace("Drink plenty", f"Drink{char} plenty")
    assert_bad_article(project, text, line_of(text, char), None)


# ---------------------------------------------------------------------------
# 7. Alias bombs answer at once.


def test_alias_bomb_in_an_article_is_refused_quickly(project):
    text = GOOD + alias_bomb()
    path = write_article(project, text)
    assert_refused_quickly(path)
    result, out = build(project)
    expect_error(result, path, line_of(text, "&a0"), None)
    assert_others_built(result, out)


def test_alias_bomb_in_clinic_yaml_is_refused_quickly(project):
    clinic = clinic_path(project)
    text = clinic.read_text("utf-8") + alias_bomb()
    clinic.write_text(text, "utf-8")
    assert_refused_quickly(clinic)
    result, out = build(project)
    expect_error(result, clinic, line_of(text, "&a0"), None)
    assert pdfs(out, None) == []


def test_load_yaml_refuses_an_alias_bomb_without_expanding_it(tmp_path):
    from handouts.errors import ContentError
    from handouts.loader import load_yaml

    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb() + "title: *a9\n", "utf-8")
    start = time.monotonic()
    with pytest.raises(ContentError) as info:
        load_yaml(path)
    assert time.monotonic() - start < 5
    [problem] = info.value.problems
    assert problem.line == 1  # the first anchor, before anything is expanded
    assert "anchor" in problem.message.lower() or "alias" in problem.message.lower()


def test_deeply_nested_yaml_is_a_clean_error(project):
    text = "title: " + "[" * 500 + "]" * 500 + "\n"
    assert_bad_article(project, text, None, None)


# ---------------------------------------------------------------------------
# 8. Huge text.


def test_huge_file_is_refused_by_size(project):
    text = GOOD + "# " + "x" * (5 * 1024 * 1024) + "\n"
    found = assert_bad_article(project, text, None, None, "limit")
    assert "KB" in found


def test_overlong_body_names_the_field_and_its_limit(project):
    body = (SENTENCE * 47).strip()
    assert 3000 <= len(body) < 3100
    text = GOOD.replace("A leg cramp is when a muscle in your leg gets tight all of a sudden.", body)
    found = assert_bad_article(project, text, line_of(text, "body:"), "sections[1].body", "too long")
    assert "2500" in found


# ---------------------------------------------------------------------------
# 12. Content is data: never markup, never a template.


def test_markup_and_template_syntax_in_content_print_literally(project):
    title = "Cramps <b>not bold</b> & {{ 7*7 }} {% if %}"
    summary = "Signs &amp; <i>tags</i> print as typed: {{ 7*7 }} and {% if x %}."
    text = (GOOD.replace("title: Leg cramps", f"title: '{title}'")
                .replace("summary: Most leg cramps are not serious.", f"summary: '{summary}'")
                .replace("- Stretch and rub your calf.", "- 'Rub <br/> & {{ 7*7 }} stretch.'"))
    write_article(project, text)
    result, out = build(project, BAD)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out / "en" / f"{BAD}.pdf") as pdf:
        printed = " ".join(pdf.pages[0].extract_text().split())
    for literal in ("<b>not bold</b>", "& {{ 7*7 }}", "{% if %}", "&amp;", "<i>tags</i>",
                    "{% if x %}", "Rub <br/> & {{ 7*7 }} stretch."):
        assert literal in printed, (literal, printed)
    assert "& 49" not in printed and "Rub 49" not in printed


# ---------------------------------------------------------------------------
# 13. A character the font cannot draw.


@pytest.mark.parametrize("char, code", [("\U0001F9B5", "U+1F9B5"), ("\u2603", "U+2603")])
def test_character_without_a_glyph_names_it_and_its_field(project, char, code):
    from handouts.fonts import default_family

    assert default_family().missing_glyphs(char), "pick a character the font lacks"
    text = GOOD.replace("all of a sudden.", f"all of a sudden {char}.")
    found = assert_bad_article(project, text, line_of(text, "body:"), "sections[1].body", code)
    assert char in found


# ---------------------------------------------------------------------------
# The library's own report agrees with the CLI.


def test_run_reports_the_bad_handout_and_builds_the_others(project):
    from handouts.build import run
    from handouts.project import Project

    text = GOOD.replace("reviewed: 2026-11-01", "reviewed: 2026-13-45")
    path = write_article(project, text)
    report = run(Project.find(project), write=False)
    assert not report.ok
    bad = {o.slug: o for o in report.outcomes}
    assert [o.slug for o in report.outcomes if o.ok] == OTHERS
    [problem] = bad[BAD].problems
    assert (Path(problem.path).resolve(), problem.line, problem.field) == (path, 3, "reviewed")
    assert bad[BAD].pdf is None


def test_check_reports_bad_input_the_same_way(project):
    path = write_article(project, GOOD.replace("title: Leg cramps", "title: 123"))
    result = cli("check", "--project", str(project), "--lang", "en")
    expect_error(result, path, 1, "title")
