"""Article's model in msgspec (a prototype for
bench/schema_libs.py to measure, never used by handouts)."""
import datetime as dt
import re
from typing import Annotated, Any, Optional

import msgspec
from msgspec import Meta, Struct

from handouts import headertext

Title = Annotated[str, Meta(min_length=1, max_length=90)]
Line = Annotated[str, Meta(min_length=1, max_length=300)]
Body = Annotated[str, Meta(min_length=1, max_length=2500)]
Bullet = Annotated[str, Meta(min_length=1, max_length=300)]
BLOCK_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


class _Block(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    heading: Title
    body: Optional[Body] = None

    def __post_init__(self):
        if not self.body and not self.bullets:
            raise ValueError("needs a body or bullets")


class Section(_Block, frozen=True, forbid_unknown_fields=True, kw_only=True):
    bullets: Annotated[list[Bullet], Meta(max_length=14)] = []
    checklist: bool = False

    def __post_init__(self):
        super().__post_init__()
        if self.checklist and not self.bullets:
            raise ValueError("checklist: true needs bullets to tick")


class Block(_Block, frozen=True, forbid_unknown_fields=True, kw_only=True):
    bullets: Annotated[list[Bullet], Meta(max_length=10)] = []


class Callout(Block, frozen=True, forbid_unknown_fields=True, kw_only=True):
    include: Optional[str] = None

    def __post_init__(self):
        super().__post_init__()
        if self.include is not None and not BLOCK_NAME_RE.match(self.include):
            raise ValueError(f"{self.include!r} is not a block name")


def _check_code(system, value):
    from handouts.ehr import codes
    wrong = codes.problem(system, value)
    if wrong:
        raise ValueError(wrong)


class Codes(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    icd10cm: Annotated[list[str], Meta(max_length=40)] = []
    snomed: Annotated[list[str | int], Meta(max_length=40)] = []

    def __post_init__(self):
        from handouts.ehr import codes
        for v in self.icd10cm:
            _check_code(codes.ICD10CM, v.strip().upper())
        for v in self.snomed:
            _check_code(codes.SNOMED, str(v).strip())


class Article(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    title: Title
    summary: Line
    sections: Annotated[list[Section], Meta(min_length=1, max_length=6)]
    reviewed: Optional[dt.date] = None
    next_review: Optional[dt.date] = None
    callout: Optional[Callout] = None
    sources: Annotated[list[Line], Meta(max_length=8)] = []
    keywords: Annotated[list[Title], Meta(max_length=12)] = []
    codes: Codes = msgspec.field(default_factory=Codes)
    translated_from: Any = None

    def __post_init__(self):
        headertext.check(self.title)
        if self.reviewed is not None and self.reviewed > dt.date.today():
            raise ValueError("in the future")
        if self.next_review is not None and self.reviewed is not None and self.next_review < self.reviewed:
            raise ValueError("before reviewed")


def _strip(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def validate(data):
    return msgspec.convert(_strip(data), Article)
