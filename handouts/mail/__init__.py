"""Emailing handouts to patients: the library that ``handouts email``,
``handouts outbox``, ``handouts log`` and the front-desk page all call.

API (``project`` is a Project, a folder, or None for the usual default)::

    from handouts import mail

    result = mail.send_handouts(project, ["leg-cramps", "cvi-symptoms"],
                                "María Núñez <maria@example.org>", lang="es",
                                paper=None, large_print=False, staff="front-desk-1")
    result.status        # "sent", "queued" (waiting in the outbox) or "refused" (5xx)
    result.reason        # why it is waiting or was refused (None when sent)
    result.message_id    # "<...@riverbend.example.org>"
    result.describe()    # one plain sentence for the person who pressed Send
    result.to            # masked address (full only while it waits)

    mail.outbox_list(project)          -> [Entry]  waiting messages with why they wait
    mail.outbox_send(project)          -> [SendResult]  one try for each waiting message
    mail.outbox_cancel(project, message_id) -> bool  drop a waiting message unsent
    mail.outbox_release(project, message_id) -> bool  send a possibly-sent one again
    mail.log_entries(project, since=None) -> [Entry]  every message; since: a date
    mail.weekly_counts(project, weeks=8)  -> [WeekCount(start, messages, handouts)]

``items`` are ``Item(lang, slug)``s (``handouts.library``), ``(lang, slug)``
pairs, or slugs in ``lang`` (``es:leg-cramps`` names its own); at most
``mail.MAX_HANDOUTS`` (6) per message. Entry has id, message_id, queued_at,
time, status, lang, large_print, paper, handouts (slug, lang, sha256), to,
reason, attempts, staff, and ``as_dict()`` for JSON.

Errors: bad input never sends or stores anything and raises a HandoutError
(one line per problem): ``AddressError`` for the patient's address (a line
break, several addresses, a malformed one), ``MailSetupError`` when clinic.yaml
has no ``smtp:`` block or the password is missing, ContentError for an unknown
handout or too many.

Privacy rule: the patient's full address and the message are kept only while
the message waits in the outbox; once sent or refused the log keeps a masked
address (m••••@example.org). See docs/email.md.

Modules, one concern each: ``settings`` (the smtp block and the password from
HANDOUTS_SMTP_PASSWORD), ``compose`` (the PDFs and the message), ``transport``
(SMTP, TLS, what a failure means), ``store`` (the outbox and log in the state database),
``send`` (the functions above). Checking an address is ``handouts.address``,
below the schema, which uses it for ``from`` and ``reply_to``.
"""

from __future__ import annotations

from handouts.mail.compose import MAX_HANDOUTS
from handouts.mail.send import (AddressError, Entry, Handout, SendResult, WeekCount, log_entries,
                                outbox_cancel, outbox_list, outbox_release, outbox_send,
                                send_handouts, weekly_counts)
from handouts.mail.settings import MailSetupError

__all__ = ["send_handouts", "outbox_send", "outbox_cancel", "outbox_release", "outbox_list",
           "log_entries", "weekly_counts", "SendResult", "Entry", "Handout", "WeekCount", "AddressError",
           "MailSetupError", "MAX_HANDOUTS"]
