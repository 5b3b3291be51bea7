"""Use the room (issue 21): a short handout (about half a page of words) is
set larger, up to 14 pt, and more airy, and the room it still
leaves goes above the callout, so no empty band over about an inch is left
above the footer, on Letter and A4, in English and Spanish. Measured on the
real PDFs with pdfplumber."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from helpers import REPO, run_cli


SHORT = {
    "en": """\
title: Night leg cramps
summary: Leg cramps at night are common. Most are not serious.
reviewed: 2026-11-01
sections:
  - heading: What is a leg cramp?
    body: A muscle in your leg gets tight all of a sudden. It often happens in the calf. It can hurt, but most cramps go away in a few minutes.
  - heading: Why it happens at night
    body: Your leg veins carry blood back to your heart. When they do not work well, blood can pool in your legs. This can cause cramps at night.
  - heading: What you can do
    bullets:
      - Stretch and rub your calf.
      - Drink water during the day.
callout:
  heading: When to get help
  bullets:
    - Call 911 if you have chest pain or trouble breathing.
""",
    "es": """\
title: Calambres de noche
summary: Los calambres de noche son comunes. Casi siempre no son graves.
reviewed: 2026-11-01
sections:
  - heading: ¿Qué es un calambre?
    body: Un músculo de la pierna se pone duro de repente. Pasa mucho en la pantorrilla. Duele, pero casi siempre se quita en unos minutos.
  - heading: ¿Por qué pasa de noche?
    body: Las venas de las piernas llevan la sangre de vuelta al corazón. Si no funcionan bien, la sangre se junta en las piernas. Eso puede dar calambres.
  - heading: Qué puede hacer
    bullets:
      - Estire y frote la pantorrilla.
      - Tome agua durante el día.
callout:
  heading: Cuándo pedir ayuda
  bullets:
    - Llame al 911 si tiene dolor en el pecho o le falta el aire.
""",
}


@pytest.fixture(scope="module")
def short(tmp_path_factory) -> Path:
    """About half a page of words, with a callout, in English and Spanish."""
    root = tmp_path_factory.mktemp("room") / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    for lang, text in SHORT.items():
        (root / "content" / lang / "short.yaml").write_text(text, "utf-8")
    out = root / "out"
    for paper in ("letter", "a4"):
        result = run_cli("build", "short", "--paper", paper, "--out", str(out / paper), cwd=root)
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
    with pdfplumber.open(short / paper / lang / "short.pdf") as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["size"])
        body = {round(w["size"], 1) for w in words if w["text"] in ("muscle", "músculo")}
        assert body == {14.0}, body                # the body at its largest
        band = band_above_footer(page)
        assert band <= 1.0, f"{band:.2f} in empty above the footer"
