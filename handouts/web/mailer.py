"""The one place the page calls the email library (handouts.mail).

``send(...)`` returns what happened in a form the page can say plainly:
sent, or waiting in the outbox and why, or not sent and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from handouts.errors import HandoutError
from handouts.project import Project


@dataclass(frozen=True)
class Delivery:
    status: str              # "sent", "queued" (waiting in the outbox) or "refused"
    masked: str              # the address, masked, for the page and the log
    reason: str = ""         # why it waits or was refused, in plain words


class MailUnavailable(HandoutError):
    """Email is not set up for this project (or the mail library is missing)."""


def send(project: Project, *, to: str, items: list[tuple[str, str]], lang: str, paper: str | None,
         large_print: bool, staff: str) -> Delivery:
    try:
        from handouts import mail  # noqa: F401  (issue 10)
    except ImportError:
        raise MailUnavailable.at(None, None, None, "email is not available in this version") from None
    raise MailUnavailable.at(None, None, None, "email is not available in this version")
