"""Shared fixtures: a throwaway copy of the demo project, the demo PDFs built
once a session, a second brand, one browser. (Helpers are in helpers.py.)"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from helpers import HANDOUTS, LANGS, PACKET_PDFS, PAPERS, REPO, run_cli


# A shell starting the suite as a background job without job control (as
# `( .ci/run & )` or `nohup` do) makes it ignore SIGINT, and every process the
# tests start would inherit that: the Ctrl-C tests' builds and servers would
# never see their Ctrl-C. The suite takes Ctrl-C back, so a test's subprocess
# starts with the default, as it does from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The per-user cache (handouts/usercache.py) goes to a folder of the suite's
# own, never the user's real ~/.cache: set here, before any test runs, so the
# in-process CLI and every process the tests start (they inherit os.environ)
# use it; removed when the suite ends. Tests of the cache itself set their own.
CACHE_DIR = tempfile.mkdtemp(prefix="handouts-test-cache-")
os.environ["HANDOUTS_CACHE_DIR"] = CACHE_DIR
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the demo clinic (content/ and templates/) to edit."""
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(scope="session")
def built(all_pdfs) -> Path:
    """The output folder of the demo handouts on the clinic's paper (letter),
    normal print: OUT/<lang>/<slug>.pdf (the same files as ``all_pdfs``)."""
    import yaml

    assert yaml.safe_load((REPO / "content" / "clinic.yaml").read_text("utf-8"))["paper"] == "letter"
    return all_pdfs["en/leg-cramps/letter"].parent.parent


SECOND_BRAND = """\
name: St. Bartholomew's Community Vascular and Wound Healing Centre of the Greater Riverside Valley
tagline: Part of the Riverside Valley Health Partnership, serving families since 1952
phone: +44 20 7946 0958
address: Unit 14B, The Old Granary Business Park, 221 Long Meadow Road, Lower Riverside, Hampshire SO99 9ZZ, United Kingdom
website: https://st-bartholomews-vascular.example.org
email: appointments.and.enquiries@st-bartholomews-vascular.example.org
qr: https://st-bartholomews-vascular.example.org/patients/book-an-appointment?src=handout
logo: brand/wide-logo.jpg
logo_alt: St. Bartholomew's logo, a purple wordmark with a green cross
colors:
  primary: "#5B2A86"
  accent: "#0B6E4F"
paper: a4
disclaimer: For information only. Always follow the advice of the doctors and nurses who look after you.
"""


def make_wide_logo(path: Path, size=(900, 220)) -> None:
    """A wide JPEG logo (another shape, format and palette than the demo's)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, size[1], size[1]], fill=(91, 42, 134))
    cx = size[1] // 2
    draw.rectangle([cx - 20, 40, cx + 20, size[1] - 40], fill=(11, 110, 79))
    draw.rectangle([40, cx - 20, size[1] - 40, cx + 20], fill=(11, 110, 79))
    for i in range(5):
        x = size[1] + 40 + i * 120
        draw.rectangle([x, 70, x + 90, 150], fill=(91, 42, 134))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=90)


@pytest.fixture
def second_brand(project: Path) -> Path:
    """The demo articles under a very different brand: long name and address,
    A4, purple and green, a wide JPEG logo."""
    make_wide_logo(project / "content" / "brand" / "wide-logo.jpg")
    (project / "content" / "assets" / "logo.png").unlink()
    (project / "content" / "clinic.yaml").write_text(SECOND_BRAND, "utf-8")
    return project


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test (Playwright)."""
    from webutil import CHROMIUM_ARGS, require_chromium

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed; pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


# Every handout in every language in content/ (helpers.ALL_PDFS), built once.


@pytest.fixture(scope="session")
def all_pdfs(tmp_path_factory) -> dict[str, Path]:
    """{"en/leg-cramps/a4/large": path, "es/packet/letter": path, ...}, built
    through the CLI."""
    out = tmp_path_factory.mktemp("all-pdfs")
    files = {}
    for lang in LANGS:
        for paper in PAPERS:
            for large in (False, True):
                folder = out / f"{paper}{'-large' if large else ''}"
                extra = ["--large-print"] if large else []
                result = run_cli("build", "--project", str(REPO), "--out", str(folder),
                                 "--paper", paper, "--lang", lang, *extra)
                assert result.returncode == 0, result.stderr
                for slug in HANDOUTS[lang]:
                    name = f"{slug}{'-large-print' if large else ''}.pdf"
                    files[f"{lang}/{slug}/{paper}{'/large' if large else ''}"] = folder / lang / name
        for key in PACKET_PDFS:
            if key.startswith(f"{lang}/"):
                _, _, paper, *large = key.split("/")
                target = out / f"packet-{lang}-{paper}{'-large' if large else ''}.pdf"
                result = run_cli("build", "--project", str(REPO), "--packet", str(target),
                                 "--paper", paper, "--lang", lang,
                                 *(["--large-print"] if large else []), *HANDOUTS[lang])
                assert result.returncode == 0, result.stderr
                files[key] = target
    return files


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (tests/pgserver.py)."""
    import tempfile

    from pgserver import Cluster

    folder = Path(tempfile.mkdtemp(prefix="handouts-pg-"))
    folder.chmod(0o755)
    cluster = Cluster(folder / "cluster")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, monkeypatch):
    """The state database on each engine: None (SQLite under the project), or
    a fresh PostgreSQL database's URL in HANDOUTS_DATABASE_URL."""
    if request.param == "sqlite":
        monkeypatch.delenv("HANDOUTS_DATABASE_URL", raising=False)
        yield None
        return
    url = request.getfixturevalue("postgres").new_database()
    monkeypatch.setenv("HANDOUTS_DATABASE_URL", url)
    yield url
    from handouts import state_postgres

    state_postgres.close_pools()
