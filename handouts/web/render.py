"""PDFs and page pictures for the page.

PDFs come from the render API (``handouts.render``), packets of several
languages too: the bytes ``handouts build`` writes, memoised on a digest of
every input, so a changed file is never served stale and an unchanged one is
never rendered twice. Page pictures (PDFium) are cached on the PDF's own hash.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

import pypdfium2

from handouts import render as api
from handouts.errors import ContentError, HandoutError
from handouts.inputs import cached_brand
from handouts.library import Item
from handouts.project import Project

#: PDFium keeps global state: one picture at a time. (The API has its own lock.)
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


class Renderer:
    def __init__(self, project: Project, max_bytes: int = 48 * 1024 * 1024):
        self.project = project
        self.pngs = LRU(max_bytes)

    def default_paper(self) -> str:
        """The clinic's paper (letter when clinic.yaml has a problem)."""
        try:
            return cached_brand(self.project)[0].clinic.paper
        except HandoutError:
            return "letter"

    def printer(self) -> str | None:
        """The CUPS queue clinic.yaml names (``printer:``), or None: Print
        then opens the browser's print dialog."""
        try:
            return cached_brand(self.project)[0].clinic.printer
        except HandoutError:
            return None

    # -------------------------------------------------------------- renders
    def pdf(self, slug: str, lang: str, paper: str | None = None, large: bool = False) -> bytes:
        return api.render(self.project, Item(lang, slug), paper, large).pdf

    def packet(self, items: list[tuple[str, str]], paper: str | None = None, large: bool = False) -> bytes:
        """One PDF of the handouts ``items`` ((lang, slug) pairs, languages may
        mix), in order."""
        if not items:
            raise ContentError.at(None, None, None, "no handouts chosen")
        if len(items) == 1:
            lang, slug = items[0]
            return self.pdf(slug, lang, paper, large)
        return api.render_packet(self.project, [Item(*i) for i in items], paper, large).pdf

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
