"""Bounded resources and GETs that change nothing (issue 17, the Low and Info
findings), over real HTTP: posts refused before their body is read, malformed
or oversized fields a 400 (never a 500), page numbers checked (404), prints
and downloads counted by a POST from the page only, local back links, no Host
echoed in a redirect, and `handouts serve` closing connections that never
finish a request."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from conftest import REPO
from helpers import free_port, plain_smtp, use_smtp
from webutil import LiveServer, announce, browser_page, copy_project, served_copy

COOKIE = "handouts_session"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_copy(tmp_path_factory, "limits", outbox_retry_seconds=0) as server:
        yield server


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    with served_copy(tmp_path_factory, "limits-staff", password="correct horse battery", outbox_retry_seconds=0) as server:
        yield server


def session_of(site, path="/h/en/leg-cramps", headers=None) -> tuple[str, str]:
    status, got, body = site.raw("GET", path, headers=headers)
    cookie = re.search(rf"{COOKIE}=([^;]+)", got["set-cookie"]).group(1)
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def post(site, path, body: bytes, cookie: str | None, content_type: str = FORM):
    headers = {"Content-Type": content_type}
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    return site.raw("POST", path, body, headers)


# ------------------------------------------------------ refused before reading

def test_a_post_without_a_session_or_sign_in_is_refused_unread(site, staff_site):
    """60 KB announced and never sent: the answer comes at once, so the body
    was never waited for."""
    for server, cookie in ((site, None), (staff_site, session_of(staff_site, "/signin")[0])):
        extra = f"Cookie: {COOKIE}={cookie}\r\n" if cookie else ""
        start = time.monotonic()
        reply = announce(server, "/email", 60_000, FORM, extra)
        assert reply.startswith(b"HTTP/1.1 403"), reply[:200]
        assert time.monotonic() - start < 5


# ------------------------------------------------------ malformed or oversized

BAD_BODIES = [
    (FORM, b"csrf={token}&to=" + b"x" * 20_000 + b"@example.org&item=en/leg-cramps&consent=yes"),
    (FORM, b"csrf={token}&item=" + b"%" * 3000),
    (FORM, b"csrf={token}&item=%ff%fe%00&to=%c3%28&consent=yes"),
    (FORM, b"csrf={token}&" + b"&".join(b"item=en/leg-cramps" for _ in range(2000))),
    (FORM, b"csrf={token}&lang=" + b"9" * 5000 + b"&item=en/leg-cramps"),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data; name=\"f\"; "
                                          b"filename=\"a.txt\"\r\n\r\nhello\r\n--xyz--\r\n"),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nnot a header\r\n\r\n"),
    ("multipart/form-data", b"no boundary at all"),
    ("application/json", b'{"csrf": "{token}"}'),
]


@pytest.mark.parametrize("content_type, body", BAD_BODIES, ids=[
    "huge-to", "percents", "bad-utf8", "2000-items", "huge-lang", "a-file", "bad-part", "no-boundary",
    "json"])
def test_a_malformed_or_oversized_form_is_a_400_never_a_500(site, content_type, body):
    for path in ("/email", "/h/en/leg-cramps/handout.pdf", "/signout", "/signin"):
        cookie, token = session_of(site)
        status, _, page = post(site, path, body.replace(b"{token}", token.encode()), cookie, content_type)
        assert status in ((303,) if path in ("/signout", "/signin") else ()) + (400, 403, 404, 409), \
            (path, status, page[:300])


# --------------------------------------------------------------- page numbers

@pytest.mark.parametrize("page", ["9" * 4301, "0", "00001", "10000", "-1", "1e3", "%D9%A1"])
def test_a_page_number_that_is_not_one_is_a_404(site, page):
    for path in (f"/h/en/leg-cramps/page-{page}.png", f"/packet/page-{page}.png?item=en/leg-cramps"):
        status, _, body = site.raw("GET", path)
        assert status == 404, (path, status)
        assert b"Traceback" not in body


# ------------------------------------------------------- GETs change nothing

def test_print_and_download_are_counted_by_a_post_only(site):
    before = len(site.web.events.recent(100))
    for query in ("print=1", "download=1", "print=1&download=1"):
        for path in ("/h/en/leg-cramps/handout.pdf", "/packet.pdf"):
            q = query + ("&item=en/leg-cramps&item=en/cvi-symptoms" if path == "/packet.pdf" else "")
            assert site.raw("GET", f"{path}?{q}")[0] == 200
    assert len(site.web.events.recent(100)) == before          # another site's GETs count nothing
    cookie, token = session_of(site)
    body = urlencode({"csrf": token, "action": "download"}).encode()
    assert post(site, "/h/en/leg-cramps/handout.pdf", body, cookie)[0] == 204
    body = urlencode({"csrf": token, "action": "print"}).encode()
    assert post(site, "/packet.pdf?item=en/leg-cramps&item=es/leg-cramps", body, cookie)[0] == 204
    assert post(site, "/h/en/leg-cramps/handout.pdf", b"csrf=" + token.encode() + b"&action=delete",
                cookie)[0] == 400
    assert post(site, "/h/en/leg-cramps/handout.pdf", b"action=print", cookie)[0] == 403
    events = site.web.events.recent(100)
    assert len(events) == before + 2
    assert [e.action for e in events[:2]] == ["print", "download"]


def test_the_page_counts_a_download_when_the_button_is_used(browser, tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root, outbox_retry_seconds=0) as server:
        with browser_page(browser, server, accept_downloads=True) as page:
            page.goto("/h/en/leg-cramps")
            with page.expect_download():
                page.click("#download")
            deadline = time.time() + 10
            while not server.web.events.recent(5) and time.time() < deadline:
                time.sleep(0.05)
            page.goto("/activity")
            assert "Downloaded" in page.inner_text("main") or "download" in page.inner_text("main").lower()
        assert [e.action for e in server.web.events.recent(5)] == ["download"]


# ------------------------------------------------------------- links, Host

@pytest.mark.parametrize("back", ["/\\evil.example", "//evil.example", "https://evil.example",
                                  "/\\\\evil.example/x", " /x", "javascript:alert(1)"])
def test_the_back_link_after_email_stays_on_the_page(site, back):
    use_smtp(site.root, plain_smtp(free_port()))      # nothing listens: the message waits
    cookie, token = session_of(site)
    body = urlencode({"csrf": token, "item": "en/leg-cramps", "to": "maria@example.org",
                      "consent": "yes", "step": "send", "checked": "maria@example.org",
                      "back": back}).encode()
    status, _, page = post(site, "/email", body, cookie)
    assert status == 200 and b"outbox" in page, page[-600:]
    links = re.findall(rb'<a class="button" href="([^"]*)"', page)
    assert links == [b"/"], links


def test_no_redirect_echoes_the_host(site):
    for path in ("/activity/", "/h/en/leg-cramps/", "/static/app.css/"):
        status, headers, _ = site.raw("GET", path, headers={"Host": "localhost"})
        assert "location" not in headers or not headers["location"].startswith(("http:", "https:", "//"))
        assert status in (303, 404)


# ------------------------------------------------------------------ time-outs

def test_serve_closes_connections_that_never_finish_a_request():
    """An idle connection, half a request's headers, half a body: each is
    closed after HANDOUTS_REQUEST_SECONDS (1 s here) without an answer."""
    import http.client

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HANDOUTS_REQUEST_SECONDS": "1",
           "HANDOUTS_STAFF_PASSWORD": ""}
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--project", str(REPO),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert "Serving" in proc.stdout.readline()
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/h/en/leg-cramps")
                resp = conn.getresponse()
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        cookie = re.search(rf"{COOKIE}=([^;]+)", resp.getheader("set-cookie")).group(1)
        resp.read()
        conn.close()
        half_body = (f"POST /email HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {FORM}\r\n"
                     f"Cookie: {COOKIE}={cookie}\r\nContent-Length: 100\r\n\r\ncsrf=x").encode()
        for sent in (b"", f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode(), half_body):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(sent)
                start = time.monotonic()
                try:
                    data = s.recv(1024)
                except socket.timeout:
                    data = b"still open"
                except ConnectionResetError:
                    data = b""
                took = time.monotonic() - start
            assert data == b"" and took < 5, (sent[:30], data[:60], took)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
