"""One handout ready to render: its article from the library, checked
against the brand's fonts (phase 1), and the template's markup for it, its
words checked against their approval record and the review line written from
that record (``with_words``).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts import canonical, library, review, templating, templatewords
from handouts import catalog as catalogs
from handouts.errors import ContentError, Kind, Problem, TemplateError
from handouts.fonts import FontFamily, describe_char
from handouts.inputs import cached_brand, file_digest, tree_digest
from handouts.library import Item
from handouts.loader import Loaded
from handouts.project import SLUG_RE, Brand, Project, bundled_root
from handouts.schema.article import Article
from handouts.schema.validate import validate
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
    markup: markup.Markup | None = None     # with the review line written (``with_words``)
    approval: review.State | None = None    # its words against their approval record
    #: The fonts its language is set in (``Brand.family``, asked once: it reads the catalogs' script:).
    family: FontFamily | None = field(default=None, compare=False, repr=False)

    @property
    def item(self) -> Item:
        return Item(self.lang, self.slug)


def load_handout(item: Item, path: Path, brand: Brand, keep: bool = True) -> Handout:
    """The article of ``item`` from the library, with every character
    checked against the brand's fonts; a ContentError with all its problems.
    ``keep``: keep the file read in the library's cache (``library.load``)."""
    if not SLUG_RE.match(item.slug):
        raise ContentError.at(path, None, None,
                              "file names must be lower-case letters, digits and dashes, like leg-cramps.yaml")
    entry = library.load(path, keep)
    loaded = entry.loaded
    if loaded is None:  # not read at all
        entry.get()
    family = brand.family(item.lang)
    glyphs = [] if _all_drawable(family, loaded.data) else [
        Problem(*entry.locate(loc), message, Kind.GLYPH)   # an included block's words: its file
        for loc, text in _strings(loaded.data, ())
        for message in family.missing_in_words(text, face_for(loc), item.lang)]
    article = entry.get() if not glyphs else validate(Article, loaded, glyphs)
    return Handout(item.slug, item.lang, path, article, loaded, family=family)


def _all_drawable(family: FontFamily, data) -> bool:
    """Whether every character of every string in ``data`` is drawable in the
    face it is set in: the usual case, each character looked up once per face
    (not once per string: ``missing_in_words`` then finds nothing to say)."""
    chars: dict[str, set[str]] = {}
    for loc, text in _strings(data, ()):
        chars.setdefault(face_for(loc), set()).update(text)
    return all(family.drawable(ch, face) for face, seen in chars.items() for ch in seen if not ch.isspace())


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


def handout_markup(handout: Handout, brand: Brand, project: Project,
                   cat: catalogs.Catalog) -> markup.Markup:
    """The template's markup for one handout, parsed: every word on its page."""
    from handouts import markup, runaway   # the layout's modules, only when a page is made

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


def with_words(handout: Handout, brand: Brand, project: Project, cat: catalogs.Catalog,
               today: dt.date | None = None, keep: bool = True) -> Handout:
    """The handout with its markup, its words checked against their approval
    record and the review line written from it (never from a typed date).
    ``keep``: keep the record read in the review cache (``review.lookup``)."""
    if handout.markup is not None:
        return handout
    parsed = handout_markup(handout, brand, project, cat)
    state = review.state(handout.item, review.words(parsed.root), review.lookup(
        project.content, handout.item, today, keep), brand.clinic.review_every_months, today)
    line = review.review_line(state, cat.section("handout"), handout.lang)
    review.fill_review_line(parsed.root, line)
    parsed.changed(line)
    _check_markup_glyphs(parsed, handout.family or brand.family(handout.lang), handout.lang,
                         project.templates / TEMPLATE)
    return replace(handout, markup=parsed, approval=state)


_approvals: dict[tuple, review.State] = {}
_lock = threading.Lock()


def approval(project: Project, item: Item, today: dt.date | None = None) -> review.State:
    """The words of one handout against their approval record (approved,
    changed, never approved; review due), without the layout's modules: for
    ``list``, translation tracking, the page and the EHR answers. Memoised on
    the digest of every input; a HandoutError when the handout has problems."""
    item, today = Item(*item), today or dt.date.today()
    path = library.path(project, item)
    brand, brand_digest = cached_brand(project)
    record = review.record_path(project.content, item)
    key = (str(project.root), item, today, brand_digest, file_digest(path), file_digest(record),
           file_digest(record.with_suffix(".yml")), tree_digest(project.content / library.BLOCKS / item.lang),
           tree_digest(project.templates),
           tree_digest(bundled_root() / "templates"))
    with _lock:
        if key in _approvals:
            return _approvals[key]
    handout = load_handout(item, path, brand)
    cat = words(project, item.lang)
    text = templating.render(_environment(project.templates), TEMPLATE, template_context(handout, brand, cat))
    try:
        said = canonical.words(canonical.parse(text))
    except ValueError:
        handout_markup(handout, brand, project, cat)   # says what is wrong, at the template's line
        raise
    state = review.state(item, said, review.lookup(project.content, item, today),
                         brand.clinic.review_every_months, today)
    with _lock:
        if len(_approvals) > 4096:
            _approvals.clear()
        _approvals[key] = state
    return state


def _check_markup_glyphs(parsed: markup.Markup, family: FontFamily, lang: str, template: Path) -> None:
    """Text the template itself adds must be drawable too."""
    text = parsed.root.text()
    missing = family.missing_glyphs(text)
    if missing:
        ch, face = missing[0]
        line = templating.problem_line(template, ch)
        raise TemplateError.at(template, line, None, f"{family.font_words(face, lang)} has no glyph for "
                               f"{describe_char(ch)}", Kind.GLYPH)
