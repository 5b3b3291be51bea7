"""The command line: parse options, call library functions, print results.

Every user mistake is a HandoutError, printed as one line per problem with exit
status 1. ``--debug`` shows tracebacks for anything unexpected.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from handouts import __version__
from handouts.errors import HandoutError, paths_relative_to, shown_path
from handouts.project import LANG_RE, Project

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


def _print_problems(report: Report) -> None:
    for line in dict.fromkeys(str(p) for p in report.warnings):
        click.echo(f"warning: {line}", err=True)
    for line in dict.fromkeys(str(p) for p in report.all_problems()):  # each once
        click.echo(f"error: {line}", err=True)


class LazyGroup(click.Group):
    """Commands whose modules are imported only when they run (or when
    ``--help`` lists them): a build does not load email or the web server."""

    #: Email, outbox and log live with the mail package (handouts/mail/commands.py).
    lazy = {"email": ("handouts.mail.commands", "email"),
            "outbox": ("handouts.mail.commands", "outbox"),
            "log": ("handouts.mail.commands", "log_")}

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attr = self.lazy[name]
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


def _open(project: Path | None) -> Project:
    """The project for this command: --project, else the nearest folder with
    content/, else the demo clinic (said once, on stderr). Paths in messages
    are shown relative to its folder from here on."""
    proj = _guard(lambda: Project.find(project))
    if proj.bundled:
        click.echo(f"note: {DEMO_NOTICE}", err=True)
    click.get_current_context().with_resource(paths_relative_to(proj.root))
    return proj


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Build printable, accessible one-page patient handouts."""
    ctx.obj = {"debug": debug}


@main.command()
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
    proj = _open(project)
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
            click.echo(f"built {shown_path(o.output)}  ({o.size // 1024} KB, body {o.fit.body_pt:g} pt{pages})")
    _finish(report, "built", time.monotonic() - started)


def plural(count: int, noun: str) -> str:
    """``plural(1, "handout")`` -> ``"1 handout"``; 2 -> ``"2 handouts"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


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


@main.command()
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

    proj = _open(project)
    results = _guard(lambda: checks.check(proj, list(langs) or None, slugs, paper, grade))
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        click.echo(checks.table(results))
        for r in results:
            for e in r.errors:
                click.echo(f"error: {e}", err=True)
    errors = sum(1 for r in results if r.errors)
    warnings = sum(1 for r in results if r.warnings)
    if errors or (strict and warnings):
        click.echo(f"checked {len(results)}: {errors} with errors, {warnings} with warnings", err=True)
        sys.exit(1)


@main.command()
@click.argument("slug")
@PROJECT
@LANG
@PAPER
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PNG file to write. Default: PROJECT/output/<lang>/<slug>.png.")
@click.option("--dpi", type=click.IntRange(20, 600), default=110, show_default=True)
@LARGE
def preview(slug, project, lang, paper, out, dpi, large_print):
    """Render a PNG picture of one handout's (first) page."""
    from handouts.output import write_atomic
    from handouts.preview import png_pages

    proj = _open(project)
    report = run(proj, lang=lang, slugs=[slug], paper=paper, write=False, large_print=large_print)
    if report.ok:
        target = out or proj.default_output / lang / f"{slug}.png"
        try:
            write_atomic(target, png_pages(report.outcomes[0].pdf, dpi)[0])
        except HandoutError as exc:
            report.problems.extend(exc.problems)
        else:
            click.echo(f"wrote {shown_path(target)}")
    _finish(report, "previewed")


@main.command(name="list")
@click.argument("search", required=False)
@PROJECT
@click.option("--lang", default=None, help="Only handouts in this language. Default: every language.")
@click.option("--code", default=None, metavar="CODE",
              help="Only handouts for this ICD-10-CM code or SNOMED CT id, as an EHR asks "
                   "(a handout coded I83 is for I83.91 too).")
def list_(search, project, lang, code):
    """List handouts: slug, title, and a column per language with its reviewed
    date; a missing translation shows as "missing", one older than its
    original as "stale". With SEARCH, only those whose slug, title, summary
    or keywords contain it (in any language); with --code, only those for
    that diagnosis."""
    from handouts.catalog import REFERENCE
    from handouts.translations import survey

    wanted = None
    if code is not None:
        from handouts.ehr import answers, codes

        wanted = answers.asked(None, code)
        if not wanted:
            click.echo(f"error: --code: {code!r} is neither an ICD-10-CM code (such as I87.2) "
                       f"nor a SNOMED CT id (such as 72866009)", err=True)
            sys.exit(1)

    proj = _open(project)
    found = survey(proj)
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
            elif a is None:
                cells.append("error")
            else:
                cells.append(a.reviewed.isoformat() + (" stale" if found.stale(lg, slug) else ""))
        table.append((slug, article.title if article else "?", *cells))
    widths = [max(len(str(x[i])) for x in [header, *table]) for i in range(len(header))]
    for r in [header, *table]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    if not table:
        what = (f" matching {search!r}" if search else "") + (f" for the code {code}" if code else "")
        click.echo(f"no handouts{what}" + (f" in {lang}" if lang else ""), err=True)
    for p in found.problems:
        click.echo(f"error: {p}", err=True)
    if found.problems:
        sys.exit(1)


def _fold(text: str) -> str:
    """Lower case without accents, so "calambre" finds "Calambré" and "cafe" "café"."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(ch))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--with-templates", is_flag=True,
              help="Also copy the templates (layout and label catalogs) to change them.")
def init(folder, with_templates):
    """Start a new clinic project in FOLDER: a commented clinic.yaml, a
    placeholder logo, an example handout per language and a .gitignore.
    Never overwrites a file."""
    from handouts import scaffold

    written = _guard(lambda: scaffold.init(folder, with_templates))
    click.echo(f"created {len(written)} files in {folder}:")
    for path in written:
        click.echo(f"  {path.relative_to(folder)}")
    click.echo("next, put your clinic's details in content/clinic.yaml and your logo in "
               "content/assets/, then run:")
    for command in scaffold.next_steps(folder):
        click.echo(f"  {command}")


@main.command()
@PROJECT
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this computer needs HANDOUTS_STAFF_PASSWORD.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--ui-lang", default="en", show_default=True, help="Language of the page's own words.")
@click.option("--public-host", "public", multiple=True, metavar="NAME",
              help="A name staff type in the browser besides this computer's own (repeatable); "
                   "any other Host is refused. See docs/security.md.")
@click.option("--proxy", "proxies", multiple=True, metavar="ADDRESS",
              help="The address of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto "
                   "are believed (repeatable); needs --public-host.")
def serve(project, host, port, ui_lang, public, proxies):
    """Serve the front-desk page: find, preview, print and email handouts."""
    from handouts.web.serve import serve as run_server

    proj = _open(project)
    _guard(lambda: run_server(proj, host, port, ui_lang, echo=click.echo, public=public,
                              proxies=proxies))


def _guard(fn):
    try:
        return fn()
    except HandoutError as exc:
        for p in exc.problems:
            click.echo(f"error: {p}", err=True)
        sys.exit(1)


def _finish(report: Report, verb: str, seconds: float | None = None) -> None:
    """Print the problems and one summary line, ``built 200 handouts in
    16.2 s; 1 failed``; exit 1 if anything failed."""
    _print_problems(report)
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


def entry() -> None:
    """Run the CLI; turn anything unexpected into one line unless --debug."""
    debug = "--debug" in sys.argv
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - a bug, not a user mistake
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(2)


