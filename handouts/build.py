"""discover -> validate -> render -> write (atomically).

Two phases, as in Pelican: every handout is loaded and validated first, then
each good one is rendered in memory and only then written. A handout that fails
is reported and nothing is written for it; the others still build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from reportlab.lib.utils import ImageReader

from handouts import batch, layout, library, markup, runaway, templating, templatewords, weight
from handouts import catalog as catalogs
from handouts.converters import parse_paper
from handouts.errors import ContentError, HandoutError, Kind, Problem, TemplateError
from handouts.fonts import describe_char
from handouts.inputs import cached_brand, tree_digest
from handouts.library import Item
from handouts.loader import Loaded
from handouts.output import write_atomic
from handouts.project import SLUG_RE, Brand, Project, bundled_root
from handouts.schema.article import Article
from handouts.schema.validate import validate
from handouts.selection import plan
from handouts.styles import face_for

TEMPLATE = "handout.xml.j2"


@dataclass(frozen=True)
class Handout:
    """One validated article, ready to render."""

    slug: str
    lang: str
    path: Path
    article: Article
    loaded: Loaded

    @property
    def item(self) -> Item:
        return Item(self.lang, self.slug)


@dataclass
class Outcome:
    slug: str
    lang: str
    output: Path | None = None
    fit: layout.Fit | None = None
    problems: list[Problem] = field(default_factory=list)
    pdf: bytes | None = None     # kept only when not written
    size: int = 0                # bytes of the PDF made

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
# Phase 1: discover and validate.

def load_handout(item: Item, path: Path, brand: Brand) -> Handout:
    """The article of ``item`` from the library, with every character
    checked against the brand's fonts; a ContentError with all its problems."""
    if not SLUG_RE.match(item.slug):
        raise ContentError.at(path, None, None,
                              "file names must be lower-case letters, digits and dashes, like leg-cramps.yaml")
    entry = library.load(path)
    loaded = entry.loaded
    if loaded is None:  # not read at all
        entry.get()
    glyphs = [Problem(*entry.locate(loc), message, Kind.GLYPH)   # an included block's words: its file
              for loc, text in _strings(loaded.data, ())
              for message in brand.fonts.missing_in_words(text, face_for(loc))]
    article = entry.get() if not glyphs else validate(Article, loaded, glyphs)
    return Handout(item.slug, item.lang, path, article, loaded)


def _strings(data, loc):
    """Every string in loaded YAML with its location, valid or not."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, loc + (i,))


# -------------------------------------------------------------------------
# Phase 2: render in memory.

def _environment(templates_dir: Path):
    """The Jinja environment, made again when any template's content changes
    (Jinja's own check looks only at modification times)."""
    return _environment_for(templates_dir, tree_digest(templates_dir))


@lru_cache(maxsize=16)
def _environment_for(templates_dir: Path, digest: bytes):
    return templating.environment(templates_dir)


def words(project: Project, lang: str) -> catalogs.Catalog:
    """The language's catalog: the bundled words, overridden by the project's."""
    return catalogs.load(project.templates, bundled_root() / "templates", lang)


def clinic_words(brand: Brand, lang: str, cat: catalogs.Catalog) -> dict[str, Any]:
    """The clinic as plain data in one language: its per-language words
    resolved, the catalog's words where the clinic gives none."""
    clinic = brand.clinic
    qr = clinic.qr or clinic.website
    data = clinic.model_dump(exclude={"fonts", "reading"})
    data.update(
        qr=qr,
        tagline=clinic.words("tagline", lang),
        disclaimer=clinic.words("disclaimer", lang, cat["handout.disclaimer"]),
        logo_alt=clinic.words("logo_alt", lang, cat.format("handout.logo_alt", clinic=clinic.name)),
        qr_alt=clinic.words("qr_alt", lang, cat.format("handout.qr_alt", url=templating.bare_url(qr))),
        qr_caption=clinic.words("qr_caption", lang, cat["handout.qr_caption"]),
    )
    return data


def template_context(handout: Handout, brand: Brand, cat: catalogs.Catalog) -> dict[str, Any]:
    """Plain data for the template: no model objects, no methods."""
    article = handout.article.model_dump()
    for section, model in zip(article["sections"], handout.article.sections):
        section["paragraphs"] = model.paragraphs
    if handout.article.callout:
        article["callout"]["paragraphs"] = handout.article.callout.paragraphs
    return {"lang": handout.lang, "article": article, "clinic": clinic_words(brand, handout.lang, cat),
            "words": cat.section("handout")}


def brand_art(brand: Brand, paper: str, logo=None) -> layout.BrandArt:
    """The brand's drawing parts; ``logo`` replaces the brand's logo image."""
    image = logo if logo is not None else brand.logo_image
    return layout.BrandArt(
        logo=ImageReader(image), logo_size=image.size, logo_alt=brand.clinic.words("logo_alt", "en"),
        author=brand.clinic.name, paper=paper,
    )


def handout_markup(handout: Handout, brand: Brand, project: Project,
                   cat: catalogs.Catalog) -> markup.Markup:
    """The template's markup for one handout, parsed: every word on its page."""
    env = _environment(project.templates)
    context = template_context(handout, brand, cat)
    text = templating.render(env, TEMPLATE, context)
    try:
        parsed = markup.parse(text, project.templates / TEMPLATE)
        runaway.check(parsed, _strings(handout.loaded.data, ()),
                      lambda: templating.render_marked(env, TEMPLATE, context),
                      handout.path, handout.loaded.line_for)
        return parsed
    except markup.BrokenMarkup as exc:
        found = templatewords.broken_markup(templating.render_marked(env, TEMPLATE, context))
        if found is None:
            raise
        raise TemplateError.at(project.templates / TEMPLATE, *found[:1], None, found[1]) from None


def fit_handout(handout: Handout, brand: Brand, project: Project, paper: str,
                page_layout: layout.Layout = layout.COLUMNS,
                cat: catalogs.Catalog | None = None) -> layout.Sheet:
    """Template -> markup -> flowables, fitted by ``page_layout`` (one page;
    large print: at most two), or a FitError."""
    cat = cat or words(project, handout.lang)
    parsed = handout_markup(handout, brand, project, cat)
    _check_markup_glyphs(parsed, brand, project.templates / TEMPLATE)

    def build_at(body_pt: float, spacing: float) -> markup.Page:
        return markup.build(parsed, page_layout.styles(brand.palette, brand.fonts, body_pt, spacing))

    sheet = page_layout.fit(build_at, paper, brand_art(brand, paper))
    if not sheet.fit.fits:
        raise layout.fit_error(handout.path, sheet.fit, handout.loaded.line_for)
    return sheet.marked(sheet.page.title)


def doc_info(handouts: list[Handout], brand: Brand, cat: catalogs.Catalog) -> layout.DocInfo:
    """Metadata for one handout, or for a packet of several (in the words of
    ``cat``, the first handout's language)."""
    articles = [h.article for h in handouts]
    latest = max(a.reviewed for a in articles)
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


def _check_markup_glyphs(parsed: markup.Markup, brand: Brand, template: Path) -> None:
    """Text the template itself adds must be drawable too."""
    text = parsed.root.text()
    missing = brand.fonts.missing_glyphs(text)
    if missing:
        ch, face = missing[0]
        line = templating.problem_line(template, ch)
        raise TemplateError.at(template, line, None, f"the font {face} has no glyph for {describe_char(ch)}",
                               Kind.GLYPH)


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

    # Phase 1: every handout validated before anything is rendered.
    handouts: list[Handout] = []
    for item, path in todo:
        if item.lang in broken:
            report.outcomes.append(Outcome(item.slug, item.lang, problems=list(broken[item.lang])))
            continue
        try:
            handouts.append(load_handout(item, path, brand))
        except HandoutError as exc:
            report.outcomes.append(Outcome(item.slug, item.lang, problems=exc.problems))

    # Phase 2: render each in memory; write only what rendered.
    out_dir = Path(out) if out is not None else project.default_output
    sheets: list[tuple[Handout, layout.Sheet]] = []
    page_layout = layout.choose(large_print)

    def render_one(handout: Handout) -> tuple[layout.Fit, bytes, Problem | None]:
        return render_single(handout, brand, project, paper, page_layout, cats[handout.lang])

    total = len(todo)
    done = total - len(handouts)  # those that failed in phase 1
    if progress:
        progress(done, total)

    if packet is not None:  # every page into one PDF, in this process
        for handout in handouts:
            outcome = Outcome(handout.slug, handout.lang)
            report.outcomes.append(outcome)
            try:
                sheet = fit_handout(handout, brand, project, paper, page_layout, cats[handout.lang])
                outcome.fit = sheet.fit
                sheets.append((handout, sheet))
            except HandoutError as exc:
                outcome.problems.extend(exc.problems)
    for handout, result, problems in (batch.ordered_map(render_one, handouts, jobs)
                                      if packet is None else ()):
        outcome = Outcome(handout.slug, handout.lang, problems=problems)
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
