"""YAML mistakes in a clinic admin's words, at the line they were made.

PyYAML reports where it gave up, in its own words ("while scanning a simple
key", "expected <block end>"), often a line after the mistake. ``explain``
looks at the text around that point and says what the admin did: a key with
no colon, an indent that does not line up (and with which line), a tab, a
quote never closed, a second document, a line starting with ``%``, ``!``,
``@`` ... Nothing from the parser's message reaches the admin; a mistake it
cannot name is still said in plain words at the line.

``swallowed_item`` finds the quiet one: a list item indented one space more
than the one before, which YAML reads as more words of that item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(\s*)(?:-\s+)?([^\s:#'\"][^:#]*?|\"[^\"]*\"|'[^']*'):(?:\s|$)")
_ITEM = re.compile(r"^(\s*)-(?:\s|$)")


@dataclass(frozen=True)
class _Line:
    number: int       # 1-based
    text: str

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def is_item(self) -> bool:
        return bool(_ITEM.match(self.text))

    @property
    def key(self) -> str | None:
        found = _KEY.match(self.text)
        return found.group(2).strip().strip("'\"") if found else None

    @property
    def key_column(self) -> int:
        """Where this line's key (or its text) starts: after ``- `` for an item."""
        found = re.match(r"^(\s*-\s+)", self.text)
        return len(found.group(1)) if found else self.indent

    @property
    def content(self) -> bool:
        stripped = self.text.strip()
        return bool(stripped) and not stripped.startswith("#")


def _spaces(count: int) -> str:
    return "no indent" if count == 0 else f"{count} space{'s' if count != 1 else ''}"


def _indented(count: int) -> str:
    return "is not indented" if count == 0 else f"is indented {_spaces(count)}"


def _first_words(text: str, limit: int = 40) -> str:
    text = text.strip()
    if text.startswith("- "):
        text = text[2:].strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _block_lines(text: str) -> list[_Line]:
    """The file's lines that YAML reads as structure, not the text inside a
    ``|`` or ``>`` block."""
    out: list[_Line] = []
    block_at: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = _Line(number, raw.replace("\t", " "))
        if block_at is not None:
            if not line.text.strip() or line.indent > block_at:
                continue
            block_at = None
        out.append(line)
        if re.search(r"(?:^|:|-)\s*[|>][+-]?\d*\s*(?:#.*)?$", raw.rstrip()):
            block_at = line.indent if not line.is_item else line.indent
    return out


def _previous(lines: list[_Line], number: int) -> list[_Line]:
    """Content lines before line ``number``, nearest first."""
    return [ln for ln in reversed(lines) if ln.number < number and ln.content]


def _line_up(lines: list[_Line], bad: _Line) -> tuple[int, str]:
    """"<what> is indented 3 spaces; line it up with <key> on line 2 (4 spaces)"."""
    before = _previous(lines, bad.number)
    if bad.is_item:
        same = [(ln.indent, ln) for ln in before if ln.is_item]
        what = f"the list item \"{_first_words(bad.text)}\""
    else:
        same = [(ln.key_column, ln) for ln in before if ln.key]
        what = bad.key or f"\"{_first_words(bad.text)}\""
    others = [(col, ln) for col, ln in same if col != bad.indent]
    nodash = next((ln for ln in before[:3] if re.match(r"^\s*-[^\s-]", ln.text)), None)
    if nodash is not None:
        return nodash.number, "put a space after the - that starts this list item"
    if not others and bad.is_item:
        return bad.number, (f"{what} cannot stand among the keys here; put it under a key that "
                            f"takes a list (bullets:, sources:, ...), indented under it")
    if not others:
        return bad.number, f"{what} {_indented(bad.indent)}, which does not line up with the lines above it"
    col, ln = min(others, key=lambda pair: (abs(pair[0] - bad.indent), -pair[1].number))
    if bad.is_item:
        return bad.number, (f"{what} {_indented(bad.indent)}; line its - up with the - on line "
                            f"{ln.number} ({_spaces(col)})")
    return bad.number, (f"{what} {_indented(bad.indent)}; line it up with {ln.key} on line "
                        f"{ln.number} ({_spaces(col)})")


def _missing_colon(line: _Line) -> str:
    words = _first_words(line.text)
    key = words.split()[0] if words.split() else words
    rest = words[len(key):].strip()
    example = f"{key}: {rest}" if rest else f"{key}: ..."
    return f"{key} needs a colon after it; write it as {example}"


def _quoted_key(text: str, column: int) -> str | None:
    """The key whose value opens with a quote at ``column``."""
    found = _KEY.match(text[:column] + " ")
    return found.group(2).strip() if found else None


def explain(text: str, context: str | None, problem: str | None,
            context_at: tuple[int, int] | None, problem_at: tuple[int, int] | None) -> tuple[int | None, str]:
    """A YAML error (its context, problem and their (line, column) marks,
    0-based as PyYAML gives them) as (1-based line, plain words)."""
    context, problem = context or "", problem or ""
    lines = _block_lines(text)
    raw = text.splitlines()
    by_number = {ln.number: ln for ln in lines}
    at = problem_at or context_at
    line_no = at[0] + 1 if at else None

    def line(number: int | None) -> _Line:
        if number is not None and 0 < number <= len(raw):
            return by_number.get(number) or _Line(number, raw[number - 1])
        return _Line(number or 0, "")

    if "'\\t'" in problem or "\t" in problem:
        for number, row in enumerate(raw, 1):
            lead = row[: len(row) - len(row.lstrip(" \t"))]
            if "\t" in lead:
                return number, "this line is indented with a tab; YAML needs spaces (replace the tab with spaces)"
            if re.search(r":\t", row) or re.match(r"^\s*-\t", row):
                return number, "there is a tab after the colon or dash; use a space instead"
        return line_no, "there is a tab on this line; use spaces instead"
    if "quoted scalar" in context and context_at is not None:
        opened = line(context_at[0] + 1)
        quote = opened.text[context_at[1]] if context_at[1] < len(opened.text) else '"'
        key = _quoted_key(opened.text, context_at[1])
        if "escape" in problem:
            return problem_at[0] + 1 if problem_at else opened.number, (
                "a backslash (\\) inside \"double quotes\" starts a special character; "
                "use 'single quotes' for this text, or write \\\\ for one backslash")
        owner = f"{key}'s text" if key else "this text"
        return opened.number, (f"the quote ({quote}) that opens {owner} here is never closed; "
                               f"end the text with {quote}")
    if "simple key" in context and context_at is not None:
        return context_at[0] + 1, _missing_colon(line(context_at[0] + 1))
    if "mapping values are not allowed" in problem and problem_at is not None:
        bad = line(problem_at[0] + 1)
        before_colon = bad.text[: problem_at[1]]
        if re.search(r":\s", before_colon):
            key = bad.key
            value = _first_words(bad.text.split(":", 1)[1]) if key else "Note: call us first"
            return bad.number, (f"{key + ': ' if key else ''}put text that contains ': ' in "
                                f"quotes, like {key or 'summary'}: \"{value}\"")
        prev = _previous(lines, bad.number)
        if prev and not prev[0].key and ":" not in prev[0].text \
                and bad.indent == prev[0].key_column:
            return prev[0].number, _missing_colon(prev[0])
        number, message = _line_up(lines, bad)
        if number == bad.number and prev and prev[0].key and bad.indent > prev[0].key_column:
            message += (f", or if it continues the text of {prev[0].key} on line "
                        f"{prev[0].number}, put that whole text in quotes")
        return number, message
    if "expected <block end>" in problem and problem_at is not None:
        bad = line(problem_at[0] + 1)
        if "<scalar>" in problem and re.search(r"[\"']", bad.text[: problem_at[1]]):
            return bad.number, ("there is more text after the closing quote; put all of the text "
                                "inside the quotes")
        return _line_up(lines, bad)
    if "flow sequence" in context or "flow mapping" in context:
        opened = (context_at[0] + 1) if context_at else line_no
        bracket = "[ ]" if "sequence" in context else "{ }"
        return opened, (f"the {bracket[0]} that starts here is never closed with {bracket[-1]}, or "
                        f"an item in it has a comma or colon that needs quotes; write one item "
                        f"per line with - instead")
    if "single document" in context or "document start" in problem or "incompatible" in problem \
            or "directive" in context:
        for number, row in enumerate(raw, 1):
            if row.startswith("%"):
                return number, "a line cannot start with %; put the text in quotes"
            if row.rstrip() in ("---", "...") or row.startswith("--- "):
                return number, (f"\"{row.strip()}\" on its own line starts a second part of the "
                                f"file; a file holds one handout, so remove it")
        return line_no, "the file has more than one part; keep one"
    if "cannot start any token" in problem:
        found = re.search(r"'(.)'", problem)
        char = found.group(1) if found else "this character"
        return line_no, (f"text cannot start with {char} in YAML; put the text in quotes, "
                         f"like \"{char}...\"")
    if "tag" in context:
        return line_no, "text that starts with ! must be in quotes, like \"!important\""
    if "alias" in context or "anchor" in context:
        return line_no, "text that starts with * or & must be in quotes, like \"*note\""
    if "block scalar" in context:
        return line_no, "after | or > the text starts on the next line, indented"
    bad = line(line_no)
    if bad.text.strip():
        return line_no, ("YAML cannot read this line; check the colon after its key, "
                         "its quotes and its indent")
    return line_no, "YAML cannot read the file here; check the colons, quotes and indents above"


def swallowed_item(text: str, first: int, last: int) -> int | None:
    """The line (1-based) inside a multi-line plain text running from line
    ``first`` to ``last`` that starts with ``- ``: a list item indented one
    space off, which YAML joined to the item before it."""
    raw = text.splitlines()
    for number in range(first + 1, min(last, len(raw)) + 1):
        if _ITEM.match(raw[number - 1]):
            return number
    return None
