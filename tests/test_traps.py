"""Regression tests for the bad-input bugs found by fuzzing from outside
(issue 12, items 1-8). Each was a traceback, a hang or a silent acceptance;
each is now one clean line, exit status 1, and the other handouts still build.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from helpers import (
    BAD, GOOD, SLUGS, assert_clean_failure, assert_others_built, build, clinic_path,
    error_lines, insert_in_section, pdfs, set_line, write_article,
)


def one_line_errors(result) -> list[str]:
    """Every stderr line is an ``error:`` line or the summary: no stray
    continuation line from a name with a line break in it."""
    lines = result.stderr.splitlines()
    stray = [line for line in lines if not line.startswith(("error: ", "warning: ", "built ", "nothing "))]
    assert not stray, result.stderr
    return error_lines(result)


# 1. A name with a line break in it is quoted, so one problem stays one line.


def test_key_with_a_newline_is_one_quoted_line(project):
    text = GOOD + '"ti\\ntle": x\n'
    write_article(project, text)
    result, out = build(project)
    assert_clean_failure(result)
    [line] = [e for e in one_line_errors(result) if "ti" in e and "tle" in e]
    assert '"ti\\ntle"' in line and "unknown key" in line
    assert_others_built(result, out)


def test_file_name_with_a_newline_is_one_quoted_line(project):
    (project / "content" / "en" / "new\nline.yaml").write_text(GOOD, "utf-8")
    result, out = build(project)
    assert_clean_failure(result)
    [line] = [e for e in one_line_errors(result) if "line.yaml" in e]
    assert '"' in line and "new\\nline.yaml" in line
    assert "lower-case letters" in line
    assert pdfs(out) == [f"{s}.pdf" for s in SLUGS]


# 2. The slug check matches the whole name: a trailing line break is refused.


def test_file_name_ending_in_a_newline_is_not_a_slug(project):
    (project / "content" / "en" / "trail\n.yaml").write_text(GOOD, "utf-8")
    result, out = build(project)
    assert_clean_failure(result)
    [line] = [e for e in one_line_errors(result) if "trail" in e]
    assert "trail\\n.yaml" in line
    assert not [p for p in out.rglob("*") if "trail" in p.name]
    assert pdfs(out) == [f"{s}.pdf" for s in SLUGS]


def test_slug_pattern_matches_the_whole_name():
    from handouts.project import LANG_RE, SLUG_RE

    assert SLUG_RE.match("leg-cramps")
    assert not SLUG_RE.match("trail\n")
    assert not LANG_RE.match("en\n")


# 3. Explicit YAML tags are refused on keys and on values.


@pytest.mark.parametrize("line, field", [
    ("!!python/object/new:os.system summary: Most leg cramps are not serious.", "summary"),
    ("summary: !!python/object/apply:os.system [echo hi]", "summary"),
    ("summary: !!binary aGVsbG8=", "summary"),
    ("!!binary c3VtbWFyeQ==: hello", None),
    ("summary: !custom Most leg cramps are not serious.", "summary"),
], ids=["tag-on-key", "python-tag-on-value", "binary-value", "binary-key", "local-tag"])
def test_explicit_tags_are_refused(project, line, field):
    text = GOOD.replace("summary: Most leg cramps are not serious.", line)
    write_article(project, text)
    result, out = build(project)
    assert_clean_failure(result)
    found = [e for e in error_lines(result) if "YAML tag" in e and ":2: " in e]
    assert found, result.stderr
    if field:
        assert f":2: {field}: " in found[0]
    assert_others_built(result, out)


def test_plain_scalar_tags_are_fine(project):
    text = GOOD.replace("title: Leg cramps", "title: !!str Leg cramps")
    write_article(project, text)
    result, out = build(project, BAD)
    assert result.returncode == 0, result.stderr


# 4 and 5. A symlink loop or a very long name for a logo or font.


def _loop(assets: Path) -> str:
    os.symlink("loop-b.png", assets / "loop-a.png")
    os.symlink("loop-a.png", assets / "loop-b.png")
    return "assets/loop-a.png"


@pytest.mark.parametrize("key, make, words", [
    ("logo", _loop, ("symlink loop",)),
    ("logo", lambda assets: "assets/" + "x" * 300 + ".png", ("too long",)),
    ("logo", lambda assets: "assets/" + "x" * 5000 + ".png", ("too long",)),
    ("logo", lambda assets: "assets", ("folder",)),
    ("fonts.regular", _loop, ("symlink loop",)),
    ("fonts.regular", lambda assets: "assets/" + "y" * 300 + ".ttf", ("too long",)),
], ids=["logo-loop", "logo-300", "logo-5000", "logo-folder", "font-loop", "font-300"])
def test_bad_brand_file_paths_are_clean_errors(project, key, make, words):
    value = make(project / "content" / "assets")
    clinic = clinic_path(project)
    if key == "logo":
        line = set_line(clinic, r"logo:", f"logo: {value}")
    else:
        text = clinic.read_text("utf-8") + f"fonts:\n  regular: {value}\n  bold: {value}\n"
        clinic.write_text(text, "utf-8")
        line = len(text.splitlines()) - 1
    result, out = build(project)
    assert_clean_failure(result)
    found = [e for e in error_lines(result) if f"clinic.yaml:{line}: {key}: " in e]
    assert found and all(w in found[0] for w in words), result.stderr
    assert len(found[0]) < 300
    assert pdfs(out) == []


# 6. Endless, huge or special files are refused without reading them all.


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "fifo", "loop"])
def test_article_that_is_not_a_regular_file(project, target):
    path = project / "content" / "en" / f"{BAD}.yaml"
    path.unlink()
    if target == "fifo":
        os.mkfifo(path)
    elif target == "loop":
        os.symlink(path.name, path)
    else:
        os.symlink(target, path)
    start = time.monotonic()
    result, out = build(project)
    assert time.monotonic() - start < 30
    assert_clean_failure(result)
    words = "symlink loop" if target == "loop" else "not a regular file"
    assert any(f"{BAD}.yaml" in e and words in e for e in error_lines(result)), result.stderr
    assert_others_built(result, out)


def test_clinic_file_linked_to_dev_zero(project):
    clinic = clinic_path(project)
    clinic.unlink()
    os.symlink("/dev/zero", clinic)
    result, out = build(project)
    assert_clean_failure(result)
    assert any("clinic.yaml" in e and "not a regular file" in e for e in error_lines(result))


def test_huge_sparse_article_is_refused_by_size(project):
    path = project / "content" / "en" / f"{BAD}.yaml"
    with open(path, "r+b") as fh:
        fh.truncate(4 * 1024 ** 3)   # 4 GB, sparse: takes no disk
    result, out = build(project)
    assert_clean_failure(result)
    assert any(f"{BAD}.yaml" in e and "limit" in e for e in error_lines(result)), result.stderr
    assert_others_built(result, out)


def test_template_linked_to_dev_zero(project):
    template = project / "templates" / "handout.xml.j2"
    template.unlink()
    os.symlink("/dev/zero", template)
    result, out = build(project)
    assert_clean_failure(result)
    assert pdfs(out) == []


def test_huge_template_is_refused_by_size(project):
    template = project / "templates" / "handout.xml.j2"
    with open(template, "a", encoding="utf-8") as fh:
        fh.write("{# " + "x" * (2 * 1024 * 1024) + " #}\n")
    result, out = build(project)
    assert_clean_failure(result)
    assert any("handout.xml.j2" in e and "limit" in e for e in error_lines(result)), result.stderr


# 7. Deeply nested inline markup.


def test_500_nested_bold_tags_are_a_clean_error(project):
    line = insert_in_section(project, "<para>" + "<b>" * 500 + "deep" + "</b>" * 500 + "</para>")
    result, out = build(project)
    assert_clean_failure(result)
    assert any(f"handout.xml.j2:{line}: " in e and "nested" in e for e in error_lines(result)), result.stderr
    assert pdfs(out) == []


def test_a_few_nested_tags_still_work(project):
    write_article(project, GOOD)
    insert_in_section(project, "<para>" + "<b><i>" * 5 + "deep" + "</i></b>" * 5 + "</para>")
    result, out = build(project, BAD)
    assert result.returncode == 0, result.stderr


# 8. Templates that never finish or eat memory are stopped, naming the line.


@pytest.mark.parametrize("expr, words", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "seconds"),
    ("<para>{{ 'x'|center(10**9) }}</para>", "numbers above"),
    ("<para>{{ 'x'|indent(10**8) }}</para>", "numbers above"),
    ("<para>{{ '{:>999999999}'.format(1) }}</para>", "format widths"),
    ("<para>{{ '%0999999999d' % 1 }}</para>", "format widths"),
    ("<para>{{ '%0999999999d'|format(1) }}</para>", "format widths"),
    ("<para>{{ '%*d' % (999999999, 1) }}</para>", "numbers above"),
    ("<para>{{ ('x' * 100000)|replace('x', 'y' * 100000) }}</para>", "the limit is"),
    ("{% set ns = namespace(x='y' * 100000) %}{% for i in range(40) %}"
     "{% set ns.x = ns.x ~ ns.x %}{% endfor %}", "the limit is"),
    ("{% set ns = namespace(x='y' * 100000) %}{% for i in range(40) %}"
     "{% set ns.x = ns.x + ns.x %}{% endfor %}", "the limit is"),
    ("{% for i in range(100000) %}<para>{{ 'z' * 99 }}</para>{% endfor %}", "characters of markup"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "calls itself"),
], ids=["nested-loops", "center", "indent", "str-format", "percent", "format-filter", "star-width",
        "replace", "concat-doubling", "plus-doubling", "huge-output", "recursion"])
def test_runaway_template_is_stopped_with_its_line(project, expr, words):
    line = insert_in_section(project, expr)
    start = time.process_time()  # CPU, not wall time: a busy machine cannot fail this
    result, out = build(project, BAD)  # one handout is enough: they share the template
    assert time.process_time() - start < 30
    assert_clean_failure(result)
    found = [e for e in error_lines(result) if f"handout.xml.j2:{line}: " in e]
    assert found and words in found[0] and "sandbox" in found[0], result.stderr
    assert pdfs(out) == []


def test_render_limits_hold_in_the_library(project):
    """The same through the library, for the web page and email: a
    TemplateError naming the template and line, quickly."""
    from handouts.build import run
    from handouts.project import Project

    line = insert_in_section(project, "<para>{{ 'x'|center(10**9) }}</para>")
    report = run(Project.find(project), write=False)
    problems = report.all_problems()
    assert problems and all(p.line == line and "handout.xml.j2" in str(p.path) for p in problems)


@pytest.mark.parametrize("limit, value, words", [("MAX_SECONDS", 0.0, "ran longer than 0 seconds"),
                                                  ("MAX_MEMORY_MB", -1, "used more than -1 MB")])
def test_the_limits_are_checked_as_the_loops_run_without_tracing(project, monkeypatch, limit, value,
                                                                  words):
    """The time and memory limits are looked at each 16th time round the
    template's loops (or call it makes), not by a trace function on every
    line (``sys.settrace`` made every render about seven times slower): a
    good render sets no trace, and a loop past a limit is stopped at its
    line."""
    import sys

    from handouts import templating
    from handouts.build import run
    from handouts.project import Project

    def no_trace(function):
        raise AssertionError("a render set a trace function")

    monkeypatch.setattr(sys, "settrace", no_trace)
    assert run(Project.find(project), write=False).ok
    line = insert_in_section(project, "{% for i in range(100) %}{% endfor %}")
    monkeypatch.setattr(templating, limit, value)
    problems = run(Project.find(project), write=False).all_problems()
    assert problems and all(p.line == line and "handout.xml.j2" in str(p.path) and words in p.message
                            for p in problems), problems


# ---------------------------------------------------------------------------
# Found by tests/test_fuzz.py, kept as plain regression tests.


@pytest.mark.parametrize("data", [b"\xc2", "<handout>caf\u00e9</handout>\n".encode("latin-1")],
                         ids=["cut-utf8", "latin-1"])
def test_template_that_is_not_utf8_says_so_in_plain_words(project, data):
    """Fuzzing found: "template failed: UnicodeDecodeError: 'utf-8' codec can't
    decode byte 0xc2 ..." (a Python class name, no line)."""
    (project / "templates" / "handout.xml.j2").write_bytes(data)
    result, out = build(project)
    assert_clean_failure(result)
    [found] = [e for e in error_lines(result) if "handout.xml.j2" in e]
    assert "handout.xml.j2:1: not UTF-8 text" in found and "save the template as UTF-8" in found
    assert "Error" not in found
    assert pdfs(out) == []


def test_render_api_refuses_a_link_to_dev_zero_without_reading_it(project):
    """The render cache digests its inputs first; it must not read an endless file."""
    from handouts.errors import HandoutError
    from handouts.library import Item
    from handouts.project import Project
    from handouts.render import render

    path = project / "content" / "en" / f"{BAD}.yaml"
    path.unlink()
    os.symlink("/dev/zero", path)
    start = time.monotonic()
    with pytest.raises(HandoutError) as info:
        render(Project.find(project), Item("en", BAD))
    assert time.monotonic() - start < 30
    assert any("not a regular file" in p.message for p in info.value.problems)
