"""Sending, the outbox and the log: the functions the command line and the
front-desk page call (see handouts.mail for the API)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time as dtime, timedelta, timezone
from email import policy
from typing import Iterable

from handouts import address
from handouts.errors import ContentError
from handouts.library import Item
from handouts.mail import compose, settings as mail_settings, store, transport
from handouts.project import Project

WAIT_HINT = "it is waiting in the outbox, run `handouts outbox send`"
#: Why a message is held rather than sent again after its sender stopped.
POSSIBLY_SENT = ("possibly sent: its sender stopped after handing it to the mail server at "
                 "{:%Y-%m-%d %H:%M}, before the server's answer was recorded; ask the patient, then "
                 "`handouts outbox release MESSAGE-ID` to send it again or `handouts outbox cancel "
                 "MESSAGE-ID`")


class AddressError(ContentError):
    """The patient's address was refused; nothing was sent or stored."""


@dataclass(frozen=True)
class Handout:
    """One attached handout, as the log keeps it."""

    slug: str
    lang: str
    sha256: str     # of the exact PDF that was attached
    words: str = ""  # the digest of its approved words (sha256:...), as handouts review shows it


@dataclass(frozen=True)
class SendResult:
    """``status`` is "sent", "queued" (waiting in the outbox: the server could not
    be reached, timed out or said try later) or "refused" (a permanent refusal,
    ``reason`` has the server's words; not retried)."""

    status: str
    reason: str | None
    message_id: str
    to: str                         # masked unless the message is waiting
    handouts: tuple[Handout, ...]
    masked: str                     # always masked, for a page to show

    @property
    def sent(self) -> bool:
        return self.status == "sent"

    def describe(self) -> str:
        """One plain sentence for a person."""
        if self.status == "sent":
            return f"sent {len(self.handouts)} handout(s) to {self.to}"
        if self.status == "queued":
            return f"not sent yet: {self.reason}; {WAIT_HINT}"
        return f"not sent: {self.reason}"


@dataclass(frozen=True)
class Entry:
    """A row of the outbox or the log."""

    id: int
    message_id: str
    queued_at: datetime
    time: datetime                  # of the latest change (for sent: when it went)
    status: str
    lang: str
    large_print: bool
    paper: str | None
    handouts: tuple[Handout, ...]
    to: str                         # the full address only while waiting, else masked
    reason: str | None
    attempts: int
    staff: str | None
    held: bool = False              # possibly sent: waits for a person (POSSIBLY_SENT)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["queued_at"], d["time"] = self.queued_at.isoformat(), self.time.isoformat()
        return d


@dataclass(frozen=True)
class WeekCount:
    start: date                     # the Monday
    messages: int                   # sent
    handouts: int                   # attachments in those messages


def _project(project) -> Project:
    if isinstance(project, Project):
        return project
    return Project.find(project)


def _items(items: Iterable, lang: str) -> list[Item]:
    """Items; (lang, slug) pairs; or, for a caller with names as typed, slugs
    (in ``lang``) and ``lang:slug`` strings (``Item.parse``)."""
    return [Item.parse(item, lang) if isinstance(item, str) else Item(*item) for item in items]


def send_handouts(project, items: Iterable, to: str, *, lang: str = "en", paper: str | None = None,
                  large_print: bool = False, staff: str | None = None) -> SendResult:
    """Email handouts to one patient. Bad input raises HandoutError and nothing is
    sent or stored; otherwise the message is stored first, then sent."""
    project = _project(project)
    try:
        to_addr = address.parse(to)
    except ValueError as exc:
        raise AddressError.at(None, None, "to", str(exc)) from None
    conf = mail_settings.load(project)
    files = compose.attachments(project, _items(items, lang), paper, large_print)
    more = {a.lang: compose.words(project, a.lang) for a in files if a.lang != lang}
    msg = compose.compose(conf, to_addr, files, lang, compose.words(project, lang), large_print,
                          more=more)
    handouts = [Handout(a.slug, a.lang, a.sha256, a.words) for a in files]
    raw = msg.as_bytes(policy=policy.SMTP)
    token = store.new_claim()
    with store.connect(project) as db:
        row_id = store.add(db, message_id=msg["Message-ID"], lang=lang, large_print=large_print,
                           paper=paper, handouts=[asdict(h) for h in handouts], masked=to_addr.masked,
                           sender=conf.sender.addr, recipient=to_addr.addr, raw=raw, staff=staff,
                           claim=token)
        status, reason, _ = _safe_attempt(db, conf, row_id, token, raw, conf.sender.addr,
                                          to_addr.addr)
    shown = to_addr.addr if status == "queued" else to_addr.masked
    return SendResult(status, reason, msg["Message-ID"], shown, tuple(handouts), to_addr.masked)


def _attempt(db, conf, row_id, token, raw, sender, recipient) -> tuple[str, str | None]:
    try:
        transport.deliver(conf, raw, sender, recipient,
                          before_data=lambda: store.handing_over(db, row_id, token))
    except transport.Failure as failure:
        status = "queued" if failure.temporary else "refused"
        store.finish(db, row_id, token, status, failure.reason)
        if failure.unreachable:
            raise
        return status, failure.reason
    store.finish(db, row_id, token, "sent", None)
    return "sent", None


def _safe_attempt(*args) -> tuple[str, str | None, bool]:
    try:
        return (*_attempt(*args), False)
    except transport.Failure as failure:
        return "queued", failure.reason, True


def outbox_send(project) -> list[SendResult]:
    """Try every waiting message once, oldest first, taking each with a claim
    (``store.claim_next``) so that any number of senders may run at once. If
    the server cannot be reached, stop there: the rest keep waiting."""
    project = _project(project)
    conf = mail_settings.load(project)
    token = store.new_claim()
    results = []
    with store.connect(project) as db:
        row_id = 0
        while (row := store.claim_next(db, token, after_id=row_id)) is not None:
            row_id = row["id"]
            status, reason, unreachable = _safe_attempt(db, conf, row_id, token, row["raw"],
                                                        row["sender"], row["recipient"])
            shown = row["recipient"] if status == "queued" else row["masked"]
            results.append(SendResult(status, reason, row["message_id"], shown,
                                      _handouts(row["handouts"]), row["masked"]))
            if unreachable:
                break
    return results


def outbox_cancel(project, message_id: str) -> bool:
    """Remove a waiting message (say, a mistyped address) or one possibly sent
    without sending it; the log keeps it as "cancelled" with the masked
    address only."""
    with store.connect(_project(project)) as db:
        return store.cancel(db, message_id)


def outbox_release(project, message_id: str) -> bool:
    """A message possibly sent (its sender stopped after handing it to the
    server, before it could record the answer) is held until a person checks:
    this queues it to be sent again. False when it is not held."""
    with store.connect(_project(project)) as db:
        return store.release(db, message_id)


def _handouts(text: str) -> tuple[Handout, ...]:
    return tuple(Handout(**h) for h in json.loads(text))


def _entry(row) -> Entry:
    def local(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp).astimezone()

    return Entry(id=row["id"], message_id=row["message_id"], queued_at=local(row["created"]),
                 time=local(row["updated"]), status=row["status"], lang=row["lang"],
                 large_print=bool(row["large_print"]), paper=row["paper"],
                 handouts=_handouts(row["handouts"]), to=row["recipient"] or row["masked"],
                 reason=POSSIBLY_SENT.format(local(row["data_at"])) if row["held"] else row["reason"],
                 attempts=row["attempts"], staff=row["staff"], held=bool(row["held"]))


def outbox_list(project) -> list[Entry]:
    """Messages waiting to be sent, oldest first, with why they wait."""
    with store.connect(_project(project)) as db:
        return [_entry(r) for r in store.rows(db, waiting=True)]


def _since_utc(since: date | datetime | str | None) -> str | None:
    if since is None:
        return None
    if isinstance(since, str):
        since = date.fromisoformat(since)
    if not isinstance(since, datetime):
        since = datetime.combine(since, dtime.min)
    return since.astimezone().astimezone(timezone.utc).isoformat(timespec="seconds")


def log_entries(project, since: date | datetime | str | None = None) -> list[Entry]:
    """Every message (sent, refused and waiting), oldest first; ``since`` a
    date (local midnight) or a datetime."""
    with store.connect(_project(project)) as db:
        return [_entry(r) for r in store.rows(db, since=_since_utc(since))]


def weekly_counts(project, weeks: int = 8, today: date | None = None) -> list[WeekCount]:
    """Messages and handouts sent per week (Monday to Sunday, local time),
    the current week last; ``weeks`` weeks in all, empty weeks included."""
    today = today or date.today()
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    counts = {first + timedelta(weeks=i): [0, 0] for i in range(weeks)}
    for e in log_entries(project, since=first):
        if e.status != "sent":
            continue
        day = e.time.date()
        monday = day - timedelta(days=day.weekday())
        if monday in counts:
            counts[monday][0] += 1
            counts[monday][1] += len(e.handouts)
    return [WeekCount(start, m, h) for start, (m, h) in counts.items()]
