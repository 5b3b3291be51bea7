"""One handout's words: ``content/<lang>/<slug>.yaml``, strict and frozen."""

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Iterator

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from handouts.loader import Loaded, Loc, load_yaml
from handouts.schema.fields import LANG_RE, Body, Bullet, HeaderTitle, Line, Strict, Title
from handouts.schema.validate import validate

#: A shared block's name: its file name under content/blocks/<lang>/, without .yaml.
BLOCK_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


_WORDS_DIGEST = re.compile(r"sha256:[0-9a-f]{12,64}\Z")


def _translated_from(value: Any) -> tuple[str | None, str | dt.date]:
    """The digest of the original's words it was made from: ``sha256:3f9a2c41b7d0``
    (the English) or ``{fr: sha256:...}``. A date (the old form) is kept, and
    reported as out of date by ``check``."""
    def day(v):
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            if _WORDS_DIGEST.match(v.strip().lower()):
                return v.strip().lower()
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError:
                pass
        raise ValueError("should be the digest of the words it was translated from, as handouts "
                         "review and handouts list show it, such as sha256:3f9a2c41b7d0 "
                         "(or {fr: sha256:3f9a2c41b7d0} for a French original)")
    if isinstance(value, dict) and len(value) == 1:
        (lang, v), = value.items()
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            raise ValueError(f"{lang!r} is not a language code such as en or fr")
        return lang, day(v)
    return None, day(value)


TranslatedFrom = Annotated[Any, BeforeValidator(_translated_from)]


def paragraphs(body: str | None) -> list[str]:
    """Split a body on blank lines; single line breaks inside are spaces."""
    if not body:
        return []
    blocks, current = [], []
    for line in body.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


class _Block(Strict):
    """A heading with a body, bullets or both (a section or the callout)."""

    heading: Title
    body: Body | None = None

    @model_validator(mode="after")
    def _needs_words(self):
        if not self.body and not self.bullets:
            raise ValueError("needs a body or bullets")
        return self

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.body)


class Section(_Block):
    bullets: Annotated[list[Bullet], Field(max_length=14)] = []
    checklist: bool = False

    @model_validator(mode="after")
    def _ticks_need_bullets(self):
        if self.checklist and not self.bullets:
            raise ValueError("checklist: true needs bullets to tick")
        return self


class Block(_Block):
    """Words several handouts share, written once: ``content/blocks/<lang>/<name>.yaml``
    (the clinic's "when to get help"). A heading, and a body, bullets or both."""

    bullets: Annotated[list[Bullet], Field(max_length=10)] = []


def _block_name(value: Any) -> Any:
    if isinstance(value, str) and not BLOCK_NAME_RE.match(value):
        raise ValueError(f"{value!r} is not a block name; name a file in content/blocks/<lang>/ "
                         "without .yaml, such as when-to-get-help")
    return value


class Callout(Block):
    """The box at the end. With ``include: NAME`` it starts with the shared
    block ``content/blocks/<lang>/NAME.yaml`` (its heading, body and bullets;
    ``library`` puts them in before validation) and this handout's own
    ``bullets`` follow the block's."""

    include: Annotated[str, BeforeValidator(_block_name)] | None = None


def _code(system: str):
    def check(value: Any) -> str:
        from handouts.ehr import codes  # pure string checks, no other import

        example = "I87.2" if system == codes.ICD10CM else "72866009"
        if isinstance(value, int) and not isinstance(value, bool) and system == codes.SNOMED:
            value = str(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f"{value} is a number, not an ICD-10-CM code: those start with a letter "
                             f"(such as {example})")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"should be one {codes.NAMES[system]} code, such as {example}")
        value = value.strip()
        if system == codes.ICD10CM:
            value = value.upper()
        wrong = codes.problem(system, value)
        if wrong:
            raise ValueError(wrong)
        return value
    return BeforeValidator(check)


class Codes(Strict):
    """The diagnoses a handout is for (``codes:``), per code system: what the
    EHR endpoints match (see docs/ehr.md)."""

    icd10cm: Annotated[list[Annotated[str, _code("icd10cm")]], Field(max_length=40)] = []
    snomed: Annotated[list[Annotated[str, _code("snomed")]], Field(max_length=40)] = []


class Article(Strict):
    """One handout's words: ``content/<lang>/<slug>.yaml``."""

    title: HeaderTitle
    summary: Line
    #: Ignored (``check`` warns): the review line comes from the approval record.
    reviewed: dt.date | None = None
    next_review: dt.date | None = None
    sections: Annotated[list[Section], Field(min_length=1, max_length=6)]
    callout: Callout | None = None
    sources: Annotated[list[Line], Field(max_length=8)] = []
    keywords: Annotated[list[Title], Field(max_length=12)] = []
    #: ICD-10-CM and SNOMED CT codes of the diagnoses it is for (docs/ehr.md).
    codes: Annotated[Codes, Field(default_factory=Codes)]   # not Codes(): that builds it at import
    #: A translation: the digest of the original's words it was made from, as
    #: (language or None for the reference language, ``sha256:...`` or an old date).
    translated_from: TranslatedFrom | None = None

    @field_validator("reviewed")
    @classmethod
    def _not_in_future(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > dt.date.today():
            raise ValueError(f"{value.isoformat()} is in the future; write the date clinicians "
                             "last reviewed this handout")
        return value

    @field_validator("next_review")
    @classmethod
    def _after_reviewed(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        reviewed = info.data.get("reviewed")
        if value is not None and isinstance(reviewed, dt.date) and value < reviewed:
            raise ValueError(f"{value.isoformat()} is before reviewed ({reviewed.isoformat()}); "
                             "the next review comes after the last one")
        return value

    def text_fields(self) -> Iterator[tuple[Loc, str]]:
        """Every piece of printed text with its location in the YAML."""
        yield ("title",), self.title
        yield ("summary",), self.summary
        for i, s in enumerate(self.sections):
            yield ("sections", i, "heading"), s.heading
            if s.body:
                yield ("sections", i, "body"), s.body
            for j, b in enumerate(s.bullets):
                yield ("sections", i, "bullets", j), b
        if self.callout:
            yield ("callout", "heading"), self.callout.heading
            if self.callout.body:
                yield ("callout", "body"), self.callout.body
            for j, b in enumerate(self.callout.bullets):
                yield ("callout", "bullets", j), b
        for j, s in enumerate(self.sources):
            yield ("sources", j), s


def load_article(path: Path) -> tuple[Article, Loaded]:
    """One file read on its own, without a shared block it includes (for
    tools and tests). Handouts read articles through ``handouts.library``."""
    loaded = load_yaml(path)
    return validate(Article, loaded), loaded
