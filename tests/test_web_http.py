"""The front-desk server's security over real HTTP on loopback: headers,
CSRF, path tricks, sign-in, rate limits, error pages, and `handouts serve`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from helpers import REPO, free_port, plain_smtp, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer, copy_project, served_copy

COOKIE = "handouts_session"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_copy(tmp_path_factory, "clinic", emails_per_minute=3) as server:
        yield server


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    with served_copy(tmp_path_factory, "staffclinic", password="correct horse battery", failed_signins=3) as server:
        yield server


def session_of(site, path="/h/en/leg-cramps") -> tuple[str, str]:
    """A fresh session cookie and its CSRF token, as a browser would get them."""
    status, headers, body = site.raw("GET", path)
    cookie = re.search(rf"{COOKIE}=([^;]+)", headers["set-cookie"]).group(1)
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def post(site, path, fields, cookie=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    return site.raw("POST", path, urlencode(fields, doseq=True).encode(), headers)


# ------------------------------------------------------------------ headers

@pytest.mark.parametrize("path", ["/", "/h/en/leg-cramps", "/h/en/leg-cramps/handout.pdf",
                                  "/h/en/leg-cramps/page-1.png?size=thumb", "/search.json?q=leg",
                                  "/static/app.css", "/static/app.js", "/nope", "/activity"])
def test_strict_headers_on_every_response(site, path):
    status, headers, body = site.raw("GET", path)
    assert status in (200, 404)
    csp = headers["content-security-policy"]
    if headers["content-type"].startswith("application/pdf"):
        # framed only by the page itself (Print's hidden frame), never by another site
        assert "frame-ancestors 'self'" in csp and headers["x-frame-options"] == "SAMEORIGIN"
    else:
        assert "frame-ancestors 'none'" in csp and headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    if not headers["content-type"].startswith("application/pdf"):
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    # same-origin: no-referrer would make browsers send "Origin: null" on our own posts
    assert headers["referrer-policy"] == "same-origin"
    assert "server" not in headers


def test_pages_have_no_inline_script_or_outside_resources(site):
    for path in ("/", "/h/en/leg-cramps", "/packet?item=en/leg-cramps", "/activity"):
        _, _, body = site.raw("GET", path)
        html = body.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", html), path
        assert not re.search(r"\son[a-z]+=", html), path                    # no inline handlers
        assert not re.search(r"(src|href)=\"(https?:)?//", html), path      # nothing from outside


# --------------------------------------------------------------------- CSRF

def post_routes(app):
    """Every POST a browser form sends. The CDS Hooks service is not one: it
    takes no session cookie, only a bearer token and a JSON body, so there is
    no CSRF token to check (tests/test_ehr.py checks it instead)."""
    return sorted({r.path for r in app.routes if "POST" in (r.methods or ())} - {"/cds-services/{service}"})


def test_every_post_without_a_valid_token_is_403_and_does_nothing(site):
    routes = post_routes(site.app)
    # the PDFs take a POST from the page's Print and Download buttons (the count)
    assert routes == ["/email", "/email/cancel", "/h/{lang}/{slug}/handout.pdf", "/language",
                      "/packet.pdf", "/print", "/signin", "/signout"]
    routes = [r.replace("{lang}/{slug}", "en/leg-cramps") for r in routes]
    cookie, token = session_of(site)
    events_before = site.web.events.recent(1000)
    fields = {"item": "en/leg-cramps", "to": "pat@example.org", "consent": "yes", "lang": "en",
              "name": "AB", "password": "x", "action": "print"}
    for path in routes:
        for bad in ({}, {"csrf": ""}, {"csrf": token[:-2] + "xx"}):
            status, _, body = post(site, path, {**fields, **bad}, cookie)
            assert status == 403, (path, bad, status)
            assert b"out of date" in body
        # A token from another session does not count either.
        other_cookie, other_token = session_of(site)
        status, _, _ = post(site, path, {**fields, "csrf": other_token}, cookie)
        assert status == 403
        status, _, _ = post(site, path, {**fields, "csrf": token})   # the token without its cookie
        assert status == 403
    assert site.web.events.recent(1000) == events_before


def test_state_changes_need_post(site):
    for path in ("/email", "/signout"):
        status, _, body = site.raw("GET", path)
        assert status == 405 and b"Traceback" not in body


# -------------------------------------------------------------- path tricks

TRICKS = [
    "/h/en/../../content/clinic.yaml", "/h/en/..%2F..%2Fcontent%2Fclinic.yaml", "/h/%2e%2e/leg-cramps",
    "/h/en/leg-cramps%2F..%2F..%2Fclinic", "/h/en//etc/passwd", "/h/en/%2Fetc%2Fpasswd",
    "/h/EN/leg-cramps", "/h/en/Leg-Cramps", "/h/en/no-such-handout", "/h/xx/leg-cramps",
    "/h/en/leg-cramps.yaml", "/h/en/leg-cramps/page-0.png", "/h/en/leg-cramps/page-99.png",
    "/h/en/leg-cramps/../../../etc/passwd", "/h/en/leg%00cramps", "/h/en/" + "a" * 300,
    "/static/../pages.py", "/static/..%2Fpages.py", "/static/%2e%2e%2fapp.py", "/static/app.css%00.js",
    "/static//etc/passwd", "//etc/passwd", "/etc/passwd", "/h/C:%5Cwindows/leg-cramps",
    "/packet.pdf?item=../../content/clinic", "/packet.pdf?item=en/..%2F..%2Fclinic",
    "/packet?item=/etc/passwd", "/packet/page-1.png?item=en/leg-cramps/../x",
    "/h/en/leg-cramps/handout.pdf/../../../../etc/passwd", "/content/en/leg-cramps.yaml",
]


@pytest.mark.parametrize("path", TRICKS)
def test_path_tricks_get_404_never_a_file_or_500(site, path):
    status, headers, body = site.raw("GET", path)
    assert status == 404, (path, status, body[:200])
    assert b"title:" not in body and b"root:" not in body and b"Traceback" not in body
    assert headers["content-type"].startswith("text/html")


# ----------------------------------------------------------- errors, limits

def test_an_unexpected_error_shows_no_traceback(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root) as server:
        def broken(*args, **kwargs):
            raise RuntimeError("secret internals /etc/shadow")
        server.web.library.cards = broken        # a bug, injected
        status, headers, body = server.raw("GET", "/")
    assert status == 500
    assert b"Traceback" not in body and b"secret internals" not in body and b"RuntimeError" not in body
    assert b"Something went wrong" in body
    assert "content-security-policy" in headers


def test_bad_clinic_file_is_an_error_page_not_a_crash(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    clinic = root / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8").replace("phone:", "phnoe:"), "utf-8")
    with LiveServer(root) as server:
        status, _, body = server.raw("GET", "/h/en/leg-cramps")
        assert status == 200
        assert b"content/clinic.yaml" in body and b"phnoe" in body
        status, _, body = server.raw("GET", "/h/en/leg-cramps/handout.pdf")
        assert status == 409 and b"content/clinic.yaml" in body


def test_emails_per_minute_are_capped(site):
    cookie, token = session_of(site)
    statuses = []
    with smtp_server() as (inbox, port):
        use_smtp(site.root, plain_smtp(port))
        try:
            for i in range(5):
                to = f"p{i}@example.org"
                status, _, body = post(site, "/email", {
                    "csrf": token, "item": "en/leg-cramps", "to": to, "consent": "yes",
                    "step": "send", "checked": to}, cookie)
                statuses.append(status)
        finally:
            use_smtp(site.root, None)
    assert statuses == [200, 200, 200, 429, 429], statuses
    assert b"Too many emails this minute" in body
    assert len(inbox.received) == 3


def test_email_needs_consent_and_an_address_and_a_check_first(site):
    cookie, token = session_of(site)
    status, _, body = post(site, "/email", {"csrf": token, "item": "en/leg-cramps",
                                            "to": "pat@example.org"}, cookie)
    assert status == 409 and b"Email is not set up on this computer" in body   # no smtp: no form
    with smtp_server() as (inbox, port):
        use_smtp(site.root, plain_smtp(port))
        try:
            status, _, body = post(site, "/email", {"csrf": token, "item": "en/leg-cramps",
                                                    "to": "pat@example.org"}, cookie)
            assert status == 400 and b"Tick the box" in body
            status, _, body = post(site, "/email", {"csrf": token, "item": "en/leg-cramps",
                                                    "to": "not an address", "consent": "yes"}, cookie)
            assert status == 400 and b"Check for a typo" in body
            assert b'value="not an address"' in body                 # kept for correcting
            # a send without the check, or with another address checked, is only a check
            for checked in (None, "other@example.org"):
                fields = {"csrf": token, "item": "en/leg-cramps", "to": "pat@example.org",
                          "consent": "yes", "step": "send"}
                status, _, body = post(site, "/email", {**fields, **({"checked": checked} if checked else {})},
                                       cookie)
                assert status == 200 and b'id="check-address">pat@example.org<' in body
        finally:
            use_smtp(site.root, None)
    assert inbox.received == []


# ----------------------------------------------------------------- sign-in

def test_sign_in_is_required_and_its_cookie_is_strict(staff_site):
    status, headers, _ = staff_site.raw("GET", "/h/en/leg-cramps")
    assert status == 303 and headers["location"].startswith("/signin?next=")
    for path in ("/h/en/leg-cramps/handout.pdf", "/search.json?q=leg", "/activity", "/packet.pdf?item=en/leg-cramps"):
        status, headers, body = staff_site.raw("GET", path)
        assert status == 303 and b"%PDF" not in body and b"leg-cramps" not in body
    status, headers, body = staff_site.raw("GET", "/signin")
    cookie_header = headers["set-cookie"]
    assert "HttpOnly" in cookie_header and "SameSite=strict" in cookie_header.replace("Strict", "strict")
    assert re.search(r"Max-Age=\d+", cookie_header)
    cookie = re.search(rf"{COOKIE}=([^;]+)", cookie_header).group(1)
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = post(staff_site, "/signin", {"csrf": token, "name": "Maria G.",
                                                      "password": "correct horse battery",
                                                      "next": "/h/en/leg-cramps"}, cookie)
    assert status == 303 and headers["location"] == "/h/en/leg-cramps"
    signed = re.search(rf"{COOKIE}=([^;]+)", headers["set-cookie"]).group(1)
    assert signed != cookie                                         # a new session after sign-in
    h = {"Cookie": f"{COOKIE}={signed}"}
    status, _, body = staff_site.raw("GET", "/h/en/leg-cramps", headers=h)
    assert status == 200 and b"Signed in: Maria G." in body
    # The staff name goes into the log with what they handed out.
    # (counted by the page's POST: a GET changes nothing)
    page_token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    status, _, _ = post(staff_site, "/h/en/leg-cramps/handout.pdf", {"csrf": page_token,
                                                                     "action": "print"}, signed)
    assert status == 204
    _, _, body = staff_site.raw("GET", "/activity", headers=h)
    assert b"Maria G." in body and b"Opened the print dialog" in body
    # The old (pre-sign-in) cookie is dead; signing out ends the session.
    status, _, _ = staff_site.raw("GET", "/", headers={"Cookie": f"{COOKIE}={cookie}"})
    assert status == 303
    new_token = re.search(rb'name="csrf" value="([^"]+)"',
                          staff_site.raw("GET", "/", headers=h)[2]).group(1).decode()
    status, _, _ = post(staff_site, "/signout", {"csrf": new_token}, signed)
    assert status == 303
    assert staff_site.raw("GET", "/", headers=h)[0] == 303


def test_failed_sign_ins_are_rate_limited(staff_site):
    cookie, token = session_of(staff_site, "/signin")
    statuses = []
    for _ in range(5):
        status, _, body = post(staff_site, "/signin", {"csrf": token, "name": "X", "password": "guess"}, cookie)
        statuses.append(status)
    assert statuses == [401, 401, 401, 429, 429]
    # Even the right password waits now.
    status, _, body = post(staff_site, "/signin", {"csrf": token, "name": "X",
                                                   "password": "correct horse battery"}, cookie)
    assert status == 429 and b"Too many wrong passwords" in body
    staff_site.web.signin_throttle.clear()


def test_sessions_expire(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root, password="correct horse battery", session_seconds=1) as server:
        cookie, token = session_of(server, "/signin")
        _, headers, _ = post(server, "/signin", {"csrf": token, "name": "AB",
                                                 "password": "correct horse battery"}, cookie)
        signed = re.search(rf"{COOKIE}=([^;]+)", headers["set-cookie"]).group(1)
        assert "Max-Age=1" in headers["set-cookie"]
        h = {"Cookie": f"{COOKIE}={signed}"}
        assert server.raw("GET", "/", headers=h)[0] == 200
        time.sleep(1.2)
        assert server.raw("GET", "/", headers=h)[0] == 303


# ----------------------------------------------------------- handouts serve

def serve_cli(*args, env=None):
    return subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--project", str(REPO), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def wait_for(port):
    import http.client

    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/")
            resp = conn.getresponse()
            conn.close()
            return resp.status, resp.getheader("location") or ""
        except ConnectionRefusedError:
            time.sleep(0.05)
    pytest.fail("handouts serve did not answer")


def test_serve_refuses_other_addresses_without_a_password():
    env = {k: v for k, v in os.environ.items() if k != "HANDOUTS_STAFF_PASSWORD"}
    result = subprocess.run([sys.executable, "-m", "handouts", "serve", "--project", str(REPO),
                             "--host", "0.0.0.0", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=60, env={**env, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    assert "HANDOUTS_STAFF_PASSWORD" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_serve_prints_the_address_needs_sign_in_off_loopback_and_stops_cleanly():
    port = free_port()
    proc = serve_cli("--host", "0.0.0.0", "--port", str(port),
                     env={"HANDOUTS_STAFF_PASSWORD": "correct horse battery"})
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line and "sign-in" in line
        status, location = wait_for(port)
        assert status == 303 and location.startswith("/signin")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err


def test_serve_on_loopback_needs_no_password():
    port = free_port()
    env = {"HANDOUTS_STAFF_PASSWORD": ""}
    proc = serve_cli("--port", str(port), env=env)
    try:
        line = proc.stdout.readline()
        assert line.strip().endswith(f"http://127.0.0.1:{port}/")
        assert wait_for(port)[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
