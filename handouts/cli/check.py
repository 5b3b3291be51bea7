"""``handouts check``: the health-literacy checks, as a table or JSON."""

from __future__ import annotations

import sys

import click

from handouts.cli.options import LANGS, PAPER, PROJECT, guard, open_project

@click.command()
@click.argument("slugs", nargs=-1)
@PROJECT
@LANGS
@PAPER
@click.option("--grade", "grade", type=float, default=None,
              help="Target reading grade for grade formulas (English). "
                   "Default: reading_grade in clinic.yaml, else 6.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def check(slugs, project, langs, paper, grade, strict, fmt):
    """Check handouts without writing: reading level (per language), long
    sentences, summary and call to action, review dates, translations, fit and
    glyphs."""
    import json

    from handouts import checks

    proj = open_project(project)
    results = guard(lambda: checks.check(proj, list(langs) or None, slugs, paper, grade))
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        click.echo(checks.table(results))
        for line in once_each(results):
            click.echo(f"error: {line}", err=True)
    errors = sum(1 for r in results if r.errors)
    warnings = sum(1 for r in results if r.warnings)
    click.echo(f"checked {len(results)}: {errors} with errors, {warnings} with warnings", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


def once_each(results) -> list[str]:
    """Each error once, with the handouts or languages it affects when it is
    more than one: ``(en, es: every handout)`` or ``(en:leg-cramps, es:leg-cramps)``."""
    affects: dict[str, list] = {}
    for r in results:
        for e in r.errors:
            affects.setdefault(e, []).append(r)
    by_lang: dict[str, int] = {}
    for r in results:
        by_lang[r.lang] = by_lang.get(r.lang, 0) + 1
    lines = []
    for error, rows in affects.items():
        if len(rows) < 2:
            lines.append(error)
            continue
        langs = sorted({r.lang for r in rows})
        if all(sum(1 for r in rows if r.lang == lang) == by_lang[lang] for lang in langs):
            lines.append(f"{error} ({', '.join(langs)}: every handout)")
        else:
            lines.append(f"{error} ({', '.join(f'{r.lang}:{r.slug}' for r in rows)})")
    return lines
