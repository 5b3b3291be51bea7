"""The command line: parse options, call library functions, print results.
One module per kind of command (``build``, ``check``, ``listing``, ``init``,
``serve``, ``mail``, ``review``), what they share in ``options``; each is imported only
when its command runs (or ``--help`` lists it), so a build loads neither email
nor the web server.

Every user mistake is a HandoutError, printed as one line per problem with exit
status 1. ``--debug`` shows tracebacks for anything unexpected (exit 2).
"""

from __future__ import annotations

import contextlib
import gc
import sys
import traceback

import click

from handouts import __version__
from handouts.lazyimports import lazy_parts


@contextlib.contextmanager
def _frozen_imports():
    """Import a command's modules with the garbage collector off, then freeze
    (``gc.freeze``) what they made: a build's imports leave some 57,000 tracked
    objects (classes, functions, pydantic's and ReportLab's tables) and almost
    no garbage (about 500 unreachable objects), so collecting while importing,
    scanning them again in each later full collection and tearing them down
    one by one at exit was work for nothing: about 0.1 s of a cold build's
    CPU (docs/benchmarks.md). A forked batch worker leaves them untouched."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    gc.freeze()


class LazyGroup(click.Group):
    """Commands whose modules are imported only when they run: a build does
    not load email or the web server, and ``--help`` lists every command from
    the table below without importing any."""

    #: Every command: its name -> (module, function).
    lazy = {"build": ("handouts.cli.build", "build"),
            "preview": ("handouts.cli.build", "preview"),
            "check": ("handouts.cli.check", "check"),
            "list": ("handouts.cli.listing", "list_"),
            "init": ("handouts.cli.init", "init"),
            "serve": ("handouts.cli.serve", "serve"),
            "email": ("handouts.cli.mail", "email"),
            "outbox": ("handouts.cli.mail", "outbox"),
            "log": ("handouts.cli.mail", "log_"),
            "db": ("handouts.cli.db", "db"),
            "review": ("handouts.cli.review", "review_"),
            "approve": ("handouts.cli.review", "approve")}

    #: Commands that build and end: their imports put off what most builds
    #: never use (handouts.lazyimports). The server imports as usual.
    one_shot = frozenset({"build", "preview", "check"})

    #: The first sentence of each command's help: all ``--help`` shows of it
    #: (click cuts a command's help at its first sentence, then to the width),
    #: so the list costs no import (tests/test_speed.py checks each against
    #: the command's own help).
    summaries = {
        "approve": "Record that a clinician approved the current words of each SLUG (in "
                   "content/approvals/LANG/SLUG.yaml, to keep in git with the content).",
        "build": "Build handouts as PDFs (all of them, or the SLUGS named; LANG:SLUG names one "
                 "language's handout, such as es:leg-cramps).",
        "check": "Check handouts without writing: reading level (per language), long sentences, "
                 "summary and call to action, review dates, translations, fit and glyphs.",
        "db": "The state database: the outbox, the delivery log and the page's activity.",
        "email": "Email the handouts SLUGS to one patient, one PDF each.",
        "init": "Start a new clinic project in FOLDER: a commented clinic.yaml, a placeholder "
                "logo, an example handout per language and a .gitignore.",
        "list": "List handouts: slug, title, and a column per language with the state of its "
                "words: \"approved DATE\", \"changed since approved DATE\" or \"never approved\" "
                "(both drafts), \", review due\" when its approval is older than "
                "review_every_months, \", out of date\" for a translation made from other words.",
        "log": "The delivery log: when, which handouts, status, Message-ID.",
        "outbox": "Show the messages waiting to be sent, and why they wait.",
        "preview": "Render a PNG picture of one handout's (first) page.",
        "review": "Show, word by word, what changed in SLUG since a clinician last approved it "
                  "([-removed-], {+added+}); a handout never approved shows all of its words.",
        "serve": "Serve the front-desk page: find, preview, print and email handouts."}

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attr = self.lazy[name]
            lazy = lazy_parts() if name in self.one_shot else contextlib.nullcontext()
            with _frozen_imports(), lazy:
                command = getattr(importlib.import_module(module), attr)
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx, formatter):
        """The list of commands in ``--help``, as click's Group.format_commands
        writes it, each command not yet imported shown by its summary."""
        rows = [(name, self.commands.get(name) or click.Command(name, help=self.summaries[name]))
                for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in rows if not command.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Build printable, accessible one-page patient handouts."""
    ctx.obj = {"debug": debug}


def entry() -> None:
    """Run the CLI; turn anything unexpected into one line unless --debug."""
    debug = "--debug" in sys.argv
    try:
        main(standalone_mode=True)
    except SystemExit:
        # What the command made is frozen too, so the collections Python runs
        # as it exits scan none of it (about 25 ms of a cold build). Nothing
        # is left for them to close: every file is opened in a with block.
        gc.freeze()
        raise
    except Exception as exc:  # pragma: no cover - a bug, not a user mistake
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(2)
