"""Approvals: who approved exactly which words of a handout, and when.

The words of a handout in one language are every word its patient sees: the
article (with any shared block it includes), the fixed words the template
prints from the language's catalog, and the clinic's words in that language,
as one canonical text whose ``digest`` (sha256) names that exact version
(``canonical.py``: ``words``, ``digest``, ``diff``, re-exported here).

An approval is a small YAML file beside the content, versioned with it in the
clinic's git (never in the database)::

    content/approvals/<lang>/<slug>.yaml

holding who approved (``by``: name and credential), the ``date``, the
``digest`` and the approved ``text`` itself, so a later change can be shown
word by word (``diff``). ``handouts approve`` writes it (``write``, atomic);
reading one validates it (``read``): a record whose text no longer matches its
digest, one for a handout that does not exist, an empty ``by`` or two records
for one handout are each one Problem naming the file and line.

``state`` compares a handout's current words with its record: approved,
changed since approval, never approved (both drafts), and whether a review is
due (``review_every_months``). ``fill_review_line`` writes the footer's review
line into the markup from that state: the approval's date, or "Draft: not yet
reviewed" in the patient's language; a typed date never claims a review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import yaml

from handouts import library, recordtext
from handouts.canonical import (REVIEW_TAG, SHORT, changed_words, diff, digest, same,  # noqa: F401 (re-exported)
                                short, words)
from handouts.errors import ContentError, HandoutError, Problem
from handouts.library import Item
from handouts.loader import load_yaml, read_bytes
from handouts.output import write_atomic

#: Where approval records live, under content/.
FOLDER = "approvals"
KEYS = ("handout", "by", "date", "digest", "text", "note")
REQUIRED = ("handout", "by", "date", "digest", "text")

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}\Z")


# -------------------------------------------------------------------------
# Records.

@dataclass(frozen=True)
class Record:
    """One approval: ``by`` approved ``text`` (whose digest is ``digest``) on ``date``."""

    item: Item
    path: Path
    by: str
    date: dt.date
    digest: str
    text: str
    note: str | None = None

    def describe(self) -> str:
        return f"approved by {self.by} on {self.date.isoformat()}"


def folder(content: Path) -> Path:
    return Path(content) / FOLDER


def record_path(content: Path, item: Item) -> Path:
    """Where the approval of ``item`` is written."""
    return folder(content) / item.lang / f"{item.slug}.yaml"


def check_by(by: str | None) -> str:
    """The approver as written: a name and a credential, ``Ana Ruiz, MD``.
    Raises ValueError with the reason (in a clinic admin's words)."""
    by = (by or "").strip()
    if not by:
        raise ValueError("is empty: say who approved the words, with a name and a credential, "
                         "like \"Ana Ruiz, MD\"")
    if any(not (ch.isprintable() or ch == " ") for ch in by):
        raise ValueError("must be one line of plain text, like \"Ana Ruiz, MD\"")
    name, _, credential = by.partition(",")
    if not name.strip() or not credential.strip():
        raise ValueError(f"{by!r} needs a name and a credential after a comma, like \"Ana Ruiz, MD\"")
    if len(by) > 200:
        raise ValueError("is longer than 200 characters")
    return by


def read(path: Path, item: Item, today: dt.date | None = None) -> Record:
    """One approval record, validated; a ContentError naming the file, line
    and field of every problem."""
    try:
        loaded = load_yaml(path)
    except ContentError as exc:
        raise ContentError(_not_a_mapping(path, item) or exc.problems) from None
    if loaded.problems:
        raise ContentError(list(loaded.problems))
    return _checked(loaded.data, loaded.line_for, path, item, today)


def _checked(data: dict, line: Callable, path: Path, item: Item, today: dt.date | None) -> Record:
    """The record in ``data`` (from ``path``) validated; ``line``: a key's line."""
    problems = [Problem(path, line((k,)), str(k), "unknown key in an approval record (keys: "
                        + ", ".join(KEYS) + ")") for k in data if k not in KEYS]
    problems += [Problem(path, line(()), k, "missing; handouts approve writes this file, "
                         "do not write it by hand") for k in REQUIRED if k not in data]
    if problems:
        raise ContentError(problems)

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, line((key,)), key, message))

    if data["handout"] != f"{item.lang}/{item.slug}":
        bad("handout", f"this record is for {data['handout']!r} but is filed as the approval of "
                       f"{item.lang}/{item.slug}; a record may not be copied or moved by hand")
    try:
        by = check_by(data["by"] if isinstance(data["by"], str) else None if data["by"] is None
                      else str(data["by"]))
    except ValueError as exc:
        bad("by", str(exc))
        by = ""
    day = data["date"]
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        bad("date", "must be a date, YYYY-MM-DD")
    elif day > (today or dt.date.today()):
        bad("date", f"{day.isoformat()} is in the future")
    text, given = data["text"], data["digest"]
    if not isinstance(text, str) or not text.strip():
        bad("text", "must be the approved words (handouts approve writes them)")
    elif not isinstance(given, str) or not _DIGEST.match(given):
        bad("digest", "must be sha256: and 64 hex digits, as handouts approve writes it")
    elif digest(text) != given:
        bad("digest", "does not match the approved text in this file: the record was edited by "
                      "hand; approve the handout again with handouts approve")
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        bad("note", "must be text")
    if problems:
        raise ContentError(problems)
    return Record(item, path, by, day, given, text, note)


def lookup(content: Path, item, today: dt.date | None = None, keep: bool = True) -> Record | None:
    """The approval of ``item``, validated, or None when it was never
    approved; a ContentError when its record is bad (or there are two)."""
    item = Item(*item)
    paths = [p for p in (record_path(content, item).with_suffix(s) for s in library.ARTICLE_SUFFIXES) if p.is_file()]
    if len(paths) > 1:
        raise ContentError.at(paths[1], 1, None, f"a second approval for {item.lang}/{item.slug} "
                              f"(the other is {paths[0].name}); keep one")
    if not paths:
        return None
    data = read_bytes(paths[0])
    key = (paths[0], item, hashlib.sha256(data).digest(), today or dt.date.today())
    found = _read.get(key) or quick_read(data, paths[0], item, key[3]) or read(paths[0], item, key[3])
    if len(_read) >= 1024:
        _read.clear()
    _read.update({key: found} if keep else {})   # a big one-off batch (keep=False) keeps none
    return found


#: Records read, on (path, item, sha256 of its bytes, today): any edit is read again.
_read: dict[tuple, Record] = {}


def quick_read(data: bytes, path: Path, item: Item, today: dt.date) -> Record | None:
    """``read``'s Record for ``data`` (the bytes of ``path``) written as
    ``render_record`` writes it and valid, without YAML (``recordtext``);
    else None (then ``read`` says what is wrong, at its line)."""
    fields = recordtext.fields(data)
    try:
        return None if fields is None else _checked(fields, lambda loc: None, path, item, today)
    except ContentError:
        return None


def _not_a_mapping(path: Path, item: Item) -> list[Problem]:
    """The loader refused a file that is not a mapping (it read it safely
    first): say so in an approval's words, counting the approvals in a list."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        return []
    if isinstance(data, list) and len(data) > 1:
        return [Problem(path, 1, None, f"holds {len(data)} approvals for one handout "
                        f"({item.lang}/{item.slug}); keep only the latest (handouts approve writes it)")]
    if data is not None and not isinstance(data, dict):
        return [Problem(path, 1, None, "is not an approval record (handout:, by:, date:, digest:, "
                        "text:); handouts approve writes one")]
    return []


@dataclass
class Records:
    """Every approval record of a project, and the problems found reading them."""

    found: dict[Item, Record]
    problems: list[Problem]
    broken: set[Item]       # handouts whose record has a problem (neither approved nor a draft)

    def get(self, item) -> Record | None:
        return self.found.get(Item(*item))


def records(project, today: dt.date | None = None) -> Records:
    """Read and validate every record under ``content/approvals/`` of ``project``."""
    out = Records({}, orphans(project), set())
    base = folder(project.content)
    if not base.is_dir():
        return out
    for lang_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        have = library.files(project, lang_dir.name)
        for slug in sorted({p.stem for p in lang_dir.iterdir() if p.suffix in library.ARTICLE_SUFFIXES} & set(have)):
            item = Item(lang_dir.name, slug)
            try:
                record = lookup(project.content, item, today)
            except HandoutError as exc:
                out.problems.extend(exc.problems)
                out.broken.add(item)
            else:
                if record is not None:
                    out.found[item] = record
    return out


def orphans(project) -> list[Problem]:
    """A problem for each approval record whose handout does not exist."""
    base = folder(project.content)
    if not base.is_dir():
        return []
    out = []
    for lang_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        have = library.files(project, lang_dir.name)
        for path in sorted(lang_dir.iterdir()):
            if path.suffix in library.ARTICLE_SUFFIXES and not path.name.startswith(".") and path.stem not in have:
                out.append(Problem(path, 1, None, f"an approval for a handout that does not exist (no "
                                   f"content/{lang_dir.name}/{path.stem}.yaml); delete this file if the "
                                   "handout was removed or renamed"))
    return out


def render_record(item: Item, by: str, day: dt.date, text: str, note: str | None = None) -> bytes:
    """The YAML of an approval record (deterministic, read back to be sure)."""
    head = (f"# The approved words of content/{item.lang}/{item.slug}.yaml, written by handouts approve.\n"
            "# Do not edit this file: a record whose text no longer matches its digest is refused.\n"
            f"# To approve new words: handouts approve {item.slug} --lang {item.lang} --by \"NAME, CREDENTIAL\"\n")
    body = (f"handout: {item.lang}/{item.slug}\n"
            f"by: {json.dumps(by, ensure_ascii=False)}\n"
            f"date: {day.isoformat()}\n"
            f"digest: {digest(text)}\n")
    if note:
        body += f"note: {json.dumps(note, ensure_ascii=False)}\n"
    body += "text: |-\n" + "".join(f"  {line}\n" for line in text.split("\n"))
    out = head + body
    back = yaml.safe_load(out)
    if back.get("text") != text:  # a line YAML would not keep as is: write it quoted
        out = head + body.split("text: |-\n")[0] + f"text: {json.dumps(text, ensure_ascii=False)}\n"
    return out.encode("utf-8")


def write(content: Path, item: Item, by: str, text: str, day: dt.date | None = None,
          note: str | None = None, write_file: Callable[[Path, bytes], None] | None = None) -> Record:
    """Record that ``by`` approved ``text`` (the current words of ``item``).
    ``by`` must be a name and a credential; nothing is written otherwise."""
    try:
        by = check_by(by)
    except ValueError as exc:
        raise ContentError.at(None, None, "--by", str(exc)) from None
    day = day or dt.date.today()
    item = Item(*item)
    path = record_path(content, item)
    other = path.with_suffix(".yml")
    if other.exists():
        raise ContentError.at(other, 1, None, f"an older approval for {item.lang}/{item.slug} is kept "
                              f"here; delete it so there is one record ({path.name})")
    data = render_record(item, by, day, text, note)
    if write_file is None:
        write_file = write_atomic
    write_file(path, data)
    return Record(item, path, by, day, digest(text), text, note)


# -------------------------------------------------------------------------
# States.

def add_months(day: dt.date, months: int) -> dt.date:
    """``2024-01-31`` + 1 month -> ``2024-02-29``."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


APPROVED, CHANGED, NEVER = "approved", "changed", "never approved"


@dataclass(frozen=True)
class State:
    """A handout's words against its approval."""

    item: Item
    text: str
    digest: str
    record: Record | None
    due: dt.date | None = None      # when the approval's review is due
    today: dt.date | None = None

    @property
    def kind(self) -> str:
        if self.record is None:
            return NEVER
        return APPROVED if self.record.digest == self.digest else CHANGED

    @property
    def draft(self) -> bool:
        return self.kind != APPROVED

    @property
    def review_due(self) -> bool:
        return self.due is not None and self.due < (self.today or dt.date.today())

    def label(self) -> str:
        """``approved 2026-11-26``, ``changed since approved 2026-11-26``,
        ``never approved``; ``, review due`` when it is."""
        if self.record is None:
            return NEVER
        day = self.record.date.isoformat()
        text = f"approved {day}" if not self.draft else f"changed since approved {day}"
        return text + (", review due" if self.review_due else "")

    def warning(self) -> str | None:
        """What ``check`` says about it (None when approved and not due)."""
        if self.record is None:
            return (f"draft: never approved; no clinician has approved these words (handouts review "
                    f"{self.item.slug} --lang {self.item.lang}, then handouts approve)")
        if self.draft:
            removed, added = changed_words(diff(self.record.text, self.text))
            return (f"draft: the words changed since {self.record.by} approved them "
                    f"(sha256:{short(self.record.digest)}) on {self.record.date.isoformat()}: {removed} "
                    f"removed, {added} added (words); its PDF says draft until they are approved again "
                    f"(handouts review {self.item.slug} --lang {self.item.lang})")
        if self.review_due:
            return (f"review due: {self.record.describe()}, due {self.due.isoformat()} "
                    "(review_every_months in clinic.yaml)")
        return None


def state(item, text: str, record: Record | None, months: int = 24,
          today: dt.date | None = None) -> State:
    due = add_months(record.date, months) if record is not None else None
    return State(Item(*item), text, digest(text), record, due, today)


# -------------------------------------------------------------------------
# The review line in the markup.

def review_line(st: State, phrases: Mapping[str, str], lang: str) -> str:
    """The footer's line: the approval's date, or the draft phrase. ``phrases``
    is the catalog's ``handout`` section (``reviewed``, ``draft``)."""
    if st.draft:
        return phrases["draft"]
    from handouts.templating import longdate

    return phrases["reviewed"].format(date=longdate(st.record.date, lang))


def fill_review_line(root, line: str) -> None:
    """Write ``line`` into every ``<reviewed>`` of the markup (the template's
    own words there are replaced); a template without one gets it at the top of
    its footer, so no template can claim a review or hide a draft."""
    found = False
    for node in _nodes(root):
        if node.tag == REVIEW_TAG:
            node.children[:] = [line]
            found = True
    if not found:
        for node in root.children:
            if not isinstance(node, str) and node.tag == "footer":
                node.children.insert(0, type(root)(REVIEW_TAG, {}, 0, [line], parent="footer"))
                return


def _nodes(node):
    yield node
    for child in node.children:
        if not isinstance(child, str):
            yield from _nodes(child)
