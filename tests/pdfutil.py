"""Reading built PDFs in tests: text in drawing order, sizes, fonts, zones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pikepdf

from helpers import require_tool, squash


def stream_text(page) -> str:
    """All characters in the order they were drawn (our reading order)."""
    return "".join(c["text"] for c in page.chars)


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


def text_of(path: Path) -> str:
    """Every page's characters in drawing order, white space squashed."""
    with open_pdf(path) as pdf:
        return squash(" ".join(stream_text(p) for p in pdf.pages))


def struct_elems(pdf: pikepdf.Pdf):
    """Every structure element of an open PDF, depth first."""
    def walk(node):
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            yield node
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                yield from walk(kid)
        elif isinstance(kids, pikepdf.Dictionary):
            yield from walk(kids)
    yield from walk(pdf.Root.StructTreeRoot)


def alt_texts(path: Path) -> list[str]:
    """The /Alt of every structure element (what a screen reader says for a figure)."""
    with pikepdf.open(path) as pdf:
        return [str(e.Alt) for e in struct_elems(pdf) if "/Alt" in e]


_GLYPHS: dict[tuple, tuple[list[list[dict]], list[tuple[float, float]]]] = {}


def glyphs_of(path: Path) -> tuple[list[list[dict]], list[tuple[float, float]]]:
    """Each page's glyphs (pdfplumber's ``page.chars``) and each page's
    (width, height). Read once per version of a file: several tests check the
    same session-built PDFs, and reading glyphs is most of their time. The
    readers below copy what they return, so no test changes what another sees."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _GLYPHS:
        with pdfplumber.open(path) as pdf:
            _GLYPHS[key] = ([page.chars for page in pdf.pages],
                            [(page.width, page.height) for page in pdf.pages])
    return _GLYPHS[key]


def _structure_nodes(path: Path) -> list[tuple[dict, list[dict]]]:
    """(node, glyphs) for each structure element that holds marked content of
    its own, in tree order (pdfplumber's node, with its "actual_text")."""
    marks, _ = chars_by_mark(path)
    with pdfplumber.open(path) as pdf:
        blocks = []

        def keys(node, page):
            page = node["page_number"] - 1 if node.get("page_number") else page
            found = [(page, m) for m in node.get("mcids") or []]
            for kid in node.get("children", []):
                found += keys(kid, page)
            return found

        def walk(node, page):
            page = node["page_number"] - 1 if node.get("page_number") else page
            if node.get("mcids"):
                blocks.append((node, [c for key in sorted(keys(node, page)) for c in marks.get(key, [])]))
                return
            for kid in node.get("children", []):
                walk(kid, page)

        for node in pdf.structure_tree:
            walk(node, 0)
        return blocks


def structure_glyphs(path: Path) -> list[tuple[str, list[dict]]]:
    """(type, glyphs) for each structure element that holds marked content of
    its own, in tree order: every glyph of it and of its inline children (a
    Span or Link inside a P), in drawing order, each with its page index in
    "page"."""
    return [(node["type"], chars) for node, chars in _structure_nodes(path)]


#: Blocks whose ActualText a screen reader reads instead of their glyphs (a
#: right-to-left paragraph's words in reading order; rtlines.py).
SAID_WHOLE = ("P", "H1", "H2", "LBody")


def structure_blocks(path: Path) -> list[tuple[str, str]]:
    """What a screen reader that follows the structure tree gets: (type, text)
    for each element that holds marked content of its own, in tree order. An
    element's text is every glyph of it and of its inline children (a Span or
    Link inside a P), in drawing order, or a block's ActualText when it has
    one; nothing is added between lines, so a line break that is not a real
    space glues two words."""
    return [(node["type"], node["actual_text"] if node["type"] in SAID_WHOLE and node.get("actual_text")
             is not None else "".join(c["text"] for c in chars)) for node, chars in _structure_nodes(path)]


def poppler_structure_text(path: Path) -> list[str]:
    """The text of each element as poppler's ``pdfinfo -struct-text`` reads it."""
    exe = require_tool("pdfinfo")
    out = subprocess.run([exe, "-struct-text", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [line.strip()[1:-1] for line in out.splitlines() if line.strip().startswith('"')]


def glued_words(tokens: list[str], vocabulary: set[str]) -> list[str]:
    """Tokens that are not words of the source but two of its words run
    together ("venousinsufficiency", "·care@clinic.org")."""
    return [t for t in tokens if t not in vocabulary
            and any(t[:i] in vocabulary and t[i:] in vocabulary for i in range(1, len(t)))]


#: The directional marks poppler writes around right-to-left words (U+202A
#: to U+202E): its own, not the file's text.
_POPPLER_MARKS = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e")


def pdftotext(path: Path) -> str:
    """The page text as poppler lays it out (line by line, by position)."""
    exe = require_tool("pdftotext")
    return subprocess.run([exe, "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.translate(_POPPLER_MARKS)


def pdftotext_page(path: Path, page: int) -> str:
    """One page's text (from 1) as poppler lays it out."""
    exe = require_tool("pdftotext")
    return subprocess.run([exe, "-raw", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout.translate(_POPPLER_MARKS)


def structure_elements(path: Path) -> list[dict]:
    """Every structure element in tree order, read with pikepdf in the order of
    its /K: type, ActualText, Alt, its text (the glyphs of its marked content
    and of its kids'), the (page, MCID) of that marked content ("marks"), its
    link annotations' indices as (page, index), its first page and its depth."""
    glyphs: dict[tuple[int, int], str] = {}
    for i, chars in enumerate(glyphs_of(path)[0]):
        for c in chars:
            if c.get("mcid") is not None:
                glyphs[(i, c["mcid"])] = glyphs.get((i, c["mcid"]), "") + c["text"]
    import pikepdf

    out: list[dict] = []
    with pikepdf.open(path) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        annots = {a.objgen: (i, n) for i, p in enumerate(pdf.pages)
                  for n, a in enumerate(p.obj.get("/Annots", []))}

        def visit(elem, page, depth) -> list:
            page = index.get(elem.Pg.objgen, page) if "/Pg" in elem else page
            entry = {"type": str(elem.S)[1:], "page": page, "depth": depth,
                     "actual": str(elem.ActualText) if "/ActualText" in elem else None,
                     "alt": str(elem.Alt) if "/Alt" in elem else None, "annots": [],
                     "title": str(elem.T) if "/T" in elem else None}
            out.append(entry)
            kids = elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K]
            marks = []
            for kid in kids:
                if isinstance(kid, int):
                    marks.append((page, int(kid)))
                elif kid.get("/Type") == "/MCR":
                    marks.append((index[kid.Pg.objgen], int(kid.MCID)))
                elif kid.get("/Type") == "/OBJR":
                    entry["annots"].append(annots[kid.Obj.objgen])
                else:
                    marks += visit(kid, page, depth + 1)
            entry["marks"] = marks
            entry["text"] = "".join(glyphs.get(m, "") for m in marks)
            return marks

        root = pdf.Root.StructTreeRoot.K
        for elem in (root if isinstance(root, pikepdf.Array) else [root]):
            visit(elem, 0, 0)
    return out


def chars_by_mark(path: Path) -> tuple[dict[tuple[int, int], list[dict]], list[dict]]:
    """The glyphs of each (page, MCID), and every glyph of the file (each with
    its page index in "page"), read with pdfplumber."""
    marks: dict[tuple[int, int], list[dict]] = {}
    every = []
    pages, sizes = glyphs_of(path)
    for i, (chars, (width, height)) in enumerate(zip(pages, sizes)):
        for c in chars:
            c = {**c, "page": i, "page_width": width, "page_height": height}
            every.append(c)
            if c.get("mcid") is not None:
                marks.setdefault((i, c["mcid"]), []).append(c)
    return marks, every
