"""The command line: parse options, call library functions, print results.
One module per kind of command (``build``, ``check``, ``listing``, ``init``,
``serve``, ``mail``, ``review``), what they share in ``options``; each is imported only
when its command runs (or ``--help`` lists it), so a build loads neither email
nor the web server.

Every user mistake is a HandoutError, printed as one line per problem with exit
status 1. ``--debug`` shows tracebacks for anything unexpected (exit 2).
"""

from __future__ import annotations

import sys
import traceback

import click

from handouts import __version__


class LazyGroup(click.Group):
    """Commands whose modules are imported only when they run (or when
    ``--help`` lists them): a build does not load email or the web server."""

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

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attr = self.lazy[name]
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


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
        raise
    except Exception as exc:  # pragma: no cover - a bug, not a user mistake
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(2)
