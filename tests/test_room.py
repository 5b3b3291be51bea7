"""Use the room (issue 21): a short handout (about half a page of words) is
set larger, up to 14 pt, and more airy, and the room it still
leaves goes above the callout, so no empty band over about an inch is left
above the footer, on Letter and A4, in English and Spanish. Footer and
caption lines never end with a separator dot and never leave a lone word or
year on a line. Measured on the real PDFs with pdfplumber."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from helpers import REPO, SINGLE_PDFS, run_cli
from pdfutil import footer_top


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


#: Two more sections in place of the callout: about half a page, no callout.
MORE = {
    "en": """\
  - heading: More to know
    body: Some medicines can cause cramps. Ask your doctor if a medicine you take could be the cause. Do not stop a medicine on your own.
  - heading: Sleep well
    bullets:
      - Keep your blankets loose over your feet.
      - Sleep on your side with your toes pointing down.
      - Walk for a few minutes before bed.
""",
    "es": """\
  - heading: Algo más
    body: Algunas medicinas pueden dar calambres. Pregunte a su médico si una medicina que toma puede ser la causa. No deje una medicina por su cuenta.
  - heading: Duerma bien
    bullets:
      - Deje las cobijas sueltas sobre los pies.
      - Duerma de lado con los dedos de los pies hacia abajo.
      - Camine unos minutos antes de acostarse.
""",
}


@pytest.fixture(scope="module")
def short(tmp_path_factory) -> Path:
    """About half a page of words, with a callout (short) and without one
    (plain), in English and Spanish."""
    root = tmp_path_factory.mktemp("room") / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    for lang, text in SHORT.items():
        (root / "content" / lang / "short.yaml").write_text(text, "utf-8")
        plain = text[:text.index("callout:")] + MORE[lang]
        (root / "content" / lang / "plain.yaml").write_text(plain, "utf-8")
    out = root / "out"
    for paper in ("letter", "a4"):
        result = run_cli("build", "short", "plain", "--paper", paper, "--out", str(out / paper), cwd=root)
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


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_short_handout_without_a_callout_spreads_its_sections_down_the_page(short, paper, lang):
    """No callout to take the room: the sections of each column move apart
    (at most half an inch more a gap), so no band over an inch is left."""
    with pdfplumber.open(short / paper / lang / "plain.pdf") as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["size"])
        assert {round(w["size"], 1) for w in words if w["text"] in ("muscle", "músculo")} == {14.0}
        band = band_above_footer(page)
        assert band <= 1.0, f"{band:.2f} in empty above the footer"
        # The columns keep their blocks side by side from the same top.
        heads = [w for w in words if round(w["size"], 1) == round(14 * 1.3, 1)]
        tops = sorted({round(w["top"]) for w in heads})
        assert len(heads) >= 5 and min(w["x0"] for w in heads) < page.width / 3 < max(w["x0"] for w in heads)
        assert tops[0] == min(round(w["top"]) for w in heads if w["x0"] > page.width / 2)


def footer_lines(page) -> list[str]:
    """The footer's printed lines, a line beside another (contact lines, QR
    caption) read as two: words on one baseline, split where they stand
    farther apart than a few spaces."""
    rule = footer_top(page)
    # On one baseline (its glyphs' own y): an Arabic and a Latin word of one
    # line have boxes of different depths.
    base = {(round(c["x0"], 2), round(c["top"], 2)): c["matrix"][5] for c in page.chars}
    words = [w for w in page.extract_words(extra_attrs=["size"]) if w["top"] > rule]
    for w in words:
        w["base"] = base.get((round(w["x0"], 2), round(w["top"], 2)), page.height - w["bottom"])
    words.sort(key=lambda w: (-round(w["base"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        last = lines[-1][-1] if lines else None
        if last and abs(last["base"] - w["base"]) < 1 and w["x0"] - last["x1"] < 2 * w["size"]:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [" ".join(w["text"] for w in line) for line in lines]


WHOLE = re.compile(r"^(\S+@\S+|https?://\S+|\S+\.\S+/\S*|\S+\.(org|com|net)\S*)$")   # an address, whole


@pytest.mark.parametrize("key", SINGLE_PDFS)
def test_footer_lines_never_end_with_a_dot_or_leave_a_lone_word(all_pdfs, key):
    with pdfplumber.open(all_pdfs[key]) as pdf:
        lines = footer_lines(pdf.pages[-1])
    assert lines
    for line in lines:
        assert not line.endswith("·"), lines
        assert not line.startswith("·"), lines
        words = line.split()
        if re.search(r"[\u4e00-\u9fff]", line):   # Chinese writes no spaces: a lone character
            words = re.findall(r"[\u4e00-\u9fff]|[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", line)
        assert len(words) > 1 or WHOLE.match(line), f"a lone word: {line!r} in {lines}"
        assert not re.fullmatch(r"\(?\d{4}\)?[.,;]?", line), f"a lone year in {lines}"
    # The review date is whole on one line (the approved handouts).
    if key.split("/")[0] in ("en", "es"):
        date = re.compile(r"[A-Z][a-z]+ \d{1,2}, 20\d\d|\d{1,2} de [a-z]+ de 20\d\d")
        assert any(date.search(line) for line in lines), lines


def test_a_footer_paragraph_is_set_narrower_rather_than_leave_a_lone_last_word():
    """Every length of a disclaimer at several widths: wherever ReportLab alone
    would leave one word on the last line, the settled paragraph does not, and
    it never takes more than one extra line."""
    from reportlab.lib.styles import ParagraphStyle

    from handouts.flowables import TaggedParagraph as Paragraph
    from handouts.layout.lines import settle

    style = ParagraphStyle("fine", fontName="Helvetica", fontSize=14, leading=17)
    words = ("This sheet is for learning only and it does not replace advice from your own "
             "doctor or nurse at the clinic today").split()

    def last_line(para, width):
        para.wrap(width, 1e6)
        return para.blPara.lines

    lone = 0
    for n in range(3, len(words) + 1):
        text = " ".join(words[:n])
        for width in (200, 260, 330, 400):
            plain = last_line(Paragraph(text, style), width)
            settled = last_line(settle(Paragraph(text, style), width), width)
            lone += len(plain[-1][1]) == 1
            assert len(settled) == 1 or len(settled[-1][1]) > 1, (text, width)
            assert len(settled) <= len(plain) + 1
    assert lone >= 3   # the case happened
    # A text without spaces (Chinese) has no words to keep together: as it was.
    unspaced = Paragraph("本页仅供学习使用不能代替您自己的医生或护士给您的建议" * 2, style)
    assert settle(unspaced, 200) is unspaced


def test_contact_parts_break_at_their_separator_and_the_dot_goes():
    from reportlab.lib.styles import ParagraphStyle

    from handouts.flowables import TaggedParagraph as Paragraph
    from handouts.layout.lines import SEPARATOR, settle

    style = ParagraphStyle("footer", fontName="Helvetica", fontSize=18, leading=22)
    para = Paragraph("<b>Riverbend Clinic</b> · https://riverbend.example.org · care@riverbend.example.org",
                     style)
    para.handout_where = ("footer",)
    parts = para.text.split(" · ")
    for width in (300, 480):
        lines = settle(para, width, SEPARATOR).text.split("<br/>")
        assert 1 < len(lines) < 3 if width == 480 else len(lines) == 3, lines
        assert [p for line in lines for p in line.split(" · ")] == parts   # whole parts, no dot at a break
    settled = settle(para, 480, SEPARATOR)
    assert settled.handout_where == ("footer",)
    assert settle(para, 2000, SEPARATOR) is para   # one line: as it was


@pytest.mark.parametrize("key", SINGLE_PDFS)
def test_the_qr_caption_sits_beside_the_code(all_pdfs, key):
    """The words "Scan the code or visit: riverbend.example.org/book" start
    beside the code (left or right of it, within half an inch, level with
    it), in normal and large print alike."""
    with pdfplumber.open(all_pdfs[key]) as pdf:
        page = pdf.pages[-1]
        links = [a for a in page.annots if a.get("uri") == "https://riverbend.example.org/book"]
        code = next(a for a in links if abs((a["x1"] - a["x0"]) - (a["bottom"] - a["top"])) < 1)
        url = next(w for w in page.extract_words() if "riverbend.example.org/book" in w["text"])
    caption = next(a for a in links if a is not code)
    assert code["top"] - 6 <= caption["top"] <= code["bottom"], (code, caption)
    gap = caption["x0"] - code["x1"] if caption["x0"] > code["x0"] else code["x0"] - caption["x1"]
    assert 0 <= gap <= 0.5 * 72, gap
    assert code["top"] - 6 <= url["top"] <= code["bottom"]


LONG_SOURCES = "".join(
    f'  - "Source {i}: a long reference title about veins and legs, Journal of Vascular Care, 2024"\n'
    for i in range(2))


def test_large_print_sets_long_sources_smaller_rather_than_refuse(tmp_path):
    """A large-print handout that fits two pages only with smaller sources
    gets them at 14-16 pt; every other letter stays at 18 pt (the disclaimer
    too)."""
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    text = (REPO / "content" / "en" / "cvi-symptoms.yaml").read_text("utf-8")
    (root / "content" / "en" / "long-sources.yaml").write_text(
        text[:text.index("sources:")] + "sources:\n" + LONG_SOURCES, "utf-8")
    result = run_cli("build", "en:long-sources", "--large-print", "--paper", "letter",
                     "--out", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(tmp_path / "out" / "en" / "long-sources-large-print.pdf") as pdf:
        assert len(pdf.pages) == 2
        chars = [c for p in pdf.pages for c in p.chars if c["text"].strip()]
        lines = pdf.pages[-1].extract_text_lines()
    start = next(i for i, line in enumerate(lines) if line["text"].startswith("Sources:"))
    sources = {round(c["size"], 1) for line in lines[start:] for c in line["chars"] if c["text"].strip()}
    assert sources and all(14.0 <= pt < 18.0 for pt in sources), sources
    disclaimer = next(line for line in lines if line["text"].startswith("This sheet is for learning"))
    assert {round(c["size"], 1) for c in disclaimer["chars"]} == {18.0}
    smaller = [c for c in chars if c["size"] < 17.95]
    assert len(smaller) == sum(1 for line in lines[start:] for c in line["chars"] if c["text"].strip())


def test_a_long_brand_footer_breaks_at_its_separators_and_keeps_no_lone_word(second_brand, tmp_path):
    """The second brand (a two-line clinic name, a long address, a long
    booking link) on A4: no footer line ends or starts with the dot, the
    phone stays whole beside the end of the name, and the booking link's
    last line is never one piece alone."""
    result = run_cli("build", "cvi-symptoms", "--lang", "en", "--project", str(second_brand),
                     "--out", str(tmp_path), "--paper", "a4")
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(tmp_path / "en" / "cvi-symptoms.pdf") as pdf:
        lines = footer_lines(pdf.pages[0])
    link = "st-bartholomews-vascular.example.org/patients/book-an-appointment?src=handout"
    pieces = [line for line in lines if line.replace(" ", "") in link]
    assert "".join(pieces) == link and len(pieces[-1].split("?")[-1]) > 0
    assert not re.fullmatch(r"[\w-]+", pieces[-1]), pieces   # more than one piece of the link
    for line in lines:
        if line in pieces:
            continue
        assert not line.endswith("·") and not line.startswith("·"), lines
        assert len(line.split()) > 1 or WHOLE.match(line), f"a lone word: {line!r} in {lines}"
    assert any(line.endswith("· +44 20 7946 0958") for line in lines), lines
