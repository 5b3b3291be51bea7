"""The project's state database, ``PROJECT/.handouts/handouts.db`` (for the
bundled demo: ``./.handouts``, never in output/): the email outbox and delivery
log (``mail/store.py``) and the page's print/download log (``web/events.py``),
each in tables of its own.

This is the only module that opens it, with one policy for everyone: the
folder and the file owner-only (``private.py``) with a ``.gitignore`` that
keeps it out of version control, WAL mode so readers never wait for a writer,
a busy timeout so two processes (the page and ``handouts outbox send``) take
turns instead of failing, full syncs, and ``secure_delete`` so an erased
address is overwritten, not left in a free page.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from handouts import private
from handouts.errors import OutputError
from handouts.project import Project

STATE_DIR = ".handouts"
DB_NAME = "handouts.db"
#: How long a writer waits for another to finish before giving up.
BUSY_SECONDS = 30
GITIGNORE = "# handouts' outbox, delivery log and activity: patient data, never commit it\n*\n"


def state_dir(project: Project) -> Path:
    """PROJECT/.handouts (for the bundled demo: ./.handouts), never in output/."""
    return (Path.cwd() if project.bundled else project.root) / STATE_DIR


def db_path(project: Project) -> Path:
    return state_dir(project) / DB_NAME


def now_iso() -> str:
    """Now in UTC, ISO 8601 to the second: how every table stores a time."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def connect(project: Project, schema: str) -> Iterator[sqlite3.Connection]:
    """The database, its tables in ``schema`` created if missing; closed on
    exit. Autocommit: write with ``write(db)``. OutputError when it cannot be
    opened (a read-only folder, a damaged file)."""
    folder = state_dir(project)
    try:
        private.folder(folder)                  # owner-only: 0700, the database 0600
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text(GITIGNORE, "utf-8")
        db = sqlite3.connect(private.database(folder / DB_NAME), timeout=BUSY_SECONDS,
                             isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError.at(folder, None, None, f"cannot open the state database: {exc}") from None
    with closing(db):
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")
            db.executescript(schema)
        except sqlite3.Error as exc:
            raise OutputError.at(folder / DB_NAME, None, None,
                                 f"cannot open the state database: {exc}") from None
        yield db


@contextmanager
def write(db: sqlite3.Connection):
    """One write transaction, taking the lock at once (BEGIN IMMEDIATE)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
