"""Printing on the computer that runs the page: a PDF sent to a CUPS queue
with ``lp`` (the one place a print job is started; no shell, no file)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

from handouts.errors import OutputError

MAX_COPIES = 20
TIMEOUT = 30


class PrintError(OutputError):
    """The printer could not take the job; nothing was printed."""


#: The handout's paper as CUPS names the media (so a printer whose default
#: is another size does not shrink or cut the page).
MEDIA = {"letter": "Letter", "a4": "A4"}


def send(queue: str, pdf: bytes, copies: int, title: str, paper: str = "letter") -> str:
    """Send ``pdf`` to the CUPS queue ``queue``, ``copies`` times, on
    ``paper``; the job's id (``Front_Desk-12``), or PrintError in plain words."""
    if not 1 <= copies <= MAX_COPIES:
        raise PrintError.at(None, None, "copies", f"print 1 to {MAX_COPIES} copies at a time")
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError.at(None, None, "printer", "this computer cannot print: the lp command "
                            "is missing (install CUPS: apt-get install cups-client)")
    title = re.sub(r"[^\w .,()-]", "", title)[:80] or "handout"
    # a file, not standard input: CUPS types a file by its content (a PDF read
    # from a pipe printed blank); lp has sent it to CUPS when it returns
    with tempfile.NamedTemporaryFile(prefix="handouts-print-", suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        try:
            done = subprocess.run([lp, "-n", str(copies), "-d", queue, "-t", title,
                                   "-o", f"media={MEDIA.get(paper, 'Letter')}", "--", tmp.name],
                                  capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PrintError.at(None, None, "printer", f"the printer {queue} did not answer "
                                f"within {TIMEOUT} s; check that CUPS is running") from None
    said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0:
        raise PrintError.at(None, None, "printer", f"the printer {queue} refused the job: "
                            + (said[0] if said else f"lp exit status {done.returncode}"))
    found = re.search(r"request id is (\S+)", done.stdout.decode("utf-8", "replace"))
    return found.group(1) if found else ""
