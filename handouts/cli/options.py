"""What the commands share: the common options, opening the project, printing
problems as one line each (exit 1), and the summary line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from handouts.errors import HandoutError, paths_relative_to
from handouts.project import Project

if TYPE_CHECKING:
    from handouts.build import Report

PROJECT = click.option(
    "--project", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder with content/ (and optionally templates/). Default: the nearest folder "
         "with content/ (this one or a parent), else the bundled demo clinic.",
)
LANG = click.option("--lang", default="en", show_default=True, help="Language folder under content/.")
LANGS = click.option("--lang", "langs", multiple=True, metavar="LANG",
                     help="Only this language (a folder under content/); repeat for several. "
                          "Default: every language.")
PAPER = click.option("--paper", type=click.Choice(["letter", "a4"], case_sensitive=False), default=None,
                     help="Paper size. Default: paper: in clinic.yaml, else letter.")


LARGE = click.option("--large-print", is_flag=True,
                     help="Large print: 18 pt body, up to two pages, written as <slug>-large-print.pdf.")


def run(*args, **kwargs) -> "Report":
    """``handouts.build.run``, imported on first use: ``--help`` and ``list``
    do not need the renderer."""
    from handouts.build import run as build_run

    return build_run(*args, **kwargs)


DEMO_NOTICE = "using the built-in demo clinic; run `handouts init DIR` to start your own"


def print_problems(report: Report) -> None:
    for line in dict.fromkeys(str(p) for p in report.warnings):
        click.echo(f"warning: {line}", err=True)
    for line in dict.fromkeys(str(p) for p in report.all_problems()):  # each once
        click.echo(f"error: {line}", err=True)


def open_project(project: Path | None) -> Project:
    """The project for this command: --project, else the nearest folder with
    content/, else the demo clinic (said once, on stderr). Paths in messages
    are shown relative to its folder from here on."""
    proj = guard(lambda: Project.find(project))
    if proj.bundled:
        click.echo(f"note: {DEMO_NOTICE}", err=True)
    click.get_current_context().with_resource(paths_relative_to(proj.root))
    return proj


def plural(count: int, noun: str) -> str:
    """``plural(1, "handout")`` -> ``"1 handout"``; 2 -> ``"2 handouts"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def guard(fn):
    try:
        return fn()
    except HandoutError as exc:
        for p in exc.problems:
            click.echo(f"error: {p}", err=True)
        sys.exit(1)


def finish(report: Report, verb: str, seconds: float | None = None) -> None:
    """Print the problems and one summary line, ``built 200 handouts in
    16.2 s; 1 failed``; exit 1 if anything failed."""
    print_problems(report)
    bad = sum(1 for o in report.outcomes if not o.ok)
    good = sum(1 for o in report.outcomes if o.ok)
    if report.outcomes:
        line = f"{verb} {plural(good, 'handout')}"
        if seconds is not None:
            line += f" in {seconds:.1f} s"
        if bad:
            line += f"; {bad} failed"
        click.echo(line, err=True)
    elif report.problems:
        click.echo(f"nothing {verb}", err=True)
    if report.problems or bad:
        sys.exit(1)
