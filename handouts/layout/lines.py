"""Footer and caption lines that read well, in every language and paper:

- parts joined by a separator (``Clinic · phone``, ``website · email``) stay
  on one line when they fit; when they do not, the line breaks at the
  separator and the dot is dropped, so no line ends with " ·";
- a labelled line (``Last reviewed: November 26, 2026``) that does not fit
  breaks after its label, so the date stays whole;
- no line ends a paragraph (or a part of one) with a lone word or year: the
  paragraph is set a little narrower until its last line holds two words.

``settle`` returns the paragraph to draw at a width; the decision depends
only on the text, the style and the width, so it is made once per process.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict

from reportlab.lib.styles import ParagraphStyle

from handouts.flowables import TaggedParagraph as Paragraph, style_key

#: How parts of a footer line are joined: (joiner, what is left at a break).
SEPARATOR = (" · ", "")
LABEL = (": ", ":")
BREAK = "<br/>"

#: How much narrower a paragraph may be set to move a lone word down.
NARROWEST = 0.6


def settle(para: Paragraph, width: float, joint: tuple[str, str] | None = None) -> Paragraph:
    """``para`` as it should be drawn ``width`` wide (see the module's
    docstring): the same paragraph when it already reads well, else a copy
    (its tagging and roles kept) with breaks at its joints and a right indent."""
    if not getattr(para, "handout_word_breaks", True):
        return para   # a URL broken at its own joints
    text, indent = _decide(para.text, para.style, round(width, 2), joint)
    if text == para.text and not indent:
        return para
    style = para.style
    if indent:   # on the side where lines end ragged: the left, right to left
        side = "leftIndent" if getattr(style, "handout_rtl", False) else "rightIndent"
        style = ParagraphStyle(f"{style.name}-settled", parent=style,
                               **{side: getattr(style, side) + indent})
    return restyled(para, style, text)


def restyled(para: Paragraph, style: ParagraphStyle, text: str | None = None) -> Paragraph:
    """A copy of ``para`` in another style (and text), its tagging and roles kept."""
    new = Paragraph(para.text if text is None else text, style)
    for name, value in vars(para).items():
        if name.startswith("handout_"):
            setattr(new, name, value)
    return new


#: Decisions made per process: (text, the style's key, width, joint) -> (text, indent).
_DECIDED: OrderedDict = OrderedDict()
MAX_DECIDED = 1024


def _decide(text: str, style: ParagraphStyle, width: float,
            joint: tuple[str, str] | None) -> tuple[str, float]:
    """``_decided``, once per process for each text, width and type: keyed
    on what the style's lines depend on (``style_key``), not on the style
    object, so the fit search's styles at each body size, which make the
    same footer styles anew, share one decision."""
    key = (text, style_key(style), width, joint)
    decided = _DECIDED.get(key)
    if decided is None:
        decided = _DECIDED[key] = _decided(text, style, width, joint)
        if len(_DECIDED) > MAX_DECIDED:
            _DECIDED.popitem(last=False)
    return decided


def _decided(text: str, style: ParagraphStyle, width: float,
             joint: tuple[str, str] | None) -> tuple[str, float]:
    """(the text with its breaks, the right indent) for ``text`` in ``width``."""
    if joint is not None:
        text = _packed(text, style, width, joint)
    lines = _lines(text, style, width)
    if _reads_well(lines) or " " not in text.strip():
        return text, 0.0   # (a text without spaces, such as Chinese, has no lone words)
    # Narrower, a step at a time, until the last words keep company; never
    # more lines than one extra.
    for step in range(1, 9):
        indent = width * (1 - NARROWEST) * step / 8
        narrower = _lines(text, style, width - indent)
        if len(narrower) <= len(lines) + (step > 4) and _reads_well(narrower):
            return text, indent
    return text, 0.0


def _packed(text: str, style: ParagraphStyle, width: float, joint: tuple[str, str]) -> str:
    """``text`` with a line break in place of each joint where it must break:
    where the joint would end or start a line, or where the part after it
    would be cut in two although it fits on a line of its own (what is left
    of the joint at a break: nothing for a dot, the colon for a label)."""
    joiner, kept = joint
    parts = _parts(text, joiner)
    if joiner == LABEL[0] and len(parts) > 2:
        parts = [parts[0], joiner.join(parts[1:])]
    if len(parts) < 2:
        return text
    own = [] if joiner[0] != " " else [t for t in joiner.split() if t]   # the joint's own words
    breaks = [False] * (len(parts) - 1)
    for _ in parts:
        text = parts[0] + "".join((kept + BREAK if b else joiner) + p for b, p in zip(breaks, parts[1:]))
        where = [i for i, (words, _) in enumerate(_lines(text, style, width)) for _ in words]
        if len(where) != sum(map(len, map(_words, parts))) + len(own) * breaks.count(False):
            return text   # words ReportLab counts otherwise: leave the line as it is
        at, bad = len(_words(parts[0])), None
        for j, part in enumerate(parts[1:]):
            n = len(_words(part))
            if not breaks[j]:
                mark = [where[at]] if own else []
                cut = where[at + len(own)] != where[at + len(own) + n - 1]
                starts = mark and (where[at - 1] != mark[0] or where[at + 1] != mark[0])
                if starts or (cut and len(_lines(part, style, width)) == 1):
                    bad = j
                    break
            at += n + (0 if breaks[j] else len(own))
        if bad is None:
            return text
        breaks[bad] = True
    return text


def _words(markup: str) -> list[str]:
    """The words of inline markup as ReportLab breaks them (spaces only)."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", markup))
    return [w for w in plain.split(" ") if w]


def _parts(text: str, joiner: str) -> list[str]:
    """``text`` split at ``joiner`` where the joiner stands outside any
    inline tag (so ``<b>Clinic</b> · phone`` splits, and a tag never does)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        if text[i] == "<":
            end = text.find(">", i)
            if end < 0:
                return [text]
            tag = text[i:end + 1]
            depth += 0 if tag.endswith("/>") else -1 if tag.startswith("</") else 1
            i = end + 1
            continue
        if depth == 0 and text.startswith(joiner, i):
            parts.append(text[start:i])
            start = i = i + len(joiner)
            continue
        i += 1
    parts.append(text[start:])
    return parts if all(p.strip() for p in parts) else [text]


def _lines(text: str, style: ParagraphStyle, width: float) -> list[tuple[list[str], bool]]:
    """Each line of ``text`` set ``width`` wide: its words, and whether a
    part ends with it (a forced break or the paragraph's end)."""
    para = Paragraph(text, style)
    para.wrap(width, 1e6)
    bl = para.blPara
    out = []
    for i, line in enumerate(bl.lines):
        last = i == len(bl.lines) - 1
        if bl.kind == 0:
            words = [w for w in line[1]]
        else:
            words = "".join(getattr(f, "text", "") for f in line.words).split(" ")
            last = last or bool(getattr(line, "lineBreak", False))
        out.append(([w for w in words if w], last))
    return out


def _reads_well(lines: list[tuple[list[str], bool]]) -> bool:
    """No part of more than one line ends with a line of one word."""
    first_of_part = True
    for words, ends_part in lines:
        if ends_part and not first_of_part and len(words) < 2:
            return False
        first_of_part = ends_part
    return True
