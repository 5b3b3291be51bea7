"""What a one-shot command's imports would load or compile but a build of
most handouts never uses, put off until it is first used.

A cold ``handouts build`` is mostly imports (docs/benchmarks.md, "Cold
start"). Two pieces of them are work a build of a Latin-script handout never
needs:

- ReportLab's ``paragraph`` module compiles, as it is imported, a pattern for
  web addresses (``uri_pat``, used only to hyphenate a long link when
  ``uriWasteReduce`` is set, which handouts never sets) whose Unicode ranges
  under IGNORECASE take the regex compiler about 30 ms. It is compiled when
  first used instead.
- ``uharfbuzz`` (HarfBuzz, about 8 ms to load), which ReportLab's ``ttfonts``
  imports at once, shapes only the scripts whose letters join (Arabic). Until
  something asks it for a name, it is a stand-in module that then loads it.
  (The standard library's ``importlib.util.LazyLoader`` cannot do this on
  Python 3.11: ``import`` itself reads the module's ``__spec__``, which loads it.)

The CLI imports a one-shot command's modules inside ``lazy_parts()``
(handouts.cli), which imports ReportLab's paragraph module itself (a build
imports it later, inside the command); the library, the page and the tests
import as usual. Nothing here changes what is drawn: the same pattern and the
same module, later.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import re
import sys
import types
from typing import Iterator

#: Modules loaded when first used, if not loaded yet.
LAZY_MODULES = ("uharfbuzz",)

#: How ReportLab's uri_pat begins (reportlab/platypus/paragraph.py).
URI_PAT_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"


class LazyPattern:
    """A compiled pattern made on its first use: ``match``, ``search`` and
    every other attribute are the real pattern's."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int):
        self._source, self._flags, self._compiled = source, flags, None

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = _COMPILE(self._source, self._flags)
        return getattr(self._compiled, name)


_COMPILE = re.compile


def _compile(pattern, flags=0):
    if isinstance(pattern, str) and pattern.startswith(URI_PAT_START):
        return LazyPattern(pattern, flags)
    return _COMPILE(pattern, flags)


class StandIn(types.ModuleType):
    """A module not loaded yet: the first name asked of it loads the real
    module (which then replaces it in ``sys.modules``) and answers from it."""

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)   # import's own questions (__path__ ...) load nothing
        return getattr(self.real(), attr)

    def real(self) -> types.ModuleType:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
            try:
                importlib.import_module(name)
            except BaseException:
                sys.modules.setdefault(name, self)
                raise
        return sys.modules[name] if name in sys.modules else importlib.import_module(name)


def _stand_in(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return  # not installed: its importer's ImportError stays as it was
    module = StandIn(name)
    module.__spec__ = spec
    sys.modules[name] = module


@contextlib.contextmanager
def lazy_parts() -> Iterator[None]:
    """Import inside this block with the parts above put off. Only for a
    process's start (one thread): ``re.compile`` is ReportLab's way in."""
    for name in LAZY_MODULES:
        _stand_in(name)
    if "reportlab.platypus.paragraph" not in sys.modules:
        re.compile = _compile
        try:
            import reportlab.platypus.paragraph  # noqa: F401  (uri_pat made lazy)
        finally:
            re.compile = _COMPILE
    yield
