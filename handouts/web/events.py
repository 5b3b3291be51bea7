"""What the page handed out on paper: prints and downloads, for the recent
activity view and this week's counts (emails are in the delivery log of
``handouts.mail``).

Kept in the project's state database (``handouts.state``, at
``PROJECT/.handouts/handouts.db``) in a table of its own. No patient data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handouts import state
from handouts.project import Project

MIGRATIONS = state.Migrations("activity", ["""CREATE TABLE IF NOT EXISTS web_events (
    id {serial},
    at TEXT NOT NULL,          -- UTC, ISO 8601
    staff TEXT NOT NULL,
    action TEXT NOT NULL,      -- print, download
    items TEXT NOT NULL,       -- lang/slug, comma-separated
    detail TEXT NOT NULL DEFAULT ''
)"""])


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
    """The ``web_events`` table of the project's state database
    (``handouts.state``, which opens it for the outbox too)."""

    def __init__(self, project: Project):
        self.project = project

    def _rows(self, query: str, args: tuple) -> list:
        if not state.exists(self.project):      # reading never creates the database
            return []
        with state.connect(self.project, MIGRATIONS) as db:
            return db.execute(query, args).fetchall()

    def add(self, staff: str, action: str, items: list[tuple[str, str]], detail: str = "") -> None:
        with state.connect(self.project, MIGRATIONS) as db, state.write(db):
            db.execute("INSERT INTO web_events (at, staff, action, items, detail) VALUES (?,?,?,?,?)",
                       (state.now_iso(), staff, action, ",".join(f"{lang}/{slug}" for lang, slug in items),
                        detail))

    def recent(self, limit: int = 20) -> list[Event]:
        rows = self._rows("SELECT at, staff, action, items, detail FROM web_events "
                          "ORDER BY id DESC LIMIT ?", (limit,))
        return [Event(dt.datetime.fromisoformat(a), s, act, i.split(","), d) for a, s, act, i, d in rows]

    def given(self, days: int = 90) -> dict[str, int]:
        """How often each handout (by slug, any language) was printed or
        downloaded here in the last ``days`` days: the front page's
        "often given first" (no patient data: only what was given)."""
        start = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="seconds")
        counts: dict[str, int] = {}
        for (items,) in self._rows("SELECT items FROM web_events WHERE at >= ?", (start,)):
            for item in items.split(","):
                slug = item.partition("/")[2]
                counts[slug] = counts.get(slug, 0) + 1
        return counts

    def week_counts(self, today: dt.date | None = None) -> dict[str, int]:
        """Handouts printed and downloaded since Monday (a packet counts each
        handout in it). ``print``: sent to a printer; ``print_dialog``: the
        browser's print dialog opened, which is all the page can know then."""
        today = today or dt.date.today()
        monday = today - dt.timedelta(days=today.weekday())
        counts = {"print": 0, "print_dialog": 0, "download": 0, "email": 0}
        start = dt.datetime.combine(monday, dt.time(), dt.timezone.utc).isoformat(timespec="seconds")
        for action, items, detail in self._rows(
                "SELECT action, items, detail FROM web_events WHERE at >= ?", (start,)):
            key = "print_dialog" if action == "print" and detail == "dialog" else action
            counts[key] = counts.get(key, 0) + len(items.split(","))
        return counts
