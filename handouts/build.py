"""discover -> validate -> render -> write (atomically).

Two phases, as in Pelican: every handout is loaded and validated first, then
each good one is rendered in memory and only then written (a batch of more
than PHASE_CHUNK handouts goes a chunk at a time, so its memory stays flat).
A handout that fails is reported and nothing is written for it; the others
still build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from reportlab.lib.utils import ImageReader

from handouts import batch, layout, library, markup, review, weight
from handouts import catalog as catalogs
from handouts.converters import parse_paper
from handouts.errors import HandoutError, Problem
from handouts.handout import (TEMPLATE, Handout, clinic_words, handout_markup,  # noqa: F401 (re-exported)
                              load_handout, template_context, with_words, words)
from handouts.inputs import cached_brand
from handouts.library import Item
from handouts.output import write_atomic
from handouts.project import Brand, Project
from handouts.selection import plan

DRAFT_DATE = dt.date(2000, 1, 1)   # the PDF's date when no handout in it is approved


@dataclass
class Outcome:
    slug: str
    lang: str
    output: Path | None = None
    fit: layout.Fit | None = None
    problems: list[Problem] = field(default_factory=list)
    pdf: bytes | None = None     # kept only when not written
    size: int = 0                # bytes of the PDF made
    approval: review.State | None = None   # approved, changed or never approved (a big written batch: brief)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def item(self) -> Item:
        return Item(self.lang, self.slug)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # not tied to one handout
    warnings: list[Problem] = field(default_factory=list)  # worth knowing; not a failure
    packet: Path | None = None
    packet_pdf: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and all(o.ok for o in self.outcomes)

    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for o in self.outcomes for p in o.problems)]


# -------------------------------------------------------------------------
# Phase 2: render in memory (phase 1, a Handout from the library with its
# words checked against their approval, is handouts/handout.py).

def brand_art(brand: Brand, paper: str, logo=None) -> layout.BrandArt:
    """The brand's drawing parts; ``logo`` replaces the brand's logo image."""
    image = logo if logo is not None else brand.logo_image
    return layout.BrandArt(
        logo=ImageReader(image), logo_size=image.size, logo_alt=brand.clinic.words("logo_alt", "en"),
        author=brand.clinic.name, paper=paper,
    )


def fit_handout(handout: Handout, brand: Brand, project: Project, paper: str,
                page_layout: layout.Layout = layout.COLUMNS,
                cat: catalogs.Catalog | None = None) -> layout.Sheet:
    """Template -> markup -> flowables, fitted by ``page_layout`` (one page;
    large print: at most two), or a FitError."""
    handout = with_words(handout, brand, project, cat or words(project, handout.lang))
    parsed, family = handout.markup, handout.family or brand.family(handout.lang)
    script = brand.script(handout.lang)   # as its catalog's ``script:`` says, else its code or CLDR
    anywhere = script.break_anywhere   # Chinese, Japanese: lines break between characters
    rtl = script.rtl                   # Arabic: right to left, the page mirrored

    def build_at(body_pt: float, spacing: float, furniture: markup.Page | None = None) -> markup.Page:
        return markup.build(parsed, page_layout.styles(brand.palette, family, body_pt, spacing,
                                                       anywhere, rtl), furniture)

    # Everything build_at reads but the size and spacing: the fit search's
    # answer is kept on it (Layout.fit), for the same page asked again.
    key = (parsed.digest, brand.palette, family, anywhere, rtl)
    sheet = page_layout.fit(build_at, paper, brand_art(brand, paper), key)
    if not sheet.fit.fits:
        raise layout.fit_error(handout.path, sheet.fit, handout.loaded.line_for)
    return sheet.marked(sheet.page.title)


def doc_info(handouts: list[Handout], brand: Brand, cat: catalogs.Catalog) -> layout.DocInfo:
    """Metadata for one handout, or for a packet of several (in the words of
    ``cat``, the first handout's language)."""
    articles = [h.article for h in handouts]
    approved = [h.approval.record.date for h in handouts if h.approval and not h.approval.draft]
    latest = max(approved, default=DRAFT_DATE)
    if len(articles) == 1:
        a = articles[0]
        title, subject = a.title, a.summary
        keywords = tuple(a.keywords) or (a.title, brand.clinic.name)
    else:
        title = cat.format("handout.packet_title", titles="; ".join(a.title for a in articles))
        subject = cat.format("handout.packet_subject", count=len(articles), clinic=brand.clinic.name)
        keywords = tuple(dict.fromkeys(k for a in articles for k in (a.keywords or [a.title])))
    return layout.DocInfo(title=title, author=brand.clinic.name, subject=subject,
                          keywords=keywords, lang=handouts[0].lang,
                          created=(latest.year, latest.month, latest.day))


def bookmark(handout: Handout, cat: catalogs.Catalog, mixed: bool) -> str:
    """A packet's bookmark: the title, with the language's name in a packet
    that mixes languages."""
    if not mixed:
        return handout.article.title
    return cat.format("handout.bookmark_language", title=handout.article.title,
                      language=cat["handout.language"])


def packet_pdf(sheets: list[tuple[Handout, layout.Sheet]], brand: Brand, project: Project, paper: str,
               cats: dict[str, catalogs.Catalog] | None = None, bookmarks: bool = True) -> bytes:
    """Fitted handouts into one PDF (a packet: one page each, a bookmark each
    unless ``bookmarks`` is false, each part tagged with its language)."""
    cats = dict(cats or {})
    for h, _ in sheets:
        if h.lang not in cats:
            cats[h.lang] = words(project, h.lang)
    mixed = len({h.lang for h, _ in sheets}) > 1
    marked = [s.marked(bookmark(h, cats[h.lang], mixed) if bookmarks else None) for h, s in sheets]
    return layout.render_pdf(marked, brand_art(brand, paper),
                             doc_info([h for h, _ in sheets], brand, cats[sheets[0][0].lang]))


def render_single(handout: Handout, brand: Brand, project: Project, paper: str,
                  page_layout: layout.Layout, cat: catalogs.Catalog
                  ) -> tuple[layout.Fit, bytes, Problem | None]:
    """One handout's PDF, as ``build`` writes it: its fit, its bytes, and a
    warning when it is over the email limit even with a smaller logo."""
    sheet = fit_handout(handout, brand, project, paper, page_layout, cat)
    single = sheet.marked(None)
    info = doc_info([handout], brand, cat)
    pdf, too_big = weight.keep_under_limit(
        layout.render_pdf([single], brand_art(brand, paper), info),
        lambda logo: layout.render_pdf([single], brand_art(brand, paper, logo), info),
        brand.logo_image, f"{handout.slug}.pdf", brand.path, brand.loaded.line_for(("logo",)))
    return sheet.fit, pdf, too_big


# -------------------------------------------------------------------------
# The whole run, shared by `build` and `check`.

def run(project: Project | None = None, *, lang: str | None = "en", langs: Iterable[str] | None = None,
        slugs: Iterable[str | Item] = (), paper: str | None = None, out: Path | None = None,
        write: bool = True, packet: Path | None = None, large_print: bool = False,
        jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> Report:
    """Build (or, with ``write=False``, only check) handouts.

    ``langs`` names the languages (``lang`` is the one-language shorthand;
    both None: every language under content/). ``slugs`` may name a slug's
    language too: ``es:leg-cramps``, or be Items.

    ``jobs``: how many processes render (None: one per core for a big batch).
    With ``write``, the PDFs are written and not kept (``Outcome.size`` tells
    their size); without, each outcome holds its PDF.

    With ``packet``, write one PDF there instead: one handout per page, in the
    order of ``slugs`` (languages may mix), with a bookmark each. A packet is
    all or nothing. ``progress(done, total)`` is called as each handout is finished."""
    report = Report()
    if langs is None and lang is not None:
        langs = [lang]
    try:
        project = project or Project.find()
        brand, _ = cached_brand(project)
        paper = parse_paper(paper) if paper else brand.clinic.paper
        todo = plan(project, list(langs) if langs is not None else None, slugs, packet is not None)
        for job_lang in dict.fromkeys(item.lang for item, _ in todo):
            report.warnings.extend(library.stray_files(project, job_lang))
        report.problems.extend(review.orphans(project))
    except HandoutError as exc:
        report.problems.extend(exc.problems)
        return report
    except ValueError as exc:
        report.problems.append(Problem(None, None, "--paper", str(exc)))
        return report
    if not todo:
        where = project.content / langs[0] if langs else project.content
        report.problems.append(Problem(where, None, None, "no handouts found (*.yaml files)"))
        return report

    # Each language's words; a language whose catalog is broken builds nothing.
    # Its handouts count as failed, each with the catalog's problems.
    cats: dict[str, catalogs.Catalog] = {}
    broken: dict[str, list[Problem]] = {}
    for job_lang in dict.fromkeys(item.lang for item, _ in todo):
        try:
            cats[job_lang] = words(project, job_lang)
        except HandoutError as exc:
            broken[job_lang] = exc.problems

    out_dir = Path(out) if out is not None else project.default_output
    sheets: list[tuple[Handout, layout.Sheet]] = []
    page_layout = layout.choose(large_print)

    def render_one(handout: Handout) -> tuple[layout.Fit, bytes, Problem | None]:
        return render_single(handout, brand, project, paper, page_layout, cats[handout.lang])

    # A packet is all or nothing: every handout is validated before any is
    # rendered. A batch goes PHASE_CHUNK handouts at a time (each chunk wholly
    # validated, then rendered), and one bigger than that does not keep its
    # files in the library's cache, nor its approval records (nor, when the
    # PDFs are written, each approval's words): its memory stays flat.
    total, done = len(todo), 0
    step = total if packet is not None else PHASE_CHUNK
    keep = total <= step
    for start in range(0, total, step):
        chunk = todo[start:start + step]
        handouts = validated(chunk, brand, project, cats, broken, report, keep)
        done += len(chunk) - len(handouts)  # those that failed in phase 1
        if progress:
            progress(done, total)
        if packet is not None:  # every page into one PDF, in this process
            sheets.extend(fitted(handouts, brand, project, paper, page_layout, cats, report))
            continue
        for handout, result, problems in batch.ordered_map(render_one, handouts, jobs):
            approval = handout.approval
            if approval is not None and write and not keep:   # a big written batch: no words kept
                approval = brief(approval)
            outcome = Outcome(handout.slug, handout.lang, problems=problems, approval=approval)
            report.outcomes.append(outcome)
            done += 1
            if progress:
                progress(done, total)
            if problems:
                continue
            outcome.fit, pdf, too_big = result
            if too_big:
                report.warnings.append(too_big)
            outcome.size = len(pdf)
            if not write:
                outcome.pdf = pdf
                continue
            target = out_dir / handout.lang / f"{handout.slug}{page_layout.suffix}.pdf"
            try:
                write_atomic(target, pdf)  # and not kept: memory stays flat over a big batch
                outcome.output = target
            except HandoutError as exc:
                outcome.problems.extend(exc.problems)
    order = {item: i for i, (item, _) in enumerate(todo)}
    report.outcomes.sort(key=lambda o: order.get((o.lang, o.slug), 0))
    if packet is not None and report.ok and sheets:
        pdf = packet_pdf(sheets, brand, project, paper, cats)
        report.packet_pdf = pdf
        if write:
            try:
                write_atomic(Path(packet), pdf)
                report.packet = Path(packet)
            except HandoutError as exc:
                report.problems.extend(exc.problems)
    return report


def brief(state: review.State) -> review.State:
    """The approval state without its words (``text`` and the record's): it
    still answers ``kind``, ``draft``, ``label()`` and ``review_due``, not
    ``warning()``'s word counts. What a big written batch's report keeps."""
    record = replace(state.record, text="") if state.record is not None else None
    return replace(state, text="", record=record)


#: A big batch is validated and rendered this many handouts at a time.
PHASE_CHUNK = 128


def validated(todo: list, brand: Brand, project: Project, cats: dict, broken: dict, report: Report,
              keep: bool = True) -> list[Handout]:
    """Phase 1: each handout validated, its words read and checked against
    their approval, before any of them is rendered; the failures go into
    ``report``. ``keep``: keep the files read in the library's cache."""
    handouts: list[Handout] = []
    for item, path in todo:
        if item.lang in broken:
            report.outcomes.append(Outcome(item.slug, item.lang, problems=list(broken[item.lang])))
            continue
        try:
            handouts.append(with_words(load_handout(item, path, brand, keep), brand, project, cats[item.lang],
                                       keep=keep))
        except HandoutError as exc:
            report.outcomes.append(Outcome(item.slug, item.lang, problems=exc.problems))
    return handouts


def fitted(handouts: list[Handout], brand: Brand, project: Project, paper: str,
           page_layout: layout.Layout, cats: dict, report: Report) -> list[tuple[Handout, layout.Sheet]]:
    """A packet's pages, each fitted (its outcome in ``report``)."""
    sheets = []
    for handout in handouts:
        outcome = Outcome(handout.slug, handout.lang, approval=handout.approval)
        report.outcomes.append(outcome)
        try:
            sheet = fit_handout(handout, brand, project, paper, page_layout, cats[handout.lang])
            outcome.fit = sheet.fit
            sheets.append((handout, sheet))
        except HandoutError as exc:
            outcome.problems.extend(exc.problems)
    return sheets
