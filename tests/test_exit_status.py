"""What only a real process shows: the exit status the operating system gets
(0 built, 1 a mistake in the clinic's files, 2 a mistake in the command or a
bug in handouts), and a traceback only with --debug. Everything else about the
CLI is tested in process (helpers.run_cli)."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import GOOD, REPO, run_process, write_article

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


def run_with_a_bug(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITH_A_BUG, *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_exit_status_is_0_built_1_bad_input_2_bad_command(project, tmp_path):
    good = run_process("build", "leg-cramps", "--lang", "en", "--project", str(project),
                       "--out", str(tmp_path / "good"))
    assert good.returncode == 0, good.stderr
    write_article(project, GOOD.replace("title: Leg cramps", "title: 123"))
    bad = run_process("build", "leg-cramps", "--lang", "en", "--project", str(project),
                      "--out", str(tmp_path / "bad"))
    assert bad.returncode == 1, bad.stderr
    assert "error: content/en/leg-cramps.yaml:1: title:" in bad.stderr, bad.stderr
    usage = run_process("build", "--paper", "legal", "--project", str(project))
    assert usage.returncode == 2 and "Traceback" not in usage.stderr, usage.stderr


def test_a_bug_is_status_2_and_one_line_without_debug():
    result = run_with_a_bug("boom")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: unexpected RuntimeError: a bug in handouts (run with --debug for details)"]


def test_debug_shows_the_traceback_of_a_bug():
    result = run_with_a_bug("--debug", "boom")
    assert result.returncode == 2
    assert result.stderr.startswith("Traceback (most recent call last):"), result.stderr
    assert "RuntimeError: a bug in handouts" in result.stderr
