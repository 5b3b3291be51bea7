"""Health-literacy and print checks behind ``handouts check``.

For each handout and language: reading grade, long sentences, summary and call
to action, review dates, fit and glyphs. Problems that stop a build are errors;
the rest are warnings, which fail only with ``strict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from handouts import readability
from handouts.build import run
from handouts.errors import HandoutError
from handouts.loader import field_name
from handouts.model import load_article
from handouts.project import Project, load_brand

DEFAULT_GRADE = 6.0
DEFAULT_REVIEW_MONTHS = 24


@dataclass
class HandoutCheck:
    slug: str
    lang: str
    title: str | None = None
    grade: float | None = None
    grade_target: float = DEFAULT_GRADE
    long_sentences: list[str] = field(default_factory=list)
    has_summary: bool = False
    has_call_to_action: bool = False
    reviewed: str | None = None
    reviewed_days_ago: int | None = None
    next_review: str | None = None
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
          grade_target: float = DEFAULT_GRADE, today: dt.date | None = None,
          review_months: int | None = None) -> list[HandoutCheck]:
    """Check every handout of each language (default: all languages).
    ``review_months`` defaults to ``review_every_months`` in clinic.yaml."""
    today = today or dt.date.today()
    if review_months is None:
        try:
            review_months = load_brand(project).clinic.review_every_months
        except HandoutError:
            review_months = DEFAULT_REVIEW_MONTHS
    results: list[HandoutCheck] = []
    for lang in langs or project.languages():
        report = run(project, lang=lang, slugs=slugs, paper=paper, write=False)
        for problem in report.problems:
            results.append(HandoutCheck(slug="-", lang=lang, errors=[str(problem)]))
        for problem in report.warnings:
            results.append(HandoutCheck(slug="-", lang=lang, warnings=[str(problem)]))
        files = project.article_files(lang)
        for outcome in report.outcomes:
            c = HandoutCheck(outcome.slug, lang, grade_target=grade_target)
            results.append(c)
            c.errors = [str(p) for p in outcome.problems]
            c.glyphs_ok = not any("has no glyph" in e for e in c.errors)
            if outcome.fit is not None:
                c.fits = outcome.fit.fits
                c.room_in = round(outcome.fit.room / 72, 2)
                c.body_pt = outcome.fit.body_pt
                c.warnings += [f"{field_name(where) or 'a block'} is taller than a column, so it "
                               "is split between lines" for where in outcome.fit.split]
            elif any("does not fit" in e for e in c.errors):
                c.fits = False
            try:
                article, _ = load_article(files[outcome.slug])
            except HandoutError:
                continue
            _words(c, article, lang, today)
            _review_due(c, article, today, review_months)
    return results


def _words(c: HandoutCheck, article, lang: str, today: dt.date) -> None:
    c.title = article.title
    c.grade = readability.grade(article, lang)
    if c.grade is not None:
        c.grade = round(c.grade, 1)
        if c.grade > c.grade_target:
            c.warnings.append(f"reading grade {c.grade} is above the target {c.grade_target:g}")
    c.long_sentences = readability.long_sentences(article)
    if c.long_sentences:
        c.warnings.append(f"{len(c.long_sentences)} sentence(s) over "
                          f"{readability.LONG_SENTENCE_WORDS} words")
    c.has_summary = bool(article.summary.strip())
    c.has_call_to_action = article.callout is not None
    if not c.has_call_to_action:
        c.warnings.append("no call to action (add a callout such as “When to get help”)")
    c.reviewed = article.reviewed.isoformat()
    c.reviewed_days_ago = (today - article.reviewed).days
    if c.reviewed_days_ago < 0:
        c.warnings.append(f"reviewed date {c.reviewed} is in the future")
    if article.next_review is not None:
        c.next_review = article.next_review.isoformat()
        if article.next_review < today:
            c.warnings.append(f"next review was due {c.next_review}")


def add_months(day: dt.date, months: int) -> dt.date:
    """``2024-01-31`` + 1 month -> ``2024-02-29``."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _review_due(c: HandoutCheck, article, today: dt.date, months: int) -> None:
    due = add_months(article.reviewed, months)
    if due < today:
        c.warnings.append(f"last reviewed {article.reviewed.isoformat()}, more than {months} months "
                          f"ago (review_every_months in clinic.yaml); please review it")


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
    head = ("handout", "lang", "grade", "long", "summary/CTA", "reviewed", "fit", "glyphs", "status")
    rows = []
    for c in results:
        if c.fits is None:
            fit = "-"
        elif c.fits:
            fit = f"{c.room_in:.2f} in left at {c.body_pt:g} pt"
        else:
            fit = "over"
        rows.append((
            c.slug, c.lang,
            "-" if c.grade is None else f"{c.grade:.1f} (≤{c.grade_target:g})",
            str(len(c.long_sentences)),
            f"{'yes' if c.has_summary else 'no'}/{'yes' if c.has_call_to_action else 'no'}",
            f"{c.reviewed or '-'} ({age(c.reviewed_days_ago)})" if c.reviewed else "-",
            fit,
            "-" if c.glyphs_ok is None else ("ok" if c.glyphs_ok else "missing"),
            c.status,
        ))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in [head, *rows]]
    for c in results:
        for s in c.long_sentences[:3]:
            lines.append(f"  {c.slug} ({c.lang}): long sentence ({len(s.split())} words): “{s}”")
        for w in c.warnings:
            lines.append(f"warning: {c.slug} ({c.lang}): {w}")
    return "\n".join(lines)
