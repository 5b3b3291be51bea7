"""Reading built PDFs in tests: text in drawing order, sizes, fonts, zones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber

from conftest import require_tool


def stream_text(page) -> str:
    """All characters in the order they were drawn (our reading order)."""
    return "".join(c["text"] for c in page.chars)


def squash(text: str) -> str:
    return " ".join(text.split())


def footer_top(page) -> float:
    """The y (from the top) of the footer rule: the lowest full-width line."""
    wide = [ln for ln in page.lines if ln["x1"] - ln["x0"] > page.width * 0.6]
    return max(ln["top"] for ln in wide)


def header_bottom(page) -> float:
    """The y (from the top) of the brand rule under the header."""
    wide = [ln for ln in page.lines if ln["x1"] - ln["x0"] > page.width * 0.6]
    return min(ln["top"] for ln in wide)


def pdffonts(path: Path) -> list[dict[str, str]]:
    exe = require_tool("pdffonts")
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni id gen
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def open_pdf(path: Path):
    return pdfplumber.open(path)
