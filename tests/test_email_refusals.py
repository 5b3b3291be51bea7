"""Email refused before anything is sent: bad or injected addresses (typed,
through the CLI and fuzzed), too many or unknown handouts, and the smtp
block's own mistakes at their clinic.yaml line."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import example, given, settings as hsettings, strategies as st

from handouts import address, mail
from handouts.errors import HandoutError
from handouts.project import Project
from helpers import plain_smtp, run_cli, use_smtp
from mailutil import PATIENT, clinic, db_rows  # noqa: F401 (clinic is a fixture)
from smtpserver import smtp_server


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
