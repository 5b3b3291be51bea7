"""Every handout of the project as a card: the page's view of the article
library (``handouts.library``).

The folder is listed on each request and each file read through the library,
which parses a file again only when its content changed, so edits show up
without a restart and an unchanged library costs a few small reads. A file
with a problem becomes an unavailable entry carrying its error lines; the
others keep working.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from handouts import library, render, review, translations
from handouts.errors import HandoutError
from handouts.library import Item
from handouts.project import SLUG_RE, Project
from handouts.schema.article import Article
from handouts.web import search

#: A markup tag inside a body (``<b>``): not a word to search for.
MARKUP_TAG = re.compile(r"<[^<>]{1,200}>")


@dataclass(frozen=True)
class Entry:
    """One language of one handout: its article, or its problems."""

    slug: str
    lang: str
    path: Path
    article: Article | None
    problems: tuple[str, ...] = ()
    stamp: bytes = b""                    # the digest of the file's content when read
    approval: review.State | None = None  # its words against their approval record
    stale: str | None = None              # a translation made from other words: the original's language

    @property
    def ok(self) -> bool:
        return self.article is not None

    @property
    def draft(self) -> bool:
        """Never approved, or changed since: not for a patient. (A handout whose
        words cannot be read has problems instead, and is not shown at all.)"""
        return self.approval is not None and self.approval.draft


@dataclass
class Card:
    slug: str
    entries: dict[str, Entry] = field(default_factory=dict)   # lang -> entry

    @property
    def langs(self) -> list[str]:
        return list(self.entries)

    @property
    def good(self) -> dict[str, Entry]:
        return {lang: e for lang, e in self.entries.items() if e.ok}

    def main(self, prefer: str = "en") -> Entry | None:
        """The entry to show first: the preferred language if it is good."""
        good = self.good
        if prefer in good:
            return good[prefer]
        return next(iter(good.values()), None)

    @property
    def problems(self) -> list[str]:
        return [p for e in self.entries.values() for p in e.problems]

    @property
    def next_review(self) -> dt.date | None:
        """The earliest review due: an approval's age, or a ``next_review:`` date."""
        dates = [e.article.next_review for e in self.good.values() if e.article.next_review]
        dates += [e.approval.due for e in self.good.values() if e.approval and not e.approval.draft]
        return min(dates) if dates else None

    @property
    def reviewed(self) -> dt.date | None:
        """The oldest approval of its words (None when no language is approved)."""
        dates = [e.approval.record.date for e in self.good.values() if not e.draft]
        return min(dates) if dates else None

    def overdue(self, today: dt.date | None = None) -> bool:
        due = self.next_review
        return due is not None and due < (today or dt.date.today())

    def document(self, lang: str | None = None) -> search.Document:
        """The searchable words of every good language, or of ``lang`` only:
        title, summary, keywords, headings, codes, and the whole text (body,
        bullets and callout), each field weighted as ``search.WEIGHTS`` says."""
        doc = search.Document(self.slug)
        doc.add("keywords", self.slug.replace("-", " "))
        for entry in self.good.values():
            if lang is not None and entry.lang != lang:
                continue
            a = entry.article
            doc.add("title", a.title)
            doc.add("summary", a.summary)
            for kw in a.keywords:
                doc.add("keywords", kw)
            for block in (*a.sections, *([a.callout] if a.callout else [])):
                doc.add("headings", block.heading)
                doc.add("body", MARKUP_TAG.sub(" ", " ".join([block.body or "", *block.bullets])))
            for code in (*a.codes.icd10cm, *a.codes.snomed):
                doc.add_code(code)
        return doc

    def best_lang(self, query: str, prefer: str) -> Entry | None:
        """The language whose words match ``query`` best (``prefer`` on a tie
        or when no single language matches): Enter on "calambres" opens the
        Spanish handout."""
        good = self.good
        scored = sorted(((-search.score(self.document(lang), query), lang != prefer, lang)
                         for lang in good))
        if not scored or not scored[0][0]:
            return self.main(prefer)
        return good[scored[0][2]]


class Library:
    """The project's handouts, kept fresh."""

    def __init__(self, project: Project):
        self.project = project
        self._docs: dict[str, tuple[tuple, search.Document]] = {}

    def relative(self, path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.project.root))
        except (ValueError, OSError):
            return str(path)

    def _entry(self, slug: str, lang: str, path: Path) -> Entry:
        read = library.load(path)
        problems, approval = tuple(self.describe(p) for p in read.problems), None
        if read.ok:
            try:
                approval = render.approval(self.project, Item(lang, slug))
            except HandoutError as exc:   # its template or approval record: it cannot be shown
                problems += tuple(self.describe(p) for p in exc.problems)
        return Entry(slug, lang, path, read.article, problems, read.digest, approval)

    def _follow(self, cards: dict[str, "Card"]) -> None:
        """Mark translations made from other words of their original."""
        digests = {Item(e.lang, e.slug): e.approval.digest for c in cards.values()
                   for e in c.entries.values() if e.approval}
        found = translations.survey(self.project, digests.get)
        for card in cards.values():
            for lang, e in card.entries.items():
                if found.stale(lang, card.slug):
                    card.entries[lang] = replace(e, stale=found.source_of(lang, card.slug)[0])

    def describe(self, problem) -> str:
        """``content/en/x.yaml:14: field: message`` with a path from the project."""
        text = str(problem)
        if problem.path is not None:
            text = text.replace(str(problem.path), self.relative(problem.path), 1)
        return text

    def cards(self, prefer: str = "en") -> list[Card]:
        """Every handout, sorted by its title in ``prefer`` (the page's
        language) where it has one."""
        cards: dict[str, Card] = {}
        langs = sorted(library.languages(self.project), key=lambda lang: (lang != "en", lang))
        for lang in langs:
            for slug, path in library.files(self.project, lang).items():
                if not SLUG_RE.match(slug):
                    continue
                cards.setdefault(slug, Card(slug)).entries[lang] = self._entry(slug, lang, path)
        self._follow(cards)
        def sort_key(card: Card):
            main = card.main(prefer)
            return (main is None, search.fold(main.article.title) if main else card.slug)
        return sorted(cards.values(), key=sort_key)

    def card(self, slug: str) -> Card | None:
        """One handout by slug; None for anything that is not one."""
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            return None
        for card in self.cards():
            if card.slug == slug:
                return card
        return None

    def search(self, query: str, cards: list[Card] | None = None) -> list[Card]:
        cards = self.cards() if cards is None else cards
        docs = []
        for card in cards:
            stamp = tuple(sorted((e.lang, e.stamp) for e in card.entries.values()))
            cached = self._docs.get(card.slug)
            if not cached or cached[0] != stamp:
                cached = (stamp, card.document())
                self._docs[card.slug] = cached
            docs.append(cached[1])
        order = search.rank(docs, query)
        by_slug = {c.slug: c for c in cards}
        return [by_slug[s] for s in order]
