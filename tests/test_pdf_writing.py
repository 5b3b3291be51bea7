"""Writing a PDF does once per process what is the same for every PDF: the
logo's pixels are read and hashed once (not twice a PDF), and a font subset
is made once per set of glyphs; the bytes stay those of a fresh process, and
names and text are formatted exactly as ReportLab formats them.
(Speed itself is measured by bench/steps.py, never here.)"""

from __future__ import annotations

import json
import sys

from reportlab.pdfbase import pdfdoc

from helpers import REPO, processes_at_once
from handouts import pdfonce

#: A new process that counts, through ReportLab's and PIL's own functions,
#: each font subset made (by ``subsets.make`` or, where it is not sure,
#: ReportLab's ``makeSubset``), each ToUnicode map written (ReportLab's
#: ``makeToUnicodeCMap``) and each image read out as pixels, while it
#: builds leg-cramps, then cvi-symptoms, then leg-cramps again (in memory).
COUNTED = """
import json, sys
from PIL import Image
from reportlab.pdfbase import ttfonts
from handouts import subsets
counts = {"subsets": 0, "by_reportlab": 0, "pixels": 0, "maps": 0}
make, quick, tobytes = ttfonts.TTFontFace.makeSubset, subsets.make, Image.Image.tobytes
to_unicode = ttfonts.makeToUnicodeCMap
def counted_map(name, subset):
    counts["maps"] += 1
    return to_unicode(name, subset)
def counted_make(self, subset):
    counts["subsets"] += 1
    counts["by_reportlab"] += 1
    return make(self, subset)
def counted_quick(face, subset):
    made = quick(face, subset)
    counts["subsets"] += made is not None
    return made
def counted_tobytes(self, *args, **kwargs):
    counts["pixels"] += 1
    return tobytes(self, *args, **kwargs)
ttfonts.TTFontFace.makeSubset = counted_make
subsets.make = counted_quick
Image.Image.tobytes = counted_tobytes
ttfonts.makeToUnicodeCMap = counted_map
from handouts.build import run
from handouts.project import Project
project = Project.find(sys.argv[1])
seen = []
for slug in ("leg-cramps", "cvi-symptoms", "leg-cramps"):
    before = dict(counts)
    report = run(project, slugs=[slug], write=False, jobs=1)
    assert report.ok, report.all_problems()
    seen.append({**{k: counts[k] - before[k] for k in counts}, "pdf": report.outcomes[0].pdf.hex()})
print(json.dumps(seen))
"""


def counted_builds(project) -> list[dict]:
    [result] = processes_at_once([sys.executable, "-c", COUNTED, str(project)], cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_logo_and_a_font_subset_are_made_once_per_process(project, tmp_path):
    first, other, again = counted_builds(project)
    # The first PDF reads the logo (its colours and its alpha channel) and
    # makes a subset of each font it uses (three in the demo).
    assert first["pixels"] >= 2 and first["subsets"] > 0
    # ... each by subsets.make (ReportLab's own bytes, its glyphs read once
    # per process: tests/test_font_subsets.py), none by ReportLab.
    assert first["by_reportlab"] == other["by_reportlab"] == 0
    # Another handout: new glyphs, new subsets; the logo is not read again.
    # Fewer: a face whose characters past ASCII come in the same order has
    # the same subset (every ASCII one in it: pdfonce.py).
    assert other["pixels"] == 0 and 0 < other["subsets"] < first["subsets"]
    # The same handout again: nothing read, no subset or ToUnicode map made,
    # the same bytes.
    assert first["maps"] > 0 and other["maps"] < first["maps"]
    assert again["pixels"] == 0 and again["subsets"] == 0 and again["maps"] == 0
    assert again["pdf"] == first["pdf"]
    # ... and the bytes a process makes that never saw another handout.
    fresh = processes_at_once(["handouts", "build", "--project", str(project), "--lang", "en",
                               "--out", str(tmp_path / "fresh"), "leg-cramps"])[0]
    assert fresh.returncode == 0, fresh.stderr
    assert bytes.fromhex(again["pdf"]) == (tmp_path / "fresh/en/leg-cramps.pdf").read_bytes()


TEXTS = ["", "Type", "FontDescriptor", "AAAAAA+SourceSansPro-Bold", "FormXob.47b8bf83", "612",
         "-0.5", "a b", "(x)", "#1", "50%", "<<>>", "[ 1 2 ]", "{}", "/", "tab\there", "line\n",
         "\x7f", "\x18", "\x1f", "é", "Ωmega", "˘", "€", "中文", "\u0645", "x\x00y"]


def outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:   # the same error, or none
        return type(exc)


def test_names_and_text_are_formatted_as_reportlab_formats_them():
    pdfonce.format_quicker()
    enc, name = pdfdoc.pdfdocEnc, pdfdoc.PDFName
    assert enc.__wrapped__ is not enc and name.__wrapped__ is not name   # installed
    for text in TEXTS + [chr(c) for c in range(0x300)]:
        assert outcome(enc, text) == outcome(enc.__wrapped__, text), repr(text)
        assert outcome(name, text) == outcome(name, text) == outcome(name.__wrapped__, text), repr(text)
        assert enc(text.encode("utf-8")) == text.encode("utf-8")   # bytes as they are


def test_objects_are_formatted_as_reportlab_formats_them():
    """``pdfdoc.format`` made quicker (whole numbers once, plain dictionaries
    and arrays joined in one place, strings of printable ASCII escaped
    without the codec) gives ReportLab's own bytes for every kind it takes a
    quicker way, nested, with its line breaks (a dictionary every 6 entries,
    an array every 10) and key order, and strings of every kind, escape and
    encoding, encrypted or not."""
    from collections import OrderedDict

    from reportlab import rl_config

    pdfonce.format_quicker()
    quick, original = pdfdoc.format, pdfdoc.format.__wrapped__
    assert quick is not original   # installed
    doc = pdfdoc.PDFDocument()
    link = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Annot"), "Rect": pdfdoc.PDFArray([72, 700.5, 190.25, 714]),
                                 "Border": "[0 0 0]", "Contents": pdfdoc.PDFString("Call (541) 555-0142"),
                                 "A": pdfdoc.PDFDictionary({"S": "/URI", "URI": pdfdoc.PDFString("tel:5415550142")}),
                                 "F": 4, "StructParent": 12, "Flag": True, "Empty": pdfdoc.PDFArray([])})
    values = [0, 1, -1, 612, 2**40, 0.5, -0.25, 1.0, 1e-7, 123456.789, True, False, None, "", "x", "/Name",
              "é", b"raw", b"", pdfdoc.PDFName("Type"), link, pdfdoc.PDFArray(range(25)),
              pdfdoc.PDFArray([pdfdoc.PDFArray([1, 2]), link, 3.5] * 5), pdfdoc.PDFArrayCompact(range(12)),
              pdfdoc.PDFDictionary({f"K{i}": i * 1.5 for i in range(14)}),
              pdfdoc.PDFDictionary(OrderedDict([("Z", 1), ("A", 2), ("M", pdfdoc.PDFArray(range(11)))])),
              pdfdoc.PDFStream(content=b"q Q", filters=[]), pdfdoc.PDFObjectReference("R1")]
    doc.Reference(values[-2])
    for text in ["", "Call (541) 555-0142", "a\\b (c", "tel:5415550142", "~!@#$%^&*_+{}|:\"<>?`-=[];',./",
                 "tab\there", "line\n", "\x7f", "\x18", "é", "中文", "\u0645", "x\x00y", b"bytes (b)",
                 "\ufeffbom"]:
        values += [pdfdoc.PDFString(text)] + [pdfdoc.PDFString(text, escape) for escape in (0, 2, 4, 6, 7)]
        values += [pdfdoc.PDFString(text, 1, "utf_16_be"), pdfdoc.PDFString(pdfdoc.PDFString(text))]
    forced = pdfdoc.PDFArray(range(12))
    forced.multiline = "forced"
    values.append(pdfdoc.PDFDictionary({"Forced": forced}))
    for multiline in (0, 1):
        rl_config.pdfMultiLine, was = multiline, rl_config.pdfMultiLine
        try:
            for value in values:
                for toplevel in (0, 1):
                    assert outcome(quick, value, doc, toplevel) == outcome(original, value, doc, toplevel), value
        finally:
            rl_config.pdfMultiLine = was

    class Scrambled:   # an encryption: every string through it
        def encode(self, text):
            return text[::-1]

    doc.encrypt = Scrambled()
    for value in values:
        assert outcome(quick, value, doc) == outcome(original, value, doc), value


def test_a_reference_is_written_as_reportlab_formats_it():
    """``rl.reference`` (the structure tree's references, written directly)
    gives what ``doc.Reference(obj).format(doc)`` gives, for an object new to
    the document and for one already in it."""
    from handouts import rl

    doc = pdfdoc.PDFDocument()
    for obj in (pdfdoc.PDFDictionary({"A": 1}), pdfdoc.PDFArray([1, 2])):
        mine = rl.reference(doc, obj)
        assert mine == doc.Reference(obj).format(doc) and mine.endswith(b" 0 R")
        assert rl.reference(doc, obj) == mine   # registered once
    # A new object is registered as ReportLab's Reference registers it: the
    # same number, name and tables, whichever registers the next one.
    mine, theirs = pdfdoc.PDFDocument(), pdfdoc.PDFDocument()
    for i in range(5):
        a, b = pdfdoc.PDFArray([i]), pdfdoc.PDFArray([i])
        assert rl.reference(mine, a) == theirs.Reference(b).format(theirs)
        assert a.__InternalName__ == b.__InternalName__
        assert rl.reference(mine, pdfdoc.PDFString("x")) == rl.reference(theirs, pdfdoc.PDFString("x"))
        named = pdfdoc.PDFDictionary()
        assert mine.Reference(named, f"N{i}").name == theirs.Reference(pdfdoc.PDFDictionary(), f"N{i}").name
    assert mine.objectcounter == theirs.objectcounter
    assert mine.idToObjectNumberAndVersion == theirs.idToObjectNumberAndVersion
    assert mine.numberToId == theirs.numberToId and mine.idToObject.keys() == theirs.idToObject.keys()
    # A name taken already (an object registered as "R7" by hand) goes to
    # ReportLab's Reference, which says so.
    clash = pdfdoc.PDFDocument()
    clash.Reference(pdfdoc.PDFArray([0]), "R%d" % (clash.objectcounter + 2))
    assert outcome(rl.reference, clash, pdfdoc.PDFArray([1])) is ValueError


def test_marked_content_is_closed_even_when_drawing_fails():
    """Each piece marked as a structure element's content (or an artifact)
    is closed with EMC, an exception or not, and gets its MCID when drawing
    starts; a canvas that is not tagging (a scratch canvas) gets no marks."""
    import pytest

    from handouts.tagging import StructNode, Tagger, artifact, tagged

    class Canvas:
        def __init__(self, tagging: bool):
            self.ops = []
            if tagging:
                self.handout_tagger = Tagger()

        def addLiteral(self, op):
            self.ops.append(op)

    canv, node = Canvas(True), StructNode("P")
    marks = tagged(canv, node)
    assert canv.ops == [] and node.kids == []
    with pytest.raises(ValueError):
        with marks, artifact(canv):
            raise ValueError
    with tagged(canv, node), tagged(canv, None):
        pass
    assert canv.ops == ["/P <</MCID 0>> BDC", "/Artifact BMC", "EMC", "EMC", "/P <</MCID 1>> BDC", "EMC"]
    assert [k.mcid for k in node.kids] == [0, 1]
    scratch = Canvas(False)
    with tagged(scratch, node), artifact(scratch, pagination=True):
        pass
    assert scratch.ops == [] and len(node.kids) == 2


def test_the_structure_elements_are_packed_as_written(monkeypatch):
    """A structure element (``rl.Written``: a hundred or more a page) goes
    into the object stream as its own bytes, not through ReportLab's
    ``pdfdoc.format`` (which gives those very bytes: the same file)."""
    from handouts import render as api, rl
    from handouts.library import Item
    from handouts.project import Project

    proj = Project.find(REPO)
    api.cache_clear()
    before = api.render(proj, Item("en", "leg-cramps")).pdf
    pdfonce.format_quicker()
    formatted = []
    quicker = pdfdoc.format

    def counted(element, document, toplevel=0):
        formatted.append(element.__class__)
        return quicker(element, document, toplevel)

    monkeypatch.setattr(pdfdoc, "format", counted)
    api.cache_clear()
    try:
        assert api.render(proj, Item("en", "leg-cramps")).pdf == before
    finally:
        api.cache_clear()
    assert formatted and rl.Written not in formatted
