"""One exception family. Every problem a user can cause is a HandoutError that
points at a file, a line and a field; the CLI prints each as one line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem in one place: ``path:line: field: message``."""

    path: Path | str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.line:
            where += f":{self.line}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class HandoutError(Exception):
    """One or more problems. ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path, line, field, message) -> "HandoutError":
        return cls(Problem(path, line, field, message))


class ContentError(HandoutError):
    """The YAML content or brand file is wrong."""


class TemplateError(HandoutError):
    """A template is wrong or tried to leave the sandbox."""


class FitError(HandoutError):
    """The handout does not fit its page budget."""


class OutputError(HandoutError):
    """The output cannot be written."""
