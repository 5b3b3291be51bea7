"""Email header and body injection through RFC 2047 encoded words (issue 17,
finding 1), against a real aiosmtpd on loopback.

CPython 3.11.7 (our CI's) lacks the CVE-2024-6923 fix: it writes line breaks
decoded from an encoded word raw into the header it folds. These tests hold
on any interpreter because handouts refuses such text itself: a patient's
name at input, a title at build and check (at its line), and every header
again when the message is composed and read back."""

from __future__ import annotations

import base64
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings as hsettings, strategies as st

from conftest import REPO, run_cli
from handouts import address, headertext
from handouts.errors import HandoutError
from handouts.mail import compose, settings as mail_settings, transport
from handouts.project import Project
from handouts.library import Item
from handouts.render import render
from helpers import plain_smtp, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer, copy_project

#: The headers we write, in order; nothing else may arrive.
OURS = ["Subject", "From", "To", "Reply-To", "Date", "Message-ID", "X-Handouts-Approved", "MIME-Version",
        "Content-Type", "Content-Language"]

BREAKS = ["\r\n", "\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x00", "\t"]
INJECTED = ["X-Injected: yes", "Bcc: evil@attacker.example", "Reply-To: evil@attacker.example",
            "\r\n\r\nURGENT: pay at http://evil.example", "Content-Type: text/html", "Pat", " ",
            "Leg", "é", "_", "?"]


def encoded_word(text: str, charset: str, enc: str) -> str:
    """``text`` as one RFC 2047 encoded word (b or q, any case, with a language)."""
    data = text.encode(charset.split("*")[0], errors="replace")
    if enc in "bB":
        body = base64.b64encode(data).decode()
    else:
        body = "".join("_" if b == 32 else chr(b) if chr(b).isalnum() else f"={b:02X}" for b in data)
    return f"=?{charset}?{enc}?{body}?="


_payload = st.lists(st.sampled_from(BREAKS + INJECTED), min_size=1, max_size=6).map("".join)
_words = st.builds(encoded_word, _payload,
                   st.sampled_from(["utf-8", "UTF-8", "iso-8859-1", "us-ascii", "utf-8*en"]),
                   st.sampled_from("bBqQ"))
#: Names and titles: encoded words, raw breaks, folding (CRLF + space) and plain words.
_pieces = st.lists(_words | st.sampled_from(BREAKS + INJECTED + ["\r\n ", "\r\n\t", "María"]),
                   min_size=1, max_size=5).map("".join)


@pytest.fixture(scope="module")
def mailroom(tmp_path_factory):
    """The demo project sending to a real aiosmtpd, and a real PDF to attach."""
    root = copy_project(REPO, tmp_path_factory.mktemp("injection"))
    with smtp_server() as (inbox, port):
        use_smtp(root, plain_smtp(port))
        project = Project.find(root)
        conf = mail_settings.load(project)
        pdf = render(project, Item("en", "leg-cramps")).pdf
        yield inbox, conf, pdf, compose.words(project, "en")


def _deliver_and_read(mailroom, to: address.Recipient, title: str):
    """Compose as handouts does, send it to the real server, and return what
    we meant and what arrived."""
    inbox, conf, pdf, cat = mailroom
    files = [compose.Attachment("leg-cramps", "en", title, pdf, "sha256:" + "0" * 64)]
    msg = compose.compose(conf, to, files, "en", cat)
    before = len(inbox.received)
    transport.deliver(conf, msg.as_bytes(policy=compose.POLICY), conf.sender.addr, to.addr)
    assert len(inbox.received) == before + 1
    got = inbox.received[-1]
    expected_text = compose.text_part(compose.letter(cat, conf, to, files, False))
    return msg, got, expected_text


def _exactly_ours(msg, got, to: address.Recipient, expected_text: str) -> None:
    head = got.data.split(b"\r\n\r\n", 1)[0].decode("ascii")      # headers travel as ASCII
    starts = [line.split(":", 1)[0] for line in head.split("\r\n") if line[:1] not in (" ", "\t")]
    assert starts == OURS and list(msg.keys()) == OURS
    back = got.message
    assert list(back.keys()) == OURS
    assert got.rcpt_tos == [to.addr]
    [person] = back["To"].addresses
    assert (person.display_name, person.addr_spec) == (to.name, to.addr)
    assert headertext.control(str(back["Subject"])) is None
    assert back.get_body(("plain",)).get_content().replace("\r\n", "\n") == expected_text
    assert [a.get_content() for a in back.iter_attachments()] == [
        a.get_content() for a in msg.iter_attachments()]


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_pieces)
@example(name=encoded_word("Pat\r\nX-Injected: yes\r\n\r\nURGENT: pay at http://evil.example",
                           "utf-8", "b"))
@example(name=encoded_word("Pat\u2028Bcc: evil@attacker.example", "utf-8", "q"))
@example(name=encoded_word("Pat\x85Bcc: evil@attacker.example", "iso-8859-1", "B"))
def test_no_name_adds_a_header_or_a_body_line(mailroom, name):
    typed = f"{name} <maria@example.org>"
    try:
        to = address.parse(typed)
    except ValueError as exc:
        assert "\n" not in str(exc)
        return
    # Accepted only when nothing is hidden in it, typed or decoded.
    assert headertext.problem(to.name) is None
    msg, got, text = _deliver_and_read(mailroom, to, "Leg cramps")
    _exactly_ours(msg, got, to, text)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_pieces)
@example(title="=?utf-8?q?Leg=0D=0AReply-To:_evil@attacker.example?=")
@example(title="Leg\r\nBcc: evil@attacker.example")
def test_no_title_adds_a_header_or_a_body_line(mailroom, title):
    """Titles are refused at build (below); compose holds even when handed one
    that was never checked."""
    to = address.parse("María Núñez <maria@example.org>")
    try:
        msg, got, text = _deliver_and_read(mailroom, to, title)
    except compose.HeaderError as exc:
        [problem] = exc.problems
        assert problem.field == "email Subject" and "\n" not in problem.message
        assert headertext.problem(title) is not None
        return
    _exactly_ours(msg, got, to, text)
    assert " ".join(str(got.message["Subject"]).split()).startswith(" ".join(title.split()))


def test_the_address_that_broke_ci_is_refused():
    """``=?utf-8?q?x?=maria@example.org`` is a valid local part, but a mail
    reader decodes it to ``xmaria@example.org``: another address."""
    with pytest.raises(ValueError, match="encoded email word"):
        address.parse("=?utf-8?q?x?=maria@example.org")
    with pytest.raises(ValueError, match="hides a line break"):
        address.parse(encoded_word("Pat\r\nX-Injected: yes", "utf-8", "b") + " <victim@example.org>")
    assert address.parse("María   Núñez <maria@example.org>").name == "María Núñez"


# ----------------------------------------------------------------- at input

def _db_rows(root: Path) -> list:
    path = root / ".handouts" / "handouts.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM messages").fetchall()


EVIL_NAME = encoded_word("Pat\r\nX-Injected: yes\r\n\r\nURGENT: pay at http://evil.example",
                         "utf-8", "b")


def test_email_command_refuses_an_encoded_name(project: Path):
    with smtp_server() as (inbox, port):
        use_smtp(project, plain_smtp(port))
        out = run_cli("email", "leg-cramps", "--to", f"{EVIL_NAME} <victim@example.org>",
                      "--project", str(project))
    assert out.returncode == 1, out.stderr
    [line] = out.stderr.strip().splitlines()
    assert "to:" in line and "line break" in line and "Traceback" not in out.stderr
    assert inbox.received == [] and inbox.attempts == 0 and _db_rows(project) == []


def _title(project: Path, title_yaml: str) -> int:
    """Replace the title; its line number."""
    path = project / "content" / "en" / "leg-cramps.yaml"
    lines = path.read_text("utf-8").splitlines()
    [i] = [n for n, line in enumerate(lines) if line.startswith("title:")]
    lines[i] = f"title: {title_yaml}"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return i + 1


@pytest.mark.parametrize("title_yaml, words", [
    ('"Leg\\ncramps"', "line break"),
    ('"Leg\\u2028cramps"', "line break"),
    ('"Leg\\x85Bcc: evil@attacker.example"', "line break"),
    ('"=?utf-8?q?Leg=0D=0AReply-To:_evil@attacker.example?="', "hides a line break"),
    ('"=?utf-8?q?Leg_cramps?="', "encoded email word"),
])
def test_a_title_that_could_break_a_header_is_refused_at_its_line(project: Path, title_yaml, words):
    line = _title(project, title_yaml)
    for command in ("build", "check"):
        out = run_cli(command, "leg-cramps", "--lang", "en", "--project", str(project),
                      "--out", str(project / "out")) if command == "build" else \
            run_cli(command, "leg-cramps", "--lang", "en", "--project", str(project))
        assert out.returncode == 1, (command, out.stdout, out.stderr)
        assert re.search(rf"content/en/leg-cramps\.yaml:{line}: title: .*" + words, out.stderr), out.stderr
    assert not (project / "out" / "en" / "leg-cramps.pdf").exists()


def test_email_with_a_line_broken_title_is_an_error_not_a_crash(project: Path):
    line = _title(project, '"Leg\\r\\nBcc: evil@attacker.example"')
    with smtp_server() as (inbox, port):
        use_smtp(project, plain_smtp(port))
        out = run_cli("email", "leg-cramps", "--to", "maria@example.org", "--project", str(project))
    assert out.returncode == 1, out.stderr
    assert f"leg-cramps.yaml:{line}: title:" in out.stderr and "Traceback" not in out.stderr
    assert inbox.received == []


def test_the_page_refuses_an_encoded_name_and_a_broken_title_plainly(tmp_path: Path):
    root = copy_project(REPO, tmp_path / "clinic")
    _title(root, '"Leg\\nBcc: evil@attacker.example"')
    with smtp_server() as (inbox, port):
        use_smtp(root, plain_smtp(port))
        with LiveServer(root) as site:
            status, headers, body = site.raw("GET", "/h/en/cvi-symptoms")
            cookie = re.search(r"handouts_session=([^;]+)", headers["set-cookie"]).group(1)
            token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
            results = []
            for item, to in [("en/cvi-symptoms", f"{EVIL_NAME} <victim@example.org>"),
                             ("en/leg-cramps", "maria@example.org")]:
                form = {"csrf": token, "item": item, "lang": "en", "to": to, "consent": "yes",
                        "step": "send", "checked": to}
                results.append(site.raw("POST", "/email", urlencode(form).encode(), {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"handouts_session={cookie}", "Origin": site.url}))
    (s1, _, b1), (s2, _, b2) = results
    assert s1 == 400 and b"X-Injected" not in b1        # said next to the address field
    assert s2 in (400, 404, 409) and s2 != 500
    assert inbox.received == [] and inbox.attempts == 0
