"""Health-literacy and print checks behind ``handouts check``.

For each handout and language: reading grade, long sentences, summary and call
to action, review dates, fit and glyphs. Problems that stop a build are errors;
the rest are warnings, which fail only with ``strict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from handouts import library, readability, render, review, translations
from handouts.build import run
from handouts.errors import HandoutError, Kind, shown_path
from handouts.inputs import cached_brand
from handouts.loader import field_name
from handouts.project import Project
from handouts.schema.clinic import LOCALIZED
from handouts.selection import check_langs

DEFAULT_GRADE = 6.0
DEFAULT_REVIEW_MONTHS = 24


@dataclass
class HandoutCheck:
    slug: str
    lang: str
    title: str | None = None
    reading: str | None = None          # "5.2 (≤6)", "82.1 FH (≥75)" or "no reading-level formula for fr"
    reading_formula: str | None = None
    reading_score: float | None = None
    reading_target: float | None = None
    grade: float | None = None          # the score, when the formula is a grade (English)
    grade_target: float | None = None
    long_sentences: list[str] = field(default_factory=list)
    sentence_unit: str | None = None    # "words", or "characters" for a language without spaces
    sentence_limit: int | None = None   # a longer sentence is a warning
    longest_sentence: int | None = None  # in sentence_unit
    mean_sentence: float | None = None
    has_summary: bool = False
    has_call_to_action: bool = False
    reviewed: str | None = None         # the date of the approval of these very words
    reviewed_days_ago: int | None = None
    next_review: str | None = None
    approval: str | None = None         # "approved 2026-11-26", "changed since approved ...", "never approved"
    approved_by: str | None = None
    draft: bool | None = None
    digest: str | None = None           # of the words now (sha256:...)
    fits: bool | None = None
    room_in: float | None = None       # inches left (negative: over)
    body_pt: float | None = None
    glyphs_ok: bool | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "error" if self.errors else "warning" if self.warnings else "ok"

    def as_dict(self) -> dict:
        return {**asdict(self), "status": self.status}


def check(project: Project, langs: list[str] | None = None, slugs=(), paper: str | None = None,
          grade_target: float | None = None, today: dt.date | None = None,
          review_months: int | None = None) -> list[HandoutCheck]:
    """Check every handout of each language (default: all languages).
    An unknown language raises ContentError listing the languages there are.
    ``review_months`` defaults to ``review_every_months`` in clinic.yaml."""
    today = today or dt.date.today()
    named = bool(langs)
    langs = check_langs(project, langs) if langs else library.languages(project)
    if review_months is None:
        try:
            review_months = cached_brand(project)[0].clinic.review_every_months
        except HandoutError:
            review_months = DEFAULT_REVIEW_MONTHS
    results: list[HandoutCheck] = []
    clinic = brand = None
    try:
        brand = cached_brand(project)[0]
        clinic = brand.clinic
        results.extend(_clinic_checks(brand, library.languages(project)))
    except HandoutError:
        pass  # run() reports it, once per language
    slugs = list(slugs)
    nowhere = [s for s in slugs if not any(s in library.files(project, lg) for lg in langs)]
    reports = {}
    for lang in langs:
        mine = slugs
        if slugs and not named:  # a slug without --lang: the languages that have it
            have = library.files(project, lang)
            mine = [s for s in slugs if s in have] + ([s for s in nowhere] if lang == langs[0] else [])
            if not mine:
                continue
        reports[lang] = run(project, lang=lang, slugs=mine, paper=paper, write=False)
    known = {o.item: o.approval.digest for r in reports.values() for o in r.outcomes if o.approval}
    found = translations.survey(project, lambda item: known.get(item) or words_digest(project, item))
    orphans = {str(p) for p in review.orphans(project)}
    for i, (lang, report) in enumerate(reports.items()):
        spaceless = _spaceless(brand, lang)   # the language's script: once, not per handout
        for problem in report.problems:
            if str(problem) in orphans and i:   # an approval without a handout: said once
                continue
            results.append(HandoutCheck(slug="-", lang=lang, errors=[str(problem)]))
        for problem in report.warnings:
            results.append(HandoutCheck(slug="-", lang=lang, warnings=[str(problem)]))
        for outcome in report.outcomes:
            c = HandoutCheck(outcome.slug, lang)
            results.append(c)
            c.errors = [str(p) for p in outcome.problems]
            kinds = {p.kind for p in outcome.problems}
            c.glyphs_ok = Kind.GLYPH not in kinds
            if outcome.fit is not None:
                c.fits = outcome.fit.fits
                c.room_in = round(outcome.fit.room / 72, 2)
                c.body_pt = outcome.fit.body_pt
                c.warnings += [f"{field_name(where) or 'a block'} is taller than a column, so it "
                               "is split between lines" for where in outcome.fit.split]
            elif Kind.FIT in kinds:
                c.fits = False
            article = found.article(lang, outcome.slug)
            if article is None:
                continue
            _words(c, article, lang, today, clinic, grade_target, spaceless)
            if outcome.approval is not None:
                _approval(c, outcome.approval, found.files[outcome.slug][lang], today, review_months)
            c.warnings.extend(found.warnings(lang, outcome.slug))
    return results


def _clinic_checks(brand, languages: list[str]) -> list[HandoutCheck]:
    """clinic.yaml: words given in some languages only, reading formulas."""
    clinic, loaded = brand.clinic, brand.loaded
    row = HandoutCheck(slug="clinic.yaml", lang="*")

    def where(*loc):
        line = loaded.line_for(loc)
        return f"{shown_path(loaded.path)}:{line}" if line else shown_path(loaded.path)

    if len(languages) > 1:
        for key in LOCALIZED:
            if getattr(clinic, key) is None:
                continue
            given = clinic.languages_of(key)
            if given is None:
                row.warnings.append(
                    f"{where(key)}: {key} is given in one language only, so it prints the same in "
                    f"every language ({', '.join(languages)}); give one text per language, such as "
                    f"{key}: {{{', '.join(f'{lang}: ...' for lang in languages)}}}")
                continue
            lacking = [lang for lang in languages if lang not in given]
            if lacking:
                shown = ("untranslated" if key == "tagline"
                         else "the general words of the catalog instead")
                row.warnings.append(
                    f"{where(key)}: {key} is given in {', '.join(given)} only; the "
                    f"{', '.join(lacking)} handouts will show it {shown} "
                    f"(add {', '.join(f'{lang}: ...' for lang in lacking)})")
    from handouts.scaffold import placeholders_in

    spoken = {"qr": "QR code link", "logo_alt": "logo description", "email": "email address",
              "website": "web address", "phone": "phone number"}
    for loc, value in sorted(placeholders_in(clinic), key=lambda f: loaded.line_for(f[0]) or 0):
        row.warnings.append(f"{where(*loc)}: {'.'.join(loc)}: still init's placeholder ({value!r}); "
                            f"put your clinic's own {spoken.get(loc[0], loc[0])} here")
    for lang, target in clinic.reading.items():
        bad = readability.unknown_formula(target.formula)
        if bad:
            row.errors.append(f"{where('reading', lang, 'formula')}: reading.{lang}.formula: {bad}")
    return [row] if row.warnings or row.errors else []


def _spaceless(brand, lang: str) -> bool | None:
    """Whether ``lang`` is written without spaces, as the brand's fonts see it
    (its catalog's ``script:`` first); None (CLDR's answer) without a brand
    or with a catalog whose script is wrong (reported by the build)."""
    if brand is None:
        return None
    try:
        return brand.script(lang).break_anywhere
    except HandoutError:
        return None


def _words(c: HandoutCheck, article, lang: str, today: dt.date, clinic=None,
           grade_target: float | None = None, spaceless: bool | None = None) -> None:
    c.title = article.title
    chosen = readability.target_for(lang, clinic, grade_target)
    if chosen is not None and readability.unknown_formula(chosen[0]) is None:
        level = readability.level(article, lang, clinic, grade_target, spaceless)
        c.reading = level.short()
        c.reading_formula = level.spec.label
        c.reading_score = level.score
        c.reading_target = level.target
        if not level.spec.easier_is_higher:
            c.grade, c.grade_target = level.score, level.target
        if level.problem():
            c.warnings.append(level.problem())
    else:
        c.reading = f"no reading-level formula for {lang}"
    measure = readability.measure(lang, spaceless)
    said = readability.sentences(article, lang, spaceless)
    lengths = [measure.length(s) for s in said] or [0]
    c.sentence_unit, c.sentence_limit = measure.unit, measure.limit
    c.longest_sentence, c.mean_sentence = max(lengths), round(sum(lengths) / len(lengths), 1)
    c.long_sentences = readability.long_sentences(article, lang, spaceless=spaceless)
    if c.long_sentences:
        c.warnings.append(f"{len(c.long_sentences)} sentence(s) over {measure.limit} {measure.unit}")
    c.has_summary = bool(article.summary.strip())
    c.has_call_to_action = article.callout is not None
    if not c.has_call_to_action:
        c.warnings.append("no call to action (add a callout such as “When to get help”)")
    if article.next_review is not None:
        c.next_review = article.next_review.isoformat()
        if article.next_review < today:
            c.warnings.append(f"next review was due {c.next_review}")


def _approval(c: HandoutCheck, state: review.State, path, today: dt.date, months: int) -> None:
    """Whether these very words were approved, by whom and when; a typed
    ``reviewed:`` date claims nothing."""
    state = review.state(state.item, state.text, state.record, months, today)
    c.approval, c.draft, c.digest = state.label(), state.draft, state.digest
    if state.record is not None:
        c.approved_by = state.record.by
        c.reviewed = state.record.date.isoformat()
        c.reviewed_days_ago = (today - state.record.date).days
    warning = state.warning()
    if warning:
        c.warnings.append(f"{shown_path(path)}: {warning}")
    loaded = library.load(path).loaded
    if loaded is not None and isinstance(loaded.data, dict) and "reviewed" in loaded.data:
        c.warnings.append(f"{shown_path(path)}:{loaded.line_for(('reviewed',))}: reviewed: is ignored: "
                          "a typed date claims no review; the review line comes from the approval "
                          "(handouts approve), so delete this line")


def words_digest(project: Project, item) -> str | None:
    """The digest of a handout's current words, or None when it has problems."""
    try:
        return render.approval(project, item).digest
    except HandoutError:
        return None


def age(days: int | None) -> str:
    if days is None:
        return "-"
    if days < 0:
        return "in the future"
    if days < 60:
        return f"{days} days ago"
    return f"{days // 30} months ago"


def table(results: list[HandoutCheck]) -> str:
    """The human-readable report."""
    head = ("handout", "lang", "reading level", "long sentences", "summary/CTA", "reviewed", "fit", "glyphs", "status")
    rows = []
    for c in results:
        if c.lang == "*":  # clinic.yaml: only its warnings, below
            continue
        if c.fits is None:
            fit = "-"
        elif c.fits:
            fit = f"{c.room_in:.2f} in left at {c.body_pt:g} pt"
        else:
            fit = "over"
        rows.append((
            c.slug, c.lang,
            c.reading or "-",
            str(len(c.long_sentences)) + (f" (longest {c.longest_sentence} {c.sentence_unit})"
                                          if c.longest_sentence is not None else ""),
            f"{'yes' if c.has_summary else 'no'}/{'yes' if c.has_call_to_action else 'no'}",
            ("DRAFT: " if c.draft else "") + (f"{c.reviewed} ({age(c.reviewed_days_ago)})"
                                               if c.reviewed else "never" if c.draft else "-"),
            fit,
            "-" if c.glyphs_ok is None else ("ok" if c.glyphs_ok else "missing"),
            c.status,
        ))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in [head, *rows]]
    for c in results:
        for s in c.long_sentences[:3]:
            measure = readability.Measure(c.sentence_unit, c.sentence_limit)
            lines.append(f"  {c.slug} ({c.lang}): long sentence ({measure.length(s)} {measure.unit}): “{s}”")
        for w in c.warnings:
            lines.append(f"warning: {w}" if c.lang == "*" else f"warning: {c.slug} ({c.lang}): {w}")
    return "\n".join(lines)
