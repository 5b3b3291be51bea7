"""The article library: the one place that finds, reads and caches articles
and their languages. Build, check, render, email, the page and translation
tracking all go through it.

An article is named by an ``Item(lang, slug)``; ``Item.parse("es:leg-cramps",
default_lang)`` is the one parser for the written form. Its file is
``content/<lang>/<slug>.yaml`` or ``.yml`` (``.yaml`` wins when both exist;
``stray_files`` warns about the other).

``load(path)`` reads a file with line marks (``loader.load_yaml``) and
validates it against the schema, once per content: the result is kept on a
digest of the file's bytes (and the day: a date in the future is refused), so an edited file is read again at once and an
unchanged one is never parsed twice (``check`` reads each article once though
both the build and the translation survey look at it). A file with problems
gives an entry carrying them; nothing bad is raised from ``load``.

Reading a file is ``_read`` (with ``_digest``, what the cache is keyed on).
An article may include a shared block, ``callout: {include: NAME}``: the words
of ``content/blocks/<lang>/NAME.yaml`` (the clinic's "when to get help"),
written once for every handout of the language. ``_include`` puts the block's
heading, body and bullets into the callout before validation, this handout's
own bullets after them; a cached article is read again when a block it
includes changes. A missing or bad block is the usual one-line problem, naming
the block's file and line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple

from handouts import listing
from handouts.symlinks import inside_content
from handouts.errors import ContentError, HandoutError, Problem, quoted
from handouts.loader import Loaded, Loc, field_name, load_yaml, read_bytes
from handouts.project import SLUG_RE, Project
from handouts.schema.article import BLOCK_NAME_RE, Article, Block
from handouts.schema.fields import LANG_RE
from handouts.schema.validate import validate

#: The endings of article files, the first preferred.
ARTICLE_SUFFIXES = (".yaml", ".yml")

#: Shared blocks that articles include: ``content/blocks/<lang>/<name>.yaml``.
BLOCKS = "blocks"

#: Parsed articles kept at most (the oldest go first).
MAX_ENTRIES = 4096


class Item(NamedTuple):
    """One language of one handout."""

    lang: str
    slug: str

    @classmethod
    def parse(cls, spec: str, default_lang: str) -> "Item":
        """``leg-cramps`` -> Item(default_lang, "leg-cramps");
        ``es:leg-cramps`` -> Item("es", "leg-cramps")."""
        lang, sep, slug = spec.partition(":")
        if not sep:
            return cls(default_lang, spec)
        return cls(check_lang(lang), slug)

    def __str__(self) -> str:
        return f"{self.lang}:{self.slug}"


def check_lang(lang: str) -> str:
    if not LANG_RE.match(lang or ""):
        raise ContentError.at(None, None, "--lang", f"{lang!r} is not a language code such as en or es")
    return lang


# -------------------------------------------------------------------------
# Finding.

def languages(project: Project) -> list[str]:
    """The language folders under content/ that hold at least one article."""
    return sorted(p.name for p in project.content.iterdir()
                  if p.is_dir() and LANG_RE.match(p.name) and files(project, p.name))


def files(project: Project, lang: str) -> dict[str, Path]:
    """``{slug: path}`` for every ``.yaml`` (or ``.yml``) file of a language;
    where both exist, ``.yaml`` wins (see ``stray_files``)."""
    return dict(listing.derived(project.content / lang, _articles) or {})


def _articles(folder: Path, names: list[str]) -> dict[str, Path]:
    """``files``' answer from the folder's names (kept until the folder changes)."""
    found: dict[str, str] = {}
    articles = [n for n in names if n.endswith(ARTICLE_SUFFIXES) and not n.startswith(".")]
    for name in sorted(articles, key=lambda n: (not n.endswith(ARTICLE_SUFFIXES[0]), n)):
        found.setdefault(name.rsplit(".", 1)[0], name)
    return {slug: folder / found[slug] for slug in sorted(found)}


def stray_files(project: Project, lang: str) -> list[Problem]:
    """Warnings for files in a language folder that are not built."""
    folder = project.content / lang
    if not folder.is_dir():
        return []
    used = set(files(project, lang).values())
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p in used:
            continue
        if p.suffix in ARTICLE_SUFFIXES:
            why = f"not built: {p.stem}.yaml has the same name; keep one of them"
        elif p.is_dir():
            why = "not built: a folder inside a language folder is ignored"
        else:
            why = "not built: only .yaml (or .yml) files are handouts"
        out.append(Problem(p, None, None, why))
    return out


def discover(project: Project, lang: str, slugs: Iterable[str] = ()) -> dict[str, Path]:
    """The files of ``slugs`` in ``lang`` (all of the language's without
    slugs); a ContentError naming each one that is not there."""
    check_lang(lang)
    have = files(project, lang)
    slugs = list(slugs)
    if not slugs:
        return have
    missing = [s for s in slugs if s not in have]
    if missing:
        raise ContentError([Problem(project.content / lang, None, None, no_such_handout(s, have))
                            for s in missing])
    return {s: have[s] for s in dict.fromkeys(slugs)}


def path(project: Project, item: Item) -> Path:
    """The file of one handout, or a ContentError (with a suggestion)."""
    return discover(project, item.lang, [item.slug])[item.slug]


def no_such_handout(slug: str, have) -> str:
    """``no handout named leg-cramp; did you mean leg-cramps?``"""
    import difflib  # only for a mistake: a good build needs none

    close = difflib.get_close_matches(slug, list(have), n=3, cutoff=0.6)
    if close:
        return f"no handout named {quoted(slug)}; did you mean {' or '.join(close)}?"
    return f"no handout named {quoted(slug)} (have: {', '.join(have) or 'none'})"


def is_name(item) -> bool:
    """Whether ``item`` could name a handout at all (a language code and a
    slug), before looking for its file."""
    return (len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], str)
            and bool(LANG_RE.match(item[0])) and bool(SLUG_RE.match(item[1])))


# -------------------------------------------------------------------------
# Reading, once per content.

@dataclass(frozen=True)
class Entry:
    """One article file as read: its data with line marks and its validated
    article, or the problems that stopped it."""

    path: Path
    digest: bytes
    loaded: Loaded | None
    article: Article | None
    problems: tuple[Problem, ...] = ()
    #: The included block files with their digests (b"" for a missing one).
    deps: tuple[tuple[Path, bytes], ...] = ()
    #: Where each included field came from: {field here: (block, field there)}.
    origin: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.article is not None

    def locate(self, loc: Loc) -> tuple[Path, int | None, str]:
        """The file, line and field name of ``loc``: an included block's for
        the words that came from it, else this article's."""
        loc = tuple(loc)
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.origin:
                block, there = self.origin[loc[:n]]
                there = (*there, *loc[n:])
                return block.path, block.line_for(there), field_name(there)
        return self.path, self.loaded.line_for(loc) if self.loaded else None, field_name(loc)

    def get(self) -> Article:
        """The article, or a ContentError with every problem of the file."""
        if self.article is None:
            raise ContentError(list(self.problems))
        return self.article


_entries: OrderedDict[tuple[str, bytes, dt.date], Entry] = OrderedDict()
_lock = threading.Lock()


def _digest(path: Path) -> bytes:
    """What the cache is keyed on: the file's bytes (read with the loader's
    limits; a file that cannot be read raises ContentError)."""
    return hashlib.sha256(read_bytes(path)).digest()


def _read(path: Path) -> Loaded:
    """The one place an article file is read and parsed."""
    return load_yaml(path)


def _dep_digest(path: Path) -> bytes:
    try:
        return _digest(path)
    except HandoutError:
        return b""


def _include(path: Path, loaded: Loaded) -> tuple[Loaded, tuple, dict]:
    """``callout: {include: NAME}``: the article's data with the block's
    heading, body and bullets put into its callout (its own bullets after
    them, their line marks moved along), the block files read (with their
    digests) and where each included field came from. A ContentError when the
    block is missing or bad, or the words would be given twice."""
    data = loaded.data
    callout = data.get("callout") if isinstance(data, dict) else None
    if not isinstance(callout, dict) or "include" not in callout:
        return loaded, (), {}
    name, here = callout["include"], loaded.line_for(("callout", "include"))
    if not isinstance(name, str) or not BLOCK_NAME_RE.match(name):
        raise ContentError.at(path, here, "callout.include",
                              f"{quoted(str(name))} is not a block name; name a file in "
                              f"content/{BLOCKS}/{path.parent.name}/ without .yaml, such as "
                              "when-to-get-help")
    folder = path.parent.parent / BLOCKS / path.parent.name
    block_path = folder / f"{name}.yaml"
    deps = ((block_path, _dep_digest(block_path)),)
    shown = f"content/{BLOCKS}/{path.parent.name}/{name}.yaml"
    if not block_path.is_file():
        have = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        import difflib  # only for a mistake

        close = difflib.get_close_matches(name, have, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else f" (have: {', '.join(have) or 'none'})"
        raise _Missing(deps, ContentError.at(path, here, "callout.include", f"there is no {shown}{hint}"))
    try:
        inside_content(block_path, path.parent.parent)
        block_loaded, block = _block(block_path, deps[0][1])
    except HandoutError as exc:
        raise _Missing(deps, exc) from None
    for key in ("heading", "body"):
        if key in callout:
            raise _Missing(deps, ContentError.at(
                path, loaded.line_for(("callout", key)), f"callout.{key}",
                f"comes from {shown} (callout.include); remove it here: a handout adds only bullets"))
    own = callout.get("bullets") or []
    if not isinstance(own, list):
        own = [own]
    count = len(block.bullets) + len(own)
    if count > 10:
        raise _Missing(deps, ContentError.at(
            path, loaded.line_for(("callout", "bullets")), "callout.bullets",
            f"with the {len(block.bullets)} of {shown}, the callout would have {count} bullets; "
            "it holds at most 10"))
    merged = {k: v for k, v in callout.items() if k != "bullets"}
    merged["heading"] = block.heading
    origin: dict = {("callout", "heading"): (block_loaded, ("heading",))}
    if block.body:
        merged["body"] = block.body
        origin[("callout", "body")] = (block_loaded, ("body",))
    merged["bullets"] = [*block.bullets, *own]
    for j in range(len(block.bullets)):
        origin[("callout", "bullets", j)] = (block_loaded, ("bullets", j))
    shift = len(block.bullets)
    marks = {}
    for loc, line in loaded.marks.items():
        if loc[:2] == ("callout", "bullets") and len(loc) > 2 and isinstance(loc[2], int):
            loc = (*loc[:2], loc[2] + shift, *loc[3:])
        marks[loc] = line
    new = dataclasses.replace(loaded, data={**data, "callout": merged}, marks=marks)
    return new, deps, origin


#: Blocks read and validated, on (path, digest of their bytes): a block many
#: articles include is parsed once (not compared: kept whole, never changed).
_blocks: OrderedDict[tuple[Path, bytes], tuple[Loaded, Block]] = OrderedDict()


def _block(path: Path, digest: bytes) -> tuple[Loaded, Block]:
    """The block file at ``path`` whose bytes have ``digest``, read and
    validated; a HandoutError when it is bad (never kept)."""
    with _lock:
        found = _blocks.get((path, digest))
    if found is None:
        loaded = _read(path)
        found = loaded, validate(Block, loaded)
        if _dep_digest(path) == digest:    # not edited while it was read
            with _lock:
                _blocks[(path, digest)] = found
                while len(_blocks) > 64:
                    _blocks.popitem(last=False)
    return found


def _own_numbers(problem: Problem, origin: dict) -> Problem:
    """A problem in one of this handout's own callout bullets, numbered as in
    its file (``callout.bullets[1]``), not after the included block's."""
    shift = sum(1 for loc in origin if loc[:2] == ("callout", "bullets"))
    m = re.match(r"callout\.bullets\[(\d+)\]", problem.field or "")
    if not shift or not m:
        return problem
    return dataclasses.replace(problem, field=f"callout.bullets[{int(m.group(1)) - shift}]"
                               + problem.field[m.end():])


class _Missing(HandoutError):
    """An include that failed, with the block files it looked at (so the
    cached failure is dropped when one of them appears or changes)."""

    def __init__(self, deps, exc: HandoutError):
        super().__init__(exc.problems)
        self.deps = deps


def load(path: Path, keep: bool = True) -> Entry:
    """The article in ``path``, parsed and validated once per content (kept
    in the cache unless ``keep`` is false: a big one-off batch that will not
    read its files again)."""
    path = Path(path)
    try:
        inside_content(path)
        digest = _digest(path)
    except HandoutError as exc:
        return Entry(path, b"", None, None, tuple(exc.problems))
    key = (str(path), digest, dt.date.today())   # a reviewed date "in the future" passes tomorrow
    with _lock:
        entry = _entries.get(key)
        if entry is not None and all(_dep_digest(p) == d for p, d in entry.deps):
            _entries.move_to_end(key)
            return entry
    try:
        loaded = _read(path)
    except HandoutError as exc:
        entry = Entry(path, digest, None, None, tuple(exc.problems))
    else:
        try:
            loaded, deps, origin = _include(path, loaded)
        except _Missing as exc:
            entry = Entry(path, digest, loaded, None, tuple(exc.problems), exc.deps)
        except HandoutError as exc:
            entry = Entry(path, digest, loaded, None, tuple(exc.problems))
        else:
            try:
                entry = Entry(path, digest, loaded, validate(Article, loaded), (), deps, origin)
            except HandoutError as exc:
                problems = tuple(_own_numbers(p, origin) for p in exc.problems)
                entry = Entry(path, digest, loaded, None, problems, deps, origin)
    try:
        unchanged = _digest(path) == digest
    except HandoutError:
        unchanged = False
    if unchanged and keep:  # not edited while it was read
        with _lock:
            _entries[key] = entry
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return entry


def article(project: Project, item: Item) -> Article:
    """One handout's article, or a ContentError (no such handout, or its problems)."""
    return load(path(project, item)).get()


def cache_clear() -> None:
    with _lock:
        _entries.clear()
