"""Where a line may break in a language written without spaces between words
(Chinese, Japanese): between any two characters, except where the rules of
its typography say not (W3C "Requirements for Chinese Text Layout", 3.1.7;
JIS X 4051 kinsoku):

- no line starts with closing punctuation: 。，、；：？！）》」』】 …, nor with
  ReportLab's own list (``reportlab.lib.textsplit.CANNOT_START_LINE``, which
  is Japanese-centred and lacks the full-width ，：；！？ Chinese uses most);
- no line ends with opening punctuation: （《「『【“‘ ...;
- a run of Latin letters and digits (``CVI``, ``911``, ``10``, a web address)
  breaks only at a space, never inside, unless it is longer than a line;
- a no-break space never breaks;
- a short aside in full-width brackets, four characters or fewer inside
  (the sources' （英文）, "in English"), never breaks inside: it goes down
  whole.

When the character that overflows may not start a line, the break moves back
to the nearest place it may (the character before it goes down with it: "push
out"), so no line is ever wider than its column; and a paragraph does not end
with a line of one character ("药。"): the line above gives it another. A space at the end of a line
stays in it (drawn after the last glyph, where it shows nothing), so the text
a screen reader gets has its real spaces and no made-up ones.

No ReportLab here: ``flowables.TaggedParagraph`` measures, this decides.
"""

from __future__ import annotations

from typing import Callable, Sequence

#: Characters that may not start a line: closing brackets and quotes, the
#: sentence and clause marks (full width and ASCII), the small kana, iteration
#: marks, and symbols that follow a number.
CANNOT_START = frozenset(
    "!),.:;?]}'\"%"                      # ASCII
    "，。、；：？！）》〉」』】〕〗〙〛］｝｠"   # Chinese closing and stop marks
    "’”…‥—–·・ー～〜"                    # quotes that close; dashes and ellipses (their second half)
    "％‰℃°′″￠"                          # after a number
    "｡｣､ゝゞヽヾ々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"  # Japanese
    "\u3001\u3002\u300d\u300f\u3011\u3015\uff3d\uff09"      # ReportLab's strongly prohibited
)

#: Characters that may not end a line: opening brackets and quotes, and
#: symbols that come before a number.
CANNOT_END = frozenset(
    "([{"
    "（《〈「『【〔〖〘〚［｛｟‘“"
    "$£¥€＄￥￡#＃@＠§〒"
)

NBSP = "\u00a0"

#: Full-width brackets whose short contents stay on one line, and how short.
ASIDES = {"（": "）", "【": "】", "〔": "〕"}
SHORT_ASIDE = 4


def _is_wide(ch: str) -> bool:
    """A character of a script written without spaces (or its punctuation):
    a line may break before or after it."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF or 0x3000 <= o <= 0x303F)


def may_break_before(text: str, k: int) -> bool:
    """May a line end between ``text[k-1]`` and ``text[k]``?"""
    if k <= 0 or k >= len(text):
        return False
    before, after = text[k - 1], text[k]
    if after.isspace() or before == NBSP or after == NBSP:
        return False   # a space ends the line it is on; a no-break space never breaks
    if before.isspace():
        return True
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return (_is_wide(before) or _is_wide(after)) and not _in_short_aside(text, k)


def _in_short_aside(text: str, k: int) -> bool:
    """Is ``k`` inside a short full-width aside, （英文）: an opening bracket
    before it and its closing one after it, at most SHORT_ASIDE characters
    apart, with no bracket of either kind between?"""
    start = max(0, k - SHORT_ASIDE)
    for i in range(k - 1, start - 1, -1):
        close = ASIDES.get(text[i])
        if close is not None:
            end = text.find(close, k, i + SHORT_ASIDE + 2)
            return end >= 0 and not any(ch in ASIDES for ch in text[k:end])
        if text[i] in ASIDES.values():
            return False
    return False


def break_lines(text: str, widths: Sequence[float], max_width: Callable[[int], float],
                forced: Sequence[bool] = (), fuzz: float = 1e-8) -> list[tuple[int, int]]:
    """Break ``text`` (one width per character) into lines no wider than
    ``max_width(n)`` for the n-th line: [(start, end)] of each line. A
    ``forced`` character (a line break in the markup) ends its line."""
    lines: list[tuple[int, int]] = []
    n = len(text)
    start = i = 0
    used = 0.0
    while i < n:
        if forced and forced[i]:
            lines.append((start, i + 1))
            start = i = i + 1
            used = 0.0
            continue
        used += widths[i]
        if used > max_width(len(lines)) + fuzz and not text[i].isspace() and i > start:
            k = next((k for k in range(i, start, -1) if may_break_before(text, k)), None)
            if k is None:     # one unbreakable run wider than the line: break it where it overflows
                k = i
            lines.append((start, k))
            start = i = k
            used = 0.0
            continue
        i += 1
    if start < n:
        lines.append((start, n))
    return _no_lone_last_character(text, lines, forced)


def _no_lone_last_character(text: str, lines: list[tuple[int, int]],
                            forced: Sequence[bool]) -> list[tuple[int, int]]:
    """A paragraph's last line is never one character and its full stop
    ("药。"): the line above gives it one more character, where a break may go."""
    if len(lines) < 2:
        return lines
    (a, b), (c, d) = lines[-2], lines[-1]
    if b != c or (forced and forced[b - 1]) or sum(ch.isalnum() for ch in text[c:d]) > 1:
        return lines
    k = next((k for k in range(b - 1, a + 1, -1) if may_break_before(text, k)), None)
    if k is None or b - k > 2:
        return lines
    return [*lines[:-2], (a, k), (k, d)]
