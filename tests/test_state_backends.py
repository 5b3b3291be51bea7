"""The state database on both engines: SQLite under the project, and a real
PostgreSQL started by the tests (tests/pgserver.py; HANDOUTS_DATABASE_URL).
The same tests run on each (the ``backend`` fixture); a real aiosmtpd counts
what arrives, by Message-ID. No mocks.

Covers: the outbox, log and activity on each engine; nothing written to
SQLite with the URL set, and no PostgreSQL library imported without it;
migrations run by several processes at once; 3 senders on 30 messages queued
while the server was down deliver each once; a sender killed (SIGKILL) before
handing a message over leaves it to another after the lease, and one killed
after handing it over leaves it held as "possibly sent", never sent twice;
PostgreSQL restarted under load; bad URLs and a refusing database in one line."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from handouts import mail
from handouts.project import Project
from handouts.web.events import EventLog
from helpers import REPO, free_port, plain_smtp, processes_at_once, run_cli, run_process, use_smtp
from smtpserver import Inbox, smtp_server


@pytest.fixture
def clinic(project: Path, backend) -> Path:
    use_smtp(project, plain_smtp(free_port()))
    return project


def queue(clinic: Path, n: int) -> list[str]:
    """``n`` messages queued while the mail server is down; their Message-IDs."""
    ids = []
    for i in range(n):
        result = mail.send_handouts(clinic, ["leg-cramps"], f"patient{i}@example.org")
        assert result.status == "queued", result
        ids.append(result.message_id)
    return ids


def arrived(inbox: Inbox) -> Counter:
    return Counter(r.message["Message-ID"] for r in inbox.received)


def sqlite_file(clinic: Path) -> Path:
    return clinic / ".handouts" / "handouts.db"


def senders(clinic: Path, n: int, **env) -> list[subprocess.Popen]:
    environ = {**os.environ, "PYTHONPATH": str(REPO), **env}
    return [subprocess.Popen([sys.executable, "-m", "handouts", "outbox", "send", "--project",
                              str(clinic)], env=environ, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(n)]


def test_outbox_log_and_activity_on_each_engine(clinic: Path, backend):
    ids = queue(clinic, 2)
    assert [e.message_id for e in mail.outbox_list(clinic)] == ids
    assert mail.outbox_cancel(clinic, ids[1])
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        assert [r.status for r in mail.outbox_send(clinic)] == ["sent"]
    assert list(arrived(inbox)) == [ids[0]]
    log = mail.log_entries(clinic)
    assert [(e.status, e.to) for e in log] == [("sent", "p••••@example.org"),
                                               ("cancelled", "p••••@example.org")]
    assert mail.outbox_list(clinic) == []
    events = EventLog(Project.find(clinic))
    events.add("desk-1", "print", [("en", "leg-cramps"), ("es", "leg-cramps")])
    assert [(e.staff, e.items) for e in events.recent()] == [("desk-1", ["en/leg-cramps",
                                                                         "es/leg-cramps"])]
    assert events.week_counts()["print"] == 2
    # with the URL set, nothing at all is written to SQLite
    assert sqlite_file(clinic).exists() == (backend is None)


def test_no_postgresql_library_without_the_url(clinic: Path, backend):
    code = ("import sys; from handouts import mail; from handouts.web.events import EventLog;"
            "from handouts.project import Project; p = Project.find(sys.argv[1]);"
            "mail.outbox_list(p); EventLog(p).add('d', 'print', [('en', 'leg-cramps')]);"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_pool',"
            " 'psycopg_binary', 'handouts.state_postgres')))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code, str(clinic)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    if backend is None:
        assert out.stdout.strip() == "[]"
    else:
        assert "psycopg" in out.stdout


def test_migrations_from_several_processes_at_once(clinic: Path, backend):
    done = processes_at_once(*[["handouts", "db", "upgrade", "--project", str(clinic)]] * 4)
    assert [d.returncode for d in done] == [0] * 4, [d.stderr for d in done]
    for d in done:
        assert "outbox at version 3, activity at version 1" in d.stdout
    again = run_cli("db", "upgrade", "--project", str(clinic))
    assert again.returncode == 0 and "outbox at version 3" in again.stdout
    assert (backend is None) == ("handouts.db" in again.stdout)
    if backend is not None:
        assert "test-pw" not in again.stdout and "•••" in again.stdout


def test_three_senders_deliver_thirty_messages_each_once(clinic: Path, backend):
    ids = queue(clinic, 30)
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        procs = senders(clinic, 3)
        outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert arrived(inbox) == Counter(ids)                  # all 30, each exactly once
    assert {e.status for e in mail.log_entries(clinic)} == {"sent"}
    sent_by = [out.count("sent 1 handout") for out, _ in outs]
    assert sum(sent_by) == 30


class Stalling(Inbox):
    """Stalls (as a hung server would) at RCPT or at DATA for one recipient."""

    def __init__(self, recipient: str, at: str):
        super().__init__()
        self.recipient, self.at = recipient, at
        self.stalled = False

    async def _stall(self, who: str, at: str):
        if who == self.recipient and at == self.at and not self.stalled:
            self.stalled = True
            await asyncio.sleep(8)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._stall(address, "rcpt")
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        await self._stall(envelope.rcpt_tos[0], "data")
        return await super().handle_DATA(server, session, envelope)


def _kill_when(proc: subprocess.Popen, inbox: Stalling) -> None:
    deadline = time.monotonic() + 120
    while not inbox.stalled:
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)


def test_a_sender_killed_before_handing_over_leaves_it_to_another(clinic: Path, backend):
    ids = queue(clinic, 6)
    inbox = Stalling("patient2@example.org", "rcpt")
    with smtp_server(handler=inbox) as (_, port):
        use_smtp(clinic, plain_smtp(port, timeout=20))
        [first] = senders(clinic, 1, HANDOUTS_OUTBOX_LEASE="12")
        _kill_when(first, inbox)
        killed = time.monotonic()
        assert len(arrived(inbox)) == 2                   # patients 0 and 1, then it died
        early = run_process("outbox", "send", "--project", str(clinic))
        assert early.returncode == 0, early.stderr       # the rest, not the one it held
        assert set(arrived(inbox)) == set(ids) - {ids[2]}
        time.sleep(max(0.0, killed + 12.5 - time.monotonic()))    # the lease runs out
        late = run_process("outbox", "send", "--project", str(clinic))
        assert late.returncode == 0, late.stderr
    assert arrived(inbox) == Counter(ids)
    assert {e.status for e in mail.log_entries(clinic)} == {"sent"}


class LockOnData(Inbox):
    """Takes the outbox's table lock (``lock()``) just before it answers 250
    to one recipient's DATA: that sender cannot record "sent" until released."""

    def __init__(self, recipient: str, lock):
        super().__init__()
        self.recipient, self.lock_db, self.stalled = recipient, lock, False

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos[0] == self.recipient and not self.stalled:
            self.lock_db()
            self.stalled = True
        return await super().handle_DATA(server, session, envelope)


def table_lock(clinic: Path, url: str | None):
    """Another connection holding a write lock on the outbox: (take, release)."""
    held = []

    def take():
        if url is None:
            import sqlite3

            conn = sqlite3.connect(sqlite_file(clinic), isolation_level=None,
                                   check_same_thread=False)
            conn.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            conn = psycopg.connect(url)
            conn.execute("LOCK TABLE messages IN EXCLUSIVE MODE")
        held.append(conn)

    def release():
        for conn in held:
            conn.rollback() if url else conn.execute("ROLLBACK")
            conn.close()

    return take, release


@contextmanager
def killed_after_the_250(clinic: Path, backend, recipient: str):
    """A sender killed (SIGKILL) after the server said 250 to ``recipient``'s
    message and before it could record it; yields the server's inbox once the
    sender's lease (3 s) has run out."""
    take, release = table_lock(clinic, backend)
    inbox = LockOnData(recipient, take)
    with smtp_server(handler=inbox) as (_, port):
        use_smtp(clinic, plain_smtp(port, timeout=20))
        [first] = senders(clinic, 1, HANDOUTS_OUTBOX_LEASE="3")
        try:
            _kill_when(first, inbox)       # waiting to write "sent" after the server's 250
        finally:
            release()
        time.sleep(3.5)                                   # the lease runs out
        yield inbox


def test_killed_between_the_250_and_the_commit_it_is_held_never_sent_twice(clinic: Path, backend):
    """The crash the issue asks about: the server said 250, the sender died
    before it could record it. Its row says it was handed over (``data_at``,
    written before DATA), so after the lease it is held as "possibly sent" for
    a person (`handouts outbox` says so), never sent again by a sender."""
    ids = queue(clinic, 4)
    with killed_after_the_250(clinic, backend, "patient1@example.org") as inbox:
        assert arrived(inbox) == Counter(ids[:2])
        again = run_process("outbox", "send", "--project", str(clinic))
        assert again.returncode == 0, again.stderr
        assert arrived(inbox) == Counter(ids)             # each once: the held one not again
        listed = run_process("outbox", "--project", str(clinic))
        assert "possibly sent" in listed.stdout and ids[1] in listed.stdout
        [held] = mail.outbox_list(clinic)
        assert held.held and held.message_id == ids[1] and held.to == "patient1@example.org"
        assert mail.outbox_send(clinic) == []             # no sender touches it
        # a person asks the patient, who did get it: cancel (or release, to send it again)
        assert run_cli("outbox", "cancel", ids[1], "--project", str(clinic)).returncode == 0
    assert arrived(inbox) == Counter(ids)
    assert [e.status for e in mail.log_entries(clinic)] == ["sent", "cancelled", "sent", "sent"]


def test_a_held_message_released_by_a_person_is_sent_again(clinic: Path, backend):
    [only] = queue(clinic, 1)
    with killed_after_the_250(clinic, backend, "patient0@example.org") as inbox:
        assert mail.outbox_send(clinic) == []
        assert run_cli("outbox", "release", only, "--project", str(clinic)).returncode == 0
        assert [r.status for r in mail.outbox_send(clinic)] == ["sent"]
    assert arrived(inbox)[only] == 2                      # only because a person asked for it
    assert run_cli("outbox", "release", only, "--project", str(clinic)).returncode == 1


@pytest.fixture
def on_postgres(project: Path, postgres, monkeypatch):
    monkeypatch.setenv("HANDOUTS_DATABASE_URL", postgres.new_database())
    yield project
    from handouts import state_postgres

    state_postgres.close_pools()


def test_postgresql_restarted_under_load(on_postgres: Path, postgres):
    clinic = on_postgres
    use_smtp(clinic, plain_smtp(free_port()))
    ids = queue(clinic, 30)

    class Slow(Inbox):
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(0.15)
            return await super().handle_DATA(server, session, envelope)

    inbox = Slow()
    with smtp_server(handler=inbox) as (_, port):
        use_smtp(clinic, plain_smtp(port))
        procs = senders(clinic, 3, HANDOUTS_OUTBOX_LEASE="2")
        while sum(arrived(inbox).values()) < 5:
            time.sleep(0.05)
        postgres.restart()
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):   # a sender that lost the database says so in a line
            assert p.returncode in (0, 1), err
            if p.returncode == 1:
                assert "HANDOUTS_DATABASE_URL" in err and "Traceback" not in err, err
                assert "test-pw" not in err
        time.sleep(2.5)
        resumed = run_process("outbox", "send", "--project", str(clinic))
    got = arrived(inbox)
    assert max(got.values()) == 1                          # never twice
    held = {e.message_id for e in mail.outbox_list(clinic) if e.held}
    assert set(got) | held == set(ids), resumed.stderr     # and none lost
    assert not [e for e in mail.outbox_list(clinic) if not e.held]


@pytest.mark.parametrize("url, words", [
    ("mysql://u:hunter2pw@db/handouts", "not a PostgreSQL URL"),
    ("postgresql://u:hunter2pw@db:99999/handouts", "not a database URL"),
    ("postgresql://u:hunter2pw@127.0.0.1:5432", "names no database"),
])
def test_bad_urls_are_one_line(project: Path, url: str, words: str):
    out = run_process("outbox", "--project", str(project), env={"HANDOUTS_DATABASE_URL": url})
    assert out.returncode == 1
    [line] = out.stderr.splitlines()
    assert words in line and "HANDOUTS_DATABASE_URL" in line and "hunter2pw" not in line
    assert not (project / ".handouts").exists()


def test_a_database_that_refuses_is_one_line_at_start(project: Path, postgres):
    refused = f"postgresql://u:hunter2pw@127.0.0.1:{free_port()}/handouts"
    wrong_password = postgres.url().replace("test-pw-Zq81", "hunter2pw")
    for url, words in [(refused, "Connection refused"), (wrong_password, "password authentication")]:
        env = {"HANDOUTS_DATABASE_URL": url}
        for args in (["outbox"], ["db", "upgrade"], ["serve", "--port", str(free_port())]):
            out = run_process(*args, "--project", str(project), env=env, timeout=60)
            assert out.returncode == 1, (args, out.stderr)
            [line] = out.stderr.splitlines()
            assert words in line and ":•••@127.0.0.1" in line, line
            assert "hunter2pw" not in line and "Serving" not in out.stdout
    assert not (project / ".handouts").exists()


#: Opens the outbox of the project in argv[1] at the moment argv[2] (time.time()).
_OPEN_AT = ("import sys, time\nfrom handouts import mail\nstart = float(sys.argv[2])\n"
            "while time.time() < start:\n    pass\nprint(len(mail.outbox_list(sys.argv[1])))\n")


def test_processes_opening_a_new_database_at_once_all_open_it(tmp_path):
    """Several processes opening the same new SQLite database at the same
    moment (front desks' first emails at once) all open it: SQLite may refuse
    the switch to WAL at once with "database is locked", without its busy
    timeout, and state._wal tries again. (Without it, about half the rounds
    of six processes had one fail: "cannot open the state database".)"""
    import shutil

    for n in range(5):
        clinic = tmp_path / f"clinic{n}"
        shutil.copytree(REPO / "content", clinic / "content")
        start = time.time() + 1.0       # after every process has started
        results = processes_at_once(*([sys.executable, "-c", _OPEN_AT, str(clinic), str(start)]
                                      for _ in range(6)))
        assert [(r.returncode, r.stdout.strip(), r.stderr) for r in results] == [(0, "0", "")] * 6, n
