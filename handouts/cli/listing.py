"""``handouts list``: handouts, their languages and the state of their words
(approved, changed since, never approved; review due; translations out of
date); search and diagnosis codes."""

from __future__ import annotations

import sys

import click

from handouts.cli.options import PROJECT, open_project
from handouts.project import LANG_RE

@click.command(name="list")
@click.argument("search", required=False)
@PROJECT
@click.option("--lang", default=None, help="Only handouts in this language. Default: every language.")
@click.option("--code", default=None, metavar="CODE",
              help="Only handouts for this ICD-10-CM code or SNOMED CT id, as an EHR asks "
                   "(a handout coded I83 is for I83.91 too).")
def list_(search, project, lang, code):
    """List handouts: slug, title, and a column per language with the state
    of its words: "approved DATE", "changed since approved DATE" or "never
    approved" (both drafts), ", review due" when its approval is older than
    review_every_months, ", out of date" for a translation made from other
    words of its original, and "missing". With SEARCH, only those whose slug, title, summary
    or keywords contain it (in any language); with --code, only those for
    that diagnosis."""
    from handouts import review
    from handouts.handout import approval as words_state
    from handouts.catalog import REFERENCE
    from handouts.errors import HandoutError
    from handouts.library import Item
    from handouts.translations import survey

    def approval(item):
        try:
            return words_state(proj, item)
        except HandoutError:
            return None

    wanted = None
    if code is not None:
        from handouts.ehr import answers, codes

        wanted = answers.asked(None, code)
        if not wanted:
            click.echo(f"error: --code: {code!r} is neither an ICD-10-CM code (such as I87.2) "
                       f"nor a SNOMED CT id (such as 72866009)", err=True)
            sys.exit(1)

    proj = open_project(project)
    found = survey(proj, lambda item: (approval(item) or None) and approval(item).digest)
    langs = found.languages
    if lang is not None:
        if not LANG_RE.match(lang):
            click.echo(f"error: --lang: {lang!r} is not a language code such as en or es", err=True)
            sys.exit(1)
        langs = [lang] if lang in langs else []
    needle = _fold(search or "")
    header = ("slug", "title", *langs)
    table = []
    for slug, files in sorted(found.files.items()):
        arts = [found.article(lg, slug) for lg in langs if lg in files]
        if not arts:
            continue
        if needle and not any(a and needle in _fold(" ".join([slug, a.title, a.summary, *a.keywords]))
                              for a in arts):
            continue
        every = [found.article(lg, slug) for lg in files]     # codes: of all its languages together
        if wanted and not any(a and codes.covers(w.system, mine, w.code)
                              for a in every for w in wanted for mine in getattr(a.codes, w.system)):
            continue
        title_lang = (lang if lang in files else REFERENCE if found.article(REFERENCE, slug)
                      else next(iter(files)))
        article = found.article(title_lang, slug)
        cells = []
        for lg in langs:
            a = found.article(lg, slug)
            if lg not in files:
                cells.append("missing")
            elif a is None or approval(Item(lg, slug)) is None:
                cells.append("error")
            else:
                cells.append(approval(Item(lg, slug)).label()
                             + (", out of date" if found.stale(lg, slug) else ""))
        table.append((slug, article.title if article else "?", *cells))
    widths = [max(len(str(x[i])) for x in [header, *table]) for i in range(len(header))]
    for r in [header, *table]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    if not table:
        what = (f" matching {search!r}" if search else "") + (f" for the code {code}" if code else "")
        click.echo(f"no handouts{what}" + (f" in {lang}" if lang else ""), err=True)
    problems = [*found.problems, *review.records(proj).problems]
    for p in dict.fromkeys(problems):
        click.echo(f"error: {p}", err=True)
    if problems:
        sys.exit(1)


def _fold(text: str) -> str:
    """Lower case without accents, so "calambre" finds "Calambré" and "cafe" "café"."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(ch))
