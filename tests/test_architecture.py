"""How the code is put together: one rule in one place."""

from __future__ import annotations

import contextlib

import pytest

LOOPBACK = ["localhost", "LOCALHOST", "localhost.", "app.localhost", "127.0.0.1", "127.8.9.10",
            "::1", "[::1]", "::ffff:127.0.0.1", " 127.0.0.1 "]
NOT_LOOPBACK = ["0.0.0.0", "::", "10.0.0.5", "192.168.1.20", "[2001:db8::1]", "mail.example.org",
                "localhost.example.org", "127.0.0.1.example.org", ""]


@pytest.mark.parametrize("host", LOOPBACK + NOT_LOOPBACK)
def test_one_loopback_rule_for_mail_and_the_page(host):
    """``security: none`` (clear-text mail) and ``handouts serve`` without a
    password are allowed to exactly the same hosts: this computer."""
    from handouts.errors import HandoutError
    from handouts.schema.settings import Smtp
    from handouts.web.serve import settings_for

    local = host in LOOPBACK
    with pytest.raises(HandoutError) if not local else _nothing():
        settings_for(host, environ={})
    try:
        Smtp.model_validate({"host": host, "security": "starttls"})
    except ValueError:
        return   # not a server name at all ("[::1]", ""): refused for that reason
    with pytest.raises(ValueError, match="only allowed to this computer") if not local else _nothing():
        Smtp.model_validate({"host": host, "security": "none"})


@contextlib.contextmanager
def _nothing():
    yield


def test_one_policy_for_the_state_database_whoever_opens_it_first(tmp_path):
    """The page's log and the outbox open the same file through
    handouts.state: WAL, secure_delete, owner-only, out of git, either first."""
    import sqlite3
    from contextlib import closing

    from handouts import mail
    from handouts.project import Project
    from handouts.web.events import EventLog

    for first in ("page", "mail"):
        root = tmp_path / first
        (root / "content").mkdir(parents=True)
        project = Project.find(root)
        if first == "page":
            EventLog(project).add("desk", "print", [("en", "leg-cramps")])
        else:
            mail.log_entries(project)
        folder = root / ".handouts"
        assert (folder / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
        with closing(sqlite3.connect(folder / "handouts.db")) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal", first
        # and the other one finds it as it expects
        assert mail.log_entries(project) == []
        assert [e.action for e in EventLog(project).recent()] == (["print"] if first == "page" else [])
