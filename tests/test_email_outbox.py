"""Email, nothing lost: STARTTLS and implicit TLS with a trustme CA and AUTH,
the outbox (server down, time-out, 4xx, cancel), 5xx refusals never retried,
and two senders at once never sending one message twice (a real aiosmtpd)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import trustme

from handouts import mail
from helpers import free_port, plain_smtp, run_cli, use_smtp
from mailutil import PATIENT, clinic, db_rows  # noqa: F401 (clinic is a fixture)
from smtpserver import PASSWORD, USER, server_tls_context, silent_server, smtp_server


# --------------------------------------------------------------------------
# TLS and AUTH.

@pytest.fixture
def ca(clinic: Path):
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(clinic / "content" / "test-ca.pem"))
    return authority


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd: implicit TLS
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_with_auth(clinic: Path, ca, monkeypatch, security: str):
    """STARTTLS and implicit TLS, verified against the test CA, with AUTH."""
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", PASSWORD)
    tls = {"starttls" if security == "starttls" else "implicit": server_tls_context(ca)}
    with smtp_server(auth=True, **tls) as (inbox, port):
        use_smtp(clinic, f"host: 127.0.0.1\nport: {port}\nsecurity: {security}\nusername: {USER}\n"
                         f"ca_file: test-ca.pem\ntimeout: 5")
        result = mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
        assert result.status == "sent", result.reason
        assert inbox.received[0].tls and inbox.received[0].user == USER
        monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", "wrong")
        refused = mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
    assert refused.status == "refused" and "535" in refused.reason and "HANDOUTS_SMTP_PASSWORD" in refused.reason
    assert len(inbox.received) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_unknown_certificate_is_not_trusted(clinic: Path, monkeypatch):
    """Without ca_file the test CA is unknown: verification fails, nothing is
    sent in the clear, and the message waits."""
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", PASSWORD)
    with smtp_server(implicit=server_tls_context(trustme.CA()), auth=True) as (inbox, port):
        use_smtp(clinic, f"host: 127.0.0.1\nport: {port}\nsecurity: tls\nusername: {USER}\ntimeout: 5")
        result = mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
    assert result.status == "queued" and "certificate" in result.reason
    assert inbox.received == []


def test_username_without_password_env(clinic: Path, monkeypatch):
    monkeypatch.delenv("HANDOUTS_SMTP_PASSWORD", raising=False)
    use_smtp(clinic, f"host: 127.0.0.1\nport: 2525\nsecurity: none\nusername: {USER}")
    with pytest.raises(mail.MailSetupError, match="HANDOUTS_SMTP_PASSWORD"):
        mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
    assert db_rows(clinic) == []


# --------------------------------------------------------------------------
# Nothing lost: the outbox.

def test_server_down_then_outbox_send_delivers(clinic: Path):
    port = free_port()
    use_smtp(clinic, plain_smtp(port))
    sent = run_cli("email", "leg-cramps", "--to", PATIENT, "--lang", "es", "--project", str(clinic))
    assert sent.returncode == 1
    assert ("not sent yet: the mail server did not answer" in sent.stderr
            and "it is waiting in the outbox, run `handouts outbox send`" in sent.stderr), sent.stderr
    listing = run_cli("outbox", "--project", str(clinic))
    assert listing.returncode == 0 and "maria@example.org" in listing.stdout and "1 waiting" in listing.stdout
    [row] = db_rows(clinic)
    assert row["status"] == "queued" and row["recipient"] == "maria@example.org"

    with smtp_server(port) as (inbox, _):
        again = run_cli("outbox", "send", "--project", str(clinic))
    assert again.returncode == 0, again.stderr
    assert "sent 1 handout(s) to m••••@example.org" in again.stdout
    assert len(inbox.received) == 1
    assert inbox.received[0].message["Message-ID"] == row["message_id"]
    [row] = db_rows(clinic)
    assert row["status"] == "sent" and row["recipient"] is None and row["raw"] is None
    assert row["attempts"] == 2
    assert mail.outbox_list(clinic) == []
    assert [e.to for e in mail.log_entries(clinic)] == ["m••••@example.org"]


def test_cancel_a_waiting_message(clinic: Path):
    """A mistyped address can be taken out of the outbox; it is never sent and
    its address is erased at once."""
    result = mail.send_handouts(clinic, ["leg-cramps"], "maria@exmaple.org")
    assert result.status == "queued"
    cli = run_cli("outbox", "cancel", result.message_id.strip("<>"), "--project", str(clinic))
    assert cli.returncode == 0 and "cancelled" in cli.stdout, cli.stderr
    [row] = db_rows(clinic)
    assert row["status"] == "cancelled" and row["recipient"] is None and row["raw"] is None
    assert mail.outbox_list(clinic) == [] and mail.outbox_cancel(clinic, result.message_id) is False
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        assert mail.outbox_send(clinic) == []
    assert inbox.attempts == 0


def test_a_message_being_tried_can_be_cancelled_before_it_is_handed_over(clinic: Path):
    """Cancelling a waiting message while a sender is trying it (here, waiting
    for a server that never answers) takes it out at once: the try that was
    under way then changes nothing, and nothing is ever sent. (The page's
    outbox retry made "Cancel this email" answer "sent or cancelled already"
    for a message neither sent nor cancelled.)"""
    import time

    result = mail.send_handouts(clinic, ["leg-cramps"], "maria@exmaple.org")
    assert result.status == "queued"
    with silent_server() as port:
        use_smtp(clinic, plain_smtp(port, timeout=3))
        trying = threading.Thread(target=mail.outbox_send, args=(clinic,))
        trying.start()
        deadline = time.monotonic() + 10
        while db_rows(clinic)[0]["status"] != "sending" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert db_rows(clinic)[0]["status"] == "sending"      # a sender holds it
        assert mail.outbox_cancel(clinic, result.message_id) is True
        trying.join(15)
    [row] = db_rows(clinic)
    assert row["status"] == "cancelled" and row["recipient"] is None and row["raw"] is None
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        assert mail.outbox_send(clinic) == []
    assert inbox.attempts == 0


def test_timeout_goes_to_outbox(clinic: Path):
    with silent_server() as port:
        use_smtp(clinic, plain_smtp(port, timeout=1))
        result = mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
    assert result.status == "queued" and "did not answer in time" in result.reason
    assert [e.to for e in mail.outbox_list(clinic)] == ["maria@example.org"]


def test_temporary_refusal_waits_then_goes(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        inbox.rcpt_reply = "450 4.2.1 Mailbox busy, try again later"
        result = mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
        assert result.status == "queued" and "450 4.2.1 Mailbox busy" in result.reason
        assert "try again later" in result.describe() and "handouts outbox send" in result.describe()
        inbox.rcpt_reply = None
        [again] = mail.outbox_send(clinic)
    assert again.status == "sent"
    assert len(inbox.received) == 1 and mail.outbox_list(clinic) == []


def test_permanent_refusal_reports_server_words_and_never_retries(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        inbox.rcpt_reply = "550 5.1.1 No such user here"
        cli = run_cli("email", "leg-cramps", "--to", PATIENT, "--project", str(clinic))
        assert cli.returncode == 1
        assert "550 5.1.1 No such user here" in cli.stderr and "outbox" not in cli.stderr
        inbox.rcpt_reply = None
        assert mail.outbox_send(clinic) == []
    assert inbox.attempts == 1 and inbox.received == []
    [row] = db_rows(clinic)
    assert row["status"] == "refused" and row["recipient"] is None and row["raw"] is None



# --------------------------------------------------------------------------
# Two senders at once.

def test_two_concurrent_senders(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        procs = [subprocess.Popen([sys.executable, "-m", "handouts", "email", slug, "--to", to,
                                   "--project", str(clinic)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for slug, to in [("leg-cramps", PATIENT), ("cvi-symptoms", "jose@example.org")]]
        outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == ["jose@example.org", "maria@example.org"]
    rows = db_rows(clinic)
    assert len(rows) == 2 and {r["status"] for r in rows} == {"sent"}
    assert len({r["message_id"] for r in rows}) == 2
    assert sorted(r["masked"] for r in rows) == ["j••••@example.org", "m••••@example.org"]


def test_two_outbox_senders_never_send_twice(clinic: Path):
    port = free_port()
    use_smtp(clinic, plain_smtp(port))
    for n in range(4):
        assert mail.send_handouts(clinic, ["leg-cramps"], f"patient{n}@example.org").status == "queued"
    with smtp_server(port) as (inbox, _):
        results: list = []
        threads = [threading.Thread(target=lambda: results.extend(mail.outbox_send(clinic)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    ids = [r.message["Message-ID"] for r in inbox.received]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert sorted(r.message_id for r in results) == sorted(ids)
    assert {r["status"] for r in db_rows(clinic)} == {"sent"}
