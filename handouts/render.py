"""PDFs on request, for the email, the front-desk page and the EHR answers.

``render(project, item)`` and ``render_packet(project, items)`` return a
``Rendered``: exactly the bytes ``handouts build`` writes (the same pipeline:
``selection.plan``, ``build.load_handout``, ``build.render_single`` and
``build.packet_pdf``, without writing), with the fit, the title and the
language. Results are memoised on a digest of every input: the article files,
clinic.yaml with its logo and fonts, the templates and word catalogs (the
project's and the bundled ones), the options and the version. An edited file
changes the digest, so it is never served stale; asking again for an unchanged
handout costs a few file reads.

Bad input raises HandoutError (one Problem per line, as the CLI prints them);
nothing bad is kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from handouts import __version__, build, layout, library, review
from handouts.converters import parse_paper
from handouts.errors import ContentError, HandoutError, Problem
from handouts.inputs import cached_brand, file_digest, tree_digest
from handouts.handout import approval  # noqa: F401 (re-exported: a handout's words against their approval)
from handouts.library import Item
from handouts.project import Project, bundled_root
from handouts.selection import plan

#: The cache keeps at most this many bytes of PDFs (the oldest go first).
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    """One PDF: a handout, or a packet of several (one page each, in order)."""

    pdf: bytes
    items: tuple[Item, ...]
    fits: tuple[layout.Fit, ...]       # one per handout
    title: str                         # the PDF's title (a packet's names every handout)
    lang: str                          # the (first) handout's language
    warnings: tuple[Problem, ...] = ()  # worth knowing, such as over the email limit
    approvals: tuple[review.State, ...] = ()   # one per handout: its words' digest, approved or a draft

    @property
    def drafts(self) -> tuple[review.State, ...]:
        """The handouts in it whose words no clinician approved (never, or not since they changed)."""
        return tuple(a for a in self.approvals if a.draft)

    @property
    def item(self) -> Item:
        return self.items[0]

    @property
    def fit(self) -> layout.Fit:
        return self.fits[0]


_done: OrderedDict[bytes, Rendered] = OrderedDict()
_size = 0
_stats = {"hits": 0, "misses": 0}
_lock = threading.RLock()      # one render at a time; ReportLab keeps global state


def cache_info() -> dict[str, int]:
    """Hits, misses, entries and bytes held: for tests and the benchmark."""
    with _lock:
        return {**_stats, "entries": len(_done), "bytes": _size}


def cache_clear() -> None:
    global _size
    with _lock:
        _done.clear()
        _size = 0
        _stats.update(hits=0, misses=0)


def render(project: Project, item: Item, paper: str | None = None,
           large_print: bool = False) -> Rendered:
    """One handout's PDF, as ``handouts build --lang LANG [--paper P]
    [--large-print] SLUG`` writes it."""
    return _cached(project, (Item(*item),), paper, large_print, packet=False)


def render_packet(project: Project, items: list[Item], paper: str | None = None,
                  large_print: bool = False) -> Rendered:
    """One PDF of several handouts, one per page in the order given (languages
    may mix), as ``handouts build --packet`` writes it."""
    if not items:
        raise ContentError.at(None, None, None, "a packet needs at least one handout")
    return _cached(project, tuple(Item(*i) for i in items), paper, large_print, packet=True)


def words(project: Project, item: Item) -> str:
    """The current words of one handout (``review.words``), without reading its
    approval record: what ``handouts approve`` records."""
    brand, _ = cached_brand(project)
    handout = build.load_handout(item, library.path(project, item), brand)
    return review.words(build.handout_markup(handout, brand, project, build.words(project, item.lang)).root)


def _key(project: Project, items: tuple[Item, ...], paper, large_print: bool,
         packet: bool) -> bytes | None:
    """The digest of every input, or None when an item is not a handout name
    (then the pipeline itself reports the problem)."""
    if not all(library.is_name(item) for item in items):
        return None
    _, brand = cached_brand(project)
    h = hashlib.sha256()
    h.update(repr((__version__, paper, bool(large_print), packet, [tuple(i) for i in items])).encode())
    h.update(brand)
    h.update(tree_digest(project.templates))
    h.update(tree_digest(bundled_root() / "templates"))
    for lang, slug in items:
        path = library.files(project, lang).get(slug, project.content / lang / f"{slug}.yaml")
        h.update(file_digest(path))  # .yaml or .yml
        h.update(tree_digest(project.content / library.BLOCKS / lang))  # what it may include
        record = review.record_path(project.content, Item(lang, slug))
        h.update(file_digest(record) + file_digest(record.with_suffix(".yml")))
    return h.digest()


def _cached(project, items, paper, large_print, packet) -> Rendered:
    global _size
    with _lock:
        key = _key(project, items, paper, large_print, packet)
        if key is not None and key in _done:
            _stats["hits"] += 1
            _done.move_to_end(key)
            return _done[key]
        _stats["misses"] += 1
        done = _make(project, items, paper, large_print, packet)
        # Keep it only if no input changed while it was made.
        if key is not None and _key(project, items, paper, large_print, packet) == key:
            _done[key] = done
            _size += len(done.pdf)
            while _size > MAX_BYTES and len(_done) > 1:
                _size -= len(_done.popitem(last=False)[1].pdf)
        return done


def _make(project: Project, items: tuple[Item, ...], paper, large: bool, packet: bool) -> Rendered:
    """The build's pipeline for ``items``, in memory; every problem at once."""
    brand, _ = cached_brand(project)
    try:
        paper = parse_paper(paper) if paper else brand.clinic.paper
    except ValueError as exc:
        raise ContentError.at(None, None, "paper", str(exc)) from None
    page_layout = layout.choose(large)
    todo = plan(project, None, items, packet=True)   # each named once, in order
    problems: list[Problem] = []
    cats = {}
    for lang in dict.fromkeys(item.lang for item, _ in todo):
        try:
            cats[lang] = build.words(project, lang)
        except HandoutError as exc:
            problems.extend(exc.problems)
    if problems:
        raise HandoutError(problems)
    handouts, failed = [], {}
    for i, (item, path) in enumerate(todo):
        try:
            handouts.append((i, build.with_words(build.load_handout(item, path, brand), brand, project,
                                                 cats[item.lang])))
        except HandoutError as exc:
            if not packet:      # one handout: its own error, as build reports it
                raise
            failed[i] = exc.problems
    if not packet and not failed:
        h = handouts[0][1]
        fit, pdf, too_big = build.render_single(h, brand, project, paper, page_layout, cats[h.lang])
        return Rendered(pdf, (h.item,), (fit,), h.article.title, h.lang, (too_big,) if too_big else (),
                        (h.approval,))
    sheets = []
    for i, h in handouts:   # the others are fitted too, so every problem is told at once
        try:
            sheets.append((h, build.fit_handout(h, brand, project, paper, page_layout, cats[h.lang])))
        except HandoutError as exc:
            failed[i] = exc.problems
    if failed:
        raise HandoutError([p for i in sorted(failed) for p in failed[i]])
    first = sheets[0][0]
    pdf = build.packet_pdf(sheets, brand, project, paper, cats)
    title = build.doc_info([h for h, _ in sheets], brand, cats[first.lang]).title
    return Rendered(pdf, tuple(h.item for h, _ in sheets), tuple(s.fit for _, s in sheets), title,
                    first.lang, approvals=tuple(h.approval for h, _ in sheets))
