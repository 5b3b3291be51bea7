"""Per-language catalogs of the words the layout adds: labels, link
descriptions, the packet title, and (later) email text.

A catalog is a YAML file ``labels/<lang>.yaml`` in the templates folder; a
project's own ``templates/labels/<lang>.yaml`` overrides keys of the bundled
one, or adds a language. English (bundled) is the reference: every one of its
keys must be in every language, and a missing key is an error naming the
language file and the key. Nested mappings are read as dotted keys
(``handout.call_us``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from handouts.errors import ContentError, Problem
from handouts.scripts import Script, babel_locale, is_code, script_of
from handouts.loader import load_yaml

REFERENCE = "en"
FOLDER = "labels"


@dataclass(frozen=True)
class Catalog:
    lang: str
    words: Mapping[str, str]
    paths: tuple[Path, ...]     # the files it was read from, bundled first

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.words.get(key, default)

    def format(self, key: str, **values) -> str:
        """The phrase with ``{name}`` fields filled in."""
        return self.words[key].format(**values)

    def plural(self, key: str, count: int, **values) -> str:
        """The phrase for ``count`` in this language's plural form: ``key.one``,
        ``key.other`` (and ``key.few``, ``key.many`` where a language has them,
        from the CLDR rules Babel knows); ``key.other`` when a form is missing."""
        locale = babel_locale(self.lang)
        form = locale.plural_form(count) if locale else "other"
        phrase = self.words.get(f"{key}.{form}") or self.words[f"{key}.other"]
        return phrase.format(count=count, **values)

    def script(self) -> Script:
        """How this catalog's language is written: the script its ``script:``
        names (the project's catalog winning, as in ``declared_script``),
        else ``scripts.script_of``'s answer from the code and CLDR. (A code
        that is not a script is reported where the language is built.)"""
        code = self.words.get("script")
        return script_of(self.lang, code if code is not None and is_code(code) else None)

    def section(self, prefix: str) -> dict[str, str]:
        """``section("handout")`` -> ``{"call_us": ..., ...}``."""
        cut = len(prefix) + 1
        return {k[cut:]: v for k, v in self.words.items() if k.startswith(prefix + ".")}


def language_name(templates: Path, bundled: Path, lang: str, ui: str, in_sentence: bool = False) -> str:
    """``lang``'s name for a reader of ``ui``. As a label in its own language,
    the name its catalog gives (``handout.language``: "Español", "Русский");
    in another language, or inside a sentence (``in_sentence``: "Aún no está
    en español"), CLDR's name in ``ui`` ("Spanish", "español"); for a language
    CLDR cannot name, the catalog's own name again; the code when there is
    neither."""
    if ui != lang or in_sentence:
        named, reader = babel_locale(lang), babel_locale(ui)
        name = named.get_display_name(reader) if named and reader else None
        if name:
            return name
    try:
        return load(templates, bundled, lang)["handout.language"]
    except (ContentError, KeyError):
        return lang


def _flatten(data, path: Path, loaded, prefix=()) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(data, dict):
        raise ContentError.at(path, loaded.line_for(prefix), ".".join(map(str, prefix)) or None,
                              "a catalog is a mapping of keys to phrases")
    for key, value in data.items():
        loc = (*prefix, key)
        if isinstance(value, dict):
            out.update(_flatten(value, path, loaded, loc))
        elif isinstance(value, str):
            out[".".join(map(str, loc))] = value
        else:
            raise ContentError.at(path, loaded.line_for(loc), ".".join(map(str, loc)),
                                  "must be a phrase in quotes")
    return out


@lru_cache(maxsize=64)
def _read(path: Path, digest: bytes) -> dict[str, str]:
    loaded = load_yaml(path)
    if loaded.problems:
        raise ContentError(list(loaded.problems))
    return _flatten(loaded.data or {}, path, loaded)


def read(path: Path) -> dict[str, str]:
    """One catalog file, cached on its path and content (an edit that keeps
    the size and modification time is still seen)."""
    import hashlib

    return _read(path, hashlib.sha256(path.read_bytes()).digest())


def folders(templates: Path, bundled: Path) -> list[Path]:
    """Where catalogs are looked for: the bundled templates, then the project's."""
    out = [bundled / FOLDER]
    own = templates / FOLDER
    if own != out[0] and own.resolve() != out[0].resolve():   # (the same path: no need to resolve)
        out.append(own)
    return out


def languages(templates: Path, bundled: Path) -> list[str]:
    """Every language that has a catalog."""
    return sorted({p.stem for d in folders(templates, bundled) if d.is_dir() for p in d.glob("*.yaml")})


def load(templates: Path, bundled: Path, lang: str) -> Catalog:
    """The catalog for ``lang``: bundled words overridden by the project's.
    Every key of the English catalog must be there."""
    dirs = folders(templates, bundled)
    words: dict[str, str] = {}
    paths = []
    for d in dirs:
        p = d / f"{lang}.yaml"
        if p.is_file():
            words.update(read(p))
            paths.append(p)
    if not paths:
        have = ", ".join(languages(templates, bundled)) or "none"
        raise ContentError.at(dirs[-1] / f"{lang}.yaml", None, None,
                              f"no words for the language {lang!r} (catalogs exist for: {have}); "
                              f"copy labels/en.yaml to labels/{lang}.yaml and translate it")
    reference: dict[str, str] = {}
    for d in dirs:
        p = d / f"{REFERENCE}.yaml"
        if p.is_file():
            reference.update(read(p))
    missing = [k for k in reference if k not in words]
    if missing:
        where = paths[-1]
        raise ContentError([Problem(where, None, key, f"missing in the {lang!r} catalog "
                                    f"(English: {reference[key]!r})") for key in missing])
    problems = []
    for key, phrase in words.items():
        wrong = _fields(phrase, paths[-1], key) - _fields(reference.get(key, phrase), paths[-1], key)
        if wrong:
            allowed = ", ".join("{%s}" % f for f in sorted(_fields(reference[key], paths[-1], key))) or "none"
            problems.append(Problem(_holder(dirs, lang, key), None, key,
                                    f"uses {', '.join('{%s}' % f for f in sorted(wrong))}, which is not "
                                    f"filled in here; the fields this phrase may use: {allowed}"))
    if problems:
        raise ContentError(problems)
    return Catalog(lang, words, tuple(paths))


def _fields(phrase: str, path: Path, key: str) -> set[str]:
    """The ``{name}`` fields of a phrase."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(phrase) if name is not None}
    except ValueError as exc:  # a lone { or }
        raise ContentError.at(path, None, key, f"has a stray brace ({exc}); "
                              "write {{ or }} for a brace that should print") from None


def _holder(dirs: list[Path], lang: str, key: str) -> Path:
    """The last catalog file of ``lang`` that sets ``key``."""
    for d in reversed(dirs):
        p = d / f"{lang}.yaml"
        if p.is_file() and key in read(p):
            return p
    return dirs[-1] / f"{lang}.yaml"


def declared_script(templates: Path, bundled: Path, lang: str) -> str | None:
    """The script ``lang``'s catalog says it is written in (``script: Arab``,
    an ISO 15924 code), for a language CLDR does not know or writes
    otherwise; None when it says nothing. The project's catalog wins."""
    from handouts import scripts

    for d in reversed(folders(templates, bundled)):
        path = d / f"{lang}.yaml"
        try:
            code = read(path).get("script") if path.is_file() and _may_name_script(path) else None
        except ContentError:   # a broken catalog is reported where the language's words are read
            code = None
        if code is not None:
            if not scripts.is_code(code):
                raise ContentError.at(path, load_yaml(path).line_for(("script",)), "script",
                                      f"{code!r} is not a script code; write its ISO 15924 code, "
                                      "such as Latn, Cyrl, Arab, Hebr, Hans or Deva")
            return code
    return None


def _may_name_script(path: Path) -> bool:
    """Whether the catalog at ``path`` may set ``script:``: it has the word
    ``script`` standing alone, or a YAML escape that could spell a letter of
    it (``\\x73``, ``\\u0073``) or join a quoted key's lines. Without either
    it has no ``script:`` key, whatever else it holds. Looking costs a read
    of its bytes, not a YAML parse: a build then parses only the catalogs of
    the languages it builds, though clinic.yaml's words are checked in every
    language (each needs its language's script)."""
    data = path.read_bytes()
    at = data.find(b"script")
    while at >= 0:
        before, after = data[at - 1:at] if at else b"", data[at + 6:at + 7]
        if not (before.isalnum() or before == b"_" or after.isalnum() or after == b"_"):
            return True
        at = data.find(b"script", at + 1)
    at = data.find(b"\\")
    while at >= 0:
        if data[at + 1:at + 2] in (b"x", b"u", b"U", b"\r", b"\n"):
            return True
        at = data.find(b"\\", at + 1)
    return False
