"""The sandboxed Jinja step: model data -> handout markup (XML text).

Content is data: it is passed to the template as plain values and is never
itself rendered as a template, so ``{{ }}`` in an article prints literally.
Autoescape is on, so ``<`` and ``&`` in the text cannot become markup.
"""

from __future__ import annotations

import functools
import re
import resource
import stat
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.nodes
import jinja2.runtime
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from handouts import templatecache, templatewords
from handouts.errors import TemplateError
from handouts.longdates import longdate  # noqa: F401 (the templates' filter; re-exported)


def fill(phrase: str, **values: Any) -> str:
    """A catalog phrase with its ``{name}`` fields filled in:
    ``{{ words.reviewed | fill(date=...) }}``."""
    return phrase.format_map({k: str(v) for k, v in values.items()})


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
#: The largest number a filter, a call or a format width may get.
MAX_NUMBER = 100_000
#: The longest text or list one step of a template may make, and the most
#: markup one render may produce (a handout's markup is about 10,000 characters).
MAX_VALUE = 1_000_000
MAX_OUTPUT = 2_000_000
#: How long one render may run, and how much memory it may add.
MAX_SECONDS = 5.0  # of this thread's CPU time, so a busy machine does not stop a good render
MAX_MEMORY_MB = 512
#: No honest template file comes near this size.
MAX_TEMPLATE_BYTES = 512 * 1024

_DIGITS = re.compile(r"\d+")


class LimitError(SecurityError):
    """A template went past one of the limits above."""


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise LimitError(f"numbers above {MAX_NUMBER:,} are not allowed here")


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_VALUE:
        raise LimitError(f"it made a text or list of {len(value):,} items; the limit is {MAX_VALUE:,}")
    return value


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and ("%" in fmt or "{" in fmt):
        for digits in _DIGITS.findall(fmt):
            if len(digits) > 6 or int(digits) > MAX_NUMBER:
                raise LimitError(f"format widths above {MAX_NUMBER:,} are not allowed")


def _check_args(args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        _check_number(value)
        if isinstance(value, (list, tuple)) and len(value) <= 16:
            for item in value:
                _check_number(item)


def _guarded(name: str, func):
    """A filter that refuses huge numbers, huge format widths and huge results."""

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _check_args(args, kwargs)
        values = [a for a in args if not isinstance(a, (jinja2.runtime.Context,
                                                         jinja2.nodes.EvalContext,
                                                         jinja2.Environment))]
        if name == "format" and values:
            _check_format(values[0])
        if name == "replace" and len(values) >= 3 and isinstance(values[0], str):
            text, old, new = values[0], str(values[1]), str(values[2])
            grows = (text.count(old) if old else len(text) + 1) * max(0, len(new) - len(old))
            if len(text) + grows > MAX_VALUE:
                raise LimitError(f"it would make a text of {len(text) + grows:,} characters; "
                                 f"the limit is {MAX_VALUE:,}")
        return _check_size(func(*args, **kwargs))

    return guarded


class _Budget:
    """Stops a render that runs too long or takes too much memory: each time
    round any of the template's loops and at each call it makes (a filter, a
    function, a macro) it ticks (``tick``), and every 16th tick looks at the
    clock and the process's peak memory. (Before, a trace function did so
    line by line: ``sys.settrace`` made the whole render, Jinja's own code
    too, about seven times slower.)"""

    def __init__(self):
        self.deadline = time.thread_time() + MAX_SECONDS
        self.memory_kb = _peak_kb() + MAX_MEMORY_MB * 1024
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.count & 15 == 0:
            if time.thread_time() > self.deadline:
                raise LimitError(f"it ran longer than {MAX_SECONDS:g} seconds (a loop that is too big?)")
            if _peak_kb() > self.memory_kb:
                raise LimitError(f"it used more than {MAX_MEMORY_MB} MB of memory")


#: The budget of the render running in this thread (``_render_limited``).
_running = threading.local()


def _tick() -> None:
    budget = getattr(_running, "budget", None)
    if budget is not None:
        budget.tick()


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _SizedConcat(jinja2.compiler.CodeGenerator):
    """Every ``a ~ b`` checks the length of what it makes, and every loop
    ticks the render's budget each time round."""

    def visit_Concat(self, node, frame):
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def writeline(self, x, node=None, extra=0):
        super().writeline(x, node, extra)
        if x == "_loop_vars = {}":   # what Jinja writes first in a loop's body
            super().writeline("environment.tick()")


class HandoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, also refusing huge ``*``, ``**``, ``+`` and
    ``%`` results, huge numbers and format widths in calls and filters, and
    texts longer than MAX_VALUE."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _SizedConcat

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
            raise SecurityError(f"powers above {MAX_POWER} are not allowed")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                        and len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"results longer than {MAX_REPEAT} are not allowed")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
            _check_args(right if isinstance(right, tuple) else (right,), {})
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _tick()
        _check_args(args, kwargs)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    @staticmethod
    def tick():
        """Each time round a loop (the code generator puts it there)."""
        _tick()

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    @staticmethod
    def sized(value):
        return _check_size(value)


class _CappedLoader(jinja2.FileSystemLoader):
    """Reads templates with a size cap, and only regular files."""

    def get_source(self, environment, template):
        for folder in self.searchpath:
            path = Path(folder, *split_template_path(template))
            try:
                info = path.stat()
            except (OSError, RuntimeError):
                continue
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_TEMPLATE_BYTES:
                raise TemplateError.at(path, None, None, f"template is {info.st_size // 1024} KB; "
                                       f"the limit is {MAX_TEMPLATE_BYTES // 1024} KB")
            if stat.S_ISREG(info.st_mode):
                try:
                    return super().get_source(environment, template)
                except UnicodeDecodeError as exc:
                    raw = path.read_bytes()
                    line = raw[: exc.start].count(b"\n") + 1
                    raise TemplateError.at(path, line, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                           "save the template as UTF-8") from None
        return super().get_source(environment, template)


def environment(templates_dir: Path, *more: Path,
                sandbox: type[HandoutSandbox] = HandoutSandbox) -> ImmutableSandboxedEnvironment:
    """The sandbox for templates in ``templates_dir`` (then ``more`` folders,
    in order); errors point into ``templates_dir``. Compiled templates are
    kept in the per-user cache, in a folder of the sandbox's own
    (templatecache.py)."""
    env = sandbox(
        loader=_CappedLoader([str(templates_dir), *map(str, more)]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = longdate
    env.filters["fill"] = fill
    env.filters["bare_url"] = bare_url
    for name, func in list(env.filters.items()):
        env.filters[name] = _guarded(name, func)
    return templatecache.attach(env)


def _render_limited(template, context: dict[str, Any]) -> str:
    """Render with the time, memory and output limits."""
    outer = getattr(_running, "budget", None)
    _running.budget = _Budget()
    try:
        out, size = [], 0
        chunks = template.generate(**context)
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT:
                lineno = _running_line(chunks, template.filename)
                line = template.get_corresponding_lineno(lineno) if lineno else None
                raise TemplateError.at(Path(template.filename), line, None, "stopped by the sandbox: "
                                       f"it made more than {MAX_OUTPUT:,} characters of markup")
            out.append(chunk)
        return "".join(out)
    finally:
        _running.budget = outer


def _running_line(chunks, filename: str | None) -> int | None:
    """The line of the template's own code where its render (a generator,
    yielding what it made) stands now: the innermost such frame."""
    line, gen = None, chunks
    while gen is not None:
        frame = getattr(gen, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == filename:
            line = frame.f_lineno
        gen = getattr(gen, "gi_yieldfrom", None)
    return line


def render(env: ImmutableSandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    """Render template ``name``; every failure is a TemplateError with file and line."""
    templates_dir = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    try:
        template = env.get_template(name)
        return _render_limited(template, context)
    except TemplateError:
        raise
    except jinja2.TemplateNotFound as exc:
        path, line = _where(exc, templates_dir, name)
        if line is None and exc.name == name:
            raise TemplateError.at(templates_dir / name, None, None, "template not found") from None
        raise TemplateError.at(path, line, None,
                               f"template {exc.name!r} not found in {templates_dir.name}/") from None
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else templates_dir / name
        line, words = templatewords.syntax(exc.message or "", exc.lineno, _source(path))
        raise TemplateError.at(path, line, None, words) from None
    except LimitError as exc:
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, f"stopped by the sandbox: {exc}") from None
    except SecurityError as exc:
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None,
                               f"refused by the sandbox: {templatewords.sandbox(str(exc))}") from None
    except RecursionError as exc:
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, "stopped by the sandbox: a macro or include "
                               "calls itself without end") from None
    except MemoryError as exc:
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, "stopped by the sandbox: it ran out of memory") from None
    except jinja2.UndefinedError as exc:
        path, line = _where(exc, templates_dir, name)
        source = _source(path)
        text = source.splitlines()[line - 1] if line and line <= source.count("\n") + 1 else ""
        raise TemplateError.at(path, line, None, templatewords.undefined(
            exc.message or "", text, source, context)) from None
    except Exception as exc:  # any other error raised while the template runs
        path, line = _where(exc, templates_dir, name)
        raise TemplateError.at(path, line, None, "this line failed with the handout's data "
                               f"({type(exc).__name__}); check the names and filters it uses") from None


def _source(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def render_marked(env: ImmutableSandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    """The markup of template ``name`` with each template line's number marked
    in it (templatewords.marked_source), to find the line that broke it."""
    source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    return _render_limited(env.from_string(templatewords.marked_source(source)), context)


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
