"""Print from the front-desk page, in real Chromium: the browser's print
dialog from the page (no new tab), and, where clinic.yaml names a printer,
straight to a REAL CUPS: the test starts its own cupsd (a temporary
configuration, a socket of its own) with the cups-pdf virtual printer and
checks the printed file and the copies CUPS counted."""

from __future__ import annotations

import getpass
import io
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pypdf
import pytest

from helpers import REPO
from webutil import LiveServer, axe_violations, browser_page, copy_project

CUPSD, LPADMIN = "/usr/sbin/cupsd", "/usr/sbin/lpadmin"
CUPS_PDF = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")


def _need_cups() -> None:
    missing = [str(p) for p in (CUPSD, LPADMIN, CUPS_PDF, CUPS_PDF_PPD, CUPS_PDF_CONF)
               if not Path(p).exists()] + ([] if shutil.which("lp") else ["lp"])
    if missing:
        pytest.fail("CUPS with the cups-pdf printer is needed for the print tests (missing: "
                    + ", ".join(missing) + "); apt-get install cups printer-driver-cups-pdf")
    if os.geteuid() != 0:
        pytest.fail("the print tests start their own cupsd, which needs root (as .ci/run runs)")


def cups_pdf_folder() -> Path:
    """Where cups-pdf writes this user's jobs (``Out`` in cups-pdf.conf)."""
    out = "/var/spool/cups-pdf/${USER}"
    for line in CUPS_PDF_CONF.read_text().splitlines():
        if line.strip().startswith("Out "):
            out = line.split(None, 1)[1].strip()
    user = getpass.getuser()
    return Path(out.replace("${HOME}", pwd.getpwnam(user).pw_dir).replace("${USER}", user))


@pytest.fixture(scope="module")
def cups(tmp_path_factory):
    """A cupsd of our own with one cups-pdf queue; yields (queue, page_log)."""
    _need_cups()
    # not under pytest's own folder (0700): CUPS filters run as the lp user and must reach it
    home = Path(tempfile.mkdtemp(prefix="handouts-cups-"))
    home.chmod(0o755)
    root, spool, log = home / "root", home / "spool", home / "log"
    for d in (root, spool, log, home / "cache", home / "state"):
        d.mkdir()
    for conv in Path("/usr/share/cups/mime").iterdir():
        shutil.copy(conv, root / conv.name)
    (root / "cups-files.conf").write_text(
        f"SystemGroup root\nServerRoot {root}\nRequestRoot {spool}\nTempDir {spool}\n"
        f"CacheDir {home / 'cache'}\nStateDir {home / 'state'}\nErrorLog {log / 'error_log'}\n"
        f"AccessLog {log / 'access_log'}\nPageLog {log / 'page_log'}\n"
        f"ServerBin /usr/lib/cups\nDataDir /usr/share/cups\n")
    sock = home / "cups.sock"
    (root / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel warn\nWebInterface No\nBrowsing No\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
    daemon = subprocess.Popen([CUPSD, "-f", "-c", str(root / "cupsd.conf"),
                               "-s", str(root / "cups-files.conf")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    old = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = str(sock)          # lp, from the page's process, uses our cupsd
    try:
        deadline = time.time() + 20
        while not sock.exists():
            if daemon.poll() is not None or time.time() > deadline:
                pytest.fail("cupsd did not start: " + daemon.stdout.read().decode(errors="replace"))
            time.sleep(0.1)
        queue = f"handouts_test_{uuid.uuid4().hex[:8]}"
        added = subprocess.run([LPADMIN, "-p", queue, "-E", "-v", "cups-pdf:/", "-P",
                                str(CUPS_PDF_PPD)], capture_output=True, text=True, timeout=30)
        assert added.returncode == 0, added.stderr
        yield queue, log / "page_log"
    finally:
        if old is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = old
        daemon.terminate()
        daemon.wait(20)
        shutil.rmtree(home, ignore_errors=True)


def printed_files(folder: Path, title: str) -> list[Path]:
    return sorted(folder.glob(f"{title}*.pdf")) if folder.is_dir() else []


def test_print_to_the_clinics_cups_printer_with_copies(browser, cups, tmp_path):
    queue, page_log = cups
    root = copy_project(REPO, tmp_path / "clinic")
    clinic = root / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8").rstrip("\n") + f"\nprinter: {queue}\n", "utf-8")
    folder = cups_pdf_folder()
    title = "en-leg-cramps"
    before = set(printed_files(folder, title))
    with LiveServer(root) as server, browser_page(browser, server) as pg:
        pg.goto("/h/en/leg-cramps")
        assert pg.locator("#print").count() == 0             # no dialog button: the printer is named
        assert axe_violations(pg) == []
        pg.fill("#copies", "2")
        pg.get_by_role("button", name=f"Print on {queue}").click()
        pg.wait_for_selector(".result")
        assert pg.inner_text(".result").strip() == f"Sent to the printer {queue}: 2 copies."
        assert len(pg.context.pages) == 1                    # no new tab
        # CUPS counts the job done, 2 copies of its one page ...
        logged = rf"^{queue} \S+ \d+ \[.*\] total 2 "
        deadline = time.time() + 90
        while time.time() < deadline and not re.search(
                logged, page_log.read_text() if page_log.exists() else "", re.M):
            time.sleep(0.3)
        assert re.search(logged, page_log.read_text(), re.M), page_log.read_text()
        # ... and cups-pdf has written the page to its folder: the handout, on its paper
        deadline, new = time.time() + 30, []
        while time.time() < deadline and not (new and new[0].stat().st_size):
            new = [p for p in printed_files(folder, title) if p not in before]
            time.sleep(0.3)
        assert new, f"nothing printed in {folder}"
        try:
            reader = pypdf.PdfReader(io.BytesIO(new[0].read_bytes()))
            assert len(reader.pages) == 1
            assert round(float(reader.pages[0].mediabox.width)) == 612    # the clinic's letter
        finally:
            for p in new:
                p.unlink()
        # the activity says what was really done
        pg.goto("/activity")
        assert f"Sent to printer {queue}, 2 copies" in pg.inner_text("tbody tr >> nth=0")
        counts = pg.locator(".counts li")
        assert counts.nth(0).inner_text().split() == ["1", "sent", "to", "a", "printer"]
        assert counts.nth(1).inner_text().split()[0] == "0"           # no dialog was opened
        # a bad number of copies prints nothing and says why
        pg.goto("/h/en/leg-cramps")
        pg.evaluate("document.querySelector('#copies').removeAttribute('max')")
        pg.fill("#copies", "500")
        pg.get_by_role("button", name=f"Print on {queue}").click()
        pg.wait_for_selector(".result")
        assert "Choose 1 to 20 copies" in pg.inner_text(".result")


def test_print_opens_the_print_dialog_from_the_page(browser, tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root) as server, browser_page(browser, server) as pg:
        pg.goto("/h/es/leg-cramps")
        assert pg.locator("#copies").count() == 0           # no printer named: the browser's dialog
        hint = pg.inner_text(".actions + .hint")
        assert "print dialog" in hint and "Ctrl" not in hint and "tab" not in hint
        pg.click("#print")
        pg.wait_for_function("() => document.querySelector('#print').dataset.printed === '1'")
        frame = pg.locator("iframe.print-frame")
        assert frame.get_attribute("src").startswith("/h/es/leg-cramps/handout.pdf?")
        assert len(pg.context.pages) == 1                    # no new tab
        assert pg.url.endswith("/h/es/leg-cramps")
        resp = pg.request.get(frame.get_attribute("src"))
        assert resp.headers["content-type"] == "application/pdf"
        assert resp.headers["x-frame-options"] == "SAMEORIGIN"      # framed by the page only
        assert "frame-ancestors 'self'" in resp.headers["content-security-policy"]
        # the log, in another tab of the same session: leaving a page whose frame is
        # printing can crash headless Chromium's renderer
        pg = pg.context.new_page()
        pg.goto("/activity")
        deadline = time.time() + 10
        while "Opened the print dialog" not in pg.inner_text("main") and time.time() < deadline:
            time.sleep(0.2)
            pg.reload()
        assert "Opened the print dialog" in pg.inner_text("tbody tr >> nth=0")
        assert "Printed" not in pg.inner_text("tbody")
        counts = pg.locator(".counts li")
        assert counts.nth(0).inner_text().split()[0] == "0"           # nothing sent to a printer
        assert counts.nth(1).inner_text().split()[0] == "1"          # one print dialog opened
