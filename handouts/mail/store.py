"""The outbox and the delivery log: the ``messages`` table of the project's
state database (``handouts.state``: WAL mode, owner-only, at
``PROJECT/.handouts/handouts.db``), shared safely by several senders at once.

Every message gets one row, written *before* the first attempt to send it, so a
crash or a dead server never loses it. A row is ``sending`` while one sender
holds it (a claim taken in a write transaction, so two senders never send the
same row), ``queued`` while it waits for another try, and finally ``sent``,
``refused`` or ``cancelled``.

Privacy rule: the patient's full address and the message itself (with its
PDFs) are stored only while the message waits. When it is sent, refused or
cancelled, both are erased and the log keeps only the masked address
(``m••••@example.org``), the handouts (slug, language, SHA-256 of the exact
PDF), large print, status, Message-ID and times.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from handouts import state
from handouts.address import mask_all
from handouts.project import Project
from handouts.state import now_iso, write

#: How long a sender's claim on a message lasts (``HANDOUTS_OUTBOX_LEASE``
#: seconds, default 600: far longer than one try, whose every step has
#: smtp.timeout). A claim whose lease has run out belongs to a sender that died.
LEASE_SECONDS = 600
WAITING = ("queued", "sending")
FINAL = ("sent", "refused", "cancelled")


def _mask_old_reasons(db) -> None:
    """Reasons stored before servers' replies were masked may hold a full
    address: mask them in place, once (SQLite's secure_delete overwrites the
    old text)."""
    for row_id, reason in db.execute("SELECT id, reason FROM messages WHERE reason LIKE '%@%'").fetchall():
        db.execute("UPDATE messages SET reason = ? WHERE id = ?", (mask_all(reason), row_id))


def _leases(db) -> None:
    """Claims become leases; a message handed to the server (``data_at``) and
    never finished is held for a person, not sent again."""
    db.execute("ALTER TABLE messages ADD COLUMN lease_until " + db.types["float"])
    db.execute("ALTER TABLE messages ADD COLUMN data_at TEXT")
    db.execute("UPDATE messages SET lease_until = claimed_at + ? WHERE status = 'sending'",
               (LEASE_SECONDS,))


MIGRATIONS = state.Migrations("outbox", [
    """CREATE TABLE IF NOT EXISTS messages (
    id          {serial},
    message_id  TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('sending', 'queued', 'sent', 'refused', 'cancelled')),
    lang        TEXT NOT NULL,
    large_print INTEGER NOT NULL,
    paper       TEXT,
    handouts    TEXT NOT NULL,
    masked      TEXT NOT NULL,
    sender      TEXT NOT NULL,
    recipient   TEXT,
    raw         {blob},
    reason      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    staff       TEXT,
    claim       TEXT,
    claimed_at  {float}
);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status);""",
    _mask_old_reasons,
    _leases,
])


@contextmanager
def connect(project: Project) -> Iterator[state.Db]:
    """The state database (``handouts.state``) with the outbox's table."""
    with state.connect(project, MIGRATIONS) as db:
        yield db


def lease_seconds() -> float:
    return float(os.environ.get("HANDOUTS_OUTBOX_LEASE", "") or LEASE_SECONDS)


def new_claim() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex}"


def add(db, *, message_id: str, lang: str, large_print: bool, paper: str | None,
        handouts: list[dict], masked: str, sender: str, recipient: str, raw: bytes,
        staff: str | None, claim: str) -> int:
    """Store a new message, already claimed by ``claim`` for its first try."""
    stamp, now = now_iso(), time.time()
    with write(db):
        return db.execute(
            "INSERT INTO messages (message_id, created, updated, status, lang, large_print, paper,"
            " handouts, masked, sender, recipient, raw, staff, claim, claimed_at, lease_until)"
            " VALUES (?, ?, ?, 'sending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (message_id, stamp, stamp, lang, int(large_print), paper, json.dumps(handouts), masked,
             sender, recipient, raw, staff, claim, now, now + lease_seconds())).fetchone()[0]


#: Waiting and free to take: queued, or claimed by a sender whose lease ran
#: out before it handed the message to the server (``data_at`` unset).
_FREE = ("(status = 'queued' OR (status = 'sending' AND data_at IS NULL AND lease_until < ?))")
#: Claimed, handed to the server, never finished, lease run out: possibly sent.
_HELD = "(status = 'sending' AND data_at IS NOT NULL AND lease_until < ?)"


def claim_next(db, token: str, after_id: int = 0):
    """Take the oldest free waiting message after ``after_id`` for one try,
    for ``lease_seconds()``; None when there is none. Other senders skip a row
    this one is taking (SKIP LOCKED on PostgreSQL; SQLite writes one at a time)."""
    now = time.time()
    with write(db):
        row = db.execute(f"SELECT id FROM messages WHERE id > ? AND {_FREE} ORDER BY id LIMIT 1"
                         + db.skip_locked, (after_id, now)).fetchone()
        if row is None:
            return None
        db.execute("UPDATE messages SET status = 'sending', claim = ?, claimed_at = ?,"
                   " lease_until = ? WHERE id = ?", (token, now, now + lease_seconds(), row[0]))
        return db.execute("SELECT * FROM messages WHERE id = ?", (row[0],)).fetchone()


def handing_over(db, row_id: int, token: str) -> bool:
    """Record, before DATA, that the server is about to be given the message;
    False when this sender's lease is gone (another has taken it: stop)."""
    with write(db):
        return db.execute("UPDATE messages SET data_at = ? WHERE id = ? AND claim = ?"
                          " AND lease_until > ?", (now_iso(), row_id, token, time.time())).rowcount == 1


def finish(db, row_id: int, token: str, status: str, reason: str | None) -> None:
    """Record an attempt's end. Sent or refused: erase the address and the
    message (the privacy rule); queued: keep both for the next try."""
    final = status in FINAL
    with write(db):
        db.execute(
            "UPDATE messages SET status = ?, reason = ?, updated = ?, attempts = attempts + 1,"
            " claim = NULL, claimed_at = NULL, lease_until = NULL, data_at = NULL,"
            " recipient = CASE WHEN ? THEN NULL ELSE recipient END,"
            " raw = CASE WHEN ? THEN NULL ELSE raw END"
            " WHERE id = ? AND claim = ?",
            (status, reason, now_iso(), final, final, row_id, token))


def cancel(db, message_id: str) -> bool:
    """Take a waiting message out of the outbox for good (the address and the
    message are erased): a queued one, one a sender is trying but has not
    handed to the server yet (its claim is dropped, so ``handing_over`` stops
    that sender before DATA and its ``finish`` changes nothing), or a held one
    (possibly sent). False when there is no such waiting message, or a sender
    is handing it to the server right now."""
    with write(db):
        return db.execute(
            "UPDATE messages SET status = 'cancelled', reason = 'cancelled by the clinic',"
            " updated = ?, recipient = NULL, raw = NULL, claim = NULL, data_at = NULL"
            " WHERE message_id = ? AND (status = 'queued'"
            f" OR (status = 'sending' AND data_at IS NULL) OR {_HELD})",
            (now_iso(), message_id, time.time())).rowcount == 1


def release(db, message_id: str) -> bool:
    """A person has checked that a possibly-sent message did not arrive: queue
    it again. False when it is not held."""
    with write(db):
        return db.execute(
            "UPDATE messages SET status = 'queued', claim = NULL, data_at = NULL, updated = ?,"
            f" reason = 'sent again by the clinic' WHERE message_id = ? AND {_HELD}",
            (now_iso(), message_id, time.time())).rowcount == 1


def rows(db, *, waiting: bool = False, since: str | None = None) -> list:
    """Rows of the log; ``held`` is 1 for a message possibly sent (see ``_HELD``)."""
    query = ("SELECT id, message_id, created, updated, status, lang, large_print, paper, handouts,"
             f" masked, recipient, reason, attempts, staff, data_at, CASE WHEN {_HELD} THEN 1"
             " ELSE 0 END AS held FROM messages")
    where, args = [], [time.time()]
    if waiting:
        where.append("status IN ('queued', 'sending')")
    if since:
        where.append("updated >= ?")
        args.append(since)
    if where:
        query += " WHERE " + " AND ".join(where)
    return db.execute(query + " ORDER BY id", args).fetchall()
