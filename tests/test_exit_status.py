"""What only a real process shows: the exit status the operating system gets
(0 built, 1 a mistake in the clinic's files, 2 a mistake in the command or a
bug in handouts), and a traceback only with --debug. Everything else about the
CLI is tested in process (helpers.run_cli)."""

from __future__ import annotations

import sys

from helpers import GOOD, REPO, processes_at_once, write_article

#: The real entry point with one command added that is a bug.
WITH_A_BUG = """
import sys
from handouts.cli import entry, main

@main.command()
def boom():
    raise RuntimeError("a bug in handouts")

sys.argv = ["handouts", *sys.argv[1:]]
entry()
"""


def test_exit_status_is_0_built_1_bad_input_2_bad_command_or_a_bug(project, tmp_path):
    write_article(project, GOOD.replace("title: Leg cramps", "title: 123"))
    good, bad, usage, bug, debug = processes_at_once(
        ["handouts", "build", "leg-cramps", "--lang", "en", "--project", str(REPO),
         "--out", str(tmp_path / "good")],
        ["handouts", "build", "leg-cramps", "--lang", "en", "--project", str(project),
         "--out", str(tmp_path / "bad")],
        ["handouts", "build", "--paper", "legal", "--project", str(project)],
        [sys.executable, "-c", WITH_A_BUG, "boom"],
        [sys.executable, "-c", WITH_A_BUG, "--debug", "boom"])
    assert good.returncode == 0, good.stderr
    assert bad.returncode == 1, bad.stderr
    assert "error: content/en/leg-cramps.yaml:1: title:" in bad.stderr, bad.stderr
    assert usage.returncode == 2 and "Traceback" not in usage.stderr, usage.stderr
    # A bug: status 2 and one line, unless --debug asks for the traceback.
    assert bug.returncode == 2 and "Traceback" not in bug.stderr
    assert bug.stderr.splitlines() == [
        "error: unexpected RuntimeError: a bug in handouts (run with --debug for details)"]
    assert debug.returncode == 2
    assert debug.stderr.startswith("Traceback (most recent call last):"), debug.stderr
    assert "RuntimeError: a bug in handouts" in debug.stderr


def test_serve_on_a_busy_port_says_so_in_one_line_and_exits_1(tmp_path):
    import socket

    from helpers import run_process

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_process("serve", "--project", str(REPO), "--port", str(port), timeout=60)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Serving" not in done.stdout + done.stderr
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: --port: port {port} is in use; stop the other program or "
                               f"use --port "), lines
    suggested = int(lines[0].rsplit(" ", 1)[1])
    assert suggested != port
    with socket.socket() as s:      # the suggested port really is free
        s.bind(("127.0.0.1", suggested))
