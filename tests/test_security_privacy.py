"""Privacy in the outbox and log (issue 17, finding 3): a mail server's reply
that repeats the patient's address is masked before it is stored or shown
(the log's reason, `handouts log`, the Activity page), and the state folder
and database are readable by their owner only. Against a real aiosmtpd."""

from __future__ import annotations

import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from handouts import mail
from handouts.project import Project
from handouts.web.events import EventLog
from helpers import plain_smtp, run_cli, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer

MARIA = "maria.nunez@example.org"
JOSE = "jose.perez@example.org"


def raw_state(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (root / ".handouts").glob("handouts.db*"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_refusal_that_repeats_the_address_is_kept_and_shown_masked(project: Path):
    with smtp_server() as (inbox, port):
        use_smtp(project, plain_smtp(port))
        inbox.rcpt_reply = f"550 5.1.1 <{MARIA}>: Recipient address rejected: User unknown"
        refused = mail.send_handouts(project, ["leg-cramps"], f"María Núñez <{MARIA}>")
        inbox.rcpt_reply = None
        inbox.data_reply = f"554 5.7.1 <{MARIA}>... Message refused for {MARIA.upper()}"
        refused2 = mail.send_handouts(project, ["leg-cramps"], MARIA)
        inbox.data_reply = None
        inbox.rcpt_reply = f"451 4.2.0 <{JOSE}>: mailbox busy, try later"
        queued = mail.send_handouts(project, ["cvi-symptoms"], JOSE)
    assert refused.status == "refused" and refused2.status == "refused" and queued.status == "queued"
    assert "<m••••@example.org>: Recipient address rejected" in refused.reason
    assert "M••••@EXAMPLE.ORG" in refused2.reason and "maria" not in refused2.reason.lower()
    assert "<j••••@example.org>: mailbox busy" in queued.reason
    assert MARIA.encode() not in raw_state(project) and MARIA.upper().encode() not in raw_state(project)
    out = run_cli("log", "--format", "json", "--project", str(project))
    assert out.returncode == 0, out.stderr
    assert "maria.nunez" not in out.stdout.lower()
    reasons = [e["reason"] for e in json.loads(out.stdout)]
    assert all("••••@" in r for r in reasons)
    assert JOSE not in reasons[-1]       # the waiting message keeps its address, not in the reason
    table = run_cli("log", "--project", str(project))
    assert "maria.nunez" not in table.stdout.lower()
    with LiveServer(project, outbox_retry_seconds=0) as site:
        status, _, body = site.raw("GET", "/activity")
    assert status == 200 and b"maria.nunez" not in body.lower() and "m••••@example.org".encode() in body


#: The outbox's table as handouts made it before migrations were numbered.
OLD_OUTBOX = """CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE, created TEXT NOT NULL, updated TEXT NOT NULL,
    status TEXT NOT NULL, lang TEXT NOT NULL, large_print INTEGER NOT NULL, paper TEXT,
    handouts TEXT NOT NULL, masked TEXT NOT NULL, sender TEXT NOT NULL, recipient TEXT, raw BLOB,
    reason TEXT, attempts INTEGER NOT NULL DEFAULT 0, staff TEXT, claim TEXT, claimed_at REAL);"""


def test_reasons_stored_before_masking_are_masked_in_place(project: Path):
    (project / ".handouts").mkdir()
    db_path = project / ".handouts" / "handouts.db"
    with closing(sqlite3.connect(db_path)) as db, db:     # a log written by an older handouts
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(OLD_OUTBOX)
        db.execute("INSERT INTO messages (message_id, created, updated, status, lang, large_print,"
                   " handouts, masked, sender, reason) VALUES ('<old@x>', '2026-11-01T10:00:00+00:00',"
                   " '2026-11-01T10:00:00+00:00', 'refused', 'en', 0, '[]', 'm••••@example.org',"
                   f" 'care@example.org', 'the mail server refused the address: 550 <{MARIA}>: no')")
    assert MARIA.encode() in raw_state(project)
    [entry] = mail.log_entries(project)
    assert entry.reason == "the mail server refused the address: 550 <m••••@example.org>: no"
    assert MARIA.encode() not in raw_state(project)


def test_the_state_folder_and_database_are_owner_only(project: Path, tmp_path: Path):
    with smtp_server() as (inbox, port):
        use_smtp(project, plain_smtp(port))
        assert mail.send_handouts(project, ["leg-cramps"], MARIA).status == "sent"
    folder = project / ".handouts"
    assert mode(folder) == 0o700
    files = list(folder.glob("handouts.db*"))
    assert files and all(mode(f) == 0o600 for f in files), {f.name: oct(mode(f)) for f in files}
    # one made by an older handouts (0755, 0644) is tightened on first use
    folder.chmod(0o755)
    (folder / "handouts.db").chmod(0o644)
    mail.log_entries(project)
    assert mode(folder) == 0o700 and mode(folder / "handouts.db") == 0o600
    # the page's own log, when it creates the database first
    other = tmp_path / "other"
    other.mkdir()
    (other / "content").symlink_to(project / "content")
    log = EventLog(Project.find(other))
    log.add("desk", "print", [("en", "leg-cramps")])
    assert mode(other / ".handouts") == 0o700 and mode(other / ".handouts" / "handouts.db") == 0o600


def test_activity_shows_cancelled_and_sending_messages(project: Path):
    """The Activity page answered 500 once the log held a cancelled or a
    sending message (no words for those states)."""
    with smtp_server() as (inbox, port):
        use_smtp(project, plain_smtp(port))
        inbox.rcpt_reply = "451 4.3.0 try later"
        first = mail.send_handouts(project, ["leg-cramps"], MARIA)
        mail.send_handouts(project, ["cvi-symptoms"], JOSE)
    assert mail.outbox_cancel(project, first.message_id)
    with closing(sqlite3.connect(project / ".handouts" / "handouts.db")) as db, db:
        db.execute("UPDATE messages SET status = 'sending' WHERE status = 'queued'")
    for ui in ("en", "es"):
        with LiveServer(project, outbox_retry_seconds=0, ui_lang=ui) as site:
            status, _, body = site.raw("GET", "/activity")
        assert status == 200, body[:300]
        words = ("cancelled", "being sent") if ui == "en" else ("cancelado", "enviándose")
        assert all(w.encode() in body for w in words)
