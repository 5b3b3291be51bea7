"""Tagged PDF (PDF/UA-1 structure), read back from the built files: the
structure tree and its order, the text of every leaf, tagged glyphs, catalog
entries, XMP, and qpdf --check; on both paper sizes, in large print and in
packets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml

from helpers import REPO, SLUGS, require_tool, unspaced
from pdfutil import structure_blocks


@pytest.fixture(scope="module")
def variants(all_pdfs) -> dict[str, Path]:
    """Every kind of English PDF we make (from the session's ``all_pdfs``):
    {"leg-cramps/a4/large": path, ..., "packet": the letter packet}."""
    files = {key.split("/", 1)[1]: path for key, path in all_pdfs.items()
             if key.startswith("en/") and "/packet/" not in key}
    files["packet"] = all_pdfs["en/packet/letter"]
    return files


def tree(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return pdf.structure_tree


def outline(node: dict, depth: int = 0) -> list[str]:
    lines = ["  " * depth + node["type"]]
    for kid in node.get("children", []):
        lines.extend(outline(kid, depth + 1))
    return lines


def types_in_order(nodes) -> list[str]:
    out = []
    for n in nodes:
        out.append(n["type"])
        out.extend(types_in_order(n.get("children", [])))
    return out


def leaf_texts(path: Path) -> list[tuple[str, str]]:
    """(type, text) for every element that owns marked content, in tree order,
    the text gathered from the glyphs that carry its MCIDs (and those of its
    inline Spans and Links)."""
    return structure_blocks(path)


def article(slug: str) -> dict:
    return yaml.safe_load((REPO / "content" / "en" / f"{slug}.yaml").read_text("utf-8"))


ALL = [f"{s}/{p}{l}" for s in SLUGS for p in ("letter", "a4") for l in ("", "/large")] + ["packet"]


@pytest.mark.parametrize("name", ALL)
def test_catalog_xmp_and_page_entries(variants, name):
    with pikepdf.open(variants[name]) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        for page in pdf.pages:
            assert "/StructParents" in page.obj
            assert page.obj.Tabs == pikepdf.Name.S
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
            assert xmp.get("dc:title") == str(pdf.docinfo["/Title"])


@pytest.mark.parametrize("name", ALL)
def test_qpdf_check_is_clean(variants, name):
    result = subprocess.run([require_tool("qpdf"), "--check", str(variants[name])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["leg-cramps/letter", "packet"])
def test_written_in_one_save_with_the_tree_packed(variants, name):
    """ReportLab's one save writes the structure tree: one revision (nothing
    re-saved or appended), and every dictionary, structure elements included,
    in a compressed object stream (so tagging costs the file almost nothing)."""
    data = variants[name].read_bytes()
    assert data.count(b"%%EOF") == 1 and data.count(b"startxref") == 1
    xref = subprocess.run([require_tool("qpdf"), "--show-xref", str(variants[name])],
                          capture_output=True, text=True, check=True).stdout
    where = {int(line.split("/")[0]): "compressed" in line for line in xref.splitlines()}
    with pikepdf.open(variants[name]) as pdf:
        elems = [o.objgen[0] for o in pdf.objects
                 if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"]
        assert len(elems) > 50 and all(where[n] for n in elems)
        assert where[pdf.Root.objgen[0]] and all(where[p.objgen[0]] for p in pdf.pages)


def test_each_file_has_its_own_id(variants):
    """The /ID digest covers each page's content, not only the title and date
    that ReportLab's invariant mode puts in it: the same handout on another
    paper or in large print is another file."""
    ids = set()
    for name in ("leg-cramps/letter", "leg-cramps/a4", "leg-cramps/letter/large"):
        with pikepdf.open(variants[name]) as pdf:
            ids.add(bytes(pdf.trailer.ID[0]))
    assert len(ids) == 3


@pytest.mark.parametrize("name", ALL)
def test_glyphs_are_tagged_and_nothing_is_outside_marked_content(variants, name):
    with pdfplumber.open(variants[name]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
        tagged = [c for c in chars if c.get("mcid") is not None]
        assert chars and len(tagged) / len(chars) >= 0.98
        # The rest must be Artifacts: check the content streams directly.
    with pikepdf.open(variants[name]) as pdf:
        for page in pdf.pages:
            depth = 0
            for operands, op in pikepdf.parse_content_stream(page):
                op = str(op)
                if op in ("BDC", "BMC"):
                    depth += 1
                elif op == "EMC":
                    depth -= 1
                elif op in ("Tj", "TJ", "'", '"', "Do", "f", "f*", "S", "B", "B*", "b", "s", "sh"):
                    assert depth > 0, f"{op} painted outside marked content"
            assert depth == 0


@pytest.mark.parametrize("name", [f"{s}/{p}{l}" for s in SLUGS for p in ("letter", "a4")
                                  for l in ("", "/large")])
def test_structure_tree_follows_the_reading_order(variants, name):
    slug = name.split("/")[0]
    data = article(slug)
    nodes = tree(variants[name])
    assert len(nodes) == 1 and nodes[0]["type"] == "Document"
    doc = nodes[0]["children"]
    kinds = [n["type"] for n in doc]
    # header, title, summary, one Sect per section, the callout, the footer
    assert kinds == ["Div", "H1", "P", *["Sect"] * len(data["sections"]), "Div", "Div"]
    header, callout, footer = doc[0], doc[-2], doc[-1]
    assert header["children"][0]["type"] == "Figure"
    assert header["children"][0]["alt_text"].startswith("Riverbend Vein & Leg Clinic logo")
    for sect, section in zip(doc[3:-2], data["sections"]):
        inner = [k["type"] for k in sect["children"]]
        assert inner[0] == "H2"
        if section.get("bullets"):
            lst = next(k for k in sect["children"] if k["type"] == "L")
            assert [li["type"] for li in lst["children"]] == ["LI"] * len(section["bullets"])
            for li in lst["children"]:
                assert [k["type"] for k in li["children"]] == ["Lbl", "LBody"]
    assert [k["type"] for k in callout["children"]][:1] == ["H2"]
    # The QR code's Link is read where it is printed: after the lines beside
    # it, before the fine print below it (see test_page_blocks).
    link = next(k for k in footer["children"] if k["type"] == "Link" and k.get("children"))
    assert link["type"] == "Link"
    assert [k["type"] for k in link["children"]][0] == "Figure"
    assert "QR code" in link["children"][0]["alt_text"]
    # Headings never skip a level, and H1 comes first.
    headings = [t for t in types_in_order(nodes) if t.startswith("H")]
    assert headings[0] == "H1" and set(headings[1:]) == {"H2"}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_leaf_has_its_text(variants, slug):
    data = article(slug)
    leaves = leaf_texts(variants[f"{slug}/letter"])
    texts = [(kind, unspaced(text)) for kind, text in leaves]
    assert ("H1", unspaced(data["title"])) in texts
    assert ("P", unspaced(data["summary"])) in texts
    for section in data["sections"]:
        assert ("H2", unspaced(section["heading"])) in texts
        for bullet in section.get("bullets", []):
            assert ("LBody", unspaced(bullet)) in texts
    labels = {text for kind, text in texts if kind == "Lbl"}
    assert labels <= {"\u2022", "\u2610"} and labels
    # The contact footer and the disclaimer are real text, not artifacts.
    clinic = yaml.safe_load((REPO / "content" / "clinic.yaml").read_text("utf-8"))
    footer = "".join(text for kind, text in texts if kind == "P")
    assert unspaced(clinic["phone"]) in footer and unspaced(clinic["disclaimer"]["en"]) in footer
    # Every element with content has some text, except figures.
    assert all(text for kind, text in texts if kind not in ("Figure",))


def test_link_annotation_is_tagged_with_a_description(variants):
    with pikepdf.open(variants["leg-cramps/letter"]) as pdf:
        annots = [a for a in pdf.pages[0].obj.Annots if a.Subtype == "/Link"
                  and str(a.A.URI).endswith("/book")]
        assert len(annots) == 2  # the code and its caption
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for annot in annots:
            assert "riverbend.example.org/book" in str(annot.Contents)
            elem = parents[int(annot.StructParent)]
            assert elem.S == "/Link"
            objs = [k.Obj for k in elem.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            assert any(o.objgen == annot.objgen for o in objs)


def test_packet_has_one_part_per_handout_in_order(variants):
    nodes = tree(variants["packet"])
    parts = nodes[0]["children"]
    assert [p["type"] for p in parts] == ["Part"] * 3
    titles = [next(k for k in p["children"] if k["type"] == "H1") for p in parts]
    assert [t.get("page_index", i) for i, t in enumerate(titles)] == [0, 1, 2]


def test_large_print_is_18pt_with_larger_headings_on_at_most_two_pages(variants):
    for slug in SLUGS:
        with pdfplumber.open(variants[f"{slug}/letter/large"]) as pdf:
            assert 1 <= len(pdf.pages) <= 2
            sizes = {}
            for page in pdf.pages:
                words = page.extract_words(extra_attrs=["size", "fontname"])
                for w in words:
                    sizes.setdefault(w["text"], []).append(w["size"])
            first = article(slug)["sections"][0]
            # The first section's longest word (short ones such as "leg" are
            # also in the 14 pt sources).
            body_word = max((first.get("body") or first["bullets"][0]).split(), key=len).strip(".,")
            heading_word = article(slug)["sections"][0]["heading"].split()[0]
            assert min(sizes[body_word]) >= 18 - 1e-6  # pdfplumber: 17.999999999999943
            assert max(sizes[heading_word]) > 18 * 1.2
            body_chars = [c for p in pdf.pages for c in p.chars if c["top"] < p.height * 0.75]
            assert min(c["size"] for c in body_chars if c["text"].strip()) >= 12


def test_print_the_structure_tree_of_one_handout(variants, capsys):
    """Prints the tree for the docs and the issue note (run with -s)."""
    lines = outline(tree(variants["cvi-symptoms/letter"])[0])
    print("\n".join(lines))
    assert lines[0] == "Document" and "    Lbl" in "\n".join(lines)
