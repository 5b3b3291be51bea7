"""``handouts email``, ``handouts outbox [send | cancel]`` and ``handouts log``:
parse options, call handouts.mail, print plain sentences."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from handouts import mail
from handouts.cli.options import LARGE, PAPER, PROJECT, guard, open_project
from handouts.library import Item


def _handouts(entry) -> str:
    """``leg-cramps (en, words sha256:9f1bbe5d695b)``: which approved words went out."""
    return ", ".join(f"{h.slug} ({h.lang}" + (f", words {h.words[:19]})" if h.words else ")")
                     for h in entry.handouts)


@click.command()
@click.argument("slugs", nargs=-1, required=True)
@click.option("--to", "to", required=True, metavar="ADDRESS",
              help='One patient: "María Núñez <maria@example.org>" or maria@example.org.')
@PROJECT
@click.option("--lang", default="en", show_default=True,
              help="The patient's language: the handouts and the email's words.")
@PAPER
@LARGE
def email(slugs, to, project, lang, paper, large_print):
    """Email the handouts SLUGS to one patient, one PDF each. A slug may name
    its own language (es:leg-cramps); the email's words follow --lang."""
    proj = open_project(project)
    result = guard(lambda: mail.send_handouts(proj, [Item.parse(s, lang) for s in slugs], to,
                                              lang=lang, paper=paper, large_print=large_print))
    if result.sent:
        click.echo(result.describe() + f"  (Message-ID {result.message_id})")
        return
    click.echo(("error: " if result.status == "refused" else "") + result.describe(), err=True)
    sys.exit(1)


@click.group(invoke_without_command=True)
@PROJECT
@click.pass_context
def outbox(ctx, project):
    """Show the messages waiting to be sent, and why they wait."""
    ctx.obj = dict(ctx.obj or {}, project=project)
    if ctx.invoked_subcommand is not None:
        return
    entries = guard(lambda: mail.outbox_list(open_project(project)))
    if not entries:
        click.echo("the outbox is empty: every message has been sent")
        return
    for e in entries:
        click.echo(f"{e.queued_at:%Y-%m-%d %H:%M}  {e.to}  {_handouts(e)}"
                   f"{'  large print' if e.large_print else ''}")
        click.echo(f"    waiting: {e.reason or 'being sent now'} (tried {e.attempts} time(s))")
        click.echo(f"    {e.message_id}")
    click.echo(f"{len(entries)} waiting; run `handouts outbox send` to try again")


@outbox.command(name="send")
@PROJECT
@click.pass_context
def outbox_send(ctx, project):
    """Try every waiting message again, oldest first."""
    proj = open_project(project or (ctx.obj or {}).get("project"))
    results = guard(lambda: mail.outbox_send(proj))
    if not results:
        click.echo("the outbox is empty: nothing to send")
        return
    for r in results:
        line = r.describe()
        click.echo(("error: " if not r.sent else "") + line, err=not r.sent)
    if not all(r.sent for r in results):
        left = len(guard(lambda: mail.outbox_list(proj)))
        click.echo(f"{left} still waiting in the outbox", err=True)
        sys.exit(1)


@outbox.command(name="cancel")
@click.argument("message_id")
@PROJECT
@click.pass_context
def outbox_cancel(ctx, message_id, project):
    """Remove one waiting message without sending it (for example, a mistyped
    address). MESSAGE_ID as `handouts outbox` shows it."""
    proj = open_project(project or (ctx.obj or {}).get("project"))
    message_id = _message_id(message_id)
    if guard(lambda: mail.outbox_cancel(proj, message_id)):
        click.echo(f"cancelled {message_id}: it will not be sent, and its address is erased")
        return
    click.echo(f"error: no waiting message {message_id} (see `handouts outbox`)", err=True)
    sys.exit(1)


def _message_id(typed: str) -> str:
    return typed if typed.startswith("<") else f"<{typed.strip('<>')}>"


@outbox.command(name="release")
@click.argument("message_id")
@PROJECT
@click.pass_context
def outbox_release(ctx, message_id, project):
    """Send again a message held as possibly sent (its sender stopped after
    handing it to the server), once you know it did not arrive."""
    proj = open_project(project or (ctx.obj or {}).get("project"))
    message_id = _message_id(message_id)
    if guard(lambda: mail.outbox_release(proj, message_id)):
        click.echo(f"released {message_id}: `handouts outbox send` will send it again")
        return
    click.echo(f"error: no message held as possibly sent is {message_id} (see `handouts outbox`)",
               err=True)
    sys.exit(1)


@click.command(name="log")
@PROJECT
@click.option("--since", metavar="YYYY-MM-DD", default=None, help="Only messages from this day on.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def log_(project, since, fmt):
    """The delivery log: when, which handouts, status, Message-ID. Addresses are
    masked once a message has gone."""
    if since is not None:
        try:
            since = date.fromisoformat(since)
        except ValueError:
            click.echo(f"error: --since: {since!r} is not a date written as YYYY-MM-DD", err=True)
            sys.exit(1)
    entries = guard(lambda: mail.log_entries(open_project(project), since=since))
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo("no messages" + (f" since {since}" if since else ""))
    for e in entries:
        size = "  large print" if e.large_print else ""
        click.echo(f"{e.time:%Y-%m-%d %H:%M}  {e.status:<7}  {e.to}  {_handouts(e)}{size}  "
                   f"{e.message_id}")
        if e.reason and e.status != "sent":
            click.echo(f"    {e.reason}")


COMMANDS = (email, outbox, log_)
