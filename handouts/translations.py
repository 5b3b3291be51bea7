"""Translation tracking: which languages each handout exists in, and whether
a translation is older than the file it was translated from.

A translation says which version of the original it was made from with
``translated_from:``: the original's ``reviewed`` date (the English one, or
``{fr: 2026-11-01}`` for another original language). When the original is
reviewed again later, the translation is stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handouts import library
from handouts.catalog import REFERENCE
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

    def stale(self, lang: str, slug: str) -> bool:
        article, source = self.article(lang, slug), self.source_of(lang, slug)
        return bool(article and source and article.translated_from
                    and source[1].reviewed > article.translated_from[1])

    def warnings(self, lang: str, slug: str) -> list[str]:
        """Translation warnings for one handout."""
        out = []
        for other in self.missing(slug):
            out.append(f"there is no {language_name(other)} version "
                       f"(content/{other}/{slug}.yaml); {language_name(other)} readers get none")
        article, source = self.article(lang, slug), self.source_of(lang, slug)
        if article is None or source is None:
            return out
        src_lang, original = source
        name = language_name(src_lang)
        if article.translated_from is None:
            if lang != REFERENCE:
                out.append(f"{lang}/{slug} does not say which {name} version it was translated "
                           f"from; add translated_from: {original.reviewed.isoformat()} if it matches "
                           f"the {name} reviewed on that date")
            return out
        made = article.translated_from[1]
        if original.reviewed > made:
            out.append(f"{lang}/{slug} was translated from the {made.isoformat()} {name}; the {name} "
                       f"was reviewed again on {original.reviewed.isoformat()}, so the translation "
                       f"may be out of date")
        elif original.reviewed < made:
            out.append(f"{lang}/{slug} says it was translated from the {made.isoformat()} {name}, "
                       f"but the {name} was last reviewed on {original.reviewed.isoformat()}")
        return out


def survey(project: Project) -> Survey:
    """Every handout of every language, from the library (bad files are kept
    as problems)."""
    result = Survey(project, library.languages(project))
    for lang in result.languages:
        for slug, path in library.files(project, lang).items():
            result.files.setdefault(slug, {})[lang] = path
            entry = library.load(path)
            if entry.ok:
                result.articles[(lang, slug)] = entry.article
            result.problems.extend(entry.problems)
    return result
