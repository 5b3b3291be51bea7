"""A handout's words as one canonical text, their digest and a word diff.

The words of a handout in one language are every word its patient sees: the
article (with any shared block it includes), the fixed words the template
prints from the language's catalog, and the clinic's words in that language.
``words`` reads them from the handout markup the template produced, one line
per block (``# title``, ``## heading``, ``- item``), attributes such as the
logo's and QR code's descriptions as ``[tag name] value`` lines, and never the
review line (it is written from the approval). ``digest`` (sha256) names that
exact version; ``diff`` compares two versions word by word.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable

from handouts import xmltree

#: The markup element the review line is written into (never part of the words).
REVIEW_TAG = "reviewed"
#: How many hex digits of a digest are shown and written by hand (translated_from).
SHORT = 12

_SPACE = re.compile(r"\s+")
#: Line prefixes that keep the structure readable in a diff.
_PREFIX = {"title": "# ", "heading": "## ", "item": "- "}
_INLINE = {"b", "strong", "i", "em", "br"}


# -------------------------------------------------------------------------
# The words.

def words(root) -> str:
    """The canonical text of parsed handout markup (``markup.parse(...).root``):
    one line per block of text, whitespace collapsed, attributes (the logo's and
    QR code's descriptions, "please turn over") as ``[tag name] value`` lines;
    the review line left out (it is written from the approval)."""
    lines: list[str] = []
    _walk(root, lines)
    return "\n".join(lines)


def _walk(node, lines: list[str]) -> None:
    if node.tag == REVIEW_TAG:
        return
    for name, value in sorted(node.attrs.items()):
        value = _SPACE.sub(" ", value).strip()
        if value and name != "lang":
            lines.append(f"[{node.tag} {name}] {value}")
    if any(isinstance(c, str) and c.strip() or not isinstance(c, str) and c.tag in _INLINE
           for c in node.children):
        text = _SPACE.sub(" ", _flat(node)).strip()
        if text:
            lines.append(_PREFIX.get(node.tag, "") + text)
        return
    for child in node.children:
        if not isinstance(child, str):
            _walk(child, lines)


def parse(text: str) -> xmltree.Node:
    """The markup's tree as ``markup.parse`` reads it (the same reader,
    ``xmltree``), for its words only: without the layout's modules, so
    ``list`` and the page need no renderer. Raises ValueError for markup that
    is not well formed (``markup.parse`` says why)."""
    try:
        roots = xmltree.parse(text)
    except xmltree.ExpatError as exc:
        raise ValueError(str(exc)) from None
    if len(roots) != 1:
        raise ValueError("the markup must have one root")
    return roots[0]


def _flat(node) -> str:
    return "".join(c if isinstance(c, str) else " " if c.tag == "br" else _flat(c)
                   for c in node.children)


def digest(text: str) -> str:
    """``sha256:<64 hex digits>`` of the canonical text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def short(full: str) -> str:
    """The first few hex digits of a digest, as people copy them."""
    return full.removeprefix("sha256:")[:SHORT]


def same(full: str, given: str) -> bool:
    """Whether ``given`` (a full digest or its first 12+ hex digits) names ``full``."""
    given = given.strip().lower().removeprefix("sha256:")
    return len(given) >= SHORT and full.removeprefix("sha256:").startswith(given)


# -------------------------------------------------------------------------
# Word diff.

_TOKEN = re.compile(r"\n|[^\s]+")


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word: ``[("=", "same words"), ("-", "removed"), ("+", "added"), ...]``
    (line breaks kept as ``"\\n"`` inside the runs)."""
    import difflib  # only for a review's diff: a build needs none

    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace"):
            out.append(("=" if op == "equal" else "-", _join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("+", _join(b[j1:j2])))
    return out


def _join(tokens: list[str]) -> str:
    return re.sub(r" ?\n ?", "\n", " ".join(tokens))


def changed_words(ops: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """How many words were removed and added."""
    removed = sum(len(t.split()) for op, t in ops if op == "-")
    added = sum(len(t.split()) for op, t in ops if op == "+")
    return removed, added
