"""PDFs and page pictures for the page.

PDFs come from the render API (``handouts.render``): the bytes ``handouts
build`` writes, memoised on a digest of every input, so a changed file is never
served stale and an unchanged one is never rendered twice. A packet of several
languages, while the API does not make one yet, is built here from the same
library functions and cached on the same kind of digest. Page pictures
(PDFium) are cached on the PDF's own hash.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

import pypdfium2

from handouts import __version__, layout, render as api
from handouts.build import discover, fit_handout, load_handout, packet_pdf
from handouts.converters import parse_paper
from handouts.errors import ContentError, HandoutError
from handouts.inputs import cached_brand, file_digest, tree_digest
from handouts.project import LANG_RE, SLUG_RE, Project, bundled_root

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
        self.mixed = LRU(max_bytes)
        self.pngs = LRU(max_bytes)

    def default_paper(self) -> str:
        """The clinic's paper (letter when clinic.yaml has a problem)."""
        try:
            return cached_brand(self.project)[0].clinic.paper
        except HandoutError:
            return "letter"

    # -------------------------------------------------------------- renders
    def pdf(self, slug: str, lang: str, paper: str | None = None, large: bool = False) -> bytes:
        return api.render(self.project, slug, lang, paper, large)

    def packet(self, items: list[tuple[str, str]], paper: str | None = None, large: bool = False) -> bytes:
        """One PDF of the handouts ``items`` ((lang, slug) pairs), in order."""
        if not items:
            raise ContentError.at(None, None, None, "no handouts chosen")
        if len(items) == 1:
            lang, slug = items[0]
            return self.pdf(slug, lang, paper, large)
        try:
            return api.render_packet(self.project, items, paper, large)
        except ContentError as exc:
            if len({lang for lang, _ in items}) > 1 and "several languages" in str(exc):
                return self._mixed_packet(items, paper, large)
            raise

    def _mixed_packet(self, items, paper, large) -> bytes:
        paths = []
        for lang, slug in items:
            path = self.project.content / lang / f"{slug}.yaml"
            if not (LANG_RE.match(lang) and SLUG_RE.match(slug) and path.is_file()):
                discover(self.project, lang, [slug])       # the usual ContentError for an unknown one
            paths.append(path)
        brand, brand_digest = cached_brand(self.project)
        h = hashlib.sha256(repr((__version__, paper, large, items)).encode())
        h.update(brand_digest)
        h.update(tree_digest(self.project.templates))
        h.update(tree_digest(bundled_root() / "templates"))
        for path in paths:
            h.update(file_digest(path))
        key = h.hexdigest()
        pdf = self.mixed.get(key)
        if pdf is None:
            with api._lock:                  # ReportLab: one render at a time, with the API's
                pdf = self._render(brand, items, paths, paper, large)
            self.mixed.put(key, pdf)
        return pdf

    def _render(self, brand, items, paths, paper, large) -> bytes:
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
                sheets.append((h, fit_handout(h, brand, self.project, paper, layout.choose(large))))
            except HandoutError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ContentError(problems)
        return packet_pdf(sheets, brand, self.project, paper)

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
