"""The one place the page calls the email library (``handouts.mail``).

``send(...)`` says what happened in a form the page can show plainly: sent,
or waiting in the outbox and why, or refused and why. ``emails(...)`` and
``emailed_this_week(...)`` read the delivery log for the activity view.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from handouts.errors import HandoutError
from handouts.library import Item
from handouts.project import Project


@dataclass(frozen=True)
class Delivery:
    status: str              # "sent", "queued" (waiting in the outbox) or "refused"
    masked: str              # the address, masked, for the page
    reason: str = ""         # why it waits or was refused, in plain words
    message_id: str = ""     # to cancel it while it waits
    to: str = ""             # the address as sent (name and all): shown only while it waits


@dataclass(frozen=True)
class Emailed:
    """One message of the delivery log, as the activity view shows it."""

    at: dt.datetime
    staff: str
    status: str
    items: list[str]          # lang/slug
    masked: str
    reason: str


def _mail():
    from handouts import mail      # loaded on first use, as the command line does
    return mail


def mask(address: str) -> str:
    """The address as the log shows it (``m••••@example.org``)."""
    from handouts.address import mask as mail_mask, parse

    try:
        return parse(address).masked
    except ValueError:
        return mail_mask(address.strip().strip("<>"))


def configured(project: Project) -> bool:
    """Whether email can work here: clinic.yaml has an ``smtp:`` block the
    email library accepts (the password set where one is needed)."""
    from handouts.mail import settings

    try:
        settings.load(project)
    except HandoutError:
        return False
    return True


#: What may not be in a name typed for the greeting: it goes into the To: header.
NAME_BAD = re.compile(r'[<>"\\@\x00-\x1f\x7f]')


def recipient(to: str, name: str = "") -> str:
    """The address to send to, as checked by the email library, with
    ``name`` (for the greeting) in front when one is typed; ValueError with
    the field at fault ("to" or "name")."""
    from handouts.address import parse

    name = " ".join(name.split())
    if NAME_BAD.search(name) or len(name) > 80:
        raise ValueError("name")
    try:
        checked = parse(to.strip())
    except ValueError:
        raise ValueError("to") from None
    name = name or checked.name
    shown = f"{name} <{checked.addr}>" if name else checked.addr
    try:
        parse(shown)
    except ValueError:
        raise ValueError("name") from None
    return shown


def cancel(project: Project, message_id: str) -> bool:
    """Take a waiting message out of the outbox (its address erased)."""
    return _mail().outbox_cancel(project, message_id)


def send(project: Project, *, to: str, items: list[tuple[str, str]], lang: str, paper: str | None,
         large_print: bool, staff: str) -> Delivery:
    """Email ``items`` to one patient; HandoutError for bad input or no email set-up."""
    mail = _mail()
    result = mail.send_handouts(project, [Item(*i) for i in items], to, lang=lang, paper=paper,
                                large_print=large_print, staff=staff or None)
    return Delivery(result.status, result.masked, result.reason or "", result.message_id,
                    to if result.status == "queued" else "")


def emails(project: Project, limit: int = 25) -> list[Emailed]:
    """The latest messages of the delivery log, newest first (addresses masked)."""
    try:
        mail = _mail()
        entries = mail.log_entries(project, since=dt.date.today() - dt.timedelta(days=31))
    except HandoutError:
        return []
    out = []
    for e in entries[-limit:][::-1]:
        out.append(Emailed(e.time, e.staff or "", e.status, [f"{h.lang}/{h.slug}" for h in e.handouts],
                           mask(e.to) if "@" in (e.to or "") and "•" not in e.to else e.to,
                           e.reason or ""))
    return out


def emailed_this_week(project: Project) -> int:
    """Handouts sent by email since Monday."""
    try:
        mail = _mail()
        weeks = mail.weekly_counts(project, weeks=1)
    except HandoutError:
        return 0
    return weeks[-1].handouts if weeks else 0


def retry_outbox(project: Project) -> int:
    """One try for every message waiting in the outbox; how many went."""
    try:
        mail = _mail()
        if not mail.outbox_list(project):
            return 0
        return sum(1 for r in mail.outbox_send(project) if r.status == "sent")
    except HandoutError:
        return 0
