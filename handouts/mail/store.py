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
import sqlite3
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from handouts import state
from handouts.address import mask_all
from handouts.project import Project
from handouts.state import now_iso, write

#: A claim older than this belongs to a sender that died mid-send: take it over.
STALE_CLAIM_SECONDS = 600
WAITING = ("queued", "sending")
FINAL = ("sent", "refused", "cancelled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
    raw         BLOB,
    reason      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    staff       TEXT,
    claim       TEXT,
    claimed_at  REAL
);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status);
"""


@contextmanager
def connect(project: Project) -> Iterator[sqlite3.Connection]:
    """The state database (``handouts.state``) with the outbox's table."""
    with state.connect(project, _SCHEMA) as db:
        _mask_old_reasons(db)
        yield db


def _mask_old_reasons(db: sqlite3.Connection) -> None:
    """Reasons stored before servers' replies were masked may hold a full
    address: mask them in place, once (secure_delete overwrites the old text;
    ``user_version`` 1 marks a database whose reasons are all masked)."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= 1:
        return
    db.create_function("mask_all", 1, mask_all, deterministic=True)
    with write(db):
        db.execute("UPDATE messages SET reason = mask_all(reason) WHERE reason LIKE '%@%'")
        db.execute("PRAGMA user_version = 1")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")   # and no old copy left in the WAL file


def new_claim() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex}"


def add(db, *, message_id: str, lang: str, large_print: bool, paper: str | None,
        handouts: list[dict], masked: str, sender: str, recipient: str, raw: bytes,
        staff: str | None, claim: str) -> int:
    """Store a new message, already claimed by ``claim`` for its first try."""
    stamp = now_iso()
    with write(db):
        cur = db.execute(
            "INSERT INTO messages (message_id, created, updated, status, lang, large_print, paper,"
            " handouts, masked, sender, recipient, raw, staff, claim, claimed_at)"
            " VALUES (?, ?, ?, 'sending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (message_id, stamp, stamp, lang, int(large_print), paper, json.dumps(handouts), masked,
             sender, recipient, raw, staff, claim, time.time()))
        return cur.lastrowid


def waiting_ids(db) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT id FROM messages WHERE status IN ('queued', 'sending') ORDER BY id")]


def claim(db, row_id: int, token: str) -> sqlite3.Row | None:
    """Take a waiting message for sending, unless another sender holds it."""
    with write(db):
        cur = db.execute(
            "UPDATE messages SET status = 'sending', claim = ?, claimed_at = ? WHERE id = ? AND"
            " (status = 'queued' OR (status = 'sending' AND claimed_at < ?))",
            (token, time.time(), row_id, time.time() - STALE_CLAIM_SECONDS))
        if cur.rowcount != 1:
            return None
        return db.execute("SELECT * FROM messages WHERE id = ?", (row_id,)).fetchone()


def finish(db, row_id: int, token: str, status: str, reason: str | None) -> None:
    """Record an attempt's end. Sent or refused: erase the address and the
    message (the privacy rule); queued: keep both for the next try."""
    final = status in FINAL
    with write(db):
        db.execute(
            "UPDATE messages SET status = ?, reason = ?, updated = ?, attempts = attempts + 1,"
            " claim = NULL, claimed_at = NULL,"
            " recipient = CASE WHEN ? THEN NULL ELSE recipient END,"
            " raw = CASE WHEN ? THEN NULL ELSE raw END"
            " WHERE id = ? AND claim = ?",
            (status, reason, now_iso(), final, final, row_id, token))


def cancel(db, message_id: str) -> bool:
    """Take a queued message out of the outbox for good (the address and the
    message are erased); False when there is no such waiting message or a
    sender holds it right now."""
    with write(db):
        cur = db.execute(
            "UPDATE messages SET status = 'cancelled', reason = 'cancelled by the clinic',"
            " updated = ?, recipient = NULL, raw = NULL WHERE message_id = ? AND status = 'queued'",
            (now_iso(), message_id))
        return cur.rowcount == 1


def rows(db, *, waiting: bool = False, since: str | None = None) -> list[sqlite3.Row]:
    query = ("SELECT id, message_id, created, updated, status, lang, large_print, paper, handouts,"
             " masked, recipient, reason, attempts, staff FROM messages")
    where, args = [], []
    if waiting:
        where.append("status IN ('queued', 'sending')")
    if since:
        where.append("updated >= ?")
        args.append(since)
    if where:
        query += " WHERE " + " AND ".join(where)
    return db.execute(query + " ORDER BY id", args).fetchall()
