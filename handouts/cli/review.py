"""``handouts review`` and ``handouts approve``: what changed in a handout's
words since a clinician approved them, and recording a new approval."""

from __future__ import annotations

import datetime as dt

import click

from handouts import library, review
from handouts.cli.options import PROJECT, guard, open_project
from handouts.errors import ContentError, shown_path
from handouts.library import Item

LANG = click.option("--lang", default="en", show_default=True,
                    help="The language of the handout (LANG:SLUG works too: es:leg-cramps).")

#: How removed and added words look: marked in plain text, and coloured on a terminal.
REMOVED = dict(fg="red", strikethrough=True)
ADDED = dict(fg="green", bold=True, underline=True)


def show_diff(ops) -> str:
    """``[-removed-]`` and ``{+added+}`` (as ``git diff --word-diff`` writes
    them), coloured when the output is a terminal (click drops the colour
    otherwise)."""
    out = []
    for op, text in ops:
        if op == "=":
            out.append(text)
            continue
        for i, line in enumerate(text.split("\n")):   # a mark never spans lines
            if i:
                out.append("\n")
            if line:
                mark = f"[-{line}-]" if op == "-" else f"{{+{line}+}}"
                out.append(click.style(mark, **(REMOVED if op == "-" else ADDED)))
    text = ""
    for part in out:   # one space between runs, none at a line's edge
        if text and not text.endswith("\n") and not part.startswith("\n"):
            text += " "
        text += part
    return text


def _refuse(why: str):
    raise ContentError.at(None, None, "--by", why)


def _words(n: int) -> str:
    return f"{n} word{'s' if n != 1 else ''}"


@click.command(name="review")
@click.argument("slug")
@PROJECT
@LANG
def review_(slug, project, lang):
    """Show, word by word, what changed in SLUG since a clinician last
    approved it ([-removed-], {+added+}); a handout never approved shows all
    of its words. Every word the patient sees is there: the article, any
    shared block it includes, and the words around it (header, footer)."""
    proj = open_project(project)
    item = guard(lambda: Item.parse(slug, lang))
    from handouts.handout import approval

    state = guard(lambda: approval(proj, item))
    where = shown_path(library.path(proj, item))
    words = f"sha256:{review.short(state.digest)}"
    if state.record is None:
        click.echo(f"{item.lang}/{item.slug} ({where}): never approved. Its words ({words}):")
        click.echo("")
        click.echo(state.text)
    elif state.draft:
        ops = review.diff(state.record.text, state.text)
        removed, added = review.changed_words(ops)
        click.echo(f"{item.lang}/{item.slug} ({where}): changed since {state.record.by} approved it on "
                   f"{state.record.date.isoformat()}: {_words(removed)} removed [-like this-], "
                   f"{_words(added)} added {{+like this+}}. Its words now ({words}):")
        click.echo("")
        click.echo(show_diff(ops))
    else:
        click.echo(f"{item.lang}/{item.slug} ({where}): {state.record.describe()}, unchanged since "
                   f"({words}){'; its review is due' if state.review_due else ''}:")
        click.echo("")
        click.echo(state.text)
    click.echo("")
    if state.draft or state.review_due:
        click.echo(f"To approve these words: handouts approve {item.slug} --lang {item.lang} "
                   f'--by "NAME, CREDENTIAL"', err=True)


@click.command()
@click.argument("slugs", nargs=-1, required=True)
@PROJECT
@LANG
@click.option("--by", default=None, metavar='"NAME, CREDENTIAL"',
              help='Who approves the words: a name and a credential, such as "Ana Ruiz, MD".')
@click.option("--note", default=None, help="A note kept in the record (such as who asked for the change).")
def approve(slugs, project, lang, by, note):
    """Record that a clinician approved the current words of each SLUG (in
    content/approvals/LANG/SLUG.yaml, to keep in git with the content). Its
    PDFs then show the review line with today's date instead of "Draft"."""
    from handouts.render import words as words_of   # the layout's modules: only to approve

    proj = open_project(project)
    try:
        review.check_by(by)
    except ValueError as exc:
        why = "is required: say who approves the words" if by is None else str(exc)
        guard(lambda: _refuse(why))
    items = guard(lambda: [Item.parse(s, lang) for s in dict.fromkeys(slugs)])
    texts = {}
    for item in items:   # every handout read before anything is written
        texts[item] = guard(lambda: words_of(proj, item))
    today = dt.date.today()
    for item, text in texts.items():
        record = guard(lambda: review.write(proj.content, item, by, text, today, note))
        click.echo(f"approved {item.lang}/{item.slug} (sha256:{review.short(record.digest)}) by {by} "
                   f"on {today.isoformat()}: {shown_path(record.path)}")
