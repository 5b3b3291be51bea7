"""Messages a clinic admin understands (issue 12): where the project is,
paths relative to it, one mistake one line, plain words for YAML traps, and
suggestions for slugs."""

from __future__ import annotations

from helpers import (
    BAD, GOOD, REPO, SLUGS, assert_clean_failure, assert_others_built, build, clinic_path,
    error_lines, line_of, pdfs, run_cli, set_line, write_article,
)

NOTICE = "using the built-in demo clinic; run `handouts init DIR` to start your own"


# ---------------------------------------------------------------------------
# Where the project is.


def test_paths_in_messages_are_relative_to_the_project(project):
    text = GOOD.replace("title: Leg cramps", "title: 123")
    write_article(project, text)
    result, out = build(project)
    assert "error: content/en/leg-cramps.yaml:1: title: should be text" in result.stderr
    assert str(project) not in result.stderr


def test_built_lines_show_the_output_relative_to_the_project(project):
    result = run_cli("build", BAD, "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert "built output/en/leg-cramps.pdf" in result.stdout


def test_build_inside_a_language_folder_finds_the_project_above(project):
    """As git looks for .git: `handouts build` in content/en/ builds this
    clinic into PROJECT/output, never the demo into content/en/output."""
    here = project / "content" / "en"
    result = run_cli("build", cwd=here)
    assert result.returncode == 0, result.stderr
    assert NOTICE not in result.stderr
    assert sorted(p.name for p in (project / "output" / "en").glob("*.pdf")) == [f"{s}.pdf" for s in SLUGS]
    assert not (here / "output").exists()


def test_demo_clinic_is_announced_once_on_stderr(tmp_path):
    result = run_cli("build", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(NOTICE) == 1, result.stderr
    assert NOTICE not in result.stdout
    listing = run_cli("list", cwd=tmp_path)
    assert listing.stderr.count(NOTICE) == 1


def test_no_notice_for_a_real_project(project):
    result = run_cli("list", "--project", str(project))
    assert NOTICE not in result.stderr


def test_yml_files_are_built_and_other_files_warned(project):
    en = project / "content" / "en"
    (en / "stairs.yml").write_text(GOOD.replace("Leg cramps", "Stairs"), "utf-8")
    (en / "notes.txt").write_text("to do", "utf-8")
    (en / "risk-factors.yml").write_text(GOOD, "utf-8")
    result, out = build(project)
    assert result.returncode == 0, result.stderr
    assert "stairs.pdf" in pdfs(out)
    assert "warning: content/en/notes.txt: not built" in result.stderr
    assert "warning: content/en/risk-factors.yml: not built" in result.stderr
    assert "stairs" not in result.stderr


# ---------------------------------------------------------------------------
# One mistake, one line.


def test_misspelled_required_key_is_one_line(project):
    text = GOOD.replace("summary:", "sumary:")
    write_article(project, text)
    result, out = build(project)
    mine = [e for e in error_lines(result) if "leg-cramps.yaml" in e]
    assert mine == ["error: content/en/leg-cramps.yaml:2: sumary: unknown key; did you mean 'summary'?"], \
        result.stderr
    assert_others_built(result, out)


def test_a_really_missing_key_is_still_required(project):
    text = GOOD.replace("summary: Most leg cramps are not serious.\n", "")
    write_article(project, text)
    result, _ = build(project)
    assert any("summary: required" in e for e in error_lines(result)), result.stderr


def test_a_word_the_font_cannot_draw_is_one_line_naming_the_word_and_face(project):
    text = GOOD.replace("title: Leg cramps", "title: Leg cramps ☃☂").replace(
        "all of a sudden.", "all of a sudden ☃.")
    write_article(project, text)
    result, out = build(project)
    mine = [e for e in error_lines(result) if "leg-cramps.yaml" in e]
    assert len(mine) == 2, result.stderr
    title, body = sorted(mine)
    assert title.startswith("error: content/en/leg-cramps.yaml:1: title: ")
    assert "SourceSansPro-Bold" in title and "U+2603" in title and "U+2602" in title and "“☃☂”" in title
    assert "sections[1].body" in body and "the font SourceSansPro (used for en) has" in body and "“☃.”" in body


# ---------------------------------------------------------------------------
# Plain words for the YAML traps.


def test_tab_says_use_spaces(project):
    text = GOOD.replace("  - heading: What you can do", "\t- heading: What you can do")
    write_article(project, text)
    result, out = build(project)
    [line] = [e for e in error_lines(result) if "leg-cramps.yaml" in e]
    assert f":{line_of(text, chr(9))}: " in line and "indented with a tab; YAML needs spaces" in line
    assert_others_built(result, out)


def test_unquoted_hash_colour_says_hash_starts_a_comment(project):
    clinic = clinic_path(project)
    line = set_line(clinic, r"\s+primary:", "  primary: #1F5A7A")
    result, out = build(project)
    assert_clean_failure(result)
    [found] = error_lines(result)
    assert found.startswith(f"error: content/clinic.yaml:{line}: colors.primary: ")
    assert "\"#\" starts a comment in YAML" in found and '"#1F5A7A"' in found


def test_colon_in_a_list_item_says_use_quotes(project):
    text = GOOD.replace("- Stretch and rub your calf.", "- Call us: 555-0142")
    write_article(project, text)
    result, out = build(project)
    [found] = [e for e in error_lines(result) if "leg-cramps.yaml" in e]
    assert f":{line_of(text, 'Call us')}: sections[2].bullets[1]: " in found
    assert "put text that contains ': ' in quotes" in found


def test_colon_in_a_value_says_use_quotes(project):
    text = GOOD.replace("summary: Most leg cramps", "summary: Note: most leg cramps")
    write_article(project, text)
    result, out = build(project)
    [found] = [e for e in error_lines(result) if "leg-cramps.yaml" in e]
    assert ":2: " in found and "put text that contains ': ' in quotes" in found


def test_unreadable_image_says_so_in_plain_words(project):
    (project / "content" / "assets" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    set_line(clinic_path(project), r"logo:", "logo: assets/bad.png")
    result, _ = build(project)
    [found] = error_lines(result)
    assert "not a PNG or JPEG that can be opened" in found
    assert "Error" not in found  # no Python class name


# ---------------------------------------------------------------------------
# Slugs.


def test_unknown_slug_suggests_the_closest(project):
    result, out = build(project, "leg-cramp")
    assert_clean_failure(result)
    assert "no handout named leg-cramp; did you mean leg-cramps?" in result.stderr
    assert pdfs(out) == []


def test_unknown_slug_with_nothing_close_lists_what_there_is(project):
    result, _ = build(project, "zzz")
    assert "no handout named zzz (have: cvi-symptoms, leg-cramps, risk-factors)" in result.stderr


def test_debug_is_the_only_way_to_a_traceback(project):
    write_article(project, GOOD.replace("title: Leg cramps", "title: 123"))
    plain = run_cli("build", "--project", str(project), cwd=REPO)
    assert "Traceback" not in plain.stderr and plain.returncode == 1


def test_usage_error_is_status_2_as_documented(project):
    result = run_cli("build", "--paper", "legal", "--project", str(project))
    assert result.returncode == 2
    readme = (REPO / "README.md").read_text("utf-8")
    assert "2 for a mistake in the command itself" in readme
