"""An approval record read as ``review.render_record`` writes it, without
YAML: comment lines, then ``handout:``, ``by:``, ``date:``, ``digest:``, an
optional ``note:``, each on one line, and ``text:`` as a literal block or a
JSON string. Anything else (a record edited by hand, a character YAML would
read otherwise) is left to the YAML reader (``review.read``), which says
what is wrong at its line. ``fields`` gives exactly what YAML gives for such
a file; tests/test_quick_words.py checks it against YAML on awkward records.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from yaml.reader import Reader

#: A record exactly as ``render_record`` writes it (the block text's lines
#: are checked apart): comment lines, then the keys in their order, each on
#: one line, the text as a literal block or as a JSON string.
_JSON = r'"(?:[^"\\\n]|\\["\\bfnrt]|\\u00[0-9a-fA-F]{2})*"'
_WRITTEN = re.compile(
    r"(?:#[^\n]*\n)*"
    r"handout: (?P<handout>[A-Za-z0-9][A-Za-z0-9_-]*/[a-z0-9][a-z0-9-]*)\n"
    rf"by: (?P<by>{_JSON})\n"
    r"date: (?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\n"
    r"digest: (?P<digest>sha256:[0-9a-f]{64})\n"
    rf"(?:note: (?P<note>{_JSON})\n)?"
    rf"text: (?:(?P<json>{_JSON})\n|\|-\n(?P<block>(?:  [^\n]*\n)+))\Z")
#: Characters YAML refuses in a file: yaml.reader's own pattern, compiled
#: when YAML is imported (a pattern of our own over these ranges took 3.6 ms
#: of every cold start to compile).
_REFUSED = Reader.NON_PRINTABLE
#: Characters YAML reads as a line break, which that pattern lets through.
_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def fields(data: bytes) -> dict | None:
    """The keys of the record in ``data`` as YAML reads them, when it is
    written exactly as ``render_record`` writes it; else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = _WRITTEN.match(text)
    if found is None or _REFUSED.search(text) or any(b in text for b in _BREAKS):
        return None
    block = found["block"]
    if block is not None:
        lines = block[:-1].split("\n")
        # YAML takes the block's indent from its first line and drops trailing empty lines.
        if lines[0][2:3] in ("", " ", "\t") or not lines[-1][2:]:
            return None
        said = "\n".join(line[2:] for line in lines)
    else:
        said = None
    try:
        out = {"handout": found["handout"], "by": json.loads(found["by"]),
                  "date": dt.date.fromisoformat(found["date"]), "digest": found["digest"],
                  "text": json.loads(found["json"]) if said is None else said}
        if found["note"] is not None:
            out["note"] = json.loads(found["note"])
    except ValueError:   # (a JSON string with a tab, a day that does not exist)
        return None
    return out
