"""Runaway output refused early in every path (issue 21): a template loop
that makes 100,000 paragraphs (inside every documented template limit) is
refused before layout, in a second or two of CPU per handout, blaming the
template line that made it, not the article; build, check, the render API
and the large-print layout alike."""

from __future__ import annotations

import time

import pytest

from helpers import build, error_lines, expect_error, run_cli, template_path

LOOP = '<section><heading>x</heading>{% for i in range(100000) %}<para>x</para>{% endfor %}</section>'


@pytest.fixture
def runaway(project):
    path = template_path(project)
    text = path.read_text("utf-8")
    old = "<summary>{{ article.summary }}</summary>"
    assert old in text
    path.write_text(text.replace(old, old + "\n  " + LOOP, 1), "utf-8")
    return project, path, text.splitlines().index(next(ln for ln in text.splitlines() if old in ln)) + 2


@pytest.mark.parametrize("large", [False, True], ids=["regular", "large-print"])
def test_build_refuses_a_runaway_loop_quickly_at_its_template_line(runaway, large):
    project, path, line = runaway
    started = time.process_time()
    result, out = build(project, *(["--large-print"] if large else []))
    used = time.process_time() - started
    found = expect_error(result, path, line, None, "far more markup than two pages hold",
                         "a loop here is far too big")
    assert len(error_lines(result)) == 1, result.stderr  # one line, not one per handout
    assert "leg-cramps.yaml" not in result.stderr and "Shorten" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("; 3 failed")
    assert used < 3 * 3, f"{used:.1f} s of CPU for 3 handouts"
    assert found


def test_check_and_the_render_api_refuse_it_too(runaway):
    from handouts.errors import TemplateError
    from handouts.library import Item
    from handouts.project import Project
    from handouts.render import render

    project, path, line = runaway
    checked = run_cli("check", "--project", str(project), "--lang", "en")
    assert checked.returncode == 1
    [error] = error_lines(checked)
    assert f"handout.xml.j2:{line}: " in error and "a loop here is far too big" in error
    started = time.process_time()
    with pytest.raises(TemplateError) as info:
        render(Project.find(project), Item("en", "leg-cramps"))
    assert time.process_time() - started < 3
    [problem] = info.value.problems
    assert problem.line == line and "far too big" in problem.message
