"""Layouts are objects chosen once, and ReportLab's internals are reached in
three modules only (handouts/rl.py, handouts/rlframes.py for frames and
handouts/fontcache.py for a TrueType face made from its cached tables): both
read from the source with ``ast``, and a layout made outside the package
drawn into a real PDF."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pdfplumber
import reportlab

from helpers import REPO
from handouts import layout
from handouts.build import brand_art, doc_info, fit_handout, load_handout, words
from handouts.converters import PAPER_SIZES
from handouts.inputs import cached_brand
from handouts.library import Item
from handouts.project import Project

PACKAGE = REPO / "handouts"
ALLOWED = (PACKAGE / "rl.py", PACKAGE / "rlframes.py", PACKAGE / "fontcache.py")


def reportlab_private_names() -> set[str]:
    """Every ``_name`` (not ``__dunder__``) that ReportLab's own source uses
    as an attribute, a method or a module-level name."""
    names: set[str] = set()
    for path in Path(reportlab.__file__).parent.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            name = (node.attr if isinstance(node, ast.Attribute)
                    else node.name if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                    else node.id if isinstance(node, ast.Name) else "")
            if name.startswith("_") and not name.startswith("__"):
                names.add(name)
    return names


RL_PRIVATE = reportlab_private_names()


def private_uses(source: str) -> list[str]:
    """ReportLab private names a module reaches: ``obj._name`` on any object
    but ``self``/``cls``; ``self._name`` inside a class derived from a class
    imported from ReportLab; ``from reportlab... import _name``."""
    tree = ast.parse(source)
    from_rl = {a.asname or a.name for n in ast.walk(tree)
               if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("reportlab")
               for a in n.names}
    rl_classes = [c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                  and any(isinstance(b, ast.Name) and b.id in from_rl for b in c.bases)]
    inside = {id(n) for c in rl_classes for n in ast.walk(c)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab"):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith("_")]
        if isinstance(node, ast.Attribute) and node.attr in RL_PRIVATE:
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            if owner not in ("self", "cls") or id(node) in inside:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_reportlab_private_attributes_only_in_rl_module():
    offenders = {str(p.relative_to(REPO)): uses for p in sorted(PACKAGE.rglob("*.py"))
                 if p not in ALLOWED and (uses := private_uses(p.read_text(encoding="utf-8")))}
    assert offenders == {}
    for allowed in ALLOWED:   # the scan sees them where they are
        assert private_uses(allowed.read_text(encoding="utf-8"))


def test_the_scan_catches_each_way_in():
    """The checker itself: each of these would be reported."""
    assert "_aH" in RL_PRIVATE and "_doc" in RL_PRIVATE and "_wrapWidths" in RL_PRIVATE
    assert private_uses("def f(frame):\n    return frame._aH\n")
    assert private_uses("def f(canv):\n    return canv._doc._timeStamp\n")
    assert private_uses("from reportlab.rl_config import _FUZZ\n")
    assert private_uses("from reportlab.platypus import Paragraph\n"
                        "class P(Paragraph):\n    def f(self):\n        return self._wrapWidths\n")
    # Our own private names on our own classes are not ReportLab's.
    assert not private_uses("class C:\n    def f(self):\n        return self._wrapWidths\n")


def large_flags(source: str) -> list[str]:
    """Conditions that test a large-print flag (``if large``, ``x if st.large else y``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            for n in ast.walk(node.test):
                name = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else ""
                if "large" in name.lower():
                    found.append(f"line {node.lineno}: {ast.unparse(node.test)}")
    return found


def test_no_layout_code_asks_which_layout_it_is():
    """Only ``layout.choose`` looks at the large-print option."""
    offenders = {}
    for path in sorted((PACKAGE / "layout").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "choose"]:
            tree.body.remove(fn)
        if uses := large_flags(ast.unparse(tree)):
            offenders[path.name] = uses
    assert offenders == {}
    assert large_flags("x = 1 if st.large else 2\n")   # the check can fail


def test_choose_picks_once_and_each_layout_names_its_files():
    assert isinstance(layout.choose(False), layout.ColumnsLayout)
    assert isinstance(layout.choose(True), layout.LargePrintLayout)
    assert layout.choose(True) is layout.choose(True)
    assert (layout.choose(False).suffix, layout.choose(True).suffix) == ("", "-large-print")


def column_starts(pdf: bytes, starts: list[float]) -> set[int]:
    """Which of ``starts`` (x in points) some line of the body begins at (a
    list item's text may be indented by up to 30 pt)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        body = [ln for ln in page.extract_text_lines()
                if page.height * 0.3 < ln["top"] < page.height * 0.7]
    return {i for i, x in enumerate(starts) for ln in body if x - 1 <= ln["x0"] <= x + 30}


def test_a_new_layout_plugs_in_without_a_flag():
    """A three-column layout, made outside the package, goes through the same
    fit and drawing: the body's lines begin in three columns."""
    proj = Project.find(REPO)
    brand, _ = cached_brand(proj)
    cat = words(proj, "en")
    handout = load_handout(Item("en", "risk-factors"), proj.content / "en" / "risk-factors.yaml", brand)
    art, info = brand_art(brand, "letter"), doc_info([handout], brand, cat)
    three = layout.ColumnsLayout(columns=3)
    sheet = fit_handout(handout, brand, proj, "letter", three, cat)
    assert sheet.layout is three and sheet.fit.fits
    col_w = (PAPER_SIZES["letter"][0] - 2 * layout.MARGIN - 2 * layout.GUTTER) / 3
    starts = [layout.MARGIN + i * (col_w + layout.GUTTER) for i in range(3)]
    assert column_starts(layout.render_pdf([sheet], art, info), starts) == {0, 1, 2}
    # The regular page has no column where the third one begins.
    regular = fit_handout(handout, brand, proj, "letter", layout.choose(False), cat)
    assert 2 not in column_starts(layout.render_pdf([regular], art, info), starts)
