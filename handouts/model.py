"""The content and brand schema: strict, validated, frozen.

Unknown keys are errors (they are almost always typos). Every problem in a
file is reported at once, each as ``path:line: field: message``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Iterator

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from handouts import converters, headertext
from handouts.errors import ContentError, Problem
from handouts.loader import Loaded, Loc, field_name

# Limits: generous for a one-page handout, small enough to refuse runaway text
# with a message that points at the field instead of a layout failure.
Title = Annotated[str, Field(min_length=1, max_length=90)]
Line = Annotated[str, Field(min_length=1, max_length=300)]
Body = Annotated[str, Field(min_length=1, max_length=2500)]
Bullet = Annotated[str, Field(min_length=1, max_length=300)]
#: Words that also go into an email's headers (a title is the Subject, the
#: clinic's name the From): one line, no encoded words (see headertext).
HeaderTitle = Annotated[Title, AfterValidator(headertext.check)]


def _color(value: Any) -> str:
    return converters.parse_color(value)


def _paper(value: Any) -> str:
    return converters.parse_paper(value)


#: A language code: ``en``, ``es``, ``pt-BR``.
LANG_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")
_EXAMPLE = "{en: ..., es: ...}"


def _localized(value: Any) -> str | dict[str, str]:
    """Clinic words given once (``tagline: Healthy legs``) or per language
    (``tagline: {en: Healthy legs, es: Piernas sanas}``)."""
    def text(v, where=""):
        if not isinstance(v, str):
            raise ValueError(f"{where}should be text (put it in quotes if it looks like a number or yes/no)")
        v = v.strip()
        if not v:
            raise ValueError(f"{where}is empty")
        if len(v) > 300:
            raise ValueError(f"{where}is too long: {len(v)} characters, the limit is 300")
        return v
    if isinstance(value, dict):
        if not value:
            raise ValueError(f"give the text, or one text per language such as {_EXAMPLE}")
        out = {}
        for lang, v in value.items():
            if not isinstance(lang, str) or not LANG_RE.match(lang):
                raise ValueError(f"{lang!r} is not a language code such as en or es; "
                                 f"write one text per language, such as {_EXAMPLE}")
            out[lang] = text(v, f"the {lang} text ")
        return out
    if isinstance(value, str):
        return text(value)
    raise ValueError(f"should be text, or one text per language such as {_EXAMPLE}")


def _translated_from(value: Any) -> tuple[str | None, dt.date]:
    """``2026-11-01`` (the English reviewed on that date) or ``{fr: 2026-11-01}``."""
    def day(v):
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError:
                pass
        raise ValueError("should be the reviewed date (YYYY-MM-DD) of the file it was translated "
                         "from, such as 2026-11-01 (or {fr: 2026-11-01} for a French original)")
    if isinstance(value, dict) and len(value) == 1:
        (lang, v), = value.items()
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            raise ValueError(f"{lang!r} is not a language code such as en or fr")
        return lang, day(v)
    return None, day(value)


Color = Annotated[str, AfterValidator(_color)]
Localized = Annotated[Any, BeforeValidator(_localized)]
TranslatedFrom = Annotated[Any, BeforeValidator(_translated_from)]
Paper = Annotated[str, AfterValidator(_paper)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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


class Section(_Strict):
    heading: Title
    body: Body | None = None
    bullets: Annotated[list[Bullet], Field(max_length=14)] = []
    checklist: bool = False

    @model_validator(mode="after")
    def _needs_words(self):
        if not self.body and not self.bullets:
            raise ValueError("needs a body or bullets")
        if self.checklist and not self.bullets:
            raise ValueError("checklist: true needs bullets to tick")
        return self

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.body)


class Callout(_Strict):
    heading: Title
    body: Body | None = None
    bullets: Annotated[list[Bullet], Field(max_length=10)] = []

    @model_validator(mode="after")
    def _needs_words(self):
        if not self.body and not self.bullets:
            raise ValueError("needs a body or bullets")
        return self

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.body)


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


class Codes(_Strict):
    """The diagnoses a handout is for (``codes:``), per code system: what the
    EHR endpoints match (see docs/ehr.md)."""

    icd10cm: Annotated[list[Annotated[str, _code("icd10cm")]], Field(max_length=40)] = []
    snomed: Annotated[list[Annotated[str, _code("snomed")]], Field(max_length=40)] = []


class Article(_Strict):
    """One handout's words: ``content/<lang>/<slug>.yaml``."""

    title: HeaderTitle
    summary: Line
    reviewed: dt.date
    next_review: dt.date | None = None
    sections: Annotated[list[Section], Field(min_length=1, max_length=6)]
    callout: Callout | None = None
    sources: Annotated[list[Line], Field(max_length=8)] = []
    keywords: Annotated[list[Title], Field(max_length=12)] = []
    #: ICD-10-CM and SNOMED CT codes of the diagnoses it is for (docs/ehr.md).
    codes: Codes = Codes()
    #: A translation: the ``reviewed`` date of the original it was made from,
    #: as (language or None for the reference language, date).
    translated_from: TranslatedFrom | None = None

    @field_validator("reviewed")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
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


def _readable(value: str) -> str:
    # Both colours print as text on white paper (headings, callout title) and
    # white text prints on them, so each must reach the WCAG ratio against
    # white. That also keeps the sheet legible when a printer turns it grey.
    ratio = converters.contrast_ratio(value, "#FFFFFF")
    if ratio < converters.MIN_CONTRAST:
        raise ValueError(f"{value} has contrast {ratio:.2f}:1 against white; text needs at least "
                         f"{converters.MIN_CONTRAST}:1 (WCAG), so pick a darker colour")
    return value


BrandColor = Annotated[str, AfterValidator(_color), AfterValidator(_readable)]


class Colors(_Strict):
    primary: BrandColor
    accent: BrandColor


class Fonts(_Strict):
    """A clinic's own TrueType family, paths relative to content/."""

    regular: Line
    bold: Line
    italic: Line | None = None
    bold_italic: Line | None = None


def _one_address(value: str) -> str:
    from handouts.mail.address import parse  # the mail package's checks, loaded when needed

    return str(parse(value))


def _loopback(host: str) -> bool:
    from handouts.mail.address import is_loopback

    return is_loopback(host)


def _host(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.:_-]+", value):
        raise ValueError(f"{value!r} is not a server name; write a host name such as "
                         f"mail.example.org or an IP address")
    return value


Address = Annotated[str, AfterValidator(_one_address)]
PASSWORD_ENV = "HANDOUTS_SMTP_PASSWORD"


class Smtp(_Strict):
    """The mail server for ``handouts email``: the ``smtp:`` block of clinic.yaml.
    The password is never here: it comes from HANDOUTS_SMTP_PASSWORD."""

    host: Annotated[str, Field(min_length=1, max_length=253), AfterValidator(_host)]
    port: Annotated[int, Field(ge=1, le=65535)] | None = None   # default: by security
    security: typing.Literal["starttls", "tls", "none"] = "starttls"
    username: Line | None = None
    sender: Address | None = Field(None, alias="from")        # default: the clinic's email
    reply_to: Address | None = None
    ca_file: Line | None = None      # a private certificate authority, relative to content/
    timeout: Annotated[float, Field(gt=0, le=300)] = 20.0
    password: Any = Field(None, exclude=True)

    @field_validator("password")
    @classmethod
    def _no_password(cls, value):
        raise ValueError(f"never put the password in clinic.yaml; delete this line and set the "
                         f"environment variable {PASSWORD_ENV} on the computer that sends")

    @field_validator("security")
    @classmethod
    def _clear_only_on_loopback(cls, value, info: ValidationInfo):
        host = info.data.get("host")
        if value == "none" and host and not _loopback(host):
            raise ValueError(f"security: none sends patient email unencrypted, so it is only allowed "
                             f"to this computer (localhost, 127.0.0.1, ::1), not to {host}; "
                             f"use starttls or tls")
        return value

    @property
    def default_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]
class ReadingTarget(_Strict):
    """How ``check`` measures one language: a formula and its target."""

    formula: Annotated[str, Field(min_length=1, max_length=40)]
    target: Annotated[float, Field(ge=0, le=200)]


#: The clinic's own words that may be given per language.
LOCALIZED = ("tagline", "disclaimer", "logo_alt", "qr_alt", "qr_caption")


class Clinic(_Strict):
    """The brand: ``content/clinic.yaml``. Names, addresses, phone and URLs are
    the same in every language; the words in LOCALIZED may be given once or
    per language (``{en: ..., es: ...}``)."""

    name: Annotated[str, Field(min_length=1, max_length=120), AfterValidator(headertext.check)]
    tagline: Localized | None = None
    phone: Line
    address: Line
    website: Line
    email: Line
    qr: Line | None = None
    qr_alt: Localized | None = None        # default: the catalog's "QR code that opens ..."
    qr_caption: Localized | None = None    # default: the catalog's "Scan the code or visit:"
    logo: Line
    logo_alt: Localized
    colors: Colors
    paper: Paper = "letter"
    disclaimer: Localized | None = None    # default: the catalog's disclaimer
    fonts: Fonts | None = None
    reading_grade: Annotated[float, Field(ge=1, le=16)] = 6.0
    smtp: Smtp | None = None
    #: `handouts check` warns when a handout was reviewed longer ago than this.
    review_every_months: Annotated[int, Field(ge=1, le=120)] = 24
    #: Per language: the reading-level formula and its target (see readability.py).
    reading: dict[Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")], ReadingTarget] = {}

    def words(self, key: str, lang: str, fallback: str | None = None) -> str | None:
        """A LOCALIZED field in ``lang``: the text given for it, else ``fallback``
        (the catalog's words, when there are some), else the text given for
        another language (English first)."""
        value = getattr(self, key)
        if value is None or isinstance(value, str):
            return value if value is not None else fallback
        if lang in value:
            return value[lang]
        if fallback is not None:
            return fallback
        return value.get("en", next(iter(value.values())))

    def languages_of(self, key: str) -> list[str] | None:
        """The languages a LOCALIZED field is given in (None: one text for all)."""
        value = getattr(self, key)
        return sorted(value) if isinstance(value, dict) else None

    def text_fields(self) -> Iterator[tuple[Loc, str]]:
        for key in ("name", "phone", "address", "website", "email", *LOCALIZED):
            value = getattr(self, key)
            if isinstance(value, dict):
                for lang, text in value.items():
                    yield (key, lang), text
            elif value:
                yield (key,), value


# --------------------------------------------------------------------------
# Turning pydantic's errors into problems that point at a line.

def _friendly(err: dict[str, Any], model: type[BaseModel], loc: Loc) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        hint = _close_keys(err, model)
        if hint:
            return f"unknown key; did you mean {hint[0]!r}?"
        return "unknown key; allowed here: " + ", ".join(_allowed_keys(model, loc[:-1]))
    if kind == "string_type":
        if err.get("input") is None:
            return "is empty"
        if isinstance(err.get("input"), dict) and len(err["input"]) == 1:
            return ("put text that contains ': ' in quotes (YAML read it as a key and a value), "
                    "like - \"Call us: 555-0142\"")
        return "should be text (put it in quotes if it looks like a number or yes/no)"
    if kind == "string_too_short":
        return "is empty"
    if kind == "string_too_long":
        return f"is too long: {len(err['input'])} characters, the limit is {ctx.get('max_length')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items; the limit is {ctx.get('max_length')}"
    if kind in ("list_type",):
        return "should be a list (one '- item' per line)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "should be a group of keys (key: value lines, indented)"
    if kind in ("bool_type", "bool_parsing"):
        return "should be true or false"
    if kind.startswith("date"):
        return "should be a date written as YYYY-MM-DD"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]


def _close_keys(err: dict[str, Any], model: type[BaseModel]) -> list[str]:
    loc = tuple(err["loc"])
    return difflib.get_close_matches(str(loc[-1]), _allowed_keys(model, loc[:-1]), n=1)


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        ann = current.model_fields[part].annotation
        current = _unwrap(ann)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items() if not f.exclude]
    return []


def _unwrap(ann: Any) -> Any:
    while True:
        args = typing.get_args(ann)
        if typing.get_origin(ann) is Annotated:
            ann = args[0]
        elif args:
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if models:
                return models[0]
            ann = args[0]
        else:
            return ann


def validate(model: type[BaseModel], loaded: Loaded, extra: list[Problem] = ()):
    """Validate loaded YAML against ``model``; raise ContentError with every
    problem: those found while reading, the schema's, and ``extra`` ones."""
    problems = list(loaded.problems)
    seen = {p.field for p in problems}
    result = None
    try:
        result = model.model_validate(loaded.data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelled required key is one mistake: "sumary: unknown key; did
        # you mean 'summary'?" says it all, so "summary: required" is dropped.
        meant = {(tuple(e["loc"][:-1]), hint) for e in errors if e["type"] == "extra_forbidden"
                 for hint in _close_keys(e, model)}
        for err in errors:
            loc = tuple(err["loc"])
            name = field_name(loc) or None
            if name in seen:  # already reported, more precisely, by the reader
                continue
            if err["type"] == "missing" and (loc[:-1], loc[-1]) in meant:
                continue
            if loc in loaded.comments:
                message = ("is empty: `#` starts a comment in YAML: write colours in quotes, "
                           'like "#1F5A7A"')
            else:
                message = _friendly(err, model, loc)
            problems.append(Problem(loaded.path, loaded.line_for(loc), name, message))
    problems.extend(extra)
    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise ContentError(problems)
    return result


def load_article(path: Path) -> tuple[Article, Loaded]:
    from handouts.loader import load_yaml

    loaded = load_yaml(path)
    return validate(Article, loaded), loaded


def load_clinic(path: Path) -> tuple[Clinic, Loaded]:
    from handouts.loader import load_yaml

    loaded = load_yaml(path)
    return validate(Clinic, loaded), loaded
