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
same in every language (``split_runs``, used by the paragraph). A CJK font
draws its own Latin: one embedded font keeps a Chinese handout small. Which script a language is written
in is scripts.py's (CLDR's) answer; ``family_for(lang, families)`` is what a
renderer asks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from handouts import scripts

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

    def drawable(self, ch: str, face: str = "regular") -> bool:
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
        """Characters of ``text`` that some face cannot draw: [(char, face name)]."""
        out, seen = [], set()
        for ch in text:
            if ch in seen:
                continue
            seen.add(ch)
            for face in FACES:
                if not self.drawable(ch, face):
                    out.append((ch, getattr(self, face)))
                    break
        return out

    def font_words(self, name: str, lang: str | None) -> str:
        """``the font WenQuanYiMicroHei (used for zh-Hans)``."""
        return f"the font {shown_name(name)}" + (f" (used for {lang})" if lang else "")

    def missing_in_words(self, text: str, face: str = "regular", lang: str | None = None) -> list[str]:
        """One message per word of ``text`` that has a character the given
        face cannot draw, naming the word, the characters, the face (the
        font a reader would see it in) and the language it is used for; a
        field with many such words gets one message."""
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
    ``NotoSansArabic~Clinic-1a2b`` -> ``NotoSansArabic``."""
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
# Runs: which font draws which character of a paragraph's text.

#: A registered font name -> (its fallback's name, its glyphs, the fallback's
#: glyphs, whether its text is shaped, whether Latin goes to the fallback first).
_FALLBACK: dict[str, tuple[str, frozenset[int], frozenset[int], bool, bool]] = {}

_TOKENS = re.compile(r"(\s+)")


def _latin_first(ch: str) -> bool:
    """Drawn with the Latin family even when the script's font has it: Latin
    letters, digits and ASCII punctuation, so a phone number or a web address
    looks the same in every language."""
    o = ord(ch)
    return (o < 0x250 or 0x1E00 <= o <= 0x1EFF) and not ch.isspace()


def split_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` cut into ``[(font name, part)]``: the parts the Latin fallback
    draws and the parts ``font`` draws. Spaces stay with the run they follow.
    A font without a fallback draws all of it.

    Shaped text is cut between words only where it can be: ReportLab shapes
    a word with the font of its first part (``shapeFragWord``), so a word
    the script's font can draw whole stays in it (an Arabic word with its
    full stop), a Latin word goes to the Latin font, and only a word neither
    can draw alone is cut by character."""
    entry = _FALLBACK.get(font)
    if entry is None or not text:
        return [(font, text)]
    other, own, latin, shaped, prefer = entry

    def pick(ch: str) -> str:
        return other if ord(ch) in latin and ((prefer and _latin_first(ch)) or ord(ch) not in own) else font

    runs: list[list] = []

    def put(use: str, part: str) -> None:
        if runs and runs[-1][0] == use:
            runs[-1][1].append(part)
        else:
            runs.append([use, [part]])

    for token in _TOKENS.split(text) if shaped else text:
        if not token:
            continue
        if token.isspace():
            put(runs[-1][0] if runs else font, token)
            continue
        uses = {pick(ch) for ch in token}
        if len(uses) == 1:
            put(uses.pop(), token)
        elif all(ord(ch) in own for ch in token):
            put(font, token)
        else:
            for ch in token:
                put(pick(ch), ch)
    return [(name, "".join(parts)) for name, parts in runs]


def with_fallback(frags: list) -> list:
    """A parsed paragraph's fragments, each cut where its font changes
    (``split_runs``); fragments of a font without a fallback are kept as they are."""
    if not any(getattr(f, "fontName", None) in _FALLBACK for f in frags):
        return frags
    out = []
    for f in frags:
        text = getattr(f, "text", None)
        runs = split_runs(text, f.fontName) if text and not getattr(f, "cbDefn", None) else []
        if len(runs) < 2 and (not runs or runs[0][0] == f.fontName):
            out.append(f)
            continue
        for name, part in runs:
            piece = f.clone(fontName=name, text=part)
            # A Latin italic falls back once more, to its upright face.
            out.extend(with_fallback([piece]) if name != f.fontName else [piece])
    return out


# --------------------------------------------------------------------------
# Registering families.

def _register(name: str, path: Path) -> frozenset[int]:
    if name not in pdfmetrics.getRegisteredFontNames():
        # A collection (.ttc) gives its first font; shaping (HarfBuzz) is on
        # for every font and used where a style asks for it (scripts that join).
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0, shapable=True))
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def _family(names: dict[str, str], paths: dict[str, Path], fallback: FontFamily | None = None,
            shaping: bool = False, hint: str = "", latin_first: bool = True) -> FontFamily:
    if fallback is not None:
        # One name per face, even where two faces share a file (a family with
        # one weight): a Latin word in it takes the fallback's face of its
        # own weight and slant, found by name.
        names = dict(names)
        for i, face in enumerate(FACES):
            if names[face] in [names[f] for f in FACES[:i]]:
                _SHOWN[f"{names[face]}-{face}"] = names[face]
                names[face] = f"{names[face]}-{face}"
    cmaps = {names[f]: _register(names[f], paths[f]) for f in FACES}
    pdfmetrics.registerFontFamily(
        names["regular"], normal=names["regular"], bold=names["bold"],
        italic=names["italic"], boldItalic=names["bold_italic"],
    )
    if fallback is not None:
        for face in FACES:
            other = getattr(fallback, face)
            _FALLBACK[names[face]] = (other, cmaps[names[face]], fallback.cmaps[other], shaping,
                                      latin_first)
    else:
        for face, upright in UPRIGHT.items():
            if names[face] != names[upright]:
                _FALLBACK.setdefault(names[face], (names[upright], cmaps[names[face]], cmaps[names[upright]],
                                                   shaping, False))
    return FontFamily(cmaps=cmaps, fallback=fallback, shaping=shaping, hint=hint, **names)


def _faces(regular, bold=None, italic=None, bold_italic=None) -> dict:
    """Missing faces: bold is regular (a family with one weight), italic is
    regular, bold italic is bold."""
    bold = bold or regular
    return {"regular": regular, "bold": bold, "italic": italic or regular,
            "bold_italic": bold_italic or bold}


def _suffix(fallback: FontFamily) -> str:
    """Names for a family that falls back to a clinic's own Latin family are
    their own (``_FALLBACK`` is keyed by name)."""
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


@lru_cache(maxsize=None)
def shipped_family(key: str, fallback: FontFamily) -> FontFamily:
    folder, (regular, bold), (name, bold_name) = SHIPPED[key]
    paths = _faces(FONTFILES / folder / regular, bold and FONTFILES / folder / bold)
    suffix = _suffix(fallback)
    names = _faces(name + suffix, bold_name and bold_name + suffix)
    return _family(names, paths, fallback, shaping=_shapes(key), latin_first=key != "cjk")


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
    names = {}
    for face, path in paths.items():
        spoken = face.replace("_", " ")
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError as exc:
            raise FontFileError(face, f"the {spoken} font file {path.name} cannot be read "
                                      f"({(exc.strerror or 'unreadable').lower()})") from None
        names[face] = f"Clinic-{digest}" + (_suffix(fallback) if fallback else "")
        try:
            _register(names[face], path)
        except (TTFError, Exception):  # ReportLab raises many kinds on bad files
            raise FontFileError(face, f"the {spoken} font file is not a TrueType font (.ttf): "
                                      f"{path.name} is something else; use the font's .ttf file") from None
    return _family(names, paths, fallback, shaping=_shapes(key), latin_first=key != "cjk")


# --------------------------------------------------------------------------
# The brand's families, and the one question a renderer asks.

class Families:
    """A brand's family per script: the clinic's own where clinic.yaml names
    one, else the shipped one (registered when first asked for)."""

    def __init__(self, custom: dict[str, FontFamily] | None = None):
        self.custom = dict(custom or {})
        self.latin = self.custom.get("latin") or default_family()

    def for_script(self, key: str) -> FontFamily:
        if key in self.custom:
            return self.custom[key]
        if key in SHIPPED:
            return shipped_family(key, self.latin)
        if key in LATIN_KEYS:
            return self.latin
        return _with_hint(self.latin, f"name a font for {key} in clinic.yaml "
                                      f"(fonts: {{{key}: {{regular: FILE.ttf}}}})")

    def for_lang(self, lang: str, declared: str | None = None) -> FontFamily:
        return self.for_script(scripts.script_of(lang, declared).key)


@lru_cache(maxsize=None)
def _with_hint(family: FontFamily, hint: str) -> FontFamily:
    from dataclasses import replace

    return replace(family, hint=hint)


def family_for(lang: str, families: Families | None = None, declared: str | None = None) -> FontFamily:
    """The family a handout in ``lang`` is set in (the clinic's ``families``,
    else the defaults). Whether the language is written right to left, or
    breaks lines between characters, is ``scripts.script_of(lang)``."""
    return (families or Families()).for_lang(lang, declared)
