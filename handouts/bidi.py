"""Right-to-left text: where each character of a line goes (the Unicode
Bidirectional Algorithm, UAX #9, as python-bidi implements it).

A line of an Arabic paragraph is kept in reading (logical) order until it is
drawn; ``visual_runs`` says in which order its pieces stand from left to
right and which way each piece runs. Phone numbers, email and web addresses
(``contacts.find``) are embedded left to right as wholes, so ``(541) 555-0142``
and ``https://riverbend.example.org`` read as written inside Arabic: the
algorithm alone would turn a phone number's groups around (digits after
Arabic letters are "Arabic numbers", and a hyphen between them does not join
them).

Nothing here draws or knows about fonts; ``rtlines.py`` cuts the runs by font
and shapes them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from handouts import contacts

#: LEFT-TO-RIGHT EMBEDDING and POP DIRECTIONAL FORMATTING (UAX #9, X2 and X6a).
LRE, PDF = "\u202a", "\u202c"


def base_rtl(text: str) -> bool:
    """A paragraph's direction (UAX #9, P2 and P3): that of its first
    letter with a direction, not counting phone numbers and addresses;
    right to left when it has none. A line of the page that is all Latin
    (the clinic's address) reads left to right, aligned as the page is."""
    skip = {i for item in contacts.find(text) for i in range(item.start, item.end)}
    for i, ch in enumerate(text):
        kind = unicodedata.bidirectional(ch)
        if i not in skip and kind in ("L", "R", "AL"):
            return kind != "L"
    return True


@dataclass(frozen=True)
class Run:
    """Characters ``start:end`` of the line (logical order) that stand
    together, running right to left when ``rtl``."""

    start: int
    end: int
    level: int

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


def _resolved(text: str, rtl: bool) -> list[dict]:
    """python-bidi's characters (``{"ch", "level", ...}``) in visual order,
    each with ``index``, its place in ``text``; phone numbers and addresses
    embedded left to right."""
    spans = [(item.start, item.end) for item in contacts.find(text)]
    starts = {s for s, _ in spans}
    ends = {e for _, e in spans}
    marked, origin = [], []
    for i, ch in enumerate(text):
        if i in starts:
            marked.append(LRE)
            origin.append(None)
        marked.append(ch)
        origin.append(i)
        if i + 1 in ends:
            marked.append(PDF)
            origin.append(None)
    from bidi import algorithm as _uba  # python-bidi: only for right-to-left text

    storage = _uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    _uba.get_embedding_levels("".join(marked), storage)
    for ch, index in zip(storage["chars"], origin):
        ch["index"] = index
    _uba.explicit_embed_and_overrides(storage)
    _uba.resolve_weak_types(storage)
    _uba.resolve_neutral_types(storage, False)
    _uba.resolve_implicit_levels(storage, False)
    _uba.reorder_resolved_levels(storage, False)
    return [ch for ch in storage["chars"] if ch.get("index") is not None]


def visual_runs(text: str, rtl: bool = True, cuts: frozenset[int] = frozenset()) -> list[Run]:
    """The runs of one line, from left to right as they are drawn. A run is
    cut where the level changes and at each index in ``cuts`` (where the font
    changes), so each run is one direction in one font."""
    runs: list[Run] = []
    for ch in _resolved(text, rtl):
        i, level = ch["index"], ch["level"]
        if runs:
            last = runs[-1]
            if last.level == level:
                if level % 2 and i == last.start - 1 and last.start not in cuts:
                    runs[-1] = Run(i, last.end, level)
                    continue
                if not level % 2 and i == last.end and i not in cuts:
                    runs[-1] = Run(last.start, i + 1, level)
                    continue
        runs.append(Run(i, i + 1, level))
    return runs
