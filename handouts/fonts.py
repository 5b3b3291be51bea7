"""The embedded type family, and the glyph check.

The default family is Source Sans Pro (SIL Open Font License), loaded from the
``font-source-sans-pro`` package: a clear humanist sans with wide Latin
coverage. A clinic may name its own TrueType files in clinic.yaml. Every font
is embedded and subset; no base-14 font is ever used.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FACES = ("regular", "bold", "italic", "bold_italic")


@dataclass(frozen=True)
class FontFamily:
    """Four registered ReportLab font names and their glyph tables."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    cmaps: dict[str, frozenset[int]] = field(repr=False, compare=False, hash=False)

    def missing_glyphs(self, text: str) -> list[tuple[str, str]]:
        """Characters of ``text`` that some face cannot draw: [(char, face name)]."""
        out, seen = [], set()
        for ch in text:
            if ch in seen or ch in "\n\r\t":
                continue
            seen.add(ch)
            for face in FACES:
                name = getattr(self, face)
                if ord(ch) not in self.cmaps[name] or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
                    out.append((ch, name))
                    break
        return out


    def missing_in_words(self, text: str, face: str = "regular") -> list[str]:
        """One message per word of ``text`` that has a character the given
        face cannot draw, naming the word, the characters and the face (the
        font a reader would see it in); a field with many such words gets one
        message."""
        name = getattr(self, face)
        cmap = self.cmaps[name]

        def drawable(ch: str) -> bool:
            return ch in "\n\r\t" or (ord(ch) in cmap and
                                        unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))

        words: dict[str, list[str]] = {}
        for word in text.split():
            bad = [ch for ch in dict.fromkeys(word) if not drawable(ch)]
            if bad:
                words.setdefault(word, bad)
        if not words:
            return []
        if len(words) > 3:
            chars = list(dict.fromkeys(ch for bad in words.values() for ch in bad))
            shown = ", ".join(describe_char(ch) for ch in chars[:3]) + (" and more" if len(chars) > 3 else "")
            sample = ", ".join(_quote_word(w) for w in list(words)[:3])
            return [f"the font {name} has no glyph for {shown} in {len(words)} words ({sample}, ...)"]
        return [f"the font {name} has no glyph for {' and '.join(describe_char(ch) for ch in bad)} "
                f"in the word {_quote_word(word)}" for word, bad in words.items()]


def _quote_word(word: str) -> str:
    shown = "".join(ch if ch.isprintable() else "\ufffd" for ch in word)
    return f"“{shown[:40]}{'…' if len(shown) > 40 else ''}”"


def describe_char(ch: str) -> str:
    """``'→'`` -> ``'"→" (U+2192 RIGHTWARDS ARROW)'``."""
    name = unicodedata.name(ch, "unnamed character")
    shown = ch if ch.isprintable() else ""
    return f'"{shown}" (U+{ord(ch):04X} {name})' if shown else f"U+{ord(ch):04X} {name}"


def _register(name: str, path: Path) -> frozenset[int]:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def _family(names: dict[str, str], paths: dict[str, Path]) -> FontFamily:
    cmaps = {names[f]: _register(names[f], paths[f]) for f in FACES}
    pdfmetrics.registerFontFamily(
        names["regular"], normal=names["regular"], bold=names["bold"],
        italic=names["italic"], boldItalic=names["bold_italic"],
    )
    return FontFamily(cmaps=cmaps, **names)


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


class FontFileError(ValueError):
    """A clinic font file that cannot be used, and which face it is for."""

    def __init__(self, face: str, message: str):
        super().__init__(message)
        self.face = face


def custom_family(paths: dict[str, Path]) -> FontFamily:
    """Register a clinic's own TTF files. Raises ValueError naming the face."""
    paths = dict(paths)
    paths.setdefault("italic", paths["regular"])
    paths.setdefault("bold_italic", paths["bold"])
    names = {}
    for face, path in paths.items():
        spoken = face.replace("_", " ")
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError as exc:
            raise FontFileError(face, f"the {spoken} font file {path.name} cannot be read "
                                      f"({(exc.strerror or 'unreadable').lower()})") from None
        names[face] = f"Clinic-{digest}"
        try:
            _register(names[face], path)
        except (TTFError, Exception):  # ReportLab raises many kinds on bad files
            raise FontFileError(face, f"the {spoken} font file is not a TrueType font (.ttf): "
                                      f"{path.name} is something else; use the font's .ttf file") from None
    return _family(names, paths)
