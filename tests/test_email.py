"""Email: a real aiosmtpd server on loopback, started by the tests (no mocks).

Covers delivery (PDFs identical to `handouts build`), the message's headers and
words in English and Spanish, STARTTLS and implicit TLS with a trustme CA and
AUTH, the outbox (server down, time-out, 4xx), 5xx refusals, refused addresses,
the smtp block's checks, two senders at once, and the log's privacy rule."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme
from hypothesis import example, given, settings as hsettings, strategies as st
from pypdf import PdfReader
import yaml

from handouts import mail
from handouts import address
from handouts.errors import HandoutError
from handouts.project import Project
from helpers import free_port, plain_smtp, run_cli, squash, use_smtp
from smtpserver import PASSWORD, USER, server_tls_context, silent_server, smtp_server

PATIENT = "María Núñez <maria@example.org>"

SPANISH = """\
title: Calambres en las piernas
summary: Casi todos los calambres no son graves. Si vuelven una y otra vez, pueden ser señal de un problema de circulación.
reviewed: 2026-11-01
sections:
  - heading: ¿Qué es un calambre?
    body: Un calambre es cuando un músculo de la pierna se pone duro de repente. Casi siempre se quita en unos minutos.
  - heading: Qué puede hacer
    bullets:
      - Estire y frote la pantorrilla.
      - Camine un poco.
      - Tome agua todos los días.
"""


@pytest.fixture
def clinic(project: Path) -> Path:
    """The demo project with a Spanish handout and an smtp block pointing nowhere yet."""
    es = project / "content" / "es"
    if not (es / "leg-cramps.yaml").exists():
        es.mkdir(exist_ok=True)
        (es / "leg-cramps.yaml").write_text(SPANISH, encoding="utf-8")
    use_smtp(project, plain_smtp(free_port()))
    return project


def db_rows(root: Path) -> list[dict]:
    path = root / ".handouts" / "handouts.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM messages ORDER BY id")]


def attachments(msg) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_content()) for part in msg.iter_attachments()]


# --------------------------------------------------------------------------
# Delivery and the message itself.

def test_delivers_one_pdf_per_handout_identical_to_build(clinic: Path, tmp_path: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        result = mail.send_handouts(clinic, ["leg-cramps", "cvi-symptoms"], PATIENT, staff="desk-1")
    assert result.status == "sent", result.reason
    assert len(inbox.received) == 1
    got = inbox.received[0]
    assert got.rcpt_tos == ["maria@example.org"]
    assert got.mail_from == "care@riverbend.example.org"
    msg = got.message

    built = run_cli("build", "leg-cramps", "cvi-symptoms", "--project", str(clinic), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    files = attachments(msg)
    assert [name for name, _ in files] == ["Leg cramps.pdf", "Signs of chronic venous insufficiency (CVI).pdf"]
    for (name, data), slug in zip(files, ["leg-cramps", "cvi-symptoms"]):
        assert data == (tmp_path / "out" / "en" / f"{slug}.pdf").read_bytes(), name
        pdf = PdfReader(io.BytesIO(data))
        assert len(pdf.pages) == 1
        assert "leg cramp" in pdf.pages[0].extract_text().lower() or "venous" in pdf.pages[0].extract_text().lower()
    # The log: the exact PDFs' hashes and the approved words (the digest in the
    # approval record), the status, the Message-ID, a masked address only.
    [row] = db_rows(clinic)
    assert row["status"] == "sent" and row["message_id"] == msg["Message-ID"] == result.message_id
    words = {slug: yaml.safe_load((clinic / "content" / "approvals" / "en" / f"{slug}.yaml").read_text("utf-8"))[
        "digest"] for slug in ["leg-cramps", "cvi-symptoms"]}
    assert json.loads(row["handouts"]) == [
        {"slug": slug, "lang": "en", "sha256": hashlib.sha256(data).hexdigest(), "words": words[slug]}
        for slug, (_, data) in zip(["leg-cramps", "cvi-symptoms"], files)]
    # ... and the message says it too, for "which words did this patient get?".
    assert squash(msg["X-Handouts-Approved"]) == (f"en/leg-cramps {words['leg-cramps']}; "
                                                  f"en/cvi-symptoms {words['cvi-symptoms']}")
    assert row["recipient"] is None and row["raw"] is None and row["masked"] == "m••••@example.org"
    assert row["staff"] == "desk-1" and row["large_print"] == 0
    raw_db = b"".join(p.read_bytes() for p in (clinic / ".handouts").glob("handouts.db*"))
    assert b"maria@example.org" not in raw_db and "Núñez".encode() not in raw_db


def test_email_a_handout_kept_as_yml(clinic: Path, tmp_path: Path):
    """`handouts email` finds a handout stored as .yml, as build does."""
    (clinic / "content/en/risk-factors.yaml").rename(clinic / "content/en/risk-factors.yml")
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        sent = run_cli("email", "risk-factors", "--to", PATIENT, "--project", str(clinic))
    assert sent.returncode == 0, sent.stderr
    assert "sent 1 handout(s) to m••••@example.org" in sent.stdout
    [got] = inbox.received
    built = run_cli("build", "risk-factors", "--project", str(clinic), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    [(name, data)] = attachments(got.message)
    assert name == "Risk factors for vein problems.pdf"
    assert data == (tmp_path / "out/en/risk-factors.pdf").read_bytes()


def test_headers_and_alternatives(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port) + "\nreply_to: Front desk <frontdesk@riverbend.example.org>")
        mail.send_handouts(clinic, ["leg-cramps"], PATIENT, large_print=True)
    raw = inbox.received[0].data
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")      # headers are pure ASCII
    assert "To: =?utf-8?" in head and "María" not in head
    msg = inbox.received[0].message
    assert msg["To"].addresses[0].display_name == "María Núñez"
    assert msg["To"].addresses[0].addr_spec == "maria@example.org"
    assert msg["From"].addresses[0].display_name == "Riverbend Vein & Leg Clinic"
    assert str(msg["Reply-To"]) == "Front desk <frontdesk@riverbend.example.org>"
    assert msg["Message-ID"].endswith("@riverbend.example.org>")
    assert msg["Date"].datetime is not None
    assert msg["Subject"] == "Leg cramps: a handout from Riverbend Vein & Leg Clinic"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for words in ["Hello María Núñez,", "Leg cramps", "(541) 555-0142", "call 911", "large print"]:
        assert words in text and words.replace("&", "&amp;") in html
    assert "<img" not in html and "src=" not in html and "<script" not in html.lower()
    assert '<html lang="en">' in html
    # 18 pt large print PDF, as `handouts build --large-print` makes it
    [(name, data)] = attachments(msg)
    assert PdfReader(io.BytesIO(data)).metadata.title == "Leg cramps"


def _show(received) -> str:
    """The top-level headers as they travel (RFC 2047 encoded), then the text part."""
    wire = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    head = "\n".join(line for line in wire.splitlines()
                     if not line.startswith(("MIME", "Content-Type", " boundary", "\tboundary")))
    msg = received.message
    names = ", ".join(part.get_filename() for part in msg.iter_attachments())
    return (head + f"\n(To, decoded: {msg['To']})\n(Subject, decoded: {msg['Subject']})\n"
            f"(Attached: {names})\n\n" + msg.get_body(("plain",)).get_content())


def test_message_in_english_and_spanish_printed(clinic: Path):
    """Prints what a patient gets (run with -s to see it)."""
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        mail.send_handouts(clinic, ["leg-cramps"], PATIENT, lang="en")
        mail.send_handouts(clinic, ["leg-cramps"], PATIENT, lang="es")
    print("\n===== English =====\n" + _show(inbox.received[0]) +
          "\n===== Spanish =====\n" + _show(inbox.received[1]))
    en, es = (r.message for r in inbox.received)
    assert es["Subject"] == "Calambres en las piernas: información de Riverbend Vein & Leg Clinic"
    assert es["Content-Language"] == "es"
    text = es.get_body(("plain",)).get_content()
    for words in ["Hola, María Núñez:", "Le enviamos la hoja informativa", "Llámenos al (541) 555-0142",
                  "llame al 911", "Un saludo cordial,"]:
        assert words in text
    assert '<html lang="es">' in es.get_body(("html",)).get_content()
    [(name, data)] = attachments(es)
    assert name == "Calambres en las piernas.pdf"
    assert "calambre" in PdfReader(io.BytesIO(data)).pages[0].extract_text().lower()
    assert [json.loads(r["handouts"])[0]["lang"] for r in db_rows(clinic)] == ["en", "es"]


def test_mixed_languages_in_one_message(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        result = mail.send_handouts(clinic, ["es:leg-cramps", ("en", "leg-cramps")], PATIENT, lang="es")
    assert result.status == "sent"
    names = [name for name, _ in attachments(inbox.received[0].message)]
    assert names == ["Calambres en las piernas.pdf", "Leg cramps.pdf"]
    assert [(h.lang, h.slug) for h in result.handouts] == [("es", "leg-cramps"), ("en", "leg-cramps")]


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
# Refused before anything is sent.

@pytest.mark.parametrize("to", [
    "maria@example.org\r\nBcc: everyone@evil.example.com",
    "maria@example.org\nBcc: everyone@evil.example.com",
    "María Núñez\r\n <maria@example.org>",
    "maria@example.org\x00",
    "maria@example.org, jose@example.org",
    "María <maria@example.org>; José <jose@example.org>",
    "maria@example.org jose@example.org",
    "not an address",
    "maria@example",
    "maria@@example.org",
    "<maria@example.org",
    "",
])
def test_bad_addresses_refused_nothing_sent(clinic: Path, to: str):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        with pytest.raises(mail.AddressError) as info:
            mail.send_handouts(clinic, ["leg-cramps"], to)
    assert "\n" not in str(info.value) and ": to: " in str(info.value)
    assert inbox.attempts == 0 and inbox.received == [] and db_rows(clinic) == []


def test_header_injection_through_the_cli(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        cli = run_cli("email", "leg-cramps", "--to", "maria@example.org\nBcc: x@evil.example.com",
                      "--project", str(clinic))
    assert cli.returncode == 1 and "line break" in cli.stderr and "Traceback" not in cli.stderr
    assert inbox.attempts == 0 and db_rows(clinic) == []


def test_too_many_handouts_and_unknown_ones(clinic: Path):
    for i in range(mail.MAX_HANDOUTS + 1):
        src = (clinic / "content" / "en" / "leg-cramps.yaml").read_text(encoding="utf-8")
        (clinic / "content" / "en" / f"copy-{i}.yaml").write_text(src, encoding="utf-8")
    with pytest.raises(HandoutError, match=f"send at most {mail.MAX_HANDOUTS}"):
        mail.send_handouts(clinic, [f"copy-{i}" for i in range(mail.MAX_HANDOUTS + 1)], PATIENT)
    with pytest.raises(HandoutError, match="no handout named nope"):
        mail.send_handouts(clinic, ["nope"], PATIENT)
    assert db_rows(clinic) == []


def test_no_smtp_block_says_what_to_add(clinic: Path):
    use_smtp(clinic, None)
    cli = run_cli("email", "leg-cramps", "--to", PATIENT, "--project", str(clinic))
    assert cli.returncode == 1
    assert "clinic.yaml: smtp: email is not set up: add an smtp: block" in cli.stderr
    assert "HANDOUTS_SMTP_PASSWORD" in cli.stderr and len(cli.stderr.strip().splitlines()) == 1


def _line_of(root: Path, key: str) -> int:
    lines = (root / "content" / "clinic.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(key + ":"))


def test_password_in_yaml_is_refused(clinic: Path):
    use_smtp(clinic, "host: mail.example.org\nusername: desk\npassword: hunter2")
    cli = run_cli("build", "--project", str(clinic), "--out", str(clinic / "out"))
    assert cli.returncode == 1
    line = _line_of(clinic, "password")
    assert f"clinic.yaml:{line}: smtp.password: never put the password in clinic.yaml" in cli.stderr
    assert "HANDOUTS_SMTP_PASSWORD" in cli.stderr and "hunter2" not in cli.stderr


def brand_errors(root: Path) -> str:
    """The brand's problems, one line each, as the CLI prints them."""
    from handouts.project import load_brand

    with pytest.raises(HandoutError) as info:
        load_brand(Project.find(root))
    return str(info.value)


@pytest.mark.parametrize("host", ["mail.example.org", "192.168.1.20", "10.0.0.1", "::2"])
def test_security_none_only_for_loopback(clinic: Path, host: str):
    use_smtp(clinic, f"host: '{host}'\nport: 25\nsecurity: none")
    assert (f"clinic.yaml:{_line_of(clinic, 'security')}: smtp.security: security: none sends "
            f"patient email unencrypted") in brand_errors(clinic)
    with pytest.raises(HandoutError):
        mail.send_handouts(clinic, ["leg-cramps"], PATIENT)
    assert db_rows(clinic) == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.10", "::1"])
def test_security_none_allowed_on_loopback(clinic: Path, host: str):
    from handouts.project import load_brand

    use_smtp(clinic, f"host: '{host}'\nport: 25\nsecurity: none")
    assert load_brand(Project.find(clinic)).clinic.smtp.security == "none"


@pytest.mark.parametrize("block, field, words", [
    ("host: mail.example.org\nsecurity: ssl", "smtp.security", "starttls"),
    ("host: mail.example.org\nport: 99999", "smtp.port", "65535"),
    ("host: mail.example.org\nfrom: 'Clinic <care@example.org>, x@evil.example.com'", "smtp.from", "several addresses"),
    ("host: mail.example.org\nreply_to: nobody", "smtp.reply_to", "not a usable email address"),
    ("host: 'mail.example.org\\r\\nX: y'", "smtp.host", "is not a server name"),
    ("hots: mail.example.org", "smtp.hots", "did you mean 'host'"),
])
def test_smtp_block_errors_point_at_the_line(clinic: Path, block, field, words):
    use_smtp(clinic, block)
    errors = brand_errors(clinic)
    key = field.split(".")[1]
    assert f"clinic.yaml:{_line_of(clinic, key)}: {field}: " in errors and words in errors, errors


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


# --------------------------------------------------------------------------
# The log.

def test_log_json_since_and_weekly_counts(clinic: Path):
    with smtp_server() as (inbox, port):
        use_smtp(clinic, plain_smtp(port))
        mail.send_handouts(clinic, ["leg-cramps", "cvi-symptoms"], PATIENT, large_print=False)
        inbox.rcpt_reply = "451 4.3.0 Try later"
        mail.send_handouts(clinic, ["risk-factors"], "jose@example.org")
    out = run_cli("log", "--format", "json", "--project", str(clinic))
    assert out.returncode == 0, out.stderr
    sent, waiting = json.loads(out.stdout)
    assert sent["status"] == "sent" and sent["to"] == "m••••@example.org"
    table = run_cli("log", "--project", str(clinic)).stdout
    assert "m••••@example.org" in table and "maria@" not in table and "jose@example.org" in table
    assert [h["slug"] for h in sent["handouts"]] == ["leg-cramps", "cvi-symptoms"]
    assert all(len(h["sha256"]) == 64 for h in sent["handouts"]) and sent["large_print"] is False
    assert waiting["status"] == "queued" and waiting["to"] == "jose@example.org"
    assert "451 4.3.0 Try later" in waiting["reason"]
    assert mail.log_entries(clinic, since="2999-01-01") == []
    assert len(mail.log_entries(clinic, since="2000-01-01")) == 2
    bad = run_cli("log", "--since", "last week", "--project", str(clinic))
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr
    weeks = mail.weekly_counts(clinic, weeks=3)
    assert len(weeks) == 3 and weeks[-1].messages == 1 and weeks[-1].handouts == 2
    assert weeks[0].messages == 0


# --------------------------------------------------------------------------
# Header injection, fuzzed: whatever is typed, at most one address gets through
# and the message still has exactly the headers we wrote.

_PIECES = st.sampled_from(["maria@example.org", "María Núñez", "<", ">", ",", ";", "\r", "\n",
                           "\r\n", "Bcc: x@evil.example.com", "@", '"', " ", "\t", "\x00",
                           "\u2028", "=?utf-8?q?x?=", "jose@example.org"])


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=6), max_size=8).map("".join))
@example("=?utf-8?q?x?=maria@example.org")      # read back as xmaria@example.org
def test_no_typed_address_can_add_a_header_or_a_recipient(typed: str):
    try:
        to = address.parse(typed)
    except ValueError:
        return
    msg = EmailMessage()
    msg["To"] = to.header()
    msg["Subject"] = "x"
    msg.set_content("x")
    back = message_from_bytes(msg.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert [k for k in back.keys() if k.lower() not in ("content-type", "content-transfer-encoding",
                                                        "mime-version")] == ["To", "Subject"]
    assert len(back["To"].addresses) == 1 and back["To"].addresses[0].addr_spec == to.addr
    assert not any(ch in typed for ch in "\r\n\x00\u2028")
