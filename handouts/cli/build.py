"""``handouts build`` and ``handouts preview``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from handouts.cli.options import LANG, LANGS, LARGE, PAPER, PROJECT, finish, open_project, plural, run
from handouts.errors import HandoutError, shown_path

@click.command()
@click.argument("slugs", nargs=-1)
@PROJECT
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder. Default: PROJECT/output. PDFs go to OUT/<lang>/<slug>.pdf.")
@LANGS
@PAPER
@click.option("--packet", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write one PDF here instead: the SLUGS in the order given, one per page, "
                   "with a bookmark each. LANG:SLUG picks a language (es:leg-cramps).")
@LARGE
def build(slugs, project, out, langs, paper, packet, large_print):
    """Build handouts as PDFs (all of them, or the SLUGS named; LANG:SLUG names
    one language's handout, such as es:leg-cramps)."""
    proj = open_project(project)
    started = time.monotonic()
    with Progress() as progress:
        report = run(proj, lang=None, langs=langs or None, slugs=slugs, paper=paper, out=out, write=True,
                     packet=packet, large_print=large_print, progress=progress.update)
    if report.packet:
        click.echo(f"built packet {shown_path(report.packet)}  ({plural(len(report.outcomes), 'handout')}, "
                   f"{len(report.packet_pdf) // 1024} KB)")
    for o in report.outcomes:
        if o.ok and o.output and not progress.shown:
            pages = f", {o.fit.pages} pages" if o.fit.pages > 1 else ""
            draft = ", DRAFT: not yet reviewed" if o.approval and o.approval.draft else ""
            click.echo(f"built {shown_path(o.output)}  ({o.size // 1024} KB, body {o.fit.body_pt:g} pt{pages}{draft})")
    finish(report, "built", time.monotonic() - started)


class Progress:
    """A progress bar on stderr for builds of more than a few handouts, only
    when stderr is a terminal; otherwise nothing (the plain lines follow)."""

    MIN_HANDOUTS = 6

    def __init__(self):
        self.bar = None
        self.shown = False
        self.done = 0

    def update(self, done: int, total: int) -> None:
        if self.bar is None and total >= self.MIN_HANDOUTS and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="building", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
            self.shown = True
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


@click.command()
@click.argument("slug")
@PROJECT
@LANG
@PAPER
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PNG file to write. Default: PROJECT/previews/<lang>/<slug>.png "
                   "(outside output/, which holds only the PDFs).")
@click.option("--dpi", type=click.IntRange(20, 600), default=110, show_default=True)
@LARGE
def preview(slug, project, lang, paper, out, dpi, large_print):
    """Render a PNG picture of one handout's (first) page."""
    from handouts.output import write_atomic
    from handouts.preview import png_pages

    proj = open_project(project)
    report = run(proj, lang=lang, slugs=[slug], paper=paper, write=False, large_print=large_print)
    if report.ok:
        target = out or proj.root / "previews" / lang / f"{slug}{'-large-print' if large_print else ''}.png"
        try:
            write_atomic(target, png_pages(report.outcomes[0].pdf, dpi)[0])
        except HandoutError as exc:
            report.problems.extend(exc.problems)
        else:
            click.echo(f"wrote {shown_path(target)}")
    finish(report, "previewed")
