"""Article's model as plain frozen dataclasses and hand-written checks that
report pydantic-shaped errors ({type, loc, input, ctx}) for validate.py's
translation, every error at once (a prototype for
bench/schema_libs.py to measure, never used by handouts)."""
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from handouts import headertext

BLOCK_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


class Invalid(Exception):
    def __init__(self, errors):
        self.errors = errors


class _Check:
    def __init__(self):
        self.errors = []

    def err(self, kind, loc, value, **ctx):
        self.errors.append({"type": kind, "loc": loc, "input": value, "ctx": ctx})

    def text(self, value, loc, most, least=1):
        if not isinstance(value, str):
            self.err("string_type", loc, value)
            return None
        value = value.strip()
        if len(value) < least:
            self.err("string_too_short", loc, value, min_length=least)
        elif len(value) > most:
            self.err("string_too_long", loc, value, max_length=most)
        return value

    def texts(self, value, loc, each, most, least=0):
        if value is None:
            return []
        if not isinstance(value, list):
            self.err("list_type", loc, value)
            return []
        if len(value) > most:
            self.err("too_long", loc, value, max_length=most)
        elif len(value) < least:
            self.err("too_short", loc, value, min_length=least)
        return [self.text(v, (*loc, i), each) for i, v in enumerate(value)]

    def keys(self, value, loc, allowed, required=()):
        if not isinstance(value, dict):
            self.err("model_type", loc, value)
            return None
        for k in value:
            if k not in allowed:
                self.err("extra_forbidden", (*loc, k), value[k])
        for k in required:
            if k not in value:
                self.err("missing", (*loc, k), value)
        return value


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    body: str | None = None
    bullets: list = field(default_factory=list)
    checklist: bool = False


@dataclass(frozen=True, slots=True)
class Callout:
    heading: str
    body: str | None = None
    bullets: list = field(default_factory=list)
    include: str | None = None


@dataclass(frozen=True, slots=True)
class Codes:
    icd10cm: list = field(default_factory=list)
    snomed: list = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    summary: str
    sections: list
    reviewed: dt.date | None = None
    next_review: dt.date | None = None
    callout: Callout | None = None
    sources: list = field(default_factory=list)
    keywords: list = field(default_factory=list)
    codes: Codes = field(default_factory=Codes)
    translated_from: Any = None


def _block(c, value, loc, most_bullets, extra=()):
    if c.keys(value, loc, ("heading", "body", "bullets", *extra), ("heading",)) is None:
        return None
    heading = c.text(value.get("heading"), (*loc, "heading"), 90) if "heading" in value else None
    body = value.get("body")
    body = None if body is None else c.text(body, (*loc, "body"), 2500)
    bullets = c.texts(value.get("bullets"), (*loc, "bullets"), 300, most_bullets)
    if not body and not bullets:
        c.err("value_error", loc, value, error="needs a body or bullets")
    return heading, body, bullets


def validate(data):
    c = _Check()
    if c.keys(data, (), ("title", "summary", "reviewed", "next_review", "sections", "callout", "sources",
                         "keywords", "codes", "translated_from"), ("title", "summary", "sections")) is None:
        raise Invalid(c.errors)
    title = c.text(data.get("title"), ("title",), 90) if "title" in data else None
    if title:
        try:
            headertext.check(title)
        except ValueError as exc:
            c.err("value_error", ("title",), title, error=str(exc))
    summary = c.text(data.get("summary"), ("summary",), 300) if "summary" in data else None
    sections = []
    raw = data.get("sections")
    if isinstance(raw, list):
        if not 1 <= len(raw) <= 6:
            c.err("too_long" if raw else "too_short", ("sections",), raw)
        for i, s in enumerate(raw):
            got = _block(c, s, ("sections", i), 14, ("checklist",))
            if got:
                checklist = s.get("checklist", False)
                if not isinstance(checklist, bool):
                    c.err("bool_type", ("sections", i, "checklist"), checklist)
                elif checklist and not got[2]:
                    c.err("value_error", ("sections", i), s, error="checklist: true needs bullets to tick")
                sections.append(Section(*got, checklist=checklist))
    elif "sections" in data:
        c.err("list_type", ("sections",), raw)
    callout = None
    if data.get("callout") is not None:
        got = _block(c, data["callout"], ("callout",), 10, ("include",))
        if got:
            include = data["callout"].get("include")
            if include is not None and not (isinstance(include, str) and BLOCK_NAME_RE.match(include)):
                c.err("value_error", ("callout", "include"), include, error="not a block name")
            callout = Callout(*got, include=include)
    sources = c.texts(data.get("sources"), ("sources",), 300, 8)
    keywords = c.texts(data.get("keywords"), ("keywords",), 90, 12)
    codes = Codes()
    if data.get("codes") is not None and c.keys(data["codes"], ("codes",), ("icd10cm", "snomed")) is not None:
        from handouts.ehr import codes as systems
        found = {}
        for key, system in (("icd10cm", systems.ICD10CM), ("snomed", systems.SNOMED)):
            values = data["codes"].get(key) or []
            found[key] = []
            for i, v in enumerate(values):
                v = str(v).strip().upper() if key == "icd10cm" else str(v).strip()
                wrong = systems.problem(system, v)
                if wrong:
                    c.err("value_error", ("codes", key, i), v, error=wrong)
                found[key].append(v)
        codes = Codes(**found)
    dates = {}
    for key in ("reviewed", "next_review"):
        v = data.get(key)
        if v is not None and not isinstance(v, dt.date):
            c.err("date_type", (key,), v)
            v = None
        dates[key] = v
    if c.errors:
        raise Invalid(c.errors)
    return Article(title=title, summary=summary, sections=sections, callout=callout, sources=sources,
                   keywords=keywords, codes=codes, translated_from=data.get("translated_from"), **dates)
