"""Which writing system a language is written in, from CLDR (through Babel):
the script (ISO 15924: ``Latn``, ``Arab``, ``Hans`` ...), the key a clinic
names its fonts for it by in clinic.yaml (``latin``, ``arabic``, ``cjk`` ...),
its direction, and whether lines may break between any two characters.

``zh-Hans`` says its script; ``zh``, ``ar``, ``ko`` get CLDR's likely script
(``zh`` -> ``Hans``, ``ar`` -> ``Arab``). A language CLDR does not know is
taken as Latin unless its code names its script (``prs-Arab``: Dari) or its
catalog does (``script: Arab``, passed here as ``declared``).
No ReportLab here: the schema checks clinic.yaml's font keys with it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from handouts import usercache

#: Scripts that share one font entry in clinic.yaml: one CJK font covers Han
#: (simplified and traditional), kana and Hangul.
GROUPS = {"Latn": "latin", "Cyrl": "cyrillic", "Grek": "greek", "Arab": "arabic",
          "Hans": "cjk", "Hant": "cjk", "Hani": "cjk", "Jpan": "cjk", "Kore": "cjk", "Hang": "cjk"}

#: Written right to left (for a language CLDR does not know; otherwise CLDR's
#: own character order decides).
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"})

#: Lines break between any two characters (no spaces between words); Korean
#: writes spaces between words and breaks at them.
BREAK_ANYWHERE = frozenset({"Hans", "Hant", "Hani", "Jpan"})

_CODE = re.compile(r"[A-Z][a-z]{3}\Z")


@dataclass(frozen=True)
class Script:
    """How a language is written."""

    code: str            # ISO 15924: Latn, Arab, Hans ...
    key: str             # its font entry in clinic.yaml: latin, arabic, cjk ...
    rtl: bool            # written right to left
    break_anywhere: bool  # lines break between characters (Chinese, Japanese)
    assumed: bool = field(default=False, compare=False)  # Latin because nothing said (CLDR does not know it)


def font_key(code: str) -> str:
    """``Arab`` -> ``arabic``; a script without a group -> its English name
    (``Hebr`` -> ``hebrew``, ``Deva`` -> ``devanagari``, ``Ital`` -> ``old_italic``)."""
    if code in GROUPS:
        return GROUPS[code]
    name = _script_names().get(code, code)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def is_code(code: str) -> bool:
    """``Arab`` is a script code CLDR knows; ``Arabic`` and ``arab`` are not."""
    return code in GROUPS or code in _script_names()


def font_keys() -> frozenset[str]:
    """Every key clinic.yaml's ``fonts:`` may name a script by."""
    return frozenset({*GROUPS.values(), *(font_key(c) for c in _script_names())})


@lru_cache(maxsize=None)
def _script_names() -> dict[str, str]:
    from babel import Locale

    # Z...: not a script a language is written in (common, unknown, symbols).
    return {code: name for code, name in Locale("en").scripts.items()
            if _CODE.match(code) and not code.startswith("Z")}


@lru_cache(maxsize=256)
def babel_locale(lang: str):
    """Babel's locale (CLDR's data, loaded only when asked for) for a
    language code, ``zh-Hans`` as ``zh_Hans``; None for a language CLDR does
    not know (Hmong ``hmn``, Marshallese ``mh``, Chuukese ``chk``...), which
    a clinic may still add with files: its words come from its catalog, its
    dates are written 2026-11-01, and every plural is the ``other`` form."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


_VERSION_LINE = re.compile(r"""^__version__\s*=\s*['"]([^'"\n]+)['"]""", re.M)


@lru_cache(maxsize=1)
def babel_version() -> str:
    """Babel's version, which keys what the per-user cache keeps of CLDR:
    read from its ``__init__.py`` without importing Babel (about 2 ms of a
    cold build that, its cache warm, needs nothing else of Babel); Babel's
    own ``__version__`` when it is imported already or its file does not
    say it in one plain line."""
    loaded = sys.modules.get("babel")
    if loaded is None:
        spec = importlib.util.find_spec("babel")
        try:
            source = Path(spec.origin).read_text("utf-8") if spec is not None and spec.origin else ""
        except (OSError, ValueError):
            source = ""
        found = _VERSION_LINE.search(source)
        if found:
            return found.group(1)
    import babel

    return babel.__version__


def _kept(fact: str, lang: str, declared: str | None, valid, compute):
    """A fact CLDR gives about a language, kept in the per-user cache
    (``usercache.py``) under Babel's version, since loading CLDR's data costs
    a cold build more than the rest of this module: ``compute()`` when the
    cache has no entry for exactly this fact, language and Babel whose value
    is ``valid``."""
    entry = {"format": 1, "fact": fact, "lang": lang, "declared": declared, "babel": babel_version()}
    value = usercache.read_json("cldr", entry, "value", valid)
    if value is None:
        value = compute()
        usercache.write_json("cldr", entry, "value", value)
    return value


@lru_cache(maxsize=256)
def code_of(lang: str, declared: str | None = None) -> tuple[str, bool]:
    """``script_of(lang, declared)``'s code and whether it is assumed,
    without loading the language's CLDR data (only its direction needs it):
    a family is chosen by this alone."""
    code, assumed = _kept("script", lang, declared, _valid_code, lambda: list(_code_of(lang, declared)))
    return code, assumed


def _valid_code(value) -> bool:
    return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and bool(_CODE.match(value[0])) and isinstance(value[1], bool))


def _code_of(lang: str, declared: str | None) -> tuple[str, bool]:
    from babel.core import get_global

    tag = lang.replace("-", "_")
    locale = babel_locale(lang)
    code = declared
    if code is None and locale is not None:
        code = locale.script
    if code is None and locale is None:
        # A language CLDR does not know says its script in its code
        # (``prs-Arab``, Dari): in BCP 47 a subtag of four letters is a script.
        code = next((part.title() for part in tag.split("_")[1:] if len(part) == 4 and part.isalpha()), None)
    if code is None:
        likely = get_global("likely_subtags")
        for key in (str(locale) if locale else tag, tag.split("_")[0]):
            parts = likely.get(key, "").split("_")
            if len(parts) > 1 and _CODE.match(parts[1]):
                code = parts[1]
                break
    return code or "Latn", code is None


@lru_cache(maxsize=256)
def script_of(lang: str, declared: str | None = None) -> Script:
    """The script ``lang`` is written in: ``declared`` (a catalog's
    ``script:``) if given, else the one in the code (``zh-Hant``;
    ``prs-Arab`` for a language CLDR does not know), else CLDR's likely
    script for the language, else Latin."""
    code, assumed = code_of(lang, declared)
    if declared is None:
        rtl = _kept("right-to-left", lang, None, lambda value: isinstance(value, bool),
                    lambda: _cldr_rtl(lang, code))
    else:
        rtl = code in RTL_SCRIPTS
    return Script(code=code, key=font_key(code), rtl=rtl, break_anywhere=code in BREAK_ANYWHERE,
                  assumed=assumed)


def _cldr_rtl(lang: str, code: str) -> bool:
    """CLDR's character order for ``lang`` (its locale data loaded), or for a
    language CLDR does not know, its script's."""
    locale = babel_locale(lang)
    if locale is not None:
        return locale.character_order == "right-to-left"
    return code in RTL_SCRIPTS
