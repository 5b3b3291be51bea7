"""Translation tracking: which languages each handout exists in, and whether
a translation still follows the words it was translated from.

Translations follow words, not dates. A translation says which words of the
original it was made from with ``translated_from:``, the digest of the
original's words (``sha256:3f9a2c41b7d0``, its first 12 hex digits or all 64;
``{fr: sha256:...}`` for an original in another language than English):
``handouts review SLUG --lang en`` and ``handouts list`` show it. When any
word of the original changes (its article, a shared block it includes, the
catalog's or the clinic's words), its digest changes and the translation is
out of date, whether or not anyone touched a date. A date there (the old
form) says nothing about the words: it is reported as out of date too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from handouts import library, review
from handouts.catalog import REFERENCE
from handouts.library import Item
from handouts.project import Project
from handouts.schema.article import Article


def language_name(lang: str) -> str:
    """``es`` -> ``Spanish``, for messages to clinic staff (in English)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name("en") or lang
    except (UnknownLocaleError, ValueError):
        return lang


@dataclass
class Survey:
    """Every handout file of a project, by slug and language."""

    project: Project
    languages: list[str]
    files: dict[str, dict[str, Path]] = field(default_factory=dict)
    articles: dict[tuple[str, str], Article] = field(default_factory=dict)
    problems: list = field(default_factory=list)
    #: The digest of a handout's current words (None when it cannot be read);
    #: without it, nothing is reported out of date.
    digest: Callable[[Item], str | None] | None = None

    def article(self, lang: str, slug: str) -> Article | None:
        return self.articles.get((lang, slug))

    def missing(self, slug: str) -> list[str]:
        return [lang for lang in self.languages if lang not in self.files.get(slug, {})]

    def source_of(self, lang: str, slug: str) -> tuple[str, Article] | None:
        """The original a translation was made from, when it is there."""
        article = self.article(lang, slug)
        if article is None:
            return None
        src_lang = (article.translated_from[0] if article.translated_from else None) or REFERENCE
        if src_lang == lang:
            return None
        src = self.article(src_lang, slug)
        return (src_lang, src) if src is not None else None

    def source_digest(self, lang: str, slug: str) -> tuple[str, str] | None:
        """(original language, digest of its current words), when both are known."""
        source = self.source_of(lang, slug)
        if source is None or self.digest is None:
            return None
        current = self.digest(Item(source[0], slug))
        return (source[0], current) if current else None

    def stale(self, lang: str, slug: str) -> bool:
        """Made from other words of the original than it has now (or from a date)."""
        article, source = self.article(lang, slug), self.source_digest(lang, slug)
        if article is None or source is None or article.translated_from is None:
            return False
        made = article.translated_from[1]
        return not (isinstance(made, str) and review.same(source[1], made))

    def warnings(self, lang: str, slug: str) -> list[str]:
        """Translation warnings for one handout."""
        out = []
        for other in self.missing(slug):
            out.append(f"there is no {language_name(other)} version "
                       f"(content/{other}/{slug}.yaml); {language_name(other)} readers get none")
        article, source = self.article(lang, slug), self.source_digest(lang, slug)
        if article is None or source is None:
            return out
        src_lang, current = source
        name, now = language_name(src_lang), "sha256:" + review.short(current)
        fix = f"translated_from: {now}" if src_lang == REFERENCE else f"translated_from: {{{src_lang}: {now}}}"
        look = f"handouts review {slug} --lang {src_lang}"
        made = article.translated_from[1] if article.translated_from else None
        if made is None:
            if lang != REFERENCE:
                out.append(f"{lang}/{slug} does not say which {name} words it was translated from; "
                           f"if it says what the {name} says now ({look}), add {fix}")
        elif not isinstance(made, str):
            out.append(f"{lang}/{slug} gives a date as translated_from ({made.isoformat()}), which says "
                       f"nothing about the words; translations follow words now: compare it with "
                       f"the {name} ({look}) and write {fix}")
        elif not review.same(current, made):
            out.append(f"{lang}/{slug} is out of date: it was translated from other {name} words "
                       f"({made}); the {name} words are now {now} ({look} shows what changed "
                       f"since they were approved). Update the translation, then write {fix}")
        return out


def survey(project: Project, digest: Callable[[Item], str | None] | None = None) -> Survey:
    """Every handout of every language, from the library (bad files are kept
    as problems). ``digest`` tells the words of an original (see Survey)."""
    result = Survey(project, library.languages(project), digest=digest)
    for lang in result.languages:
        for slug, path in library.files(project, lang).items():
            result.files.setdefault(slug, {})[lang] = path
            entry = library.load(path)
            if entry.ok:
                result.articles[(lang, slug)] = entry.article
            result.problems.extend(entry.problems)
    return result
