"""PDFs and page pictures for the page, from the same library functions as
the command line, cached in memory on a hash of every input.

``pdf()`` and ``packet()`` give the bytes ``handouts build`` would write.
The cache key covers the article files' bytes, everything else under
content/ (clinic.yaml, logo, fonts) and the templates by name, size and
modification time, the options and the version, so a changed file is never
served stale and an unchanged one is never rendered twice.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2

from handouts import __version__, layout
from handouts.build import brand_art, discover, doc_info, fit_handout, load_handout
from handouts.converters import parse_paper
from handouts.errors import ContentError, HandoutError
from handouts.project import LANG_RE, SLUG_RE, Brand, Project, bundled_root, load_brand

#: ReportLab and PDFium keep global state: one render at a time.
RENDER_LOCK = threading.Lock()


class LRU:
    """A small byte-bounded least-recently-used cache."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += len(value)
            while self.size > self.max_bytes and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.size -= len(old)


def _tree_stamp(folder: Path, skip: frozenset[str] = frozenset()) -> list[tuple[str, int, int]]:
    """(path, mtime, size) of every file under ``folder``, except in the
    top-level sub-folders named in ``skip``."""
    out: list[tuple[str, int, int]] = []
    stack = [(str(folder), True)]
    while stack:
        where, top = stack.pop()
        try:
            entries = sorted(os.scandir(where), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if not (top and e.name in skip):
                    stack.append((e.path, False))
            elif e.is_file():
                st = e.stat()
                out.append((e.path, st.st_mtime_ns, st.st_size))
    return out


class Renderer:
    def __init__(self, project: Project, max_bytes: int = 96 * 1024 * 1024):
        self.project = project
        self.pdfs = LRU(max_bytes)
        self.pngs = LRU(max_bytes // 2)
        self._brand: tuple[str, Brand] | None = None
        self.renders = 0        # how many PDFs were really rendered (for tests and the benchmark)

    # ----------------------------------------------------------------- brand
    def _brand_stamp(self) -> str:
        """clinic.yaml, the logo, fonts: everything under content/ but the
        language folders."""
        content = self.project.content
        langs = frozenset(e.name for e in os.scandir(content) if e.is_dir() and LANG_RE.match(e.name))
        return repr(_tree_stamp(content, langs))

    def brand(self) -> Brand:
        """The clinic's brand, loaded again only when one of its files changed
        (HandoutError if it has a problem)."""
        stamp = self._brand_stamp()
        cached = self._brand
        if cached is not None and cached[0] == stamp:
            return cached[1]
        brand = load_brand(self.project)
        self._brand = (stamp, brand)
        return brand

    def default_paper(self) -> str:
        try:
            return self.brand().clinic.paper
        except HandoutError:
            return "letter"

    # ----------------------------------------------------------------- keys
    def _key(self, items: list[tuple[str, str]], paper: str | None, large: bool) -> tuple[str, list[Path]]:
        h = hashlib.sha256(f"{__version__}|{paper}|{large}|{items}".encode())
        paths = []
        for lang, slug in items:
            path = self.project.content / lang / f"{slug}.yaml"
            if not (LANG_RE.match(lang) and SLUG_RE.match(slug) and path.is_file()):
                discover(self.project, lang, [slug])       # the usual ContentError for an unknown one
            paths.append(path)
            h.update(path.read_bytes())
        h.update(self._brand_stamp().encode())
        h.update(repr(_tree_stamp(self.project.templates)).encode())
        h.update(repr(_tree_stamp(bundled_root() / "templates")).encode())
        return h.hexdigest(), paths

    # -------------------------------------------------------------- renders
    def packet(self, items: list[tuple[str, str]], paper: str | None = None, large: bool = False) -> bytes:
        """One PDF of the handouts ``items`` ((lang, slug) pairs), in order."""
        if not items:
            raise ContentError.at(None, None, None, "no handouts chosen")
        key, paths = self._key(items, paper, large)
        pdf = self.pdfs.get(key)
        if pdf is None:
            with RENDER_LOCK:
                pdf = self.pdfs.get(key) or self._render(items, paths, paper, large)
            self.pdfs.put(key, pdf)
        return pdf

    def pdf(self, slug: str, lang: str, paper: str | None = None, large: bool = False) -> bytes:
        return self.packet([(lang, slug)], paper, large)

    def _render(self, items, paths, paper, large) -> bytes:
        self.renders += 1
        brand = self.brand()
        paper = parse_paper(paper) if paper else brand.clinic.paper
        handouts, problems = [], []
        for (lang, slug), path in zip(items, paths):
            try:
                handouts.append(load_handout(slug, lang, path, brand))
            except HandoutError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ContentError(problems)
        sheets = []
        for h in handouts:
            try:
                sheets.append(fit_handout(h, brand, self.project, paper, large))
            except HandoutError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ContentError(problems)
        if len(sheets) == 1:
            sheets = [layout.Sheet(sheets[0].page, sheets[0].fit, bookmark=None)]
        return layout.render_pdf(sheets, brand_art(brand, paper), doc_info(handouts, brand))

    # ------------------------------------------------------------- pictures
    def png(self, pdf: bytes, page: int = 0, width: int = 900) -> bytes:
        """Page ``page`` of ``pdf`` as a PNG ``width`` pixels wide."""
        key = f"{hashlib.sha256(pdf).hexdigest()}|{page}|{width}"
        png = self.pngs.get(key)
        if png is None:
            with RENDER_LOCK:
                doc = pypdfium2.PdfDocument(pdf)
                try:
                    if not 0 <= page < len(doc):
                        raise IndexError(page)
                    p = doc[page]
                    scale = width / p.get_width()
                    image = p.render(scale=scale).to_pil().convert("RGB")
                    p.close()
                finally:
                    doc.close()
            buf = io.BytesIO()
            image.save(buf, "PNG", optimize=True)
            png = buf.getvalue()
            self.pngs.put(key, png)
        return png

    @staticmethod
    def page_count(pdf: bytes) -> int:
        with RENDER_LOCK:
            doc = pypdfium2.PdfDocument(pdf)
            try:
                return len(doc)
            finally:
                doc.close()
