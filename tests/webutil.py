"""A live front-desk server on loopback and a shared Chromium for the web tests."""

from __future__ import annotations

import http.client
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class LiveServer:
    """The real app under uvicorn in a thread, on 127.0.0.1."""

    def __init__(self, root: Path, **settings):
        import uvicorn

        from handouts.project import Project
        from handouts.web.app import create_app
        from handouts.web.pages import Settings

        self.root = root
        self.app = create_app(Project.find(root), Settings(**settings))
        self.web = self.app.state.web
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # as `handouts serve` runs it: proxy headers are the app's business (web/security.py)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, server_header=False, proxy_headers=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                pytest.fail("the front-desk server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """One request with the path exactly as given (no client normalisation)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            own_host = any(k.lower() == "host" for k in (headers or {}))
            conn.putrequest(method, path, skip_accept_encoding=True, skip_host=own_host)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
        finally:
            conn.close()


def announce(server: LiveServer, path: str, length: int, content_type: str,
             extra: str = "") -> bytes:
    """POST headers that announce a ``length``-byte body, send none of it, and
    return the answer's status line and headers: a body refused unread is
    answered at once."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n{extra}\r\n")
    if "Transfer-Encoding" in extra:
        head = head.replace(f"Content-Length: {length}\r\n", "")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head.encode())
        data = b""
        try:
            while b"\r\n\r\n" not in data and (chunk := s.recv(65536)):
                data += chunk
        except socket.timeout:
            pass
        return data


@contextmanager
def browser_page(browser, server: LiveServer, **options):
    """A page in a fresh browser context (its own cookies) on ``server``."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def axe_violations(pg) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA (and best practice) on the page."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is not installed; pip install -e '.[test]'")
    results = Axe().run(pg, options={"runOnly": {"type": "tag", "values":
                                                 ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
            f"{[n['target'] for n in v['nodes']][:3]})" for v in results.response["violations"]]


def require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; .ci/run installs it (apt-get install chromium)")
    return CHROMIUM


#: Used only when the repository has no Spanish leg-cramps handout of its own.
SPANISH = """\
title: Calambres en las piernas
summary: Casi todos los calambres no son graves. Si vuelven una y otra vez, hable con nosotros.
reviewed: 2026-11-01
sections:
  - heading: ¿Qué es un calambre?
    body: |
      Un músculo de la pierna se pone duro de repente. Suele doler unos minutos.
  - heading: Qué puede hacer
    bullets:
      - Estire y frote la pantorrilla.
      - Camine un poco.
      - Tome agua todos los días.
keywords: [calambres, piernas]
"""


@contextmanager
def served_copy(tmp_path_factory, name: str, **options):
    """A fresh copy of the demo project (``copy_project``) served by a LiveServer."""
    from helpers import REPO

    with LiveServer(copy_project(REPO, tmp_path_factory.mktemp(name)), **options) as server:
        yield server


def copy_project(repo: Path, target: Path) -> Path:
    """The repository's content and templates, with a Spanish leg-cramps."""
    shutil.copytree(repo / "content", target / "content")
    shutil.copytree(repo / "templates", target / "templates")
    es = target / "content" / "es"
    if not (es / "leg-cramps.yaml").exists():
        es.mkdir(exist_ok=True)
        (es / "leg-cramps.yaml").write_text(SPANISH, "utf-8")
    return target
