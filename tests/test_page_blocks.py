"""Large print that is large throughout, blocks that are never cut by a
column or page break, and a footer read in the order it is printed: on the
real PDFs of every handout in every language, Letter and A4, normal and large
print, and packets."""

from __future__ import annotations

import json
import subprocess

import pikepdf
import pytest

from handouts.scripts import script_of

from helpers import ALL_PDFS, REPO, require_tool, run_cli
from pdfutil import chars_by_mark, structure_elements

LARGE = [k for k in ALL_PDFS if k.endswith("/large")]
#: Large print: every glyph at least this big, except the sources.
LARGE_PT, FINE_PT = 18.0, 14.0


def handouts_in(elements: list[dict]) -> list[list[dict]]:
    """The elements of each handout: a packet's Parts, or the one Document."""
    tops = [e for e in elements if e["depth"] == (1 if elements[0]["type"] == "Document"
                                                   and any(x["type"] == "Part" for x in elements)
                                                   else 0)]
    groups, current = [], None
    for e in elements:
        if e in tops:
            current = []
            groups.append(current)
        if current is not None:
            current.append(e)
    return groups


def zones(handout: list[dict]) -> dict[str, list[dict]]:
    """A handout's elements by zone: header, footer (its direct kids), fine
    print (the footer paragraphs read after the QR code's Link), body."""
    base = handout[0]["depth"] + 1
    out = {"header": [], "footer": [], "fine": [], "body": []}
    zone = "body"
    for e in handout[1:]:
        if e["depth"] == base:
            zone = {"Header": "header", "Footer": "footer"}.get(e["title"], "body")
        out[zone].append(e)
    kids = [e for e in out["footer"] if e["depth"] == base + 1]
    link = next(i for i, e in enumerate(kids) if e["type"] == "Link")
    out["fine"] = [e for e in kids[link + 1:] if e["type"] == "P"]
    return out


def kind_of(mark, handout_zones) -> str:
    for name in ("fine", "header", "footer", "body"):
        for e in handout_zones[name]:
            if mark in e["marks"]:
                return name
    return "other"


def sources_label(lang: str) -> str:
    import yaml

    catalog = yaml.safe_load((REPO / "templates" / "labels" / f"{lang}.yaml").read_text("utf-8"))
    return catalog["handout"]["sources"]


def sizes_by_kind(path, lang: str) -> dict[str, list[float]]:
    """The size of every glyph by kind: header, body, footer (contact lines,
    review date, the QR code's caption, the disclaimer), the sources, and
    untagged (the "please turn over" line, an Artifact)."""
    elements = structure_elements(path)
    marks, every = chars_by_mark(path)
    kinds = {}
    label = sources_label(lang)
    for handout in handouts_in(elements):
        z = zones(handout)
        for name in ("fine", "header", "footer", "body"):
            for e in z[name]:
                kind = "sources" if name in ("fine", "footer") and e["text"].startswith(label) else name
                for m in e["marks"]:
                    kinds.setdefault(m, "footer" if kind == "fine" else kind)
    sizes: dict[str, list[float]] = {}
    for c in every:
        if not c["text"].strip():
            continue
        key = (c["page"], c.get("mcid")) if c.get("mcid") is not None else None
        kind = kinds.get(key, "untagged") if key else "untagged"
        sizes.setdefault(kind, []).append(round(c["size"], 2))
    return sizes


@pytest.mark.parametrize("key", LARGE)
def test_large_print_is_large_throughout(all_pdfs, key):
    """Every glyph at least 18 pt (the disclaimer too), except the sources,
    at least 14 pt; the turn-over line too; at least 95% of all glyphs at
    18 pt or more; at most two pages per handout."""
    sizes = sizes_by_kind(all_pdfs[key], key.split("/")[0])
    assert min(sizes.pop("sources", [FINE_PT])) >= FINE_PT
    assert {k for k in sizes} >= {"header", "body", "footer"}
    assert all(min(found) >= LARGE_PT for found in sizes.values()), {k: min(v) for k, v in sizes.items()}
    every = [pt for found in sizes_by_kind(all_pdfs[key], key.split("/")[0]).values() for pt in found]
    assert sum(pt >= LARGE_PT for pt in every) >= 0.95 * len(every)
    elements = structure_elements(all_pdfs[key])
    for handout in handouts_in(elements):
        pages = {m[0] for e in handout for m in e["marks"]}
        assert len(pages) <= 2


def test_print_the_smallest_glyph_of_each_large_print_handout(all_pdfs, capsys):
    """For the issue note (run with -s): the smallest glyph per kind, and the
    share of glyphs at 18 pt or more."""
    for key in LARGE:
        sizes = sizes_by_kind(all_pdfs[key], key.split("/")[0])
        every = [pt for found in sizes.values() for pt in found]
        print(key, json.dumps({k: min(v) for k, v in sizes.items()}, sort_keys=True),
              f"{sum(pt >= LARGE_PT for pt in every) / len(every):.1%} at {LARGE_PT:g} pt")
        assert min(every) >= FINE_PT


def place(chars: list[dict]) -> set[tuple[int, int]]:
    """(page, column) of each glyph: column 0 left of the page's middle, 1 right."""
    return {(c["page"], 0 if (c["x0"] + c["x1"]) / 2 < c["page_width"] / 2 else 1) for c in chars}


@pytest.mark.parametrize("key", ALL_PDFS)
def test_blocks_are_never_cut_by_a_column_or_page_break(all_pdfs, key):
    """Every paragraph, heading and list item lies in one column of one page;
    a list of up to five items lies whole in one column; a heading is in the
    column where what follows it starts."""
    marks, _ = chars_by_mark(all_pdfs[key])
    elements = structure_elements(all_pdfs[key])

    large = key.endswith("/large")

    def where(e):
        """(page, column) of a block in the columns; the page alone of a
        full-width one (title, summary, callout) and in large print."""
        spots = place([c for m in e["marks"] for c in marks.get(m, [])])
        return spots if e["in_columns"] and not large else {page for page, _ in spots}

    for handout in handouts_in(elements):
        body = zones(handout)["body"]
        sect_depth = None
        for e in body:
            if e["type"] == "Sect":
                sect_depth = e["depth"]
            elif sect_depth is not None and e["depth"] <= sect_depth:
                sect_depth = None
            e["in_columns"] = sect_depth is not None and e["depth"] > sect_depth
        for e in body:
            if e["type"] in ("P", "H1", "H2", "LI", "LBody") and e["marks"]:
                assert len(where(e)) == 1, f"{e['type']} cut by a break: {e['text'][:60]}"
            if e["type"] == "L":
                items = [x for x in body if x["depth"] == e["depth"] + 1
                         and set(x["marks"]) <= set(e["marks"])]
                if len(items) <= 5:
                    assert len(where(e)) == 1, f"a list of {len(items)} split: {e['text'][:60]}"
        for i, e in enumerate(body[:-1]):
            if e["type"] == "H2":
                following = next(x for x in body[i + 1:] if x["marks"] and x["type"] != "H2")
                start = {**following, "marks": [min(following["marks"])]}
                assert where(e) == where(start), f"heading apart from what follows: {e['text']}"


@pytest.mark.parametrize("key", ALL_PDFS)
def test_footer_is_read_in_the_order_it_is_printed(all_pdfs, key):
    """The footer's lines beside the QR code, then the code and its caption,
    then the fine print below: a paragraph printed below the QR code (the
    sources, the disclaimer) is read after it, one beside it before it. In
    large print the code stands at the left with its caption first beside it:
    the code and caption are read first, then the lines beside the code (to
    its right), then the fine print below, top to bottom."""
    path = all_pdfs[key]
    marks, _ = chars_by_mark(path)
    elements = structure_elements(path)
    with pikepdf.open(path) as pdf:
        for handout in handouts_in(elements):
            footer = zones(handout)["footer"]
            base = min(e["depth"] for e in footer)   # the footer's Div
            kids = [e for e in footer if e["depth"] == base + 1]
            link = next(i for i, e in enumerate(kids) if e["type"] == "Link")
            page, index = kids[link]["annots"][0]       # the code itself
            x0, y0, x1, _ = [float(v) for v in pdf.pages[page].obj.Annots[index].Rect]
            qr_bottom = float(pdf.pages[page].mediabox[3]) - y0
            code_left = x0 < float(pdf.pages[page].mediabox[2]) / 2
            # Right to left (Arabic), the page is mirrored: all of it the other way round.
            rtl = script_of(key.split("/")[0]).rtl
            assert code_left == (key.endswith("/large") != rtl), "large print: the code at the left"
            code_first = key.endswith("/large")   # the code and its caption read first

            def beside(glyphs) -> bool:
                """Printed beside the code, on the side away from the edge."""
                return (min(c["x0"] for c in glyphs) >= x1 if code_left
                        else max(c["x1"] for c in glyphs) <= x0)

            for i, e in enumerate(kids):
                if e["type"] != "P":
                    continue
                glyphs = [c for m in e["marks"] for c in marks.get(m, [])]
                if i < link:   # read before the code: printed beside it
                    assert beside(glyphs), f"read too early: {e['text'][:50]}"
                else:          # read after the code: printed below it, or beside it after it
                    assert (min(c["top"] for c in glyphs) >= qr_bottom - 1
                            or code_first and beside(glyphs)), e["text"][:50]
            tops = [min(c["top"] for m in e["marks"] for c in marks.get(m, []))
                    for e in kids[link + 1:] if e["type"] == "P"]
            assert tops == sorted(tops)


TALL = """\
title: One long talk
summary: A handout with one very long paragraph.
reviewed: 2026-11-01
sections:
  - heading: A long part
    body: |
      {body}
"""


def test_a_block_taller_than_a_column_may_split_and_check_says_so(project):
    """A paragraph taller than a whole column is split between lines (the
    one exception), and `handouts check` names it."""
    sentence = "Walk a little every day and rest your legs up when you sit down. "
    (project / "content" / "en" / "one-long-talk.yaml").write_text(
        TALL.format(body=sentence * 28), "utf-8")
    result = run_cli("check", "one-long-talk", "--project", str(project), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    checks = json.loads(result.stdout)
    warnings = [w for c in checks for w in c["warnings"]]
    assert any("sections[1].body" in w and "taller than a column" in w for w in warnings), warnings
    out = project / "out"
    result = run_cli("build", "one-long-talk", "--project", str(project), "--out", str(out))
    assert result.returncode == 0, result.stderr
    path = out / "en" / "one-long-talk.pdf"
    marks, _ = chars_by_mark(path)
    body = [e for e in structure_elements(path) if e["type"] == "P" and len(e["text"]) > 1000]
    assert len(body) == 1
    assert len(place([c for m in body[0]["marks"] for c in marks.get(m, [])])) == 2


@pytest.mark.parametrize("key", ["en/leg-cramps/letter/large", "en/cvi-symptoms/a4/large"])
def test_large_print_qr_code_still_scans(all_pdfs, key, tmp_path):
    """The QR code on the last page of a large-print handout still reads."""
    path = all_pdfs[key]
    with pikepdf.open(path) as pdf:
        last = len(pdf.pages)
    png = tmp_path / "last.png"
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "200", "-singlefile", "-f", str(last),
                    "-l", str(last), str(path), str(png.with_suffix(""))], check=True)
    scan = subprocess.run([require_tool("zbarimg"), "--quiet", "--raw", str(png)],
                          capture_output=True, text=True)
    assert scan.stdout.strip() == "https://riverbend.example.org/book"


def test_large_print_too_long_for_two_pages_is_refused(project, tmp_path):
    """The same kind of refusal as the one-page rule: file, line, field, how
    much is over; nothing written."""
    section = ("  - heading: Part {n}\n    body: |\n      " +
               "Walk a little every day and rest your legs up when you sit down. " * 15 + "\n")
    text = ("title: Far too long\nsummary: Too long for two pages.\nreviewed: 2026-11-01\n"
            "sections:\n" + "".join(section.format(n=n) for n in range(6)))
    (project / "content" / "en" / "far-too-long.yaml").write_text(text, "utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "far-too-long", "--large-print", "--project", str(project),
                     "--out", str(out))
    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[0]
    assert "far-too-long.yaml:" in line and "does not fit on 2 pages, even at 18 pt" in line, line
    assert "Shorten the handout" in line
    assert not (out / "en" / "far-too-long-large-print.pdf").exists()


@pytest.mark.parametrize("key", ["en/leg-cramps/letter/large", "es/leg-cramps/letter/large"])
def test_a_long_callout_runs_over_the_page_between_its_items(all_pdfs, key):
    """Large print: a callout of more than five items that does not fit where
    it stands is not moved whole to the last page (where it would not fit):
    its heading and first item end page 1, at least two whole items start
    page 2 (the blocks test above checks that no item is cut)."""
    elements = structure_elements(all_pdfs[key])
    start = next(i for i, e in enumerate(elements[:-1]) if e["type"] == "Div"
                 and elements[i + 1]["type"] == "H2")    # the callout: a Div opening on a heading
    depth = elements[start]["depth"]
    kids = []
    for e in elements[start + 1:]:
        if e["depth"] <= depth:
            break
        kids.append(e)

    def page(e):
        marks = e["marks"] or [m for k in kids[kids.index(e) + 1:] for m in k["marks"]][:1]
        return min(p for p, _ in marks)

    heading = next(e for e in kids if e["type"] == "H2")
    items = [e for e in kids if e["type"] == "LI"]
    pages = [page(e) for e in items]
    assert len(items) > 5
    assert page(heading) == 0
    assert pages[0] == 0 and pages.count(1) >= 2 and pages == sorted(pages)
