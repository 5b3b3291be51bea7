"""Safe YAML loading that keeps line marks.

``load_yaml(path)`` returns the plain data and a map from each field's path
(a tuple such as ``("sections", 1, "heading")``) to its 1-based line, so that
later steps can say *where* a problem is. Anchors and aliases are refused
outright: handouts never need them, and refusing them makes alias bombs
("billion laughs") answer at once instead of eating memory.

libyaml parses a file in C when yamlfast can show the result is the Python
loader's own; anything else, and every file with a mistake, is read by the
Python loader below, which alone says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from handouts import yamlfast, yamlwords
from handouts.errors import ContentError, Problem

#: A handout is one page; no honest content file is anywhere near this size.
MAX_FILE_BYTES = 256 * 1024

Loc = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass(frozen=True)
class Loaded:
    """A YAML file's data with the line of every field."""

    path: Path
    data: Any
    marks: dict[Loc, int] = field(repr=False)
    problems: tuple[Problem, ...] = ()     # bad single values, found while reading
    #: fields left empty by an unquoted "#": their line's text after the "#"
    comments: dict[Loc, str] = field(default_factory=dict, repr=False)

    def line_for(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest parent that has one."""
        loc = tuple(loc)
        while True:
            if loc in self.marks:
                return self.marks[loc]
            if not loc:
                return None
            loc = loc[:-1]


def field_name(loc: Loc) -> str:
    """``("sections", 1, "heading")`` -> ``"sections[2].heading"``.

    List positions are counted from 1, as a person counts them: ``sections[2]``
    is the second section.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


#: Handouts nest a few levels deep; far deeper is an attack or an accident.
MAX_DEPTH = 40


class _RefusingLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases and deep nesting when it
    composes nodes."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        event = self.peek_event()
        if self._depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "text that starts with * must be in quotes "
                                               "(YAML reads *name as an alias of another value)")
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "text that starts with & must be in quotes "
                                               "(YAML reads &name as an anchor, a label for a value)")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Refused(Exception):
    def __init__(self, mark, message):
        super().__init__(message)
        self.mark = mark
        self.message = message


def read_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read at most ``max_bytes`` of a regular file. Devices, pipes, sockets,
    folders, symlink loops and files over the limit are refused without
    reading them (a link to /dev/zero never fills the memory)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ContentError.at(path, None, None, "file not found") from None
    except IsADirectoryError:
        raise ContentError.at(path, None, None, "is a folder, not a file") from None
    except OSError as exc:
        raise ContentError.at(path, None, None, _os_problem(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ContentError.at(path, None, None, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ContentError.at(path, None, None, "is not a regular file (a device, pipe or socket)")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ContentError.at(path, None, None, _os_problem(exc)) from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        size = max(info.st_size, len(raw))
        raise ContentError.at(
            path, None, None,
            f"file is {size // 1024} KB; the limit is {max_bytes // 1024} KB",
        )
    return raw


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a link that points to itself (a symlink loop)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    return f"cannot be read: {exc.strerror or exc}"


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, refusing empty, huge and non-UTF-8 files."""
    raw = read_bytes(path, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError.at(
            path, line, None,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        ) from None
    if not text.strip():
        raise ContentError.at(path, None, None, "file is empty")
    return text


def load_yaml(path: Path | str) -> Loaded:
    """Load one YAML file safely.

    Raises ContentError when the file cannot be read as YAML at all. Problems
    with single values (a date that does not exist, a refused tag) are kept in
    ``Loaded.problems`` instead, so that schema validation can report them
    together with every other problem in the file."""
    path = Path(path)
    text = read_text(path)
    fast = yamlfast.compose(text, MAX_DEPTH)
    node, loader = fast if fast is not None else _compose(path, text)
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        raise ContentError.at(path, 1, None, "file is empty")
    marks: dict[Loc, int] = {}
    problems: list[Problem] = []
    data = _build(node, (), marks, problems, path, loader, text)
    if not isinstance(data, dict):
        raise ContentError.at(
            path, node.start_mark.line + 1, None,
            "expected a mapping of keys (title:, summary:, ...) at the top of the file",
        )
    return Loaded(path, data, marks, tuple(problems), _comment_values(data, (), marks, text))


def _compose(path: Path, text: str):
    """The node tree by PyYAML's Python loader, which refuses anchors,
    aliases and deep nesting; a file it cannot read is a ContentError."""
    loader = None
    try:
        loader = _RefusingLoader(text)
        node = loader.get_single_node()
    except _Refused as exc:
        raise ContentError.at(path, exc.mark.line + 1, None, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        line, message = yamlwords.explain(text, exc.context, exc.problem, _at(exc.context_mark),
                                          _at(exc.problem_mark))
        raise ContentError.at(path, line, None, message) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ContentError.at(
            path, line, None,
            f"an invisible control character (U+{exc.character:04X}) is on this line; delete it"
        ) from None
    except yaml.YAMLError:
        raise ContentError.at(path, None, None, "YAML cannot read this file; check its colons, "
                              "quotes and indents") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node, loader


_COMMENT_VALUE = re.compile(r"^\s*(?:-\s+)?(?:[^#'\"]*:\s+)?#(.*)$")


def _comment_values(data, loc: Loc, marks, text: str) -> dict[Loc, str]:
    """Fields whose value is empty because an unquoted ``#`` started a comment
    (``primary: #1F5A7A``, ``heading: #1 tip``, ``- #1 tip``), with the words
    after the ``#``."""
    lines = text.splitlines()
    found: dict[Loc, str] = {}

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, where + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, where + (i,))
        elif value is None and where in marks and 0 < marks[where] <= len(lines):
            hit = _COMMENT_VALUE.match(lines[marks[where] - 1])
            if hit:
                found[where] = hit.group(1).strip()

    walk(data, loc)
    return found


def _at(mark) -> tuple[int, int] | None:
    return (mark.line, mark.column) if mark is not None else None


def _tag_refused(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    if not short.startswith("!!"):
        return (f"text that starts with ! must be in quotes (YAML reads {short} as a YAML tag), "
                f"like \"{short} ...\"")
    return (f"the YAML tag {short} is not allowed; remove it (handouts only read "
            "plain text, numbers, dates, lists and keys)")


def _build(node, loc: Loc, marks, problems, path, loader, text):
    marks.setdefault(loc, node.start_mark.line + 1)
    line = node.start_mark.line + 1
    if node.tag not in _STANDARD_TAGS:
        problems.append(Problem(path, line, field_name(loc) or None, _tag_refused(node.tag)))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(path, key_node.start_mark.line + 1, field_name(loc) or None,
                                        "keys must be plain words"))
                continue
            key = key_node.value
            key_loc = loc + (key,)
            if key_node.tag not in _STANDARD_TAGS:
                problems.append(Problem(path, key_node.start_mark.line + 1, field_name(key_loc),
                                        _tag_refused(key_node.tag)))
                continue
            if key in result:
                problems.append(Problem(path, key_node.start_mark.line + 1, field_name(key_loc),
                                        "appears twice; keep one"))
                continue
            marks[key_loc] = key_node.start_mark.line + 1
            result[key] = _build(value_node, key_loc, marks, problems, path, loader, text)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, loc + (i,), marks, problems, path, loader, text)
            for i, item in enumerate(node.value)
        ]
    if node.tag == "tag:yaml.org,2002:timestamp":
        try:
            return dt.date.fromisoformat(node.value)
        except ValueError:
            # Kept as written: text where text is wanted; the schema says what
            # is wrong with it where a date is wanted.
            return node.value
    if not node.style and node.end_mark.line > node.start_mark.line:  # plain: None, or C's ''
        swallowed = yamlwords.swallowed_item(text, line, node.end_mark.line + 1)
        if swallowed is not None and node.value.startswith("-"):
            problems.append(Problem(path, line, field_name(loc) or None,
                                    "put a space after the - that starts a list item"))
        elif swallowed is not None:
            problems.append(Problem(path, swallowed, field_name(loc) or None,
                                    f"this list item is indented more than the one on line {line}, "
                                    "so it was read as more words of that item; line its - up "
                                    f"with the - on line {line}"))
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        problems.append(Problem(path, line, field_name(loc) or None,
                                "cannot read this value; put it in quotes"))
        return None
