"""Forgiving search: case, accents and small typos do not matter.

Text is folded (lower case, accents dropped, punctuation as spaces) and split
into words. A query word matches a handout word exactly, as its beginning
("cramp" -> "cramps"), or within one typo (two for long words): a letter
missing, extra, wrong, or two letters swapped ("insuficiency").
Every query word of three letters or more must match somewhere. The body
(fields in ``EXACT``) matches only a whole word or its beginning.

Diagnosis codes are words of their own, without the dot, matched only
exactly or as a category (never with a typo): "I87.2" finds a handout coded
I87.2, "I83" finds one coded I83 or I83.91, "I83.91" finds one coded I83 (its
category), and "I87.3" never finds I87.2.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field

#: How much a match in each field counts.
WEIGHTS = {"title": 4.0, "codes": 4.0, "keywords": 3.0, "summary": 2.0, "headings": 2.0, "body": 1.0}
#: Fields matched only by the same word or its beginning, never with a typo:
#: a handout's whole text has too many near words ("calf" is one letter
#: from "call").
EXACT = frozenset({"body"})
#: An ICD-10-CM code with its dot, in a query: the dot is dropped before folding.
DOTTED_CODE = re.compile(r"\b[A-Za-z][0-9][A-Za-z0-9]\.[A-Za-z0-9]{1,4}\b")


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isalnum() else " ")
    return "".join(out)


#: Han characters and kana: Chinese and Japanese write no spaces between
#: words, so a run of them is indexed, and searched, as its overlapping
#: pairs of characters ("腿抽筋" -> "腿抽", "抽筋"): a word of two or more
#: characters typed anywhere in a handout finds it, with no dictionary.
#: (Korean writes spaces; its syllables fold to letters, jamo, as above.)
_HAN = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def words(text: str) -> list[str]:
    out: list[str] = []
    for word in fold(text).split():
        for part in _HAN.split(word):
            if not part:
                continue
            if len(part) > 1 and _HAN.fullmatch(part):
                out.extend(part[i:i + 2] for i in range(len(part) - 1))
            else:
                out.append(part)
    return out


def _long_enough(word: str) -> bool:
    """A query word that must match: three letters or more, or two Han
    characters or kana (a pair carries a word's meaning)."""
    return len(word) >= 3 or bool(_HAN.match(word))


def typo_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent swaps count once), or
    ``limit + 1`` as soon as it must be larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def allowed_typos(word: str) -> int:
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


@lru_cache(maxsize=262_144)
def word_score(query: str, word: str) -> float:
    """1 for the same word, 0.9 for its beginning, 0.6 for a near miss, else 0."""
    if query == word:
        return 1.0
    if len(query) >= 3 and word.startswith(query):
        return 0.9
    limit = allowed_typos(query)
    if limit and typo_distance(query, word, limit) <= limit:
        return 0.6
    # A typo inside the beginning of a longer word: "insuf" for "insufficiency".
    if limit and len(word) > len(query) and typo_distance(query, word[:len(query)], 1) <= 1 and len(query) >= 5:
        return 0.5
    return 0.0


def exact_score(query: str, word: str) -> float:
    """1 for the same word, 0.9 for its beginning (three letters or more)."""
    if query == word:
        return 1.0
    return 0.9 if len(query) >= 3 and word.startswith(query) else 0.0


@dataclass
class Document:
    """One handout's searchable words, all languages together."""

    key: str
    fields: dict[str, set[str]] = field(default_factory=dict)

    def add(self, name: str, text: str) -> None:
        self.fields.setdefault(name, set()).update(words(text))

    def add_code(self, code: str) -> None:
        """A diagnosis code, kept whole: ``I87.2`` is the word ``i872``."""
        self.fields.setdefault("codes", set()).add(fold(code.replace(".", "")).strip())


def code_score(query: str, code: str) -> float:
    """1 for the same code; 0.9 for a category of it ("i83" finds "i8391");
    0.8 for an ICD-10-CM code under a handout's category ("i8391" finds
    "i83"). SNOMED CT ids are digits with no hierarchy in them."""
    if query == code:
        return 1.0
    if len(query) >= 3 and code.startswith(query):
        return 0.9
    return 0.8 if code[:1].isalpha() and len(code) >= 3 and query.startswith(code) else 0.0


def score(document: Document, query: str) -> float:
    """How well ``document`` matches ``query``; 0 for no match."""
    query = DOTTED_CODE.sub(lambda m: m.group(0).replace(".", ""), query)
    terms = [w for w in words(query) if _long_enough(w)] or words(query)
    if not terms:
        return 0.0
    total = 0.0
    for term in terms:
        best = 0.0
        for name, vocab in document.fields.items():
            weight = WEIGHTS.get(name, 1.0)
            match = code_score if name == "codes" else exact_score if name in EXACT else word_score
            for word in vocab:
                s = match(term, word)
                if s:
                    best = max(best, s * weight)
        if not best:
            return 0.0
        total += best
    return total


def rank(documents: list[Document], query: str) -> list[str]:
    """Keys of the documents that match ``query``, best first; all of them
    (in their order) for an empty query."""
    if not words(query):
        return [d.key for d in documents]
    scored = [(score(d, query), i, d.key) for i, d in enumerate(documents)]
    return [key for s, i, key in sorted(scored, key=lambda t: (-t[0], t[1])) if s > 0]
