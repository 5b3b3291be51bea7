"""Long builds (issue 12): a progress bar on a terminal, plain lines without
one, a summary line with correct plurals, and the 100 KB email limit checked
at build time (the logo made smaller first, then a warning naming it)."""

from __future__ import annotations

import os
import pty
import random
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from helpers import GOOD, REPO, SLUGS, build, clinic_path, line_of


def many(project: Path, count: int) -> list[str]:
    en = project / "content" / "en"
    slugs = []
    for i in range(count):
        slug = f"copy-{i:02d}"
        (en / f"{slug}.yaml").write_text(GOOD, "utf-8")
        slugs.append(slug)
    return slugs


def run_in_terminal(*args: str) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal."""
    leader, follower = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="100")
    proc = subprocess.Popen([sys.executable, "-m", "handouts", *args], stdout=follower,
                            stderr=follower, stdin=subprocess.DEVNULL, cwd=REPO, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal(project, tmp_path):
    many(project, 4)
    status, shown = run_in_terminal("build", "--project", str(project), "--lang", "en",
                                    "--out", str(tmp_path / "out"))
    assert status == 0, shown
    assert re.search(r"building\s+\[#+-*\]\s+\d+/7", shown), shown
    assert "7/7" in shown
    assert "built 7 handouts in " in shown
    assert "built out/en/" not in shown and "leg-cramps.pdf" not in shown  # the bar replaces the lines


def test_no_progress_bar_without_a_terminal(project):
    many(project, 4)
    result, out = build(project)
    assert result.returncode == 0, result.stderr
    assert "building" not in result.stdout + result.stderr and "[#" not in result.stderr
    assert len([line for line in result.stdout.splitlines() if line.startswith("built ")]) == 7
    assert re.search(r"^built 7 handouts in \d+\.\d s$", result.stderr, re.M), result.stderr


def test_no_progress_bar_for_a_few_handouts_on_a_terminal(project, tmp_path):
    status, shown = run_in_terminal("build", "--project", str(project), "--lang", "en",
                                    "--out", str(tmp_path / "o"))
    assert status == 0, shown
    assert "building" not in shown and "leg-cramps.pdf" in shown


@pytest.mark.parametrize("count, bad, summary", [
    (0, 0, r"built 1 handout in \d+\.\d s"),
    (0, 1, r"built 2 handouts in \d+\.\d s; 1 failed"),
    (1, 2, r"built 2 handouts in \d+\.\d s; 2 failed"),
])
def test_summary_line_has_correct_plurals(project, count, bad, summary):
    extra = many(project, count)
    en = project / "content" / "en"
    for slug in ["cvi-symptoms", "risk-factors"][:bad]:
        (en / f"{slug}.yaml").write_text("title: 123\n", "utf-8")
    slugs = ["leg-cramps", *extra] + (["cvi-symptoms", "risk-factors"][:bad] if bad else [])
    if count == 0 and bad == 1:
        slugs = ["leg-cramps", "risk-factors", "cvi-symptoms"]
        (en / "risk-factors.yaml").write_text(GOOD, "utf-8")
    result, _ = build(project, *slugs)
    assert re.search(f"^{summary}$", result.stderr, re.M), result.stderr
    assert result.returncode == (1 if bad else 0)


# ---------------------------------------------------------------------------
# The 100 KB promise.


def noisy_logo(path: Path, size=(600, 240), noise=(0, 0, 600, 240), seed=1) -> None:
    """A logo with a block of random pixels, which no compression can shrink."""
    rnd = random.Random(seed)
    img = Image.new("RGB", size, (31, 90, 122))
    x0, y0, x1, y1 = noise
    block = Image.frombytes("RGB", (x1 - x0, y1 - y0), rnd.randbytes((x1 - x0) * (y1 - y0) * 3))
    img.paste(block, (x0, y0))
    img.save(path, "PNG")


def test_a_heavy_logo_is_made_smaller_to_stay_under_100_kb(project):
    noisy_logo(project / "content" / "assets" / "logo.png", noise=(0, 0, 200, 150))
    result, out = build(project, "leg-cramps")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    pdf = out / "en" / "leg-cramps.pdf"
    assert pdf.stat().st_size <= 100 * 1024
    import pikepdf

    with pikepdf.open(pdf) as doc:
        sizes = [(int(x.Width), int(x.Height)) for x in doc.pages[0].get_images().values()]
    assert (400, 160) in sizes, sizes  # 200 dpi at the header's size, down from 600 x 240


def test_a_logo_that_stays_too_heavy_gets_a_warning_naming_it(project):
    noisy_logo(project / "content" / "assets" / "logo.png")
    result, out = build(project, "leg-cramps")
    assert result.returncode == 0, result.stderr  # a warning, not a failure
    line = line_of(clinic_path(project).read_text("utf-8"), "logo:")
    [warning] = [w for w in result.stderr.splitlines() if w.startswith("warning: ")]
    assert warning.startswith(f"warning: content/clinic.yaml:{line}: logo: leg-cramps.pdf is ")
    assert "over the 100 KB" in warning and "the logo takes about" in warning
    assert "flat colours" in warning


def test_demo_handouts_are_under_100_kb_without_a_warning(project):
    result, out = build(project)
    assert result.returncode == 0 and "warning" not in result.stderr
    assert all((out / "en" / f"{s}.pdf").stat().st_size <= 100 * 1024 for s in SLUGS)
