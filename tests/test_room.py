"""Use the room (issue 21): a short handout (init's example, about half a page
of words) is set larger, up to 14 pt, and more airy, and the room it still
leaves goes above the callout, so no empty band over about an inch is left
above the footer, on Letter and A4, in English and Spanish. Measured on the
real PDFs with pdfplumber."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from helpers import run_cli


@pytest.fixture(scope="module")
def short(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("room")
    assert run_cli("init", "clinic", cwd=root).returncode == 0
    out = root / "out"
    for paper in ("letter", "a4"):
        result = run_cli("build", "--paper", paper, "--out", str(out / paper), cwd=root / "clinic")
        assert result.returncode == 0, result.stderr
    return out


def band_above_footer(page) -> float:
    """Inches between the lowest thing drawn in the body and the footer's rule."""
    rule = max(line["top"] for line in page.lines)
    lowest = max(o["bottom"] for o in [*page.chars, *page.rects, *page.curves] if o["bottom"] < rule)
    return (rule - lowest) / 72


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_short_handout_is_set_large_and_leaves_no_wide_band(short, paper, lang):
    with pdfplumber.open(short / paper / lang / "night-leg-cramps.pdf") as pdf:
        page = pdf.pages[0]
        body = Counter(round(c["size"], 1) for c in page.chars).most_common(1)[0][0]
        assert body == 14.0, body                  # the body at its largest
        band = band_above_footer(page)
        assert band <= 1.0, f"{band:.2f} in empty above the footer"
