"""``handouts db upgrade``: bring the state database's tables (the outbox and
delivery log, the page's activity log) to this version of handouts, in
SQLite under the project or in PostgreSQL (``HANDOUTS_DATABASE_URL``). They
are also brought up to date whenever they are first opened."""

from __future__ import annotations

import click

from handouts import state
from handouts.cli.options import PROJECT, guard, open_project


@click.group()
def db():
    """The state database: the outbox, the delivery log and the page's activity."""


@db.command()
@PROJECT
def upgrade(project):
    """Run the migrations this database has not had yet (safe while other
    processes use it, or run it too)."""
    from handouts.mail import store
    from handouts.web import events

    proj = open_project(project)
    reached = guard(lambda: state.upgrade(proj, [store.MIGRATIONS, events.MIGRATIONS]))
    where = guard(lambda: state.describe(proj))
    click.echo(f"{where}: " + ", ".join(f"{name} at version {n}" for name, n in reached))
