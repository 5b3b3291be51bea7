"""PDF bytes on request, for the email and the front-desk page.

``render`` and ``render_packet`` return exactly the bytes ``handouts build``
writes (they run the same build, without writing), memoised on a digest of
every input: the article files, clinic.yaml with its logo and fonts, the
templates and word catalogs (the project's and the bundled ones), the options
and the version. An edited file changes the digest, so it is never served
stale; asking again for an unchanged handout costs a few file reads.

Bad input raises HandoutError (one Problem per line, as the CLI prints them);
nothing bad is kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from handouts import __version__
from handouts.errors import ContentError, HandoutError
from handouts.inputs import cached_brand, file_digest, tree_digest
from handouts.project import LANG_RE, SLUG_RE, Project, bundled_root

#: The cache keeps at most this many bytes of PDFs (the oldest go first).
MAX_BYTES = 64 * 1024 * 1024

_pdfs: OrderedDict[bytes, bytes] = OrderedDict()
_size = 0
_stats = {"hits": 0, "misses": 0}
_lock = threading.RLock()      # one render at a time; ReportLab keeps global state


def cache_info() -> dict[str, int]:
    """Hits, misses, entries and bytes held: for tests and the benchmark."""
    with _lock:
        return {**_stats, "entries": len(_pdfs), "bytes": _size}


def cache_clear() -> None:
    global _size
    with _lock:
        _pdfs.clear()
        _size = 0
        _stats.update(hits=0, misses=0)


def render(project: Project, slug: str, lang: str, paper: str | None = None,
           large_print: bool = False) -> bytes:
    """One handout's PDF, as ``handouts build --lang LANG [--paper P]
    [--large-print] SLUG`` writes it."""
    return _cached(project, [(lang, slug)], paper, large_print, packet=False)


def render_packet(project: Project, items: list[tuple[str, str]], paper: str | None = None,
                  large_print: bool = False) -> bytes:
    """One PDF of several handouts, one per page in the order given:
    ``items`` is a list of (lang, slug), as ``handouts build --packet`` writes it."""
    if not items:
        raise ContentError.at(None, None, None, "a packet needs at least one handout")
    return _cached(project, list(items), paper, large_print, packet=True)


def _key(project: Project, items: list[tuple[str, str]], paper, large_print: bool,
         packet: bool) -> bytes | None:
    """The digest of every input, or None when an item is not a handout name
    (then the build itself reports the problem)."""
    for lang, slug in items:
        if not (isinstance(lang, str) and isinstance(slug, str)
                and LANG_RE.match(lang) and SLUG_RE.match(slug)):
            return None
    _, brand = cached_brand(project)
    h = hashlib.sha256()
    h.update(repr((__version__, paper, bool(large_print), packet, items)).encode())
    h.update(brand)
    h.update(tree_digest(project.templates))
    h.update(tree_digest(bundled_root() / "templates"))
    for lang, slug in items:
        path = project.article_files(lang).get(slug, project.content / lang / f"{slug}.yaml")
        h.update(file_digest(path))  # .yaml or .yml
    return h.digest()


def _cached(project, items, paper, large_print, packet) -> bytes:
    global _size
    with _lock:
        key = _key(project, items, paper, large_print, packet)
        if key is not None and key in _pdfs:
            _stats["hits"] += 1
            _pdfs.move_to_end(key)
            return _pdfs[key]
        _stats["misses"] += 1
        pdf = _build(project, items, paper, large_print, packet)
        # Keep it only if no input changed while it was built.
        if key is not None and _key(project, items, paper, large_print, packet) == key:
            _pdfs[key] = pdf
            _size += len(pdf)
            while _size > MAX_BYTES and len(_pdfs) > 1:
                _size -= len(_pdfs.popitem(last=False)[1])
        return pdf


def _build(project: Project, items, paper, large_print: bool, packet: bool) -> bytes:
    from handouts.build import run

    slugs = [f"{lang}:{slug}" for lang, slug in items]   # languages may mix in a packet
    report = run(project, lang=None, slugs=slugs, paper=paper, write=False,
                 large_print=large_print, packet=Path("packet.pdf") if packet else None)
    if not report.ok:
        raise HandoutError(report.all_problems())
    pdf = report.packet_pdf if packet else report.outcomes[0].pdf
    if pdf is None:  # pragma: no cover - run() reports every failure as a problem
        raise AssertionError("the build made no PDF and reported no problem")
    return pdf
