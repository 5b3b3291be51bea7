"""Which font draws which character of a paragraph: a family for a script
other than Latin hands some characters to its Latin fallback (fonts.py
registers which font falls back to which), and a Latin italic hands letters
it lacks to its upright face. ``with_fallback`` cuts a parsed paragraph's
fragments where the font changes (flowables.TaggedParagraph)."""

from __future__ import annotations

import re


#: A registered font name -> (its fallback's name, its glyphs, the fallback's
#: glyphs, whether its text is shaped, whether Latin goes to the fallback first).
FALLBACK: dict[str, tuple[str, frozenset[int], frozenset[int], bool, bool]] = {}


def link(font: str, fallback: str, own: frozenset[int], other: frozenset[int], shaped: bool,
         latin_first: bool, replace: bool = True) -> None:
    """Characters ``font`` lacks (and, with ``latin_first``, Latin ones) are
    drawn with ``fallback``; ``replace=False`` keeps a link already made."""
    if replace or font not in FALLBACK:
        FALLBACK[font] = (fallback, own, other, shaped, latin_first)


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
    entry = FALLBACK.get(font)
    if entry is None or not text:
        return [(font, text)]
    other, own, latin, shaped, prefer = entry
    if not prefer and own.issuperset(map(ord, text)):   # (a Latin italic's words, mostly)
        return [(font, text)]

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
    if not any(getattr(f, "fontName", None) in FALLBACK for f in frags):
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


def string_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` as drawn: each run in its own font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(part, name, size) for name, part in split_runs(text, font))

