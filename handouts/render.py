"""PDFs on request, for the email, the front-desk page and the EHR answers.

``render(project, item)`` and ``render_packet(project, items)`` return a
``Rendered``: exactly the bytes ``handouts build`` writes (the same pipeline:
``selection.plan``, ``build.load_handout``, ``build.render_single`` and
``build.packet_pdf``, without writing), with the fit, the title and the
language. Results are memoised on a digest of every input: the article files,
clinic.yaml with its logo and fonts, the templates and word catalogs (the
project's and the bundled ones), the options, the version and the day. An
edited file changes the digest, so it is never served stale; asking again for
an unchanged handout costs a ``stat`` a file (``inputs.file_digest``). Each
handout's words, checked against their approval and put in the template, are
kept too, on the digest of what they depend on (not the paper nor the size),
with the language's catalog: the same handout on other paper or in large
print is only laid out and drawn.

Bad input raises HandoutError (one Problem per line, as the CLI prints them);
nothing bad is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from handouts import __version__, build, layout, library, review
from handouts.converters import parse_paper
from handouts.errors import ContentError, HandoutError, Problem
from handouts.inputs import Seen, cached_brand, file_digest, tree_digest
from handouts.handout import approval  # noqa: F401 (re-exported: a handout's words against their approval)
from handouts.library import Item
from handouts.project import Project, bundled_root
from handouts.selection import plan

#: The cache keeps at most this many bytes of PDFs (the oldest go first).
MAX_BYTES = 64 * 1024 * 1024

#: Handouts (words checked, markup made) and catalogs kept for other papers and large print.
MAX_HANDOUTS = 64


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
_handouts: OrderedDict = OrderedDict()   # a Handout on its inputs' digest; a Catalog on (lang, digest)
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
        _handouts.clear()
        _size = 0
        _stats.update(hits=0, misses=0)


def ready(project: Project) -> None:
    """What a long-running process (the front-desk page) does once, when it
    starts: the brand read and its fonts registered, then everything made so
    far (the modules, ReportLab's tables, the fonts: some 50,000 objects that
    live as long as the process) frozen out of the garbage collector's
    reach (``gc.freeze``, after one collection). Python runs a full
    collection every so many allocations, and one that scanned them all cost
    the render it fell in 15 to 25 ms of CPU (docs/benchmarks.md). A brand
    with a mistake is left for the first request to report, as before."""
    import gc

    try:
        brand, _ = cached_brand(project)
        layout.styles_ahead(brand.palette, [(brand.family(lang), brand.script(lang))
                                            for lang in library.languages(project)])
    except HandoutError:
        pass
    gc.collect()
    gc.freeze()


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


class _Keys(NamedTuple):
    whole: bytes                # the PDF's: every input and option
    each: tuple[bytes, ...]     # per item: what its Handout (article, words, approval) depends on
    common: bytes               # the version, the day, the brand and the templates with their catalogs
    facts: tuple                # what the digests are made from besides files (``_facts``)
    seen: Seen                  # the files and folders read, to tell whether any changed since


def _facts(project: Project, items: tuple[Item, ...]) -> tuple:
    """What the key depends on besides the files it reads: the day (a review
    falls due, a reviewed date "in the future" passes), the brand's digest,
    the template folders (the project's and the bundled ones; once when they
    are one folder) and where each item's article is (.yaml or .yml)."""
    _, brand = cached_brand(project)
    templates = tuple(dict.fromkeys((str(project.templates), str(bundled_root() / "templates"))))
    root = str(project.root)
    where = tuple(library.files(project, lang).get(slug) or _item_paths(root, lang, slug)[1]
                  for lang, slug in items)
    return dt.date.today(), brand, templates, where


@lru_cache(maxsize=1024)
def _item_paths(root: str, lang: str, slug: str) -> tuple[str, str, str, str]:
    """The folder and files ``_key`` reads for one item besides its article:
    its language's blocks (what it may include), where its article would be
    (when there is none), and its approval record (.yaml, .yml)."""
    content = Path(root) / "content"
    record = review.record_path(content, Item(lang, slug))
    return (str(content / library.BLOCKS / lang), str(content / lang / f"{slug}.yaml"), str(record),
            str(record.with_suffix(".yml")))


def _key(project: Project, items: tuple[Item, ...], paper, large_print: bool,
         packet: bool) -> _Keys | None:
    """The digest of every input, and one digest per item of what its
    Handout (article, words, approval) depends on; None when an item is not
    a handout name (then the pipeline itself reports the problem)."""
    if not all(library.is_name(item) for item in items):
        return None
    facts = today, brand, templates, where = _facts(project, items)
    seen = Seen()
    common = hashlib.sha256()
    common.update(repr((__version__, today)).encode())
    common.update(brand)
    for folder in templates:
        common.update(tree_digest(folder, seen))
    root = str(project.root)
    blocks: dict[str, bytes] = {}
    each = []
    for (lang, slug), path in zip(items, where):
        folder, _, record, record_yml = _item_paths(root, lang, slug)
        if lang not in blocks:
            blocks[lang] = tree_digest(folder, seen)  # what it may include
        h = common.copy()
        h.update(repr((lang, slug)).encode() + blocks[lang])
        h.update(file_digest(path, seen))  # .yaml or .yml
        h.update(file_digest(record, seen) + file_digest(record_yml, seen))
        each.append(h.digest())
    whole = hashlib.sha256(repr((paper, bool(large_print), packet)).encode() + b"".join(each))
    return _Keys(whole.digest(), tuple(each), common.digest(), facts, seen)


def _unchanged(project: Project, items: tuple[Item, ...], keys: _Keys) -> bool:
    """Whether ``_key`` would give ``keys`` again: the same facts, every file
    and folder it read as it was (a ``stat`` a file: nothing is hashed again
    that was kept)."""
    return _facts(project, items) == keys.facts and keys.seen.unchanged()


def _cached(project, items, paper, large_print, packet) -> Rendered:
    global _size
    with _lock:
        keys = _key(project, items, paper, large_print, packet)
        if keys is not None and keys.whole in _done:
            _stats["hits"] += 1
            _done.move_to_end(keys.whole)
            return _done[keys.whole]
        _stats["misses"] += 1
        made: dict = {}
        done = _make(project, items, paper, large_print, packet, keys, made)
        # Keep it only if no input changed while it was made.
        if keys is not None and _unchanged(project, items, keys):
            _done[keys.whole] = done
            _size += len(done.pdf)
            while _size > MAX_BYTES and len(_done) > 1:
                _size -= len(_done.popitem(last=False)[1].pdf)
            for known, value in made.items():   # for the same handout on other paper or in large print
                _handouts[known] = value
                _handouts.move_to_end(known)
            while len(_handouts) > MAX_HANDOUTS:
                _handouts.popitem(last=False)
        return done


def _make(project: Project, items: tuple[Item, ...], paper, large: bool, packet: bool,
          keys: _Keys | None = None, made: dict | None = None) -> Rendered:
    """The build's pipeline for ``items``, in memory; every problem at once.
    With ``keys``, the handouts and catalogs made before from the same inputs
    are taken from ``_handouts``; those made here are put into ``made``."""
    brand, _ = cached_brand(project)
    made = {} if made is None else made
    try:
        paper = parse_paper(paper) if paper else brand.clinic.paper
    except ValueError as exc:
        raise ContentError.at(None, None, "paper", str(exc)) from None
    page_layout = layout.choose(large)
    keyed = dict(zip(items, keys.each)) if keys else {}   # an item -> its Handout's digest
    if keyed and all(k in _handouts for k in keyed.values()):
        todo = [(item, None) for item in items]      # each made before: no file to find or read
    else:
        todo = plan(project, None, items, packet=True)   # each named once, in order
    problems: list[Problem] = []
    cats = {}
    for lang in dict.fromkeys(item.lang for item, _ in todo):
        known = (lang, keys.common) if keys else None
        try:
            cat = _handouts.get(known)
            cats[lang] = made[known] = build.words(project, lang) if cat is None else cat
        except HandoutError as exc:
            problems.extend(exc.problems)
    if problems:
        raise HandoutError(problems)
    handouts, failed = [], {}
    for i, (item, path) in enumerate(todo):
        known = keyed.get(item)
        try:
            h = _handouts.get(known)
            if h is None:
                h = build.with_words(build.load_handout(item, path, brand), brand, project, cats[item.lang])
        except HandoutError as exc:
            if not packet:      # one handout: its own error, as build reports it
                raise
            failed[i] = exc.problems
            continue
        handouts.append((i, h))
        if known:
            made[known] = h
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
