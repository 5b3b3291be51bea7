"""The clinic's "when to get help" written once per language
(content/blocks/<lang>/when-to-get-help.yaml) and included by every handout:
its words reach every PDF, a handout's own lines follow them, one edit changes
them everywhere, and a bad or missing block is the usual one-line error naming
the right file and line."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO
from helpers import build, expect_error, line_of, pdfs, set_line, squash
from pdfutil import open_pdf, stream_text
from handouts import library, render
from handouts.project import Project

HANDOUTS = ("cvi-symptoms", "leg-cramps", "risk-factors")


def block(lang: str, root=REPO) -> dict:
    return yaml.safe_load((root / "content" / "blocks" / lang / "when-to-get-help.yaml").read_text("utf-8"))


def page_text(path) -> str:
    with open_pdf(path) as pdf:
        return squash(" ".join(stream_text(p) for p in pdf.pages)).replace(" ", "")


def printed(text: str) -> str:
    return squash(text).replace(" ", "")


@pytest.mark.parametrize("lang", ["en", "es", "vi", "zh-Hans"])
def test_the_shared_block_is_in_every_handout_with_the_handouts_own_lines_after_it(built, lang):
    shared = block(lang)
    assert len(shared["bullets"]) >= 6
    for slug in HANDOUTS:
        raw = yaml.safe_load((REPO / "content" / lang / f"{slug}.yaml").read_text("utf-8"))
        assert raw["callout"]["include"] == "when-to-get-help"
        assert "heading" not in raw["callout"]              # written once, in the block
        text = page_text(built / lang / f"{slug}.pdf")
        pos = text.find(printed(shared["heading"]))
        assert pos >= 0, slug
        for line in [*shared["bullets"], *raw["callout"].get("bullets", [])]:
            found = text.find(printed(line), pos)
            assert found > pos, f"{slug}: {line!r} missing or out of order"
            pos = found
    # The cramp-specific lines are leg-cramps' own.
    own = yaml.safe_load((REPO / "content" / lang / "leg-cramps.yaml").read_text("utf-8"))
    extra = own["callout"]["bullets"]
    assert extra and printed(extra[0]) not in page_text(built / lang / "cvi-symptoms.pdf")


def test_one_edit_to_the_block_changes_every_handout(project):
    path = project / "content" / "blocks" / "en" / "when-to-get-help.yaml"
    set_line(path, r"^heading:", "heading: When to call for help")
    result, out = build(project)
    assert result.returncode == 0, result.stderr
    for slug in HANDOUTS:
        assert printed("When to call for help") in page_text(out / "en" / f"{slug}.pdf")


def test_a_cached_article_and_pdf_follow_an_edit_to_the_block(project):
    """The library and the render cache key on the block too: the page and
    the EHR answers never serve yesterday's red flags."""
    proj = Project(project)
    item = library.Item("en", "cvi-symptoms")
    before = library.article(proj, item).callout
    first = render.render(proj, item)
    path = project / "content" / "blocks" / "en" / "when-to-get-help.yaml"
    set_line(path, r"^heading:", "heading: When to call for help")
    assert library.article(proj, item).callout.heading == "When to call for help" != before.heading
    again = render.render(proj, item)
    assert again.pdf != first.pdf


def test_a_mistake_in_the_block_names_the_block_file_and_line(project):
    path = project / "content" / "blocks" / "en" / "when-to-get-help.yaml"
    line = set_line(path, r"^heading:", "heading: When to get help\nbulets: [x]") + 1
    result, out = build(project)
    expect_error(result, path, line, "bulets", "unknown key", "bullets")
    assert pdfs(out) == []           # every English handout includes it: none is written
    result, out = build(project, "--lang", "es", out=project / "es-out")
    assert result.returncode == 0 and pdfs(out, "es") == [f"{s}.pdf" for s in HANDOUTS]


def test_a_character_the_font_lacks_in_the_block_is_blamed_on_the_block(project):
    path = project / "content" / "blocks" / "en" / "when-to-get-help.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("about 2 weeks", "about 2 weeks \u2603"), "utf-8")
    result, _ = build(project, "cvi-symptoms")
    expect_error(result, path, line_of(path.read_text("utf-8"), "\u2603"), "bullets[6]", "U+2603")


def test_a_missing_block_is_named_with_a_suggestion(project):
    article = project / "content" / "en" / "leg-cramps.yaml"
    line = set_line(article, r"^  include:", "  include: when-to-get-hlp")
    result, out = build(project, "leg-cramps", "cvi-symptoms")
    expect_error(result, article, line, "callout.include",
                 "no content/blocks/en/when-to-get-hlp.yaml", "did you mean when-to-get-help?")
    assert pdfs(out) == ["cvi-symptoms.pdf"]     # the others still built
    (project / "content" / "blocks" / "en" / "when-to-get-help.yaml").unlink()
    set_line(article, r"^  include:", "  include: when-to-get-help")
    result, _ = build(project, "leg-cramps")
    expect_error(result, article, line, "callout.include", "(have: none)")


@pytest.mark.parametrize("name", ["../en/leg-cramps", "When-To-Get-Help", "x/y"])
def test_a_block_name_is_a_plain_name(project, name):
    article = project / "content" / "en" / "cvi-symptoms.yaml"
    line = set_line(article, r"^  include:", f'  include: "{name}"')
    result, _ = build(project, "cvi-symptoms")
    expect_error(result, article, line, "callout.include", "is not a block name")


def test_the_words_are_written_once(project):
    article = project / "content" / "en" / "cvi-symptoms.yaml"
    line = set_line(article, r"^  include:", "  include: when-to-get-help\n  heading: Get help") + 1
    result, _ = build(project, "cvi-symptoms")
    expect_error(result, article, line, "callout.heading", "comes from content/blocks/en/when-to-get-help.yaml")


def test_the_block_and_the_handouts_lines_hold_at_most_ten(project):
    article = project / "content" / "en" / "leg-cramps.yaml"
    text = article.read_text("utf-8")
    article.write_text(text.replace("\n  bullets:", "\n  bullets:\n    - One.\n    - Two.\n    - Three.", 1),
                       "utf-8")
    result, _ = build(project, "leg-cramps")
    lines = article.read_text("utf-8").splitlines()
    expect_error(result, article, lines.index(next(x for x in lines if x.startswith("  bullets:"))) + 1,
                 "callout.bullets",
                 "would have 11 bullets", "at most 10")


def test_a_handouts_own_line_is_blamed_at_its_own_line(project):
    article = project / "content" / "en" / "leg-cramps.yaml"
    text = article.read_text("utf-8")
    article.write_text(text.replace("    - \"Call us: cramps", "    - {not: text}\n    - \"Call us: cramps"), "utf-8")
    result, _ = build(project, "leg-cramps")
    expect_error(result, article, line_of(article.read_text("utf-8"), "{not: text}"), "callout.bullets[2]",
                 "put text that contains ': ' in quotes")
