"""Email: a real aiosmtpd server on loopback, started by the tests (no mocks).

Delivery (PDFs identical to `handouts build`), the message's headers and words
in the patient's language, several languages in one message, and the log.
TLS, AUTH, the outbox and two senders at once: test_email_outbox.py; what is
refused before anything is sent: test_email_refusals.py."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from pypdf import PdfReader
import yaml

from handouts import mail
from helpers import plain_smtp, run_cli, squash, use_smtp
from mailutil import PATIENT, attachments, clinic, db_rows  # noqa: F401 (clinic is a fixture)
from smtpserver import smtp_server


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
    assert '<html lang="en" dir="ltr">' in html
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
    assert '<html lang="es" dir="ltr">' in es.get_body(("html",)).get_content()
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
