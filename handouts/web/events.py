"""What the page handed out on paper: prints and downloads, for the recent
activity view and this week's counts (emails are in the delivery log of
``handouts.mail``).

Kept in the project's state database (``PROJECT/.handouts/handouts.db``) in a
table of its own. No patient data.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from handouts import private
from handouts.project import Project

SCHEMA = """CREATE TABLE IF NOT EXISTS web_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,          -- UTC, ISO 8601
    staff TEXT NOT NULL,
    action TEXT NOT NULL,      -- print, download
    items TEXT NOT NULL,       -- lang/slug, comma-separated
    detail TEXT NOT NULL DEFAULT ''
)"""

_lock = threading.Lock()


def state_dir(project: Project) -> Path:
    try:
        from handouts.mail.store import state_dir as shared
    except ImportError:
        return (Path.cwd() if project.bundled else project.root) / ".handouts"
    return shared(project)


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    staff: str
    action: str
    items: list[str]
    detail: str
    status: str = ""          # emails: sent, queued or refused
    reason: str = ""          # emails: why it waits or was refused


class EventLog:
    def __init__(self, project: Project):
        self.path = state_dir(project) / "handouts.db"

    def _connect(self) -> sqlite3.Connection:
        private.folder(self.path.parent)        # owner-only, as the outbox's
        gitignore = self.path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", "utf-8")
        conn = sqlite3.connect(private.database(self.path), timeout=10)
        conn.execute(SCHEMA)
        return conn

    def add(self, staff: str, action: str, items: list[tuple[str, str]], detail: str = "") -> None:
        at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with _lock:
            conn = self._connect()
            try:
                with conn:
                    conn.execute("INSERT INTO web_events (at, staff, action, items, detail) VALUES (?,?,?,?,?)",
                                 (at, staff, action, ",".join(f"{lang}/{slug}" for lang, slug in items), detail))
            finally:
                conn.close()

    def recent(self, limit: int = 20) -> list[Event]:
        if not self.path.exists():
            return []
        with _lock:
            conn = self._connect()
            try:
                rows = conn.execute("SELECT at, staff, action, items, detail FROM web_events "
                                    "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            finally:
                conn.close()
        return [Event(dt.datetime.fromisoformat(a), s, act, i.split(","), d) for a, s, act, i, d in rows]

    def week_counts(self, today: dt.date | None = None) -> dict[str, int]:
        """Handouts printed and downloaded since Monday (a packet counts each
        handout in it)."""
        today = today or dt.date.today()
        monday = today - dt.timedelta(days=today.weekday())
        counts = {"print": 0, "download": 0, "email": 0}
        if not self.path.exists():
            return counts
        start = dt.datetime.combine(monday, dt.time(), dt.timezone.utc).isoformat(timespec="seconds")
        with _lock:
            conn = self._connect()
            try:
                rows = conn.execute("SELECT action, items FROM web_events WHERE at >= ?", (start,)).fetchall()
            finally:
                conn.close()
        for action, items in rows:
            counts[action] = counts.get(action, 0) + len(items.split(","))
        return counts
