"""Article's model in attrs + cattrs (a prototype for
bench/schema_libs.py to measure, never used by handouts)."""
import datetime as dt
import re
from typing import Any, Optional

import attrs
from attrs import validators as v
from cattrs import Converter

from handouts import headertext

BLOCK_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


def text(lo, hi):
    return [v.instance_of(str), v.min_len(lo), v.max_len(hi)]


def opt_text(lo, hi):
    return v.optional(text(lo, hi))


def texts(lo, hi, most, least=0):
    return [v.deep_iterable(v.and_(*text(lo, hi)), v.instance_of(list)), v.max_len(most), v.min_len(least)]


@attrs.frozen(kw_only=True)
class _Block:
    heading: str = attrs.field(validator=text(1, 90))
    body: Optional[str] = attrs.field(default=None, validator=opt_text(1, 2500))

    def __attrs_post_init__(self):
        if not self.body and not self.bullets:
            raise ValueError("needs a body or bullets")


@attrs.frozen(kw_only=True)
class Section(_Block):
    bullets: list[str] = attrs.field(factory=list, validator=texts(1, 300, 14))
    checklist: bool = attrs.field(default=False, validator=v.instance_of(bool))

    def __attrs_post_init__(self):
        super().__attrs_post_init__()
        if self.checklist and not self.bullets:
            raise ValueError("checklist: true needs bullets to tick")


@attrs.frozen(kw_only=True)
class Block(_Block):
    bullets: list[str] = attrs.field(factory=list, validator=texts(1, 300, 10))


def _block_name(inst, attr, value):
    if value is not None and not BLOCK_NAME_RE.match(value):
        raise ValueError(f"{value!r} is not a block name")


@attrs.frozen(kw_only=True)
class Callout(Block):
    include: Optional[str] = attrs.field(default=None, validator=_block_name)


def _codes(system):
    def check(inst, attr, values):
        from handouts.ehr import codes
        for value in values:
            wrong = codes.problem(getattr(codes, system), str(value).strip())
            if wrong:
                raise ValueError(wrong)
    return check


@attrs.frozen(kw_only=True)
class Codes:
    icd10cm: list[str] = attrs.field(factory=list, validator=[v.max_len(40), _codes("ICD10CM")])
    snomed: list[Any] = attrs.field(factory=list, validator=[v.max_len(40), _codes("SNOMED")])  # numbers too


def _title(inst, attr, value):
    headertext.check(value)


def _not_in_future(inst, attr, value):
    if value is not None and value > dt.date.today():
        raise ValueError("in the future")


@attrs.frozen(kw_only=True)
class Article:
    title: str = attrs.field(validator=[*text(1, 90), _title])
    summary: str = attrs.field(validator=text(1, 300))
    sections: list[Section] = attrs.field(validator=[v.min_len(1), v.max_len(6)])
    reviewed: Optional[dt.date] = attrs.field(default=None, validator=_not_in_future)
    next_review: Optional[dt.date] = None
    callout: Optional[Callout] = None
    sources: list[str] = attrs.field(factory=list, validator=texts(1, 300, 8))
    keywords: list[str] = attrs.field(factory=list, validator=texts(1, 90, 12))
    codes: Codes = attrs.field(factory=Codes)
    translated_from: Any = None


converter = Converter(forbid_extra_keys=True, detailed_validation=True)
converter.register_structure_hook(dt.date, lambda value, _: value if isinstance(value, dt.date) else dt.date.fromisoformat(value))


def _text(value, _type):
    if not isinstance(value, str):
        raise TypeError("not text")
    return value.strip()


converter.register_structure_hook(str, _text)


def validate(data):
    return converter.structure(data, Article)
