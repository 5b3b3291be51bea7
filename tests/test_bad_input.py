"""Bad input is never a traceback.

Every mistake a clinic can make in its content, brand file, logo or templates
gives one clear line per problem on stderr,

    error: PATH:LINE: FIELD: message

(LINE and FIELD where they make sense), exit status 1, nothing half-written
(no PDF, no stray ``.<slug>.pdf.*.tmp``) for the bad handout, an earlier good
PDF left byte-identical, and the other handouts still built.

Most tests run the real CLI (in process, tests/helpers.py) on a temp copy of
the demo clinic.
The bugs these tests first found (a control character or deep nesting crashing
the run, lines pointing past the end of a file, problems hiding one another,
errors naming the wrong template line) are fixed; the tests keep them fixed.
"""

from __future__ import annotations

import random
import re
import struct
import time
import zlib
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from helpers import (
    BAD, GOOD, OTHERS, SLUGS, article_path, assert_bad_article, assert_clean_failure,
    assert_nothing_half_written, assert_others_built, build, cli, clinic_path, error_lines,
    expect_error, insert_in_section, line_of, pdfs, set_line, shown, template_path, write_article,
)

SENTENCE = "Cramps can come back at night and wake you up from a deep sleep. "


# ---------------------------------------------------------------------------
# Helpers


def tiny_png(width: int, height: int) -> bytes:
    """A few-hundred-byte PNG whose header claims ``width`` x ``height``
    (1-bit grey); its pixel data is short, as a bomb's would be."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 256)) + chunk(b"IEND", b""))


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


def too_long_article(sections: int = 6) -> str:
    body = (SENTENCE * 27).strip()
    assert len(body) < 2500  # within the schema's limit: only the page is too small
    secs = "".join(f"  - heading: Part {i + 1}\n    body: {body}\n" for i in range(sections))
    return f"title: Leg cramps\nsummary: Far too long.\nreviewed: 2026-11-01\nsections:\n{secs}"


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
    assert_bad_article(project, text, line_of(text, "   bullets:"), None, "YAML syntax")


def test_yaml_tab_indent_names_its_line(project):
    text = GOOD.replace("  - heading: What you can do", "\t- heading: What you can do")
    assert_bad_article(project, text, line_of(text, "\t- heading"), None, "YAML syntax")


def test_yaml_unclosed_flow_list_names_its_line(project):
    text = GOOD + "sources: [one, two\nkeywords: [cramps]\n"
    found = assert_bad_article(project, text, None, None, "YAML syntax")
    opened = line_of(text, "sources:")
    # Where the list opens, or the next line, where YAML sees it is unclosed.
    assert re.search(rf"\.yaml:({opened}|{opened + 1}): ", found), found


def test_yaml_unclosed_quote_names_the_line_where_it_opens(project):
    text = GOOD.replace("summary: Most", "summary: 'Most")
    assert text.count("'") == 1
    assert_bad_article(project, text, line_of(text, "summary:"), None, "YAML syntax")


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
    ("reviewed: 2026-11-01\n", "reviewed"),
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
# 9. Brand colours.


@pytest.mark.parametrize("value", ['"blue"', '"#12345"', "blue", "123456"])
def test_bad_primary_colour(project, value):
    clinic = clinic_path(project)
    line = set_line(clinic, r"\s+primary:", f"  primary: {value}")
    result, out = build(project)
    expect_error(result, clinic, line, "colors.primary")
    assert pdfs(out, None) == []


def test_low_contrast_accent_names_the_colour_and_its_ratio(project):
    clinic = clinic_path(project)
    set_line(clinic, r"\s+accent:", '  accent: "#FFD700"')
    result, out = build(project)
    # Gold on white: (1.05 / 0.748) = 1.40:1, below WCAG's 4.5:1.
    found = expect_error(result, clinic, None, None, "#FFD700", "1.40:1", "4.5")
    assert "accent" in found
    assert pdfs(out, None) == []


def test_low_contrast_points_at_the_accent_line(project):
    clinic = clinic_path(project)
    line = set_line(clinic, r"\s+accent:", '  accent: "#FFD700"')
    result, _ = build(project)
    expect_error(result, clinic, line, "colors.accent", "#FFD700", "1.40:1")


# ---------------------------------------------------------------------------
# 10. The logo.


def _file(name: str, data: bytes):
    """A logo maker: write ``data`` as assets/NAME."""
    def make(assets: Path) -> str:
        (assets / name).write_bytes(data)
        return f"assets/{name}"
    return make


def _truncated(assets: Path) -> str:
    real = (assets / "logo.png").read_bytes()
    (assets / "cut.png").write_bytes(real[: len(real) // 2])
    return "assets/cut.png"


def _symlink_outside(assets: Path) -> str:
    (assets / "evil.png").symlink_to("/etc/passwd")
    return "assets/evil.png"


def _gif(assets: Path) -> str:
    Image.new("RGB", (40, 20), "red").save(assets / "logo.gif", "GIF")
    return "assets/logo.gif"


#: case -> (make the file in content/assets and return the logo: value, words in the error)
LOGO_CASES = {
    "missing": (lambda assets: "assets/nope.png", ("not found",)),
    "random-bytes": (_file("noise.png", random.Random(7).randbytes(4096)), ("not a PNG or JPEG that can be opened",)),
    "truncated": (_truncated, ("not a PNG or JPEG that can be opened",)),
    "bomb-30000x30000": (_file("bomb.png", tiny_png(30000, 30000)), ()),
    "too-many-pixels-5000x5000": (_file("big.png", tiny_png(5000, 5000)), ("limit",)),
    "parent-path": (lambda assets: "../../etc/passwd", ("outside",)),
    "absolute-path": (lambda assets: "/etc/passwd", ("absolute",)),
    "symlink-outside": (_symlink_outside, ("outside",)),
    "gif": (_gif, ("GIF",)),
}


@pytest.mark.parametrize("case", LOGO_CASES)
def test_bad_logo_is_an_error_on_the_logo_line(project, case):
    make, words = LOGO_CASES[case]
    value = make(project / "content" / "assets")
    if case.startswith(("bomb", "too-many")):
        assert len((project / "content" / value).read_bytes()) < 1024  # small file, huge header
    clinic = clinic_path(project)
    line = set_line(clinic, r"logo:", f"logo: {value}")
    start = time.monotonic()
    result, out = build(project)
    assert time.monotonic() - start < 10  # a bomb is refused, never decoded
    found = expect_error(result, clinic, line, "logo", *words)
    assert value in found
    assert "root:" not in result.stderr + result.stdout  # never echoes a file it refused
    assert pdfs(out, None) == []


# ---------------------------------------------------------------------------
# 11. Templates: the sandbox holds, and every error names the template line.


@pytest.mark.parametrize("expr, words", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", ("sandbox",)),
    ("{{ cycler.__init__.__globals__ }}", ("sandbox",)),
    ("{{ lipsum.__globals__ }}", ("sandbox",)),
    ("{{ article.title|attr('__class__') }}", ("sandbox",)),
    ("{{ article.sections.append(1) }}", ("sandbox",)),
    ("{{ article.nonexistent }}", ("nonexistent",)),
    ("{{ nosuchvar }}", ("nosuchvar",)),
    ("{% if %}", ("syntax",)),
    ("{{ article.title|nosuchfilter }}", ("nosuchfilter",)),
    ("{% include '../../etc/passwd' %}", ("not found",)),
    ("{{ 'a' * 10**9 }}", ("sandbox",)),
    ("{{ 'ab' * 1000000000 }}", ("sandbox",)),
], ids=["str-subclasses", "cycler-globals", "lipsum-globals", "attr-filter", "list-append",
        "undefined-attr", "undefined-name", "syntax", "unknown-filter", "include-escape",
        "huge-power", "huge-repeat"])
def test_template_error_names_the_template_and_line(project, expr, words):
    line = insert_in_section(project, f"<para>{expr}</para>")
    result, out = build(project)
    template = template_path(project)
    found = expect_error(result, template, line, None, *words)
    both = result.stdout + result.stderr
    for leak in ("Popen", "subprocess", "__builtins__", "root:x:"):
        assert leak not in both
    assert all(shown(template) in e for e in error_lines(result)), found
    assert pdfs(out, None) == []
    assert_nothing_half_written(out)


@pytest.mark.parametrize("markup, words", [
    ("<marquee>hi</marquee>", ("<marquee>",)),
    ("<para>x <blink>hi</blink></para>", ("<blink>",)),
])
def test_unknown_markup_tag_names_the_template_line(project, markup, words):
    line = insert_in_section(project, markup)
    result, out = build(project)
    expect_error(result, template_path(project), line, None, *words)
    assert pdfs(out, None) == []


def test_misplaced_known_tag_names_its_own_line(project):
    line = insert_in_section(project, "<tagline>hi</tagline>")
    result, _ = build(project)
    expect_error(result, template_path(project), line, None, "<tagline>")


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
# 14. The output path.


def test_out_pointing_at_a_file_is_a_clear_error(project, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_bytes(b"keep me")
    result, _ = build(project, out=target)
    assert_clean_failure(result)
    assert all(str(target) in e for e in error_lines(result)), result.stderr
    assert "file" in result.stderr
    assert target.read_bytes() == b"keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_a_folder_where_a_pdf_goes_fails_that_handout_only(project, tmp_path):
    out = tmp_path / "out"
    (out / "en" / f"{BAD}.pdf").mkdir(parents=True)
    result, _ = build(project, out=out)
    expect_error(result, out / "en" / f"{BAD}.pdf", None, None, "folder")
    assert_others_built(result, out)


# ---------------------------------------------------------------------------
# 15 and 16. One bad handout fails alone; earlier good output stays intact.


def test_one_bad_handout_does_not_stop_the_others(project):
    path = write_article(project, GOOD.replace("title: Leg cramps", "title: 123"))
    result, out = build(project)
    expect_error(result, path, 1, "title")
    assert_others_built(result, out)
    assert all(f"{s}.pdf" in result.stdout for s in OTHERS)


BREAKS = {
    "yaml-syntax": lambda p: write_article(p, GOOD.replace("    bullets:", "   bullets:")),
    "schema": lambda p: write_article(p, GOOD.replace("reviewed:", "reviewd:")),
    "missing-glyph": lambda p: write_article(p, GOOD.replace("sudden.", "sudden \u2603.")),
    "too-long": lambda p: write_article(p, too_long_article()),
    "empty": lambda p: write_article(p, b""),
}


@pytest.mark.parametrize("how", BREAKS)
def test_earlier_good_pdf_stays_byte_identical(project, how):
    write_article(project, GOOD)
    first, out = build(project)
    assert first.returncode == 0, first.stderr
    before = {s: (out / "en" / f"{s}.pdf").read_bytes() for s in SLUGS}

    BREAKS[how](project)
    second, _ = build(project, out=out)
    expect_error(second, article_path(project), None, None)
    after = {s: (out / "en" / f"{s}.pdf").read_bytes() for s in SLUGS}
    assert after[BAD] == before[BAD]
    assert after == before  # the others rebuild to the same bytes
    leftovers = [p.name for p in out.rglob("*") if p.suffix == ".tmp" or p.name.startswith(".")]
    assert leftovers == []


def test_bad_clinic_file_leaves_every_earlier_pdf_alone(project):
    first, out = build(project)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    set_line(clinic_path(project), r"\s+primary:", '  primary: "blue"')
    second, _ = build(project, out=out)
    expect_error(second, clinic_path(project), None, "colors.primary")
    assert {p: p.read_bytes() for p in out.rglob("*.pdf")} == before
    assert not [p for p in out.rglob("*") if p.suffix == ".tmp"]


# ---------------------------------------------------------------------------
# 17. Too long for one page.


def test_too_long_for_one_page_says_how_much_is_over(project):
    path = write_article(project, too_long_article())
    result, out = build(project)
    found = expect_error(result, path, None, None, "does not fit on one page")
    m = re.search(r"about (\d+) lines? \((\d+\.\d\d) in\) too long", found)
    assert m, found
    assert int(m.group(1)) > 0 and float(m.group(2)) > 0
    assert_others_built(result, out)


def test_too_long_names_the_line_and_field_where_it_overflows(project):
    text = too_long_article()
    path = write_article(project, text)
    result, _ = build(project)
    found = expect_error(result, path, None, None, "does not fit on one page")
    m = re.match(re.escape(f"error: {shown(path)}:") + r"(\d+): sections\[(\d)\]\.(heading|body): ", found)
    assert m, found
    heading = line_of(text, f"Part {m.group(2)}")
    assert int(m.group(1)) == (heading if m.group(3) == "heading" else heading + 1), found


def test_overlong_callout_is_blamed_for_the_overflow(project):
    body = (SENTENCE * 36).strip()
    bullet = "Call the clinic if a sore on your leg will not heal. " * 5
    bullets = "".join(f"    - {bullet.strip()}\n" for _ in range(10))
    text = (GOOD + f"callout:\n  heading: When to get help\n  body: {body}\n  bullets:\n{bullets}")
    path = write_article(project, text)
    result, _ = build(project)
    found = expect_error(result, path, None, None, "does not fit on one page")
    assert re.match(re.escape(f"error: {shown(path)}") + r"(:\d+)?: callout", found), found


# ---------------------------------------------------------------------------
# 18 and 19. Bad names on the command line.


@pytest.mark.parametrize("slugs", [["nosuch"], [BAD, "nosuch"], ["../en/leg-cramps"]])
def test_unknown_slug_is_a_clear_error(project, slugs):
    result, out = build(project, *slugs)
    assert_clean_failure(result)
    assert any(slugs[-1] in e for e in error_lines(result)), result.stderr
    assert pdfs(out, None) == []


@pytest.mark.parametrize("lang", ["../../x", "../en", "en/../en", "/etc"])
def test_path_like_lang_is_refused(project, lang):
    result, out = build(project, "--lang", lang)
    assert_clean_failure(result)
    assert any("--lang" in e and repr(lang) in e for e in error_lines(result)), result.stderr
    assert not out.exists() or not any(out.rglob("*"))
    assert not (project.parent / "x").exists()


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
    result = cli("check", "--project", str(project))
    expect_error(result, path, 1, "title")
