"""The project's state database: the email outbox and delivery log
(``mail/store.py``) and the page's print/download log (``web/events.py``),
each in tables of its own, which each owner creates and changes with its own
numbered migrations (``Migrations``).

One storage interface (``Db``: ``execute`` with ``?`` placeholders, ``write()``
for a transaction, rows read by name or index), two implementations:

* **SQLite** (the default): ``PROJECT/.handouts/handouts.db`` (for the bundled
  demo: ``./.handouts``, never in output/). This is the only module that opens
  it, with one policy for everyone: the folder and the file owner-only
  (``private.py``) with a ``.gitignore`` that keeps it out of version control,
  WAL mode so readers never wait for a writer (the switch tried again while
  other processes open the same new database), a busy timeout so two processes
  take turns instead of failing, full syncs, and ``secure_delete`` so an
  erased address is overwritten, not left in a free page.
* **PostgreSQL**, when ``HANDOUTS_DATABASE_URL`` (environment only) holds a
  ``postgresql://`` URL: ``state_postgres.py`` (psycopg 3, a connection pool
  per process; ``pip install 'handouts[postgres]'``). Nothing is then written
  to SQLite, and without the variable no PostgreSQL library is imported.

Migrations run when a table is first opened in a process, or with ``handouts
db upgrade``; several processes may run them at once (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: ``pg_advisory_xact_lock``): each step runs once, in
order, and ``schema_versions`` records how far each owner's tables are.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence

from handouts import private
from handouts.errors import OutputError
from handouts.project import Project

STATE_DIR = ".handouts"
DB_NAME = "handouts.db"
URL_VARIABLE = "HANDOUTS_DATABASE_URL"
#: How long a writer waits for another to finish before giving up.
BUSY_SECONDS = 30
GITIGNORE = "# handouts' outbox, delivery log and activity: patient data, never commit it\n*\n"

#: Column types SQLite's way, for ``Db.ddl`` (state_postgres.py has PostgreSQL's).
TYPES = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "float": "REAL"}
_VERSIONS = ("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY,"
             " version INTEGER NOT NULL, updated TEXT NOT NULL)")


def state_dir(project: Project) -> Path:
    """PROJECT/.handouts (for the bundled demo: ./.handouts), never in output/."""
    return (Path.cwd() if project.bundled else project.root) / STATE_DIR


def db_path(project: Project) -> Path:
    return state_dir(project) / DB_NAME


def now_iso() -> str:
    """Now in UTC, ISO 8601 to the second: how every table stores a time."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def database_url(environ=None) -> str | None:
    """``HANDOUTS_DATABASE_URL``, or None for SQLite in the project."""
    url = (os.environ if environ is None else environ).get(URL_VARIABLE, "").strip()
    return url or None


@dataclass(frozen=True)
class Migrations:
    """One owner's tables: ``steps[n]`` takes them from version n to n + 1.
    A step is SQL (``{serial}``, ``{blob}``, ``{float}`` name the engine's
    types; statements end with ``;``) or a function of a ``Db``."""

    component: str
    steps: Sequence[str | Callable[["Db"], None]]


class Db:
    """One connection, either engine (``state_postgres.PgDb`` has the same
    methods). ``execute(sql, args)`` takes ``?``
    placeholders; ``write()`` is one transaction; ``skip_locked`` ends a
    SELECT that claims rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
    has one writer at a time, so nothing)."""

    dialect = "sqlite"
    skip_locked = ""
    types = TYPES

    def __init__(self, conn: sqlite3.Connection, where: Path):
        self.conn, self.where = conn, where

    def execute(self, sql: str, args: Sequence = ()):
        return self.conn.execute(sql, tuple(args))

    def ddl(self, sql: str) -> list[str]:
        text = sql.format(**self.types)
        return [s.strip() for s in text.split(";") if s.strip()]

    @contextmanager
    def write(self):
        """One write transaction, taking the lock at once (BEGIN IMMEDIATE)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def migrating(self):
        """The transaction migrations run in: one process at a time."""
        return self.write()

    def after_erasing(self) -> None:
        """Leave no erased text in the write-ahead log."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def write(db: Db):
    """One write transaction (``Db.write``)."""
    with db.write():
        yield


def exists(project: Project) -> bool:
    """Whether there is anything to read yet (reading never creates SQLite's file)."""
    return database_url() is not None or db_path(project).exists()


def describe(project: Project) -> str:
    """Where the state is kept, for a person (a URL's password masked)."""
    url = database_url()
    if url is None:
        return str(db_path(project))
    from handouts import state_postgres

    return state_postgres.masked(url)


def check() -> None:
    """At start: a bad URL or a database that refuses the connection is one
    OutputError line (the password masked). Nothing to do for SQLite."""
    url = database_url()
    if url is not None:
        from handouts import state_postgres

        state_postgres.check(url)


@contextmanager
def connect(project: Project, migrations: Migrations) -> Iterator[Db]:
    """The database, ``migrations`` brought up to date; released on exit.
    Autocommit: write with ``write(db)``. OutputError when it cannot be opened
    (a read-only folder, a damaged file, a bad URL, a database that refuses)."""
    url = database_url()
    if url is not None:
        from handouts import state_postgres

        with state_postgres.connect(url) as db:
            migrate(db, migrations)
            yield db
        return
    with _sqlite(project) as db:
        migrate(db, migrations)
        yield db


@contextmanager
def _sqlite(project: Project) -> Iterator[Db]:
    folder = state_dir(project)
    try:
        private.folder(folder)                  # owner-only: 0700, the database 0600
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text(GITIGNORE, "utf-8")
        conn = sqlite3.connect(private.database(folder / DB_NAME), timeout=BUSY_SECONDS,
                               isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError.at(folder, None, None, f"cannot open the state database: {exc}") from None
    with closing(conn):
        try:
            conn.row_factory = sqlite3.Row
            _wal(conn)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA secure_delete=ON")
        except sqlite3.Error as exc:
            raise OutputError.at(folder / DB_NAME, None, None,
                                 f"cannot open the state database: {exc}") from None
        yield Db(conn, folder / DB_NAME)


def _wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode. While other processes open the same new
    database (two front desks' first emails at once), SQLite may refuse the
    switch at once with "database is locked", its busy timeout not asked:
    it is tried again, like any wait for a lock, for up to BUSY_SECONDS."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                    or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _version(db: Db, component: str) -> int:
    row = db.execute("SELECT version FROM schema_versions WHERE component = ?",
                     (component,)).fetchone()
    return row[0] if row else 0


def migrate(db: Db, migrations: Migrations) -> int:
    """Run the steps this database has not had yet, in order, each once even
    when several processes start together; the version reached."""
    try:
        if _version(db, migrations.component) >= len(migrations.steps):
            return len(migrations.steps)            # the usual case: no lock taken
    except Exception:   # noqa: BLE001 - no schema_versions table yet: create it below
        pass
    with db.migrating():
        for statement in db.ddl(_VERSIONS):
            db.execute(statement)
        done = _version(db, migrations.component)
        for number, step in enumerate(migrations.steps[done:], done + 1):
            if callable(step):
                step(db)
            else:
                for statement in db.ddl(step):
                    db.execute(statement)
            db.execute("DELETE FROM schema_versions WHERE component = ?", (migrations.component,))
            db.execute("INSERT INTO schema_versions (component, version, updated) VALUES (?, ?, ?)",
                       (migrations.component, number, now_iso()))
    db.after_erasing()          # a step may have rewritten patient data
    return len(migrations.steps)


def upgrade(project: Project, every: Sequence[Migrations]) -> list[tuple[str, int]]:
    """``handouts db upgrade``: every owner's tables to their latest version."""
    check()
    reached = []
    for migrations in every:
        with connect(project, migrations) as db:
            reached.append((migrations.component, _version(db, migrations.component)))
    return reached
