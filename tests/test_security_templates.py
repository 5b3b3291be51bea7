"""The page's own templates are sandboxed like the handout template (issue 17,
finding 5): a project's templates/web/*.html that reaches for Python, or for
the app objects it is handed, is refused with the template's file and line;
an honest override still works. Over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from webutil import LiveServer, copy_project

PASSWORD = "correct horse battery"

ATTACKS = {
    # the classic way out of a plain Jinja environment: run a command
    "run a command": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "import os": "{{ lipsum.__globals__['os'].system('touch {marker}') }}",
    # through the objects a page is handed
    "write a file": "{{ cards[0].main().path.parent.joinpath('pwned.txt').write_text('x') }}",
    "add to the log": "{{ web.events.add('evil', 'print', []) }}",
    "read the password": "{{ request.app.state.web.settings.password }}",
    "start a session": "{{ web.sessions.new('evil').token }}",
    "read the settings": "{{ web.settings.password }}",
}


def _override(root: Path, body: str) -> None:
    folder = root / "templates" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>Ours</h1>\n<p>' + body
        + "</p>\n{% endblock %}\n", "utf-8")


@pytest.mark.parametrize("what", sorted(ATTACKS))
def test_an_override_that_reaches_for_python_is_refused_at_its_line(tmp_path, what):
    root = copy_project(REPO, tmp_path / "clinic")
    marker = tmp_path / "ran"
    _override(root, ATTACKS[what].replace("{marker}", str(marker)))
    with LiveServer(root, outbox_retry_seconds=0) as site:
        status, _, body = site.raw("GET", "/")
        sessions = len(site.web.sessions)
        events = site.web.events.recent(5)
    page = body.decode()
    assert status == 500 and "uid=" not in page and "Traceback" not in page
    assert "templates/web/index.html:4: refused by the sandbox" in page, page[-800:]
    assert events == [] and sessions == 1           # the page's own session only
    assert not marker.exists() and not list(root.rglob("pwned.txt"))


def test_the_password_is_out_of_reach_when_signed_in(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    _override(root, ATTACKS["read the password"])
    with LiveServer(root, password=PASSWORD, outbox_retry_seconds=0) as site:
        session = site.web.sessions.new("Maria G.")
        status, _, body = site.raw("GET", "/", headers={"Cookie": f"handouts_session={session.token}"})
    assert status == 500 and PASSWORD.encode() not in body
    assert b"templates/web/index.html:4: refused by the sandbox" in body


def test_an_honest_override_still_works(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    _override(root, "{{ t('index_heading') | upper }} {{ cards | length }} "
                    "{% for c in cards %}{{ c.main().article.title }};{% endfor %} {{ request.url.path }}")
    with LiveServer(root, outbox_retry_seconds=0) as site:
        status, _, body = site.raw("GET", "/")
    assert status == 200, body[-600:]
    assert b"<h1>Ours</h1>" in body and b"Leg cramps;" in body
