"""What both EHR endpoints share: the handouts a code asks for, the language
to hand each one out in, the links, and the words.

The library is anything with ``cards()`` and ``search(text)`` whose cards have
a ``slug`` and ``entries`` (language -> entry with ``ok`` and ``article``), as
the article library gives them; nothing here reads a file itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from babel import Locale

from handouts import catalog
from handouts.ehr import codes
from handouts.errors import HandoutError
from handouts.project import Project, bundled_root

#: The language handed out when the patient's is missing.
FALLBACK = "en"
#: ISO 639-2 codes some EHRs send for the languages most clinics have.
THREE_LETTER = {"eng": "en", "spa": "es", "fre": "fr", "fra": "fr", "por": "pt", "chi": "zh",
                "zho": "zh", "vie": "vi", "kor": "ko", "rus": "ru", "ara": "ar", "tgl": "tl"}


@dataclass(frozen=True)
class Asked:
    """One diagnosis an EHR asks about: a known system and a normalized code."""

    system: str
    code: str
    name: str = ""          # the EHR's display name, if it sent one

    @property
    def shown(self) -> str:
        return f"{self.code} {self.name}".strip() if self.name else self.code


@dataclass(frozen=True)
class Chosen:
    """A handout to hand out: in ``lang``; ``fallback`` when that is not the
    language asked for."""

    slug: str
    lang: str
    article: object
    asked_lang: str
    fallback: bool


def asked(system: str | None, code: str | None, name: str = "") -> list[Asked]:
    """The codes a (system, code) pair can mean: with a known system, that
    one; without a system, each whose shape fits (ICD-10-CM and SNOMED CT
    shapes never overlap). A code of an unknown system, or of no known shape,
    means nothing."""
    if not code or not code.strip():
        return []
    systems = codes.SYSTEMS if system is None else (system,)
    out = []
    for s in systems:
        c = codes.normalize(s, code)
        if codes.problem(s, c) is None:
            out.append(Asked(s, c, name.strip()))
    return out


def handout_codes(card) -> dict[str, set[str]]:
    """A handout's codes: those of all its language files together."""
    found: dict[str, set[str]] = {s: set() for s in codes.SYSTEMS}
    for entry in card.entries.values():
        if entry.ok:
            for s in codes.SYSTEMS:
                found[s].update(getattr(entry.article.codes, s))
    return found


def matching(library, wanted: list[Asked]) -> list:
    """The cards any of ``wanted`` asks for, in the library's order."""
    if not wanted:
        return []
    out = []
    for card in library.cards():
        have = handout_codes(card)
        if any(codes.covers(a.system, mine, a.code) for a in wanted for mine in have[a.system]):
            out.append(card)
    return out


def language(value: str | None) -> str:
    """The language tag an EHR sent, tidied: ``es-MX`` stays, ``ES_mx`` becomes
    ``es-MX``, ``spa`` becomes ``es``; nothing usable gives English."""
    if not value or not isinstance(value, str):
        return FALLBACK
    parts = value.strip().replace("_", "-").split("-")
    primary = parts[0].lower()
    primary = THREE_LETTER.get(primary, primary)
    if not (2 <= len(primary) <= 3 and primary.isalpha()):
        return FALLBACK
    rest = [p.upper() if len(p) == 2 else p for p in parts[1:] if p.isalnum()]
    return "-".join([primary, *rest])


def choose(card, lang: str) -> Chosen | None:
    """The entry to hand out: the language asked for (``es-MX`` finds ``es``),
    else English, else the first good one."""
    good = {lg: e for lg, e in card.entries.items() if e.ok}
    if not good:
        return None
    primary = lang.split("-")[0]
    for candidate in (lang, primary):
        for lg, entry in good.items():
            if lg.lower() == candidate.lower():
                return Chosen(card.slug, lg, entry.article, lang, False)
    for lg, entry in good.items():
        if lg.split("-")[0] == primary:
            return Chosen(card.slug, lg, entry.article, lang, False)
    lg = FALLBACK if FALLBACK in good else next(iter(good))
    return Chosen(card.slug, lg, good[lg].article, lang, True)


def page_url(base: str, chosen: Chosen) -> str:
    return f"{base.rstrip('/')}/h/{quote(chosen.lang)}/{quote(chosen.slug)}"


def pdf_url(base: str, chosen: Chosen) -> str:
    return page_url(base, chosen) + "/handout.pdf"


class Words:
    """The ``ehr.`` phrases of one language's catalog (English when the
    project has no catalog for it), and language names in that language."""

    def __init__(self, project: Project, lang: str):
        bundled = bundled_root() / "templates"
        have = catalog.languages(project.templates, bundled)
        primary = lang.split("-")[0]
        self.lang = lang if lang in have else primary if primary in have else catalog.REFERENCE
        self.cat = catalog.load(project.templates, bundled, self.lang)

    def __call__(self, phrase: str, /, **values) -> str:
        return self.cat[f"ehr.{phrase}"].format(**values)

    def language_name(self, lang: str) -> str:
        try:
            name = Locale.parse(lang.replace("-", "_")).get_display_name(self.lang.replace("-", "_"))
        except (ValueError, TypeError, LookupError):
            return lang
        return name if name else lang


def clinic_name(project: Project) -> str:
    """The clinic's name from clinic.yaml (its folder name if that file has a
    problem, so an EHR still gets an answer)."""
    from handouts.inputs import cached_brand

    try:
        return cached_brand(project)[0].clinic.name
    except HandoutError:
        return project.root.name


def reviewed_at(article) -> dt.datetime:
    """A handout's review date as a time (midnight UTC), for feeds."""
    return dt.datetime.combine(article.reviewed, dt.time(0, 0), tzinfo=dt.timezone.utc)
