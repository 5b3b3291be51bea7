"""What both EHR endpoints share: the handouts a code asks for, the language
to hand each one out in, the links, and the words.

Handouts are read through the article library (``handouts.library``), which
parses a file again only when its content changed; a file with a problem is
left out (the page shows it as unavailable).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote


from handouts import catalog, library
from handouts.ehr import codes
from handouts.errors import HandoutError
from handouts.paths import bundled_root
from handouts.project import SLUG_RE, Project
from handouts.schema.article import Article

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
class Handout:
    """One handout: its good articles by language (English first)."""

    slug: str
    articles: dict[str, Article]

    def codes(self) -> dict[str, set[str]]:
        """Its codes: those of all its language files together."""
        return {s: {c for a in self.articles.values() for c in getattr(a.codes, s)} for s in codes.SYSTEMS}

    def covers(self, wanted: "Asked") -> bool:
        return any(codes.covers(wanted.system, mine, wanted.code) for mine in self.codes()[wanted.system])


def handouts(project: Project) -> list[Handout]:
    """Every handout with at least one good language file whose words a
    clinician approved (a draft is never handed out), by title."""
    found: dict[str, dict[str, Article]] = {}
    langs = sorted(library.languages(project), key=lambda lg: (lg != FALLBACK, lg))
    for lang in langs:
        for slug, path in library.files(project, lang).items():
            entry = library.load(path) if SLUG_RE.match(slug) else None
            if entry is not None and entry.ok and approved_on(project, slug, lang) is not None:
                found.setdefault(slug, {})[lang] = entry.article
    out = [Handout(slug, articles) for slug, articles in found.items()]
    return sorted(out, key=lambda h: (next(iter(h.articles.values())).title.casefold(), h.slug))


@dataclass(frozen=True)
class Chosen:
    """A handout to hand out: in ``lang``; ``fallback`` when that is not the
    language asked for."""

    slug: str
    lang: str
    article: Article
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


def matching(project: Project, wanted: list[Asked]) -> list[Handout]:
    """The handouts any of ``wanted`` asks for, by title."""
    if not wanted:
        return []
    return [h for h in handouts(project) if any(h.covers(a) for a in wanted)]


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


def choose(handout: Handout, lang: str) -> Chosen:
    """The language to hand out: the one asked for (``es-MX`` finds ``es``,
    ``es`` finds ``es-MX``), else English, else the first there is."""
    good = handout.articles
    primary = lang.split("-")[0].lower()
    for match in (lambda lg: lg.lower() == lang.lower(), lambda lg: lg.lower() == primary,
                  lambda lg: lg.split("-")[0].lower() == primary):
        for lg, article in good.items():
            if match(lg):
                return Chosen(handout.slug, lg, article, lang, False)
    lg = FALLBACK if FALLBACK in good else next(iter(good))
    return Chosen(handout.slug, lg, good[lg], lang, True)


def page_url(base: str, chosen: Chosen) -> str:
    return f"{base.rstrip('/')}/h/{quote(chosen.lang)}/{quote(chosen.slug)}"


def pdf_url(base: str, chosen: Chosen) -> str:
    return page_url(base, chosen) + "/handout.pdf"


class Words:
    """The ``ehr.`` phrases of one language's catalog (English when the
    project has no catalog for it), and language names in that language."""

    def __init__(self, project: Project, lang: str):
        self.templates, self.bundled = project.templates, bundled_root() / "templates"
        have = catalog.languages(self.templates, self.bundled)
        primary = lang.split("-")[0]
        self.lang = lang if lang in have else primary if primary in have else catalog.REFERENCE
        self.cat = catalog.load(self.templates, self.bundled, self.lang)

    def __call__(self, phrase: str, /, **values) -> str:
        return self.cat[f"ehr.{phrase}"].format(**values)

    def language_name(self, lang: str) -> str:
        return catalog.language_name(self.templates, self.bundled, lang, self.lang, in_sentence=True)


def clinic_name(project: Project) -> str:
    """The clinic's name from clinic.yaml (its folder name if that file has a
    problem, so an EHR still gets an answer)."""
    from handouts.inputs import cached_brand

    try:
        return cached_brand(project)[0].clinic.name
    except HandoutError:
        return project.root.name


def approved_on(project: Project, slug: str, lang: str) -> dt.date | None:
    """When a clinician approved the words of this handout as they are now
    (None: a draft, or it has problems)."""
    from handouts import render

    try:
        state = render.approval(project, library.Item(lang, slug))
    except HandoutError:
        return None
    return None if state.draft else state.record.date


def reviewed_at(project: Project, chosen: "Chosen") -> dt.datetime:
    """When its words were approved, as a time (midnight UTC), for feeds."""
    day = approved_on(project, chosen.slug, chosen.lang) or dt.date(2000, 1, 1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc)
