"""Template mistakes at the template's own line, in words (issue 21): an
unknown name with what there is, an item past a list's end, a private name,
a block tag left open or closed twice, a markup tag left open or closed
twice, markup after the handout's end, a stray "<". And ``check`` says each
problem once, with the handouts or languages it affects, and always counts."""

from __future__ import annotations

import pytest

from helpers import LANGS, build, error_lines, expect_error, run_cli, template_path

#: Words from inside Jinja and the XML parser; none may reach an admin.
ENGINE_WORDS = ("dict object", "has no attribute", "has no element", "is unsafe",
                "Jinja was looking", "mismatched tag", "junk after document element",
                "not well-formed", "no element found", "rendered markup line", "undefined name",
                "unexpected end of template")

#: (what, the template text it replaces, the mistake, the line it is at as a
#: piece of the edited template, words said)
MISTAKES = [
    ("a misspelled article key", "{{ article.title }}</title>", "{{ article.titel }}</title>",
     "article.titel", ("article.titel: there is no 'titel'; the article has: title, summary",)),
    ("a misspelled key of a loop's item", "<heading>{{ section.heading }}</heading>",
     "<heading>{{ section.headng }}</heading>", "section.headng",
     ("section.headng: there is no 'headng'; the section has: heading, body, bullets",)),
    ("an item past the end of a list", "<title>{{ article.title }}</title>",
     "<title>{{ article.sections[99].heading }}</title>", "sections[99]",
     ("article.sections[99]: there is no item 99; it has",)),
    ("a misspelled top name", "<title>{{ article.title }}</title>", "<title>{{ artcle.title }}</title>",
     "artcle", ("there is no 'artcle'; a handout template can use: article, clinic, lang, words",)),
    ("a private name", "<title>{{ article.title }}</title>", "<title>{{ article.__class__ }}</title>",
     "__class__", ("templates cannot read '__class__'",)),
    ("a for never closed", "  </section>\n{% endfor %}", "  </section>\n",
     "{% for section", ("is never closed; add {% endfor %}",)),
    ("an endfor twice", "  </section>\n{% endfor %}", "  </section>\n{% endfor %}\n{% endfor %}\n",
     None, ("{% endfor %} here closes nothing (closed twice?)",)),
    ("an if never closed", "<tagline>{{ clinic.tagline }}</tagline>\n{% endif %}",
     "<tagline>{{ clinic.tagline }}</tagline>\n", "{% if clinic.tagline",
     ("is never closed; add {% endif %}",)),
    ("a markup tag never closed", "<summary>{{ article.summary }}</summary>",
     "<summary>{{ article.summary }}", "<summary>",
     ("<summary> opened on line", "is never closed; add </summary> before the </handout> on line")),
    ("a markup tag closed twice", "<summary>{{ article.summary }}</summary>",
     "<summary>{{ article.summary }}</summary></summary>", "<summary>",
     ("</summary> here closes nothing (closed twice",)),
    ("markup after the end", "</handout>", "</handout>\n<extra/>", "<extra/>",
     ("markup after </handout>",)),
    ("a stray <", "<summary>{{ article.summary }}</summary>",
     "<summary>{{ article.summary }} < 5</summary>", "< 5", ("a < or & here is not a tag",)),
]


def _line(text: str, piece: str | None) -> int:
    lines = text.splitlines()
    if piece is None:  # the second endfor after </section>
        return next(i for i, ln in enumerate(lines, 1) if ln == "  </section>") + 2
    return next(i for i, ln in enumerate(lines, 1) if piece in ln)


@pytest.mark.parametrize("what, old, new, at, words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_template_mistake_is_one_plain_line_at_the_template_line(project, what, old, new, at, words):
    path = template_path(project)
    text = path.read_text("utf-8")
    assert old in text, "the bundled template changed; update this case"
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    result, out = build(project, "leg-cramps")
    found = expect_error(result, path, _line(text, at), None, *words)
    assert len(error_lines(result)) == 1, result.stderr
    assert not any(w.lower() in found.lower() for w in ENGINE_WORDS), found


def test_check_says_a_template_problem_once_with_what_it_affects(project):
    path = template_path(project)
    text = path.read_text("utf-8").replace("{{ article.title }}</title>", "{{ article.titel }}</title>", 1)
    path.write_text(text, "utf-8")
    result = run_cli("check", "--project", str(project))
    errors = error_lines(result)
    assert len(errors) == 1, result.stderr
    assert errors[0].endswith(f"({', '.join(LANGS)}: every handout)"), errors[0]
    n = 3 * len(LANGS)
    assert result.stderr.strip().splitlines()[-1] == f"checked {n}: {n} with errors, 0 with warnings"
    assert result.returncode == 1


def test_check_says_a_clinic_problem_once_and_counts_when_all_is_well(project):
    ok = run_cli("check", "--project", str(project))
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr.strip().splitlines()[-1].startswith(f"checked {3 * len(LANGS)}: 0 with errors")
