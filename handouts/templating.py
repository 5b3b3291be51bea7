"""The sandboxed Jinja step: model data -> handout markup (XML text).

Content is data: it is passed to the template as plain values and is never
itself rendered as a template, so ``{{ }}`` in an article prints literally.
Autoescape is on, so ``<`` and ``&`` in the text cannot become markup.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from handouts.errors import TemplateError

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"],
}


def longdate(value: dt.date, lang: str = "en") -> str:
    """``2026-11-01`` -> ``November 1, 2026``."""
    months = MONTHS.get(lang, MONTHS["en"])
    return f"{months[value.month - 1]} {value.day}, {value.year}"


def bare_url(url: str) -> str:
    """``https://example.org/book`` -> ``example.org/book``: easier to read and type."""
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme):]
    return url.rstrip("/")


#: The most a template may build with ``*`` (text or list length) and the
#: largest power it may raise to: enough for any layout, too little to eat memory.
MAX_REPEAT = 100_000
MAX_POWER = 64


class HandoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, also refusing huge ``*`` and ``**`` results."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
            raise SecurityError(f"powers above {MAX_POWER} are not allowed")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                        and len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"results longer than {MAX_REPEAT} are not allowed")
        return super().call_binop(context, operator, left, right)


def environment(templates_dir: Path) -> ImmutableSandboxedEnvironment:
    env = HandoutSandbox(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = longdate
    env.filters["bare_url"] = bare_url
    return env


def render(env: ImmutableSandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    """Render template ``name``; every failure is a TemplateError with file and line."""
    templates_dir = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateNotFound as exc:
        path, line = _where(exc, templates_dir, name)
        if line is None and exc.name == name:
            raise TemplateError.at(templates_dir / name, None, None, "template not found") from None
        raise TemplateError.at(path, line, None,
                               f"template {exc.name!r} not found in {templates_dir.name}/") from None
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else templates_dir / name
        raise TemplateError.at(path, exc.lineno, None, f"template syntax: {exc.message}") from None
    except SecurityError as exc:
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, f"refused by the sandbox: {exc}") from None
    except jinja2.UndefinedError as exc:
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, f"undefined name: {exc.message}") from None
    except Exception as exc:  # any other error raised while the template runs
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, f"template failed: {type(exc).__name__}: {exc}") from None


def _where(exc: BaseException, templates_dir: Path, name: str) -> tuple[Path, int | None]:
    """Jinja rewrites tracebacks so template frames carry the template's path
    and line; the innermost such frame is where it went wrong."""
    root = str(templates_dir.resolve())
    found: tuple[Path, int | None] = (templates_dir / name, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            resolved = str(Path(frame.filename).resolve())
        except OSError:
            continue
        if resolved.startswith(root):
            found = (Path(frame.filename), frame.lineno)
    return found


def problem_line(template_path: Path, needle: str) -> int | None:
    """The first line of a template that contains ``needle``, if any."""
    try:
        for number, line in enumerate(template_path.read_text("utf-8").splitlines(), 1):
            if needle in line:
                return number
    except OSError:
        return None
    return None
