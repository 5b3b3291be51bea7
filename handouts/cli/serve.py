"""``handouts serve``: the front-desk page."""

from __future__ import annotations

import sys

import click

from handouts.cli.options import PROJECT, guard, open_project

@click.command()
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
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes sharing the port; more than one needs HANDOUTS_SECRET_KEY "
                   "(and, across machines, HANDOUTS_DATABASE_URL). See docs/scaling.md.")
def serve(project, host, port, ui_lang, public, proxies, workers):
    """Serve the front-desk page: find, preview, print and email handouts.

    Exit status: 0 stopped with Ctrl-C, 1 cannot start as asked (a busy port,
    an address that needs a password, a bad clinic file), 2 a bug."""
    from handouts.web.serve import ServeError, serve as run_server

    proj = open_project(project)

    def run():
        try:
            return run_server(proj, host, port, ui_lang, echo=click.echo, public=public,
                              proxies=proxies, workers=workers)
        except ServeError as exc:   # about the command line itself: the option, never "<input>"
            for p in exc.problems:
                click.echo(f"error: {p.field}: {p.message}", err=True)
            sys.exit(1)

    guard(run)
