"""Jinja's compiled templates kept in the per-user cache (``usercache.py``),
so a new process renders a template it has seen without compiling it again.

Jinja compiles a template to Python code, and the code depends on more than
the template: a sandbox compiles every call and every ``*``, ``**``, ``+``,
``%`` and ``~`` through its own checks, where a plain Environment calls
directly. So each kind of environment has a folder of its own, named by a
digest of everything that shapes the code: the environment's class and the
source of handouts' modules that define it and its code generator, its
syntax options, Jinja's version and the Python bytecode it ran on. Code made
by a plain Environment, another sandbox, another Jinja or another Python is
never in the folder a sandbox reads. Within the folder Jinja's own bucket
does the rest: an entry is keyed by the template's name and file, and holds
the checksum of the source it was compiled from, so an edited template is
compiled again at once (and its entry rewritten).
"""

from __future__ import annotations

import io
import sys
import types
from importlib.util import MAGIC_NUMBER

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from handouts import usercache

#: Environment settings the compiled code depends on.
_OPTIONS = ("block_start_string", "block_end_string", "variable_start_string",
            "variable_end_string", "comment_start_string", "comment_end_string",
            "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
            "newline_sequence", "keep_trailing_newline", "optimized", "is_async", "sandboxed",
            "intercepted_binops", "intercepted_unops")


class UserBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache over ``usercache``: one folder (``kind``) per
    kind of environment."""

    def __init__(self, kind: str):
        self.kind = kind

    def load_bytecode(self, bucket: Bucket) -> None:
        data = usercache.read(self.kind, bucket.key)
        if data is None:
            return
        try:
            bucket.load_bytecode(io.BytesIO(data))
        except Exception:       # noqa: BLE001 - a damaged entry is compiled again, never a traceback
            bucket.reset()
        if not isinstance(bucket.code, (types.CodeType, type(None))):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        usercache.write(self.kind, bucket.key, bucket.bytecode_to_string())


def _name(value) -> str:
    if isinstance(value, type) or callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return repr(sorted(value) if isinstance(value, frozenset) else value)


def _own_sources(*classes: type) -> list[str]:
    """The digests of the files defining ``classes`` and their bases, where
    they are not Jinja's own (its version stands for those)."""
    found = {}
    for cls in classes:
        for base in cls.__mro__:
            module = sys.modules.get(base.__module__)
            path = getattr(module, "__file__", None)
            if base.__module__.split(".")[0] in ("jinja2", "builtins") or not path or path in found:
                continue
            try:
                with open(path, "rb") as file:
                    found[path] = usercache.digest(file.read())
            except OSError:
                found[path] = "unreadable"
    return sorted(found.values())


def kind(env: jinja2.Environment) -> str:
    """The cache folder of ``env``'s kind: readable, then a digest of all
    that shapes its compiled code."""
    cls = type(env)
    shape = (_name(cls), _name(env.code_generator_class), jinja2.__version__,
             sys.implementation.cache_tag, MAGIC_NUMBER.hex(),
             [(option, _name(getattr(env, option, None))) for option in _OPTIONS],
             _name(env.autoescape), _name(env.finalize), sorted(env.extensions),
             _own_sources(cls, env.code_generator_class))
    return (f"jinja-{cls.__name__}-{jinja2.__version__}-{sys.implementation.cache_tag}-"
            f"{usercache.digest(*shape)[:24]}")


def attach(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` with the cache for its kind (none when the cache is off)."""
    if usercache.root() is not None:
        env.bytecode_cache = UserBytecodeCache(kind(env))
    return env
