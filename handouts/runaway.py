"""Runaway output refused before layout.

A template loop inside every documented limit can still make 100,000
paragraphs, which the layout would spend half a minute measuring before
saying the handout does not fit. Two pages hold a few thousand words, so
markup far beyond that is refused at once (in build, check, the render API and
the page alike, which all fit through ``build.fit_handout``), blaming the
template line that made most of it when the template made it, else the
article's longest field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

from handouts import markup
from handouts.errors import FitError, Kind, Problem, TemplateError

#: Two large-print pages hold about 4,000 characters and a regular page about
#: 6,000; markup text beyond this is far past any page.
MAX_TEXT = 30_000
#: Paragraphs, items and other tags: a full page has about a hundred.
MAX_ELEMENTS = 1_500


def _count(node: markup.Node) -> int:
    return 1 + sum(_count(c) for c in node.children if isinstance(c, markup.Node))


def check(parsed: markup.Markup, article_texts: Iterable[tuple[Any, str]],
          marked: Callable[[], str], article_path: Path, line_for: Callable[[Any], int | None]) -> None:
    """Refuse markup far beyond two pages. ``article_texts`` are the article's
    (location, text) pairs; ``marked()`` renders the template again with line
    marks (only called when refusing)."""
    text = len(parsed.root.text())
    elements = _count(parsed.root)
    if text <= MAX_TEXT and elements <= MAX_ELEMENTS:
        return
    texts = list(article_texts)
    own = sum(len(t) for _, t in texts)
    if own > MAX_TEXT and text - own <= MAX_TEXT // 2 and elements <= MAX_ELEMENTS:
        loc, longest = max(texts, key=lambda pair: len(pair[1]))
        from handouts.loader import field_name

        raise FitError([Problem(article_path, line_for(loc), field_name(loc),
                                f"the handout has {own:,} characters of text; two pages hold about "
                                f"6,000, so shorten it (this field has {len(longest):,})", Kind.FIT)])
    line, _ = busiest_line(marked())
    raise TemplateError.at(parsed.template, line, None,
                           f"this line makes far more markup than two pages hold (over "
                           f"{MAX_TEXT:,} characters or {MAX_ELEMENTS:,} tags; a page holds about "
                           f"6,000 characters): a loop here is far too big", Kind.FIT)


def busiest_line(marked: str) -> tuple[int | None, int]:
    """The template line whose output is largest in the marked markup, and
    how many characters it made."""
    made: dict[int, int] = {}
    pieces = re.split(r"<\?line (\d+)\?>", marked)
    for number, chunk in zip(pieces[1::2], pieces[2::2]):
        made[int(number)] = made.get(int(number), 0) + len(chunk)
    if not made:
        return None, len(marked)
    line = max(made, key=made.get)
    return line, made[line]

