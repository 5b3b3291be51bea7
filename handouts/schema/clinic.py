"""The brand: ``content/clinic.yaml``. Colours readable on white, the clinic's
own words given once or per language, fonts, reading targets, mail settings."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterator

from pydantic import AfterValidator, BeforeValidator, Field, create_model, model_validator

from handouts import converters, headertext, scripts
from handouts.loader import Loaded, Loc, load_yaml
from handouts.schema.fields import LANG_RE, Line, Nested, NotBool, Paper, Strict, parse_color
from handouts.schema.settings import Smtp
from handouts.schema.validate import validate

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


Localized = Annotated[Any, BeforeValidator(_localized)]


def _readable(value: str) -> str:
    # Both colours print as text on white paper (headings, callout title) and
    # white text prints on them, so each must reach the WCAG ratio against
    # white. That also keeps the sheet legible when a printer turns it grey.
    ratio = converters.contrast_ratio(value, "#FFFFFF")
    if ratio < converters.MIN_CONTRAST:
        raise ValueError(f"{value} has contrast {ratio:.2f}:1 against white; text needs at least "
                         f"{converters.MIN_CONTRAST}:1 (WCAG), so pick a darker colour")
    return value


BrandColor = Annotated[str, AfterValidator(parse_color), AfterValidator(_readable)]


class Colors(Strict):
    primary: BrandColor
    accent: BrandColor


class FontFiles(Strict):
    """One script's TrueType family, paths relative to content/. A family with
    one weight uses it for bold too; italics default to regular and bold."""

    regular: Line
    bold: Line | None = None
    italic: Line | None = None
    bold_italic: Line | None = None


class _FontsBase(Strict):
    """The clinic's fonts: ``regular``/``bold`` at the top are the Latin
    family (the form before scripts had fonts of their own; then ``bold`` is
    required); ``latin:``, ``arabic:``, ``cjk:`` ... give a family per script
    (scripts.font_keys: the script a language is written in, from CLDR;
    ``fonts_model`` makes the model with them)."""

    regular: Line | None = None
    bold: Line | None = None
    italic: Line | None = None
    bold_italic: Line | None = None

    @model_validator(mode="after")
    def _one_latin(self):
        flat = [f for f in FACES if getattr(self, f) is not None]
        if flat and getattr(self, "latin", None) is not None:
            raise ValueError("give the Latin font once: either regular/bold at the top of fonts: "
                             "or under latin:, not both")
        if flat and (self.regular is None or self.bold is None):
            raise ValueError("give both regular and bold (or put one font under latin: to use it "
                             "for bold too)")
        return self

    def per_script(self) -> dict[str, FontFiles]:
        """``{script key: its files}``, the top-level faces as ``latin``."""
        out = {key: getattr(self, key) for key in self.script_fields() if getattr(self, key) is not None}
        if self.regular is not None:
            out["latin"] = FontFiles(**{f: getattr(self, f) for f in FACES})
        return out

    @classmethod
    def script_fields(cls) -> tuple[str, ...]:
        """The script keys this model has, sorted (every one, or the groups')."""
        return tuple(key for key in cls.model_fields if key not in FACES)

    def files(self) -> Iterator[tuple[Loc, str]]:
        """Every file named, with where it is named: ``(("fonts", "cjk", "regular"), path)``."""
        for face in FACES:
            if getattr(self, face) is not None:
                yield ("fonts", face), getattr(self, face)
        for key in self.script_fields():
            entry = getattr(self, key)
            for face in FACES if entry is not None else ():
                if getattr(entry, face) is not None:
                    yield ("fonts", key, face), getattr(entry, face)


FACES = ("regular", "bold", "italic", "bold_italic")

#: The keys of the groups of scripts that share a font (latin, arabic, cjk ...).
GROUP_KEYS = tuple(sorted(set(scripts.GROUPS.values())))


@lru_cache(maxsize=None)
def script_keys() -> tuple[str, ...]:
    """The script keys clinic.yaml may name (latin, arabic, cjk, hebrew ...;
    not the few, such as mro, that a model's own attributes already use),
    from CLDR's English script names: read only when a clinic.yaml needs them."""
    return tuple(sorted(k for k in scripts.font_keys() if not hasattr(_FontsBase, k)))


def _fonts(keys: tuple[str, ...]) -> type[_FontsBase]:
    return create_model("Fonts", __base__=_FontsBase, __module__=__name__,
                        **{key: (FontFiles | None, None) for key in keys})


@lru_cache(maxsize=None)
def fonts_model() -> type[_FontsBase]:
    """The ``fonts:`` model: one optional family per script (about 205
    fields), made when first asked for."""
    return _fonts(script_keys())


@lru_cache(maxsize=None)
def groups_fonts_model() -> type[_FontsBase]:
    """The ``fonts:`` model with only the groups' keys (9 fields, no CLDR
    data read): it accepts and refuses a block that names no other key
    exactly as ``fonts_model`` does."""
    return _fonts(GROUP_KEYS)


def _fonts_model_for(value: Any) -> type[_FontsBase]:
    """The groups' model for a ``fonts:`` block whose keys are all faces or
    groups' keys (the usual ones), else the whole model (its errors and
    hints name every key)."""
    if isinstance(value, dict) and all(isinstance(k, str) and (k in FACES or k in GROUP_KEYS)
                                       for k in value):
        return groups_fonts_model()
    return fonts_model()


class ReadingTarget(Strict):
    """How ``check`` measures one language: a formula and its target."""

    formula: Annotated[str, Field(min_length=1, max_length=40)]
    target: Annotated[float, NotBool, Field(ge=0, le=200)]


#: The clinic's own words that may be given per language.
LOCALIZED = ("tagline", "disclaimer", "logo_alt", "qr_alt", "qr_caption")


#: A web address, tel: or mailto: link: never javascript:, data: or file: (it
#: becomes a PDF link and a QR code's payload).
Link = Annotated[Line, AfterValidator(converters.check_link)]

_HOST = re.compile(r"^(?:https?://)?([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*"
                   r"\.[A-Za-z]{2,63})(?::\d{1,5})?(?:[/?#]\S*)?$")


def _web_address(value: str) -> str:
    """A web address: https://example.org/..., or example.org/... with
    https:// added (so the page's link and the QR code open it)."""
    scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):(?!\d)", value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return converters.check_link(value)  # tel: and mailto:; others refused in its words
    if not _HOST.match(value.strip()):
        raise ValueError(f"{value!r} is not a web address; write it like https://your-clinic.org")
    return converters.check_link(value if "://" in value else "https://" + value.strip())


def _phone(value: str) -> str:
    digits = sum(ch.isdigit() for ch in value)
    if digits < 7:
        raise ValueError(f"{value!r} is not a phone number (it has {digits} digit"
                         f"{'' if digits == 1 else 's'}); write the number, like (541) 555-0142")
    return value


def _email(value: str) -> str:
    from handouts import address

    if "<" in value:
        raise ValueError("write the address alone, like care@your-clinic.org, without a name")
    try:
        address.is_plain(value) or address.parse(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an email address; write it like "
                         "care@your-clinic.org") from None
    return value


WebLink = Annotated[Line, AfterValidator(_web_address)]


def _queue(value: str) -> str:
    """A CUPS queue name as ``lpstat -p`` lists it."""
    if not (isinstance(value, str) and 0 < len(value) <= 127 and not value.startswith("-")
            and all(ch.isascii() and ch.isprintable() and ch not in " /#:\\'\"" for ch in value)):
        raise ValueError("write the printer's queue name as `lpstat -p` lists it, such as "
                         "Front_Desk (letters, digits, - _ and ., no spaces)")
    return value


class Clinic(Strict):
    """The brand: ``content/clinic.yaml``. Names, addresses, phone and URLs are
    the same in every language; the words in LOCALIZED may be given once or
    per language (``{en: ..., es: ...}``)."""

    name: Annotated[str, Field(min_length=1, max_length=120), AfterValidator(headertext.check)]
    tagline: Localized | None = None
    phone: Annotated[Line, AfterValidator(_phone)]
    address: Line
    website: WebLink
    email: Annotated[Line, AfterValidator(_email)]
    qr: WebLink | None = None
    qr_alt: Localized | None = None        # default: the catalog's "QR code that opens ..."
    qr_caption: Localized | None = None    # default: the catalog's "Scan the code or visit:"
    logo: Line
    logo_alt: Localized
    colors: Colors
    paper: Paper = "letter"
    disclaimer: Localized | None = None    # default: the catalog's disclaimer
    fonts: Annotated[Any, Nested(fonts_model, _fonts_model_for)] = None   # fonts_model() | None, made only when given
    reading_grade: Annotated[float, NotBool, Field(ge=1, le=16)] = 6.0
    smtp: Annotated[Any, Nested(Smtp)] = None   # Smtp | None, its validator built only when given
    #: The CUPS queue the front-desk page prints to (``lp -d``) on the computer
    #: that runs it; without one, Print opens the browser's print dialog.
    printer: Annotated[str, AfterValidator(_queue)] | None = None
    #: An approval older than this many months is due for review (check, list, the page).
    review_every_months: Annotated[int, NotBool, Field(ge=1, le=120)] = 24
    #: The front-desk page may open a draft's PDF (marked "Draft") for staff to
    #: preview; a draft is never emailed to a patient either way.
    draft_preview: bool = False
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


def load_clinic(path: Path) -> tuple[Clinic, Loaded]:
    loaded = load_yaml(path)
    return validate(Clinic, loaded), loaded
