"""Print-ready on Letter and A4, for the demo brand and a very different one:
safe area, type sizes, no overlaps, QR code, size, sameness, packets."""

from __future__ import annotations

import hashlib
import itertools
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from helpers import REPO, SLUGS, require_tool, run_cli
from pdfutil import footer_top, open_pdf

INCH = 72
SAFE = 0.5 * INCH
PAPERS = {"letter": (612, 792), "a4": (595, 842)}


@pytest.fixture(scope="module")
def both_papers(tmp_path_factory) -> dict[str, Path]:
    outs = {}
    for paper in PAPERS:
        out = tmp_path_factory.mktemp(paper)
        result = run_cli("build", "--project", str(REPO), "--out", str(out), "--paper", paper)
        assert result.returncode == 0, result.stderr
        outs[paper] = out
    return outs


def all_marks(page):
    """Every glyph, rule, box, curve and image on the page."""
    return [*page.chars, *page.rects, *page.lines, *page.curves, *page.images]


def assert_print_safe(path: Path, paper: str) -> None:
    with open_pdf(path) as pdf:
        assert len(pdf.pages) == 1, f"{path.name}: {len(pdf.pages)} pages"
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == PAPERS[paper]
        marks = all_marks(page)
        assert marks
        for m in marks:
            assert m["x0"] >= SAFE - 0.01 and m["x1"] <= page.width - SAFE + 0.01, m
            assert m["top"] >= SAFE - 0.01 and m["bottom"] <= page.height - SAFE + 0.01, m
        ftop = footer_top(page)
        for c in page.chars:
            if not c["text"].strip():
                continue
            if c["top"] < ftop:
                assert c["size"] >= 11.99, f"{c['text']!r} at {c['size']} pt above the footer"
            else:
                assert c["size"] >= 8.0, f"footer fine print {c['text']!r} at {c['size']} pt"
        assert_no_overlap(page)


def assert_no_overlap(page) -> None:
    """No two words' boxes overlap (beyond a hair), so no text sits on text."""
    words = page.extract_words(use_text_flow=True, keep_blank_chars=False)
    for a, b in itertools.combinations(words, 2):
        dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
        dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
        assert not (dx > 0.5 and dy > 0.5), f"{a['text']!r} overlaps {b['text']!r}"


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("slug", SLUGS)
def test_demo_handouts_are_print_safe_on_both_papers(both_papers, paper, slug):
    assert_print_safe(both_papers[paper] / "en" / f"{slug}.pdf", paper)


@pytest.mark.parametrize("paper", PAPERS)
def test_every_handout_is_small_enough_to_email(both_papers, paper):
    for slug in SLUGS:
        size = (both_papers[paper] / "en" / f"{slug}.pdf").stat().st_size
        assert size <= 100 * 1024, f"{slug} on {paper}: {size} bytes"


def test_output_is_byte_identical_on_both_papers(both_papers, tmp_path):
    for paper, out in both_papers.items():
        again = tmp_path / paper
        result = run_cli("build", "--project", str(REPO), "--out", str(again), "--paper", paper)
        assert result.returncode == 0, result.stderr
        for slug in SLUGS:
            assert (out / "en" / f"{slug}.pdf").read_bytes() == (again / "en" / f"{slug}.pdf").read_bytes()


# -- the QR code ---------------------------------------------------------

def qr_box(page):
    """The bounding box of the QR symbol's dark modules (small filled rects at
    the right of the footer)."""
    ftop = footer_top(page)
    cells = [r for r in page.rects if r["fill"] and r["top"] > ftop and r["x0"] > page.width / 2
             and r["height"] < 5]
    assert len(cells) > 50, "no QR code found in the footer"
    return (min(r["x0"] for r in cells), min(r["top"] for r in cells),
            max(r["x1"] for r in cells), max(r["bottom"] for r in cells))


@pytest.mark.parametrize("paper", PAPERS)
def test_qr_code_is_big_clickable_and_scans_to_the_booking_page(both_papers, paper, tmp_path):
    path = both_papers[paper] / "en" / "leg-cramps.pdf"
    with open_pdf(path) as pdf:
        page = pdf.pages[0]
        x0, top, x1, bottom = qr_box(page)
        assert x1 - x0 >= 0.8 * INCH and bottom - top >= 0.8 * INCH
        # Quiet zone: nothing else drawn within 4 modules of the symbol.
        module = (x1 - x0) / 29  # version 3 for this URL, checked by the scan below
        others = [m for m in all_marks(page) if not (m in page.rects and m["height"] < 5 and m["fill"])]
        for m in others:
            inside_x = m["x1"] > x0 - 3.9 * module and m["x0"] < x1 + 3.9 * module
            inside_y = m["bottom"] > top - 3.9 * module and m["top"] < bottom + 3.9 * module
            assert not (inside_x and inside_y), f"{m.get('text', m['object_type'])} in the quiet zone"
        links = [a for a in page.annots if a["uri"] == "https://riverbend.example.org/book"]
        assert any(a["x0"] <= x0 + 1 and a["x1"] >= x1 - 1 for a in links), "the code is not a link"
        text = "".join(c["text"] for c in page.chars)
        assert "riverbend.example.org/book" in text, "the link is not written beside the code"
    png = tmp_path / "page.png"
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "200", "-singlefile", str(path),
                    str(png.with_suffix(""))], check=True)
    scan = subprocess.run([require_tool("zbarimg"), "--quiet", "--raw", str(png)],
                          capture_output=True, text=True)
    assert scan.stdout.strip() == "https://riverbend.example.org/book"


# -- a second, very different brand -------------------------------------------

#: The demo handouts that still fit one A4 page under the second brand's
#: taller header and footer; risk-factors is refused (below).
SECOND_BRAND_FITS = ["cvi-symptoms", "leg-cramps"]


def test_second_brand_builds_cleanly_with_no_code_change(second_brand, tmp_path):
    result = run_cli("build", *SECOND_BRAND_FITS, "--lang", "en", "--project", str(second_brand),
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for slug in SECOND_BRAND_FITS:
        path = tmp_path / "en" / f"{slug}.pdf"
        assert_print_safe(path, "a4")  # clinic.yaml says a4
        assert path.stat().st_size <= 100 * 1024
        with open_pdf(path) as pdf:
            page = pdf.pages[0]
            text = "".join(c["text"] for c in page.chars)
            assert "Greater Riverside Valley" in text and "+44 20 7946 0958" in text
            assert "Hampshire SO99 9ZZ" in text
            img = page.images[0]
            # The 900 x 220 logo keeps its shape.
            ratio = (img["x1"] - img["x0"]) / (img["bottom"] - img["top"])
            assert abs(ratio - 900 / 220) < 0.02
            colours = {tuple(round(v, 3) for v in c["non_stroking_color"]) for c in page.chars
                       if c["size"] > 20}
            assert colours == {(round(0x5B / 255, 3), round(0x2A / 255, 3), round(0x86 / 255, 3))}
    png = tmp_path / "qr.png"
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "200", "-singlefile",
                    str(tmp_path / "en" / "leg-cramps.pdf"), str(png.with_suffix(""))], check=True)
    scan = subprocess.run([require_tool("zbarimg"), "--quiet", "--raw", str(png)],
                          capture_output=True, text=True)
    assert scan.stdout.strip().endswith("/book-an-appointment?src=handout")


def test_second_brand_refuses_a_handout_too_long_for_its_page(second_brand, tmp_path):
    """The demo handouts fill their page; under the second brand's taller
    header and footer, risk-factors no longer fits A4. It is refused in one
    line naming its file, and the others are still built."""
    result = run_cli("build", "--lang", "en", "--project", str(second_brand), "--out", str(tmp_path))
    assert result.returncode == 1
    refused = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(refused) == 1, result.stderr
    assert re.match(r"error: content/en/risk-factors\.yaml:\d+: .*does not fit on one page", refused[0])
    assert not (tmp_path / "en" / "risk-factors.pdf").exists()
    assert all((tmp_path / "en" / f"{slug}.pdf").exists() for slug in SECOND_BRAND_FITS)


def test_second_brand_on_letter_too(second_brand, tmp_path):
    """Letter is shorter than A4: the shortest handout still fits under the
    second brand's tall header and footer (the others are refused honestly,
    as above)."""
    slugs = ["cvi-symptoms"]
    result = run_cli("build", *slugs, "--lang", "en", "--project", str(second_brand),
                     "--out", str(tmp_path), "--paper", "letter")
    assert result.returncode == 0, result.stderr
    for slug in slugs:
        assert_print_safe(tmp_path / "en" / f"{slug}.pdf", "letter")


# -- packets ---------------------------------------------------------------

def test_packet_has_one_page_per_handout_in_the_order_given_with_bookmarks(tmp_path):
    order = ["risk-factors", "leg-cramps", "cvi-symptoms"]
    packet = tmp_path / "visit.pdf"
    result = run_cli("build", "--project", str(REPO), "--packet", str(packet), *order, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(packet)
    assert len(reader.pages) == 3
    titles = {"risk-factors": "Risk factors for vein problems", "leg-cramps": "Leg cramps",
              "cvi-symptoms": "Signs of chronic venous insufficiency (CVI)"}
    for i, slug in enumerate(order):
        assert reader.pages[i].extract_text().count(titles[slug]) >= 1
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert outline == [(titles[s], i) for i, s in enumerate(order)]
    assert packet.stat().st_size <= 3 * 100 * 1024
    for paper in ("letter",):
        assert_print_safe_pages(packet, paper)
    # Only the packet is written.
    assert [p.name for p in tmp_path.rglob("*.pdf")] == ["visit.pdf"]
    again = tmp_path / "again.pdf"
    run_cli("build", "--project", str(REPO), "--packet", str(again), *order, cwd=tmp_path)
    assert again.read_bytes() == packet.read_bytes()


def assert_print_safe_pages(path: Path, paper: str) -> None:
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) == PAPERS[paper]
            for m in all_marks(page):
                assert m["x0"] >= SAFE - 0.01 and m["bottom"] <= page.height - SAFE + 0.01


def test_packet_on_a4_is_byte_identical(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (a, b):
        result = run_cli("build", "--project", str(REPO), "--paper", "a4", "--packet", str(target),
                         "leg-cramps", "cvi-symptoms")
        assert result.returncode == 0, result.stderr
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    assert len(pypdf.PdfReader(a).pages) == 2


def test_packet_is_all_or_nothing(project, tmp_path):
    (project / "content" / "en" / "leg-cramps.yaml").write_text("title: [broken\n", "utf-8")
    packet = tmp_path / "visit.pdf"
    result = run_cli("build", "--project", str(project), "--packet", str(packet),
                     "risk-factors", "leg-cramps")
    assert result.returncode == 1
    assert "leg-cramps.yaml" in result.stderr and "Traceback" not in result.stderr
    assert not packet.exists()


# -- previews --------------------------------------------------------------

@pytest.mark.parametrize("paper", PAPERS)
def test_preview_renders_the_page_as_png(tmp_path, paper):
    from PIL import Image

    png = tmp_path / "p.png"
    result = run_cli("preview", "leg-cramps", "--project", str(REPO), "--paper", paper,
                     "--out", str(png), "--dpi", "72")
    assert result.returncode == 0, result.stderr
    with Image.open(png) as img:
        assert img.format == "PNG"
        assert all(abs(a - b) <= 1 for a, b in zip(img.size, PAPERS[paper]))  # A4 is 595.3 pt wide
        # Not blank: the title's brand colour is on the page.
        assert (0x1F, 0x5A, 0x7A) in {c for _, c in img.convert("RGB").getcolors(1 << 20)}
