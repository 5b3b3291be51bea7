"""The front-desk page against an attacker (issue 17), over real HTTP on
loopback: DNS rebinding (foreign Host), posts from other sites (Origin and
Referer), proxy headers believed only from the configured proxy (real client
address, HTTPS and the Secure cookie), and bodies refused before they are read."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

import pytest

from helpers import REPO, plain_smtp, run_cli, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer, announce, copy_project, served_copy

COOKIE = "handouts_session"
PASSWORD = "correct horse battery"
PUBLIC = "handouts.clinic.example"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_copy(tmp_path_factory, "rebind", outbox_retry_seconds=0) as server:
        yield server


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """Behind a reverse proxy on this computer that speaks HTTPS to staff."""
    root = copy_project(REPO, tmp_path_factory.mktemp("proxied"))
    with LiveServer(root, password=PASSWORD, hosts=(PUBLIC,), proxies=("127.0.0.1",),
                    outbox_retry_seconds=0) as server:
        yield server


def session_of(site, headers=None) -> tuple[str, str]:
    status, got, body = site.raw("GET", "/h/en/leg-cramps", headers=headers)
    assert status == 200, body[:300]
    cookie = re.search(rf"{COOKIE}=([^;]+)", got["set-cookie"]).group(1)
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def post(site, path, fields, cookie, **headers):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"{COOKIE}={cookie}",
               **{k.replace("_", "-"): v for k, v in headers.items()}}
    return site.raw("POST", path, urlencode(fields, doseq=True).encode(), headers)


# ------------------------------------------------------------ DNS rebinding

@pytest.mark.parametrize("host", ["rebind.attacker.example", "rebind.attacker.example:{port}",
                                  "127.0.0.1.attacker.example:{port}", "localhost.evil:{port}",
                                  "", "[::1", "10.0.0.5:{port}"])
def test_a_foreign_host_gets_nothing(site, host):
    for path in ("/", "/h/en/leg-cramps", "/activity", "/h/en/leg-cramps/handout.pdf"):
        status, headers, body = site.raw("GET", path, headers={"Host": host.format(port=site.port)})
        assert status == 400, (host, path)
        assert b"csrf" not in body and b"%PDF" not in body and "set-cookie" not in headers
        assert b"attacker" not in body and b"evil" not in body          # the Host is not echoed


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST.:{port}",
                                  "127.0.0.2:{port}", "[::1]:{port}"])
def test_this_computers_own_names_are_served(site, host):
    status, _, body = site.raw("GET", "/", headers={"Host": host.format(port=site.port)})
    assert status == 200 and b"<main" in body


def test_a_rebound_page_cannot_send_email(site):
    """The attack end to end: a foreign name that resolves to 127.0.0.1 takes a
    token, then posts. Both steps are refused, and nothing reaches the server."""
    evil = {"Host": f"rebind.attacker.example:{site.port}"}
    with smtp_server() as (inbox, port):
        use_smtp(site.root, plain_smtp(port))
        assert site.raw("GET", "/h/en/leg-cramps", headers=evil)[0] == 400
        cookie, token = session_of(site)             # even with a real token from our own page
        form = {"csrf": token, "item": "en/leg-cramps", "lang": "en", "to": "maria@example.org",
                "consent": "yes", "step": "send", "checked": "maria@example.org"}
        status, _, _ = post(site, "/email", form, cookie, **evil,
                            Origin=f"http://rebind.attacker.example:{site.port}")
        assert status == 400
    assert inbox.attempts == 0


# ---------------------------------------------------------- foreign origins

def _email_from(site, claim: dict):
    """Post the email form with a real session and token, claiming ``claim``."""
    cookie, token = session_of(site)
    claim = {k: v.format(port=site.port) for k, v in claim.items()}
    with smtp_server() as (inbox, port):
        use_smtp(site.root, plain_smtp(port))
        form = {"csrf": token, "item": "en/leg-cramps", "lang": "en", "to": "maria@example.org",
                "consent": "yes", "step": "send", "checked": "maria@example.org"}
        status, _, body = post(site, "/email", form, cookie, **claim)
    return status, body, inbox


@pytest.mark.parametrize("claim", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                   {"Origin": "http://127.0.0.1"},          # another port
                                   {"Origin": "https://127.0.0.1:{port}"},  # another scheme
                                   {"Referer": "http://evil.example/page"},
                                   {"Origin": "http://evil.example", "Referer": "http://127.0.0.1:{port}/"}])
def test_a_post_from_another_site_is_refused_before_anything_happens(site, claim):
    status, body, inbox = _email_from(site, claim)
    assert status == 403 and b"another site" in body
    assert inbox.attempts == 0


@pytest.mark.parametrize("claim", [{"Origin": "http://127.0.0.1:{port}"},
                                   {"Referer": "http://127.0.0.1:{port}/h/en/leg-cramps"}, {}])
def test_a_post_from_the_page_itself_goes_through(site, claim):
    status, body, inbox = _email_from(site, claim)
    assert status == 200, body[:500]
    assert len(inbox.received) == 1


# ------------------------------------------------------------------- proxy

def test_behind_the_proxy_https_is_known_and_the_cookie_is_secure(proxied):
    behind = {"Host": PUBLIC, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    status, headers, body = proxied.raw("GET", "/signin", headers=behind)
    assert status == 200
    cookie = re.search(rf"{COOKIE}=([^;]+)", headers["set-cookie"]).group(1)
    assert "secure" in headers["set-cookie"].lower()
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = post(proxied, "/signin", {"csrf": token, "name": "Maria G.", "password": PASSWORD,
                                                   "next": "/"}, cookie, **behind, Origin=f"https://{PUBLIC}")
    assert status == 303
    assert "secure" in headers["set-cookie"].lower() and "httponly" in headers["set-cookie"].lower()
    assert PUBLIC not in headers.get("location", "") and headers["location"].startswith("/")
    # Plain http from the proxy (X-Forwarded-Proto: http): an https Origin is another origin.
    plain = {**behind, "X-Forwarded-Proto": "http"}
    assert post(proxied, "/signin", {"csrf": token}, cookie, **plain, Origin=f"https://{PUBLIC}")[0] == 403


def test_behind_the_proxy_other_names_are_refused(proxied):
    for host in ("rebind.attacker.example", f"{PUBLIC}.attacker.example"):
        assert proxied.raw("GET", "/signin", headers={"Host": host, "X-Forwarded-Proto": "https"})[0] == 400


def test_proxy_headers_from_anyone_else_are_ignored(tmp_path):
    """A server told its proxy is 10.9.9.9 believes nothing a loopback client
    claims: no https (no Secure cookie)."""
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root, hosts=(PUBLIC,), proxies=("10.9.9.9",), outbox_retry_seconds=0) as server:
        status, headers, _ = server.raw("GET", "/", headers={
            "Host": PUBLIC, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
        assert status == 200 and "secure" not in headers["set-cookie"].lower()
        # and an https Origin is not ours, since the request really is plain http
        cookie, token = session_of(server)
        status, _, _ = post(server, "/signout", {"csrf": token}, cookie, Host=PUBLIC,
                            Origin=f"https://{PUBLIC}", X_Forwarded_Proto="https")
        assert status == 403


# --------------------------------------------------------------- the body

def test_a_huge_body_is_refused_before_it_is_read(site):
    """97 MB announced: refused at once, without sending (or reading) a byte of it."""
    start = time.monotonic()
    form = "application/x-www-form-urlencoded"
    assert announce(site, "/email", 101711872, form).startswith(b"HTTP/1.1 413")
    assert time.monotonic() - start < 5
    chunked = announce(site, "/email", 0, form, "Transfer-Encoding: chunked\r\n")
    assert chunked.startswith(b"HTTP/1.1 411")


# --------------------------------------------------------- handouts serve

def test_serve_checks_its_proxy_and_host_options(tmp_path):
    out = run_cli("serve", "--project", str(REPO), "--proxy", "127.0.0.1", "--port", "1")
    assert out.returncode == 1 and "--public-host" in out.stderr and "Traceback" not in out.stderr
    out = run_cli("serve", "--project", str(REPO), "--proxy", "proxy.local", "--public-host", PUBLIC)
    assert out.returncode == 1 and "--proxy" in out.stderr and "IP address" in out.stderr
    out = run_cli("serve", "--project", str(REPO), "--public-host", "https://x.example/path")
    assert out.returncode == 1 and "--public-host" in out.stderr


# ------------------------------------------------------- sign-in throttling

def _behind(client: str) -> dict:
    return {"Host": PUBLIC, "X-Forwarded-For": client, "X-Forwarded-Proto": "https",
            "Origin": f"https://{PUBLIC}"}


def _signin(site, headers: dict, password: str):
    status, got, body = site.raw("GET", "/signin", headers=headers)
    cookie = re.search(rf"{COOKIE}=([^;]+)", got["set-cookie"]).group(1)
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    return post(site, "/signin", {"csrf": token, "name": "Maria G.", "password": password, "next": "/"},
                cookie, **headers)


def test_someone_elses_guesses_never_stop_the_right_password(proxied, caplog):
    """Behind the proxy every request comes from 127.0.0.1; the throttle is per
    real client, so a guesser waits and the front desk signs in at once."""
    caplog.set_level("WARNING", logger="handouts.web")
    attacker = _behind("203.0.113.66")
    statuses = [_signin(proxied, attacker, f"guess-{i}")[0] for i in range(12)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    status, headers, _ = _signin(proxied, _behind("203.0.113.7"), PASSWORD)
    assert status == 303 and "secure" in headers["set-cookie"].lower()
    # the guesser's own right password waits: its wait is its own
    assert _signin(proxied, attacker, PASSWORD)[0] == 429
    lines = [r.getMessage() for r in caplog.records if "wrong staff password" in r.getMessage()]
    assert len(lines) == 5 and all("203.0.113.66" in line and "M•••" in line for line in lines)
    assert not any("guess-" in r.getMessage() or "Maria G." in r.getMessage() for r in caplog.records)
    assert "waits 2 s" in lines[-1]
    proxied.web.signin_throttle.clear()


def test_the_wait_grows_for_that_client_alone_and_is_forgotten():
    from handouts.web.security import Throttle

    now = [1000.0]
    t = Throttle(free=3, first=2, longest=60, forget=900, clock=lambda: now[0])
    assert [t.failed("a")[1] for _ in range(2)] == [0, 0] and t.wait("a") == 0
    waits = []
    for _ in range(7):
        waits.append(t.failed("a")[1])
        assert t.wait("a") == waits[-1] and t.wait("b") == 0     # nobody else waits
        now[0] += waits[-1]
    assert waits == [2, 4, 8, 16, 32, 60, 60]
    t.succeeded("a")
    assert t.wait("a") == 0 and t.failed("a") == (1, 0)
    t.failed("a"), t.failed("a")
    now[0] += 901                                                 # quiet for 15 minutes
    assert t.failed("a") == (1, 0)


def test_sessions_are_capped_oldest_first():
    from handouts.web.security import Sessions

    sessions = Sessions(seconds=3600, cap=100)
    made = [sessions.new("") for _ in range(1000)]
    assert len(sessions) <= 100
    assert sessions.get(made[-1].token) is made[-1] and sessions.get(made[0].token) is None
    short = Sessions(seconds=0.05, cap=100)
    old = short.new("")
    time.sleep(0.1)
    short.new("")
    assert short.get(old.token) is None and len(short) == 1


def test_the_email_limit_is_per_computer(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root, hosts=(PUBLIC,), proxies=("127.0.0.1",), emails_per_minute=2,
                    outbox_retry_seconds=0) as site, smtp_server() as (inbox, port):
        use_smtp(root, plain_smtp(port))

        def send(client):
            desk = {**_behind(client), "X-Forwarded-Proto": "http", "Origin": f"http://{PUBLIC}"}
            status, got, body = site.raw("GET", "/h/en/leg-cramps", headers=desk)
            cookie = re.search(rf"{COOKIE}=([^;]+)", got["set-cookie"]).group(1)
            token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
            form = {"csrf": token, "item": "en/leg-cramps", "lang": "en", "to": "maria@example.org",
                    "consent": "yes", "step": "send", "checked": "maria@example.org"}
            return post(site, "/email", form, cookie, **desk)[0]

        assert [send("198.51.100.1") for _ in range(3)] == [200, 200, 429]
        assert send("198.51.100.2") == 200
    assert len(inbox.received) == 3


def test_the_banner_says_when_sign_in_is_needed_and_which_names_are_served():
    import os
    import signal
    import subprocess
    import sys

    from helpers import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--project", str(REPO),
                             "--port", str(port), "--public-host", PUBLIC, "--proxy", "127.0.0.1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO),
                                 "HANDOUTS_STAFF_PASSWORD": PASSWORD})
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in first and "(staff sign-in required)" in first
    assert PUBLIC in second and "127.0.0.1" in second and "proxy" in second
