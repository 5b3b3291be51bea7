"""Every helper the tests share, in one place: where things are, running the
CLI (in process, or as a real process where the OS must see it), editing a
throwaway clinic and reading its errors, free ports, SMTP blocks and text.

Fixtures live in conftest.py; a real SMTP server in smtpserver.py, a live
front-desk server in webutil.py, PDF readers in pdfutil.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SLUGS = ["cvi-symptoms", "leg-cramps", "risk-factors"]

# Every handout in every language in content/, on both papers, in normal and
# large print, and packets (built once a session by conftest's ``all_pdfs``).
CONTENT = REPO / "content"
LANGS = sorted(d.name for d in CONTENT.iterdir() if d.is_dir() and any(d.glob("*.yaml")))
HANDOUTS = {lang: sorted(p.stem for p in (CONTENT / lang).glob("*.yaml")) for lang in LANGS}
PAPERS = ("letter", "a4")
SINGLE_PDFS = [f"{lang}/{slug}/{paper}{'/large' if large else ''}" for lang in LANGS
               for slug in HANDOUTS[lang] for paper in PAPERS for large in (False, True)]
PACKET_PDFS = [f"{lang}/packet/{paper}{'/large' if large else ''}"
               for lang in LANGS for paper, large in (("letter", False), ("a4", True))]
ALL_PDFS = SINGLE_PDFS + PACKET_PDFS


def require_tool(name: str) -> str:
    """A test that needs an external tool fails loudly when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; .ci/run installs it (apt-get install poppler-utils qpdf)")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def squash(text: str) -> str:
    """Runs of white space as one space."""
    return " ".join(text.split())


def unspaced(text: str) -> str:
    """The text with no white space at all (to compare across line breaks)."""
    return "".join(text.split())


# ---------------------------------------------------------------------------
# The command line.


@dataclass
class CliResult:
    """What a run of the CLI left: the names of subprocess.CompletedProcess,
    and the unexpected exception (if any) for a test that wants to raise it."""

    returncode: int
    stdout: str
    stderr: str
    exception: BaseException | None = None


def _too_slow(signum, frame):
    pytest.fail("the command did not finish within its time limit")


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 120) -> CliResult:
    """``handouts ARGS`` in this process, through the real entry point (so an
    unexpected exception is exit 2 and one ``error: unexpected`` line, as for
    a user), with click's test runner holding stdin, stdout and stderr. The
    working folder is ``cwd`` for the call and restored after. Never raises,
    except to fail the test after ``timeout`` seconds (a hang, as a new process
    would be killed).

    About 0.05 s a call instead of ~0.5 s for a new process; use
    ``run_process`` where the operating system must see the process (its
    exit status, a signal, what it imports, several at once)."""
    from click.testing import CliRunner

    from handouts.cli import entry

    runner = CliRunner()
    error = None
    argv = sys.argv
    alarm = threading.current_thread() is threading.main_thread()
    with runner.isolation() as (out, err, _), contextlib.chdir(cwd or os.getcwd()):
        sys.argv = ["handouts", *args]
        if alarm:
            previous = signal.signal(signal.SIGALRM, _too_slow)
            signal.alarm(timeout)
        try:
            entry()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                sys.stderr.write(exc.code + "\n")  # as Python prints it
            if isinstance(exc.__context__, Exception):
                error = exc.__context__
        finally:
            if alarm:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    if code == 2 and error is not None:  # a bug: its traceback goes to the test's captured stderr
        traceback.print_exception(error, file=sys.__stderr__)
    return CliResult(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"),
                     error if code == 2 else None)


def run_process(*args: str, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m handouts ARGS`` as a new process, as a user runs it, with
    this tree first on the path; never raises."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def processes_at_once(*commands: list[str], cwd: Path | None = None,
                      timeout: float = 120) -> list[subprocess.CompletedProcess]:
    """Run every command (an argv list; "handouts" means ``python -m
    handouts``) as a new process, all started at once, and wait for each:
    on two cores they take about half the time of one after another."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "handouts", *argv[1:]] if argv[0] == "handouts"
                              else argv, cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for argv in commands]
    results = []
    for argv, proc in zip(commands, procs):
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        results.append(subprocess.CompletedProcess(argv, proc.returncode, out, err))
    return results


# ---------------------------------------------------------------------------
# A throwaway clinic with a known article, and the errors its build reports.

BAD = "leg-cramps"
OTHERS = [s for s in SLUGS if s != BAD]

#: A small article that fits on one page; the bad cases are edits of it, so
#: their line numbers are known here and not tied to the demo's wording.
GOOD = """\
title: Leg cramps
summary: Most leg cramps are not serious.
reviewed: 2026-11-01
sections:
  - heading: What is a leg cramp?
    body: |
      A leg cramp is when a muscle in your leg gets tight all of a sudden.
  - heading: What you can do
    bullets:
      - Stretch and rub your calf.
      - Drink plenty of water each day.
"""

#: A plain sentence to make a text as long as a test needs.
SENTENCE = "Cramps can come back at night and wake you up from a deep sleep. "


def cli(*args: str) -> CliResult:
    """The CLI run from the repository."""
    return run_cli(*args, cwd=REPO)


def build(project: Path, *args: str, out: Path | None = None) -> tuple[CliResult, Path]:
    """Build the project's English handouts (these tests break English files;
    the Spanish ones are tested in test_spanish.py)."""
    out = out or project / "out"
    if "--lang" not in args and "--packet" not in args:
        args = ("--lang", "en", *args)
    return cli("build", "--project", str(project), "--out", str(out), *args), out


def article_path(project: Path, slug: str = BAD) -> Path:
    return (project / "content" / "en" / f"{slug}.yaml").resolve()


def write_article(project: Path, text: str | bytes, slug: str = BAD) -> Path:
    path = article_path(project, slug)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def template_path(project: Path) -> Path:
    return (project / "templates" / "handout.xml.j2").resolve()


def clinic_path(project: Path) -> Path:
    return (project / "content" / "clinic.yaml").resolve()


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def set_line(path: Path, pattern: str, replacement: str) -> int:
    """Replace the one line matching regex ``pattern``; return its number."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if re.match(pattern, line)]
    assert len(hits) == 1, f"{pattern!r} matched lines {hits} of {path}"
    lines[hits[0]] = replacement.rstrip("\n") + "\n"
    path.write_text("".join(lines), "utf-8")
    return hits[0] + 1


def insert_in_section(project: Path, markup: str) -> int:
    """Put a line of template into each <section>, just after its heading;
    return its line number in the template."""
    path = template_path(project)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if "<heading>{{ section.heading }}</heading>" in line]
    assert len(hits) == 1, "the template's section heading line moved; update this helper"
    lines.insert(hits[0] + 1, f"    {markup}\n")
    path.write_text("".join(lines), "utf-8")
    return hits[0] + 2


def shown(path: Path | str) -> str:
    """A path as messages show it: relative to the project folder (the
    nearest parent with content/) when it is inside one."""
    path = Path(path)
    for folder in path.parents:
        if (folder / "content").is_dir():
            return str(path.relative_to(folder))
    return str(path)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def assert_clean_failure(result) -> None:
    """Exit 1 with at least one ``error:`` line and no traceback anywhere."""
    both = result.stdout + result.stderr
    assert "Traceback" not in both, both
    assert "error: unexpected" not in result.stderr, result.stderr
    assert result.returncode == 1, f"exit {result.returncode}\n{both}"
    assert error_lines(result), both


def expect_error(result, path: Path | str, line: int | None = None,
                 field: str | None = None, *words: str) -> str:
    """The clean failure's error line for ``path`` (at ``line``, naming
    ``field``, containing every one of ``words``); fails if there is none.
    ``line=None`` accepts any line or none; ``field=None`` does not check it."""
    assert_clean_failure(result)
    pattern = re.escape(f"error: {shown(path)}")
    pattern += f":{line}: " if line is not None else r"(?::\d+)?: "
    if field is not None:
        pattern += re.escape(f"{field}: ")
    found = [e for e in error_lines(result)
             if re.match(pattern, e) and all(w in e for w in words)]
    assert found, (f"no error line matching {pattern!r} with {words!r}; stderr was:\n"
                   + result.stderr)
    return found[0]


def pdfs(out: Path, lang: str | None = "en") -> list[str]:
    """The PDFs written for one language (None: for any language)."""
    where = out / lang if lang else out
    return sorted(p.name for p in where.rglob("*.pdf") if p.is_file())


def assert_nothing_half_written(out: Path, bad: str | None = BAD) -> None:
    """No temp files anywhere in ``out``; no PDF for the bad handout."""
    if out.exists():
        leftovers = [p.name for p in out.rglob("*") if p.suffix == ".tmp" or p.name.startswith(".")]
        assert not leftovers, leftovers
    if bad:
        assert f"{bad}.pdf" not in pdfs(out)


def assert_others_built(result, out: Path) -> None:
    """The bad handout failed alone: the other two PDFs are there."""
    assert pdfs(out) == [f"{s}.pdf" for s in OTHERS], result.stderr
    assert_nothing_half_written(out)


def assert_bad_article(project: Path, text: str | bytes, line: int | None, field: str | None,
                       *words: str) -> str:
    """Write ``text`` as leg-cramps.yaml, build everything, and check the whole
    promise: a clean error at path:line: field, the others still build."""
    path = write_article(project, text)
    result, out = build(project)
    found = expect_error(result, path, line, field, *words)
    assert_others_built(result, out)
    return found


# ---------------------------------------------------------------------------
# Email settings.


def use_smtp(root: Path, block: str | None) -> None:
    """Replace clinic.yaml's smtp: block (or remove it, with None)."""
    clinic = root / "content" / "clinic.yaml"
    text = clinic.read_text(encoding="utf-8").split("\nsmtp:\n")[0].rstrip("\n") + "\n"
    if block:
        text += "smtp:\n" + "".join(f"  {line}\n" for line in block.strip().splitlines())
    clinic.write_text(text, encoding="utf-8")


def plain_smtp(port: int, timeout: float = 5) -> str:
    """An smtp: block for a server on loopback without TLS."""
    return f"host: 127.0.0.1\nport: {port}\nsecurity: none\ntimeout: {timeout}"


def approval_date(lang: str, slug: str, root: Path = REPO):
    """The date of a handout's approval record (content/approvals/): the date
    its footer's review line shows."""
    import yaml

    return yaml.safe_load((root / "content" / "approvals" / lang / f"{slug}.yaml").read_text("utf-8"))["date"]


def approved_on(lang: str, slug: str, root: Path = REPO) -> str:
    """The date of the demo's approval record, written out as the footer says it."""
    from handouts.templating import longdate

    return longdate(approval_date(lang, slug, root), lang)
