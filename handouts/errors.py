"""One exception family. Every problem a user can cause is a HandoutError that
points at a file, a line and a field; the CLI prints each as one line."""

from __future__ import annotations

import contextlib
import contextvars
import unicodedata
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

#: The project folder that paths in messages are shown relative to (the CLI
#: sets it); library callers that do not set it see full paths.
_BASE: contextvars.ContextVar[Path | None] = contextvars.ContextVar("handouts_base", default=None)


@contextlib.contextmanager
def paths_relative_to(root: Path | None):
    """Show paths in messages relative to ``root`` while inside the block."""
    token = _BASE.set(Path(root).resolve() if root is not None else None)
    try:
        yield
    finally:
        _BASE.reset(token)


def shown_path(path: Path | str) -> str:
    """A path as a message shows it: relative to the project folder when it is
    inside it, and quoted when it holds a line break or other invisible
    character, so one problem is always one line."""
    base = _BASE.get()
    text = str(path)
    if base is not None:
        try:
            full = Path(path) if Path(path).is_absolute() else None
            if full is not None:
                text = str(full.relative_to(base))
        except ValueError:
            for folder in (base, Path.cwd()):
                try:
                    text = str(Path(path).resolve().relative_to(folder.resolve()))
                    break
                except (ValueError, OSError, RuntimeError):
                    continue
    return quoted(text)


def quoted(name: str) -> str:
    """``name`` as is when every character is visible; otherwise in double
    quotes with the invisible ones escaped (``"new\nline.yaml"``)."""
    if all(ch.isprintable() or ch == " " for ch in name):
        return name
    return '"' + "".join(_escape(ch) for ch in name) + '"'


def one_line(text: str) -> str:
    """Escape line breaks and other control characters inside a message."""
    if all(ch.isprintable() or ch == " " for ch in text):
        return text
    return "".join(_escape(ch) if not (ch.isprintable() or ch == " ") else ch for ch in text)


def _escape(ch: str) -> str:
    if ch == '"':
        return '\\"'
    if ch.isprintable() or ch == " ":
        return ch
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class Kind(str, Enum):
    """What sort of problem it is, for code that acts on problems (``check``'s
    columns, the page): never parse the message text for this."""

    CONTENT = "content"      # the YAML content, the brand or a name on the command line
    TEMPLATE = "template"    # a template
    GLYPH = "glyph"          # a character the font cannot draw
    FIT = "fit"              # does not fit its page budget
    OUTPUT = "output"        # cannot be written


@dataclass(frozen=True)
class Problem:
    """One problem in one place: ``path:line: field: message``, of a ``kind``
    (set by the error it is raised with when not given)."""

    path: Path | str | None
    line: int | None
    field: str | None
    message: str
    kind: Kind | None = None

    def __str__(self) -> str:
        where = shown_path(self.path) if self.path is not None else "<input>"
        if self.line:
            where += f":{self.line}"
        parts = [where]
        if self.field:
            parts.append(quoted(self.field))
        parts.append(one_line(self.message))
        return ": ".join(parts)


class HandoutError(Exception):
    """One or more problems. ``str()`` gives one line per problem. A problem
    without a kind takes the error's ``kind``."""

    kind = Kind.CONTENT

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = [p if p.kind is not None else replace(p, kind=self.kind)
                                        for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path, line, field, message, kind: Kind | None = None) -> "HandoutError":
        return cls(Problem(path, line, field, message, kind))


class ContentError(HandoutError):
    """The YAML content or brand file is wrong."""


class TemplateError(HandoutError):
    """A template is wrong or tried to leave the sandbox."""

    kind = Kind.TEMPLATE


class FitError(HandoutError):
    """The handout does not fit its page budget."""

    kind = Kind.FIT


class OutputError(HandoutError):
    """The output cannot be written."""

    kind = Kind.OUTPUT
