"""The embedded type families, one per script, and the glyph check.

Latin (and Cyrillic and Greek) is Source Sans Pro (SIL Open Font License),
loaded from the ``font-source-sans-pro`` package: a clear humanist sans with
wide Latin coverage. Arabic is Noto Sans Arabic (OFL) and Chinese, Japanese
and Korean WenQuanYi Micro Hei (Apache-2.0), both shipped in
``handouts/fontfiles/`` with their licences and registered only when a
handout in their script is drawn. A clinic may name its own TrueType files
per script in clinic.yaml. Every font is embedded and subset; no base-14 font
is ever used.

A family for a script other than Latin falls back to the Latin family for
any character the script's font lacks, and (but for CJK) for Latin letters,
digits and ASCII punctuation, so a phone number or a web address looks the
same in every language (fontruns.py, used by the paragraph). A CJK font
draws its own Latin: one embedded font keeps a Chinese handout small. Which
script a language is written in is scripts.py's (CLDR's) answer;
``family_for(lang, families)`` (``Brand.family``) is what a renderer asks.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError

from handouts import cmaps, fontcache, fontruns, scripts

FACES = ("regular", "bold", "italic", "bold_italic")
#: Where an italic face has no glyph (Source Sans Pro's italics have no
#: Cyrillic or Greek), the character is drawn upright.
UPRIGHT = {"italic": "regular", "bold_italic": "bold"}

#: The fonts shipped with the package (each folder holds its licence).
FONTFILES = Path(__file__).resolve().parent / "fontfiles"

#: Scripts the Latin family covers: they share its entry unless clinic.yaml names their own.
LATIN_KEYS = frozenset({"latin", "cyrillic", "greek"})

_UNDRAWABLE = ("Cc", "Cs", "Co", "Cn")


@dataclass(frozen=True)
class FontFamily:
    """Four registered ReportLab font names and their glyph tables; for a
    script other than Latin, the Latin family it falls back to."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    cmaps: dict[str, frozenset[int]] = field(repr=False, compare=False, hash=False)
    fallback: "FontFamily | None" = field(default=None, compare=False, hash=False)
    #: Text in this script is shaped with HarfBuzz (Arabic joins its letters).
    shaping: bool = False
    #: Said after a missing glyph: how to give this script a font of its own.
    hint: str = field(default="", compare=False, hash=False)
    #: ``drawable``'s answers, (character, face) -> bool: each character's
    #: glyphs looked up once (a batch asks again for every handout's words).
    known: dict[tuple[str, str], bool] = field(default_factory=dict, init=False, repr=False, compare=False,
                                               hash=False)
    #: Characters every face draws (``missing_glyphs`` asks of each character only once).
    everywhere: set[str] = field(default_factory=set, init=False, repr=False, compare=False, hash=False)

    def drawable(self, ch: str, face: str = "regular") -> bool:
        key = (ch, face)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._drawable(ch, face)
        return found

    def _drawable(self, ch: str, face: str) -> bool:
        if ch in "\n\r\t":
            return True
        if unicodedata.category(ch) in _UNDRAWABLE:
            return False
        if ord(ch) in self.cmaps[getattr(self, face)]:
            return True
        if self.fallback is not None:
            return self.fallback.drawable(ch, face)
        upright = UPRIGHT.get(face)     # an italic without the letter draws it upright
        return upright is not None and ord(ch) in self.cmaps[getattr(self, upright)]

    def missing_glyphs(self, text: str) -> list[tuple[str, str]]:
        """Characters of ``text`` that some face cannot draw: [(char, face name)],
        in the order they first appear (each distinct character asked once;
        one every face draws, once per family)."""
        out, everywhere = [], self.everywhere
        if everywhere.issuperset(text):
            return out
        for ch in [ch for ch in dict.fromkeys(text) if ch not in everywhere]:
            for face in FACES:
                if not self.drawable(ch, face):
                    out.append((ch, getattr(self, face)))
                    break
            else:
                everywhere.add(ch)
        return out

    def font_words(self, name: str, lang: str | None) -> str:
        """``the font WenQuanYiMicroHei (used for zh-Hans)``."""
        return f"the font {shown_name(name)}" + (f" (used for {lang})" if lang else "")

    def missing_in_words(self, text: str, face: str = "regular", lang: str | None = None) -> list[str]:
        """One message per word of ``text`` that has a character the given
        face cannot draw, naming the word, the characters, the face (the
        font a reader would see it in) and the language it is used for; a
        field with many such words gets one message."""
        if all(self.drawable(ch, face) for ch in set(text) if not ch.isspace()):
            return []   # the usual case: each character looked up once, not once per word
        font = self.font_words(getattr(self, face), lang)
        words: dict[str, list[str]] = {}
        for word in text.split():
            bad = [ch for ch in dict.fromkeys(word) if not self.drawable(ch, face)]
            if bad:
                words.setdefault(word, bad)
        if not words:
            return []
        hint = f"; {self.hint}" if self.hint else ""
        if len(words) > 3:
            chars = list(dict.fromkeys(ch for bad in words.values() for ch in bad))
            shown = ", ".join(describe_char(ch) for ch in chars[:3]) + (" and more" if len(chars) > 3 else "")
            sample = ", ".join(_quote_word(w) for w in list(words)[:3])
            return [f"{font} has no glyph for {shown} in {len(words)} words ({sample}, ...){hint}"]
        return [f"{font} has no glyph for {' and '.join(describe_char(ch) for ch in bad)} "
                f"in the word {_quote_word(word)}{hint}" for word, bad in words.items()]


#: A registered name -> the name a message shows (the same font under another face's name).
_SHOWN: dict[str, str] = {}


def shown_name(name: str) -> str:
    """``WenQuanYiMicroHei-bold`` -> ``WenQuanYiMicroHei``;
    ``NotoSansArabic~Clinic-1a2b`` -> ``NotoSansArabic``; a clinic's own
    font -> its file's name (``Amiri-Regular.ttf``)."""
    return _SHOWN.get(name, name).split("~")[0]


def _quote_word(word: str) -> str:
    shown = "".join(ch if ch.isprintable() else "\ufffd" for ch in word)
    return f"“{shown[:40]}{'…' if len(shown) > 40 else ''}”"


def describe_char(ch: str) -> str:
    """``'→'`` -> ``'"→" (U+2192 RIGHTWARDS ARROW)'``."""
    name = unicodedata.name(ch, "unnamed character")
    shown = ch if ch.isprintable() else ""
    return f'"{shown}" (U+{ord(ch):04X} {name})' if shown else f"U+{ord(ch):04X} {name}"


# --------------------------------------------------------------------------
# Registering families.

_registering = threading.Lock()


def _register(name: str, path: Path, parsed: dict[Path, str] | None = None, **read) -> frozenset[int]:
    """Register ``path`` as ``name``; its characters. ``parsed``: the files registered so far
    in this call, by name; ``read``: its ``data`` and ``sha256`` if read (fontcache.ttfont)."""
    with _registering:      # the page's threads may ask for a script's family at once
        if name not in pdfmetrics.getRegisteredFontNames():
            first = parsed.get(path) if parsed is not None else None
            if first is not None:
                # The same file under another name (a face the family lacks):
                # ReportLab keys a TrueType face by its PostScript name and
                # registers the new name as the font that already holds it,
                # so parsing the file again would be thrown away. Register
                # that font under the new name without parsing.
                alias = copy.copy(pdfmetrics.getFont(first))
                alias.fontName = name
                pdfmetrics.registerFont(alias)
            else:
                # A collection (.ttc) gives its first font; shaping (HarfBuzz)
                # is on for every font and used where a style asks for it
                # (scripts that join). A subset holds the glyphs drawn, and
                # all of ASCII only on a Latin page (pdfonce.py: why).
                pdfmetrics.registerFont(fontcache.ttfont(name, path, **read))
        if parsed is not None:
            parsed.setdefault(path, name)
        font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def _face_names(names: dict[str, str], fallback: FontFamily | None, latin_first: bool) -> dict[str, str]:
    if fallback is not None and latin_first:
        # One name per face, even where two faces share a file (a family with
        # one weight): a Latin word in it takes the fallback's face of its
        # own weight and slant, found by name. (A CJK font draws its own
        # Latin: its faces keep one name, so its glyphs are embedded once.)
        names = dict(names)
        for i, face in enumerate(FACES):
            if names[face] in [names[f] for f in FACES[:i]]:
                _SHOWN[f"{names[face]}-{face}"] = shown_name(names[face])
                names[face] = f"{names[face]}-{face}"
    return names


def _family(names: dict[str, str], paths: dict[str, Path], fallback: FontFamily | None = None,
            shaping: bool = False, hint: str = "", latin_first: bool = True) -> FontFamily:
    names = _face_names(names, fallback, latin_first)
    parsed: dict[Path, str] = {}
    cmaps: dict[str, frozenset[int]] = {}
    for f in FACES:     # a name several faces share (a CJK font's) once
        if names[f] not in cmaps:
            cmaps[names[f]] = _register(names[f], paths[f], parsed)
    pdfmetrics.registerFontFamily(
        names["regular"], normal=names["regular"], bold=names["bold"],
        italic=names["italic"], boldItalic=names["bold_italic"],
    )
    if fallback is not None:
        for face in FACES:     # a name several faces share falls back to the first one's face
            other = getattr(fallback, face)
            fontruns.link(names[face], other, cmaps[names[face]], fallback.cmaps[other], shaping,
                          latin_first, replace=face == "regular")
    else:
        for face, upright in UPRIGHT.items():
            if names[face] != names[upright]:
                fontruns.link(names[face], names[upright], cmaps[names[face]], cmaps[names[upright]],
                              shaping, False, replace=False)
    return FontFamily(cmaps=cmaps, fallback=fallback, shaping=shaping, hint=hint, **names)


def _faces(regular, bold=None, italic=None, bold_italic=None) -> dict:
    """Missing faces: bold is regular (a family with one weight), italic is
    regular, bold italic is bold."""
    bold = bold or regular
    return {"regular": regular, "bold": bold, "italic": italic or regular,
            "bold_italic": bold_italic or bold}


def _suffix(fallback: FontFamily) -> str:
    """Names for a family that falls back to a clinic's own Latin family are
    their own (``fontruns.FALLBACK`` is keyed by name)."""
    return "" if fallback == default_family() else "~" + fallback.regular


@lru_cache(maxsize=None)
def default_family() -> FontFamily:
    import font_source_sans_pro

    files = font_source_sans_pro.font_files_ttf
    paths = {
        "regular": Path(files["SourceSansPro"]),
        "bold": Path(files["SourceSansProBold"]),
        "italic": Path(files["SourceSansProIt"]),
        "bold_italic": Path(files["SourceSansProBoldIt"]),
    }
    names = {
        "regular": "SourceSansPro",
        "bold": "SourceSansPro-Bold",
        "italic": "SourceSansPro-It",
        "bold_italic": "SourceSansPro-BoldIt",
    }
    return _family(names, paths)


#: The shipped family per script: folder, (regular file, bold file), registered names.
SHIPPED = {
    "arabic": ("noto-sans-arabic", ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
               ("NotoSansArabic", "NotoSansArabic-Bold")),
    # One weight: bold is regular.
    "cjk": ("wqy-microhei", ("wqy-microhei.ttc", None), ("WenQuanYiMicroHei", None)),
}


def _shipped(key: str, fallback: FontFamily) -> tuple[dict[str, str], dict[str, Path]]:
    """A shipped family's registered name and file per face."""
    folder, (regular, bold), (name, bold_name) = SHIPPED[key]
    paths = _faces(FONTFILES / folder / regular, bold and FONTFILES / folder / bold)
    suffix = _suffix(fallback)
    return _faces(name + suffix, bold_name and bold_name + suffix), paths


@lru_cache(maxsize=None)
def shipped_family(key: str, fallback: FontFamily) -> FontFamily:
    names, paths = _shipped(key, fallback)
    return _family(names, paths, fallback, shaping=_shapes(key), latin_first=key != "cjk")


@lru_cache(maxsize=None)
def shipped_coverage(key: str, fallback: FontFamily) -> FontFamily:
    """``shipped_family(key, fallback)`` for checking words only: the same
    names and characters, read from the files' character maps (cmaps.py)
    without registering the fonts with ReportLab, so a build that never
    draws this script never parses its fonts (the Chinese one alone is about
    0.1 s of CPU). It draws nothing: a renderer asks ``shipped_family``."""
    names, paths = _shipped(key, fallback)
    names = _face_names(names, fallback, latin_first=key != "cjk")
    codes = {names[f]: cmaps.characters(paths[f]) for f in FACES}
    if any(c is None for c in codes.values()):    # not read there: register, as before
        return shipped_family(key, fallback)
    return FontFamily(cmaps=codes, fallback=fallback, shaping=_shapes(key), **names)  # type: ignore[arg-type]


def _shapes(key: str) -> bool:
    """Scripts whose letters change shape with their neighbours (Arabic,
    Hebrew points, the Indic scripts ...): all but Latin, Cyrillic, Greek and CJK."""
    return key not in LATIN_KEYS | {"cjk"}


class FontFileError(ValueError):
    """A clinic font file that cannot be used, and which face it is for."""

    def __init__(self, face: str, message: str):
        super().__init__(message)
        self.face = face


def custom_family(paths: dict[str, Path], fallback: FontFamily | None = None,
                  key: str = "latin") -> FontFamily:
    """Register a clinic's own TTF files for the script ``key``. Raises
    FontFileError naming the face."""
    paths = _faces(**paths)
    names, read = {}, {}     # a file is read and hashed once: its name, then its face (fontcache)
    for face, path in paths.items():
        spoken = face.replace("_", " ")
        if path not in read:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise FontFileError(face, f"the {spoken} font file {path.name} cannot be read "
                                          f"({(exc.strerror or 'unreadable').lower()})") from None
            read[path] = {"data": data, "sha256": hashlib.sha256(data).hexdigest()}
        names[face] = f"Clinic-{read[path]['sha256'][:12]}" + (_suffix(fallback) if fallback else "")
        _SHOWN[names[face]] = path.name      # a message names the clinic's own file
        try:
            _register(names[face], path, **read[path])
        except (TTFError, Exception):  # ReportLab raises many kinds on bad files
            raise FontFileError(face, f"the {spoken} font file is not a TrueType font (.ttf): "
                                      f"{path.name} is something else; use the font's .ttf file") from None
    return _family(names, paths, fallback, shaping=_shapes(key), latin_first=key != "cjk")


# --------------------------------------------------------------------------
# The brand's families, and the one question a renderer asks.

class Families:
    """A brand's family per script: the clinic's own where clinic.yaml names
    one, else the shipped one (registered when first asked for)."""

    def __init__(self, custom: dict[str, FontFamily] | None = None,
                 catalogs: tuple[Path, Path] | None = None):
        self.custom = dict(custom or {})
        self.latin = self.custom.get("latin") or default_family()
        self.catalogs = catalogs    # (templates, bundled templates): where a catalog's script: is read

    def script(self, lang: str) -> scripts.Script:
        """How ``lang`` is written: its catalog's ``script:`` if it says,
        else CLDR's answer (scripts.script_of)."""
        return scripts.script_of(lang, self._declared(lang))

    def _declared(self, lang: str) -> str | None:
        from handouts import catalog

        return catalog.declared_script(*self.catalogs, lang) if self.catalogs else None

    def for_script(self, key: str, draw: bool = True) -> FontFamily:
        if key in self.custom:
            return self.custom[key]
        if key in SHIPPED:
            return shipped_family(key, self.latin) if draw else shipped_coverage(key, self.latin)
        if key in LATIN_KEYS:
            return self.latin
        return _with_hint(self.latin, f"name a font for {key} in clinic.yaml "
                                      f"(fonts: {{{key}: {{regular: FILE.ttf}}}})")

    def for_lang(self, lang: str, draw: bool = True) -> FontFamily:
        """The family ``lang`` is set in; with ``draw=False``, one that only
        checks words (the same names, characters and hints) and registers no
        shipped font (``shipped_coverage``)."""
        code, assumed = scripts.code_of(lang, self._declared(lang))   # its direction is not needed
        family = self.for_script(scripts.font_key(code), draw)
        if assumed:             # a missing glyph then says how to name the script
            hint = (f"CLDR does not know the language {lang}, so it is taken as written in Latin "
                    f"letters; if it is not, name its script in its code ({lang}-Arab, {lang}-Mymr ...) "
                    f"or in its catalog (script: Arab)")
            # (A checking family is never cached as the drawing one: they compare equal.)
            family = _with_hint(family, hint) if draw else replace(family, hint=hint)
        return family


@lru_cache(maxsize=None)
def _with_hint(family: FontFamily, hint: str) -> FontFamily:
    return replace(family, hint=hint)


def family_for(lang: str, families: Families | None = None) -> FontFamily:
    """The family a handout in ``lang`` is set in (the clinic's ``families``,
    else the defaults). Whether the language is written right to left, or
    breaks lines between characters, is ``families.script(lang)``
    (``Brand.script``)."""
    return (families or Families()).for_lang(lang)
