"""Which handouts a command means: languages, slugs and ``lang:slug`` items,
resolved through the library to files under content/, with clear errors for
names that are not there."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from handouts import library
from handouts.errors import ContentError
from handouts.library import Item, check_lang, discover
from handouts.project import Project


def check_langs(project: Project, langs: Iterable[str]) -> list[str]:
    """The languages asked for, each one that has a folder under content/
    (with a handout: ``library.languages``, without listing every language)."""
    out = []
    for lang in dict.fromkeys(langs):
        check_lang(lang)
        if not library.files(project, lang):
            have = library.languages(project)
            raise ContentError.at(project.content / lang, None, "--lang",
                                  f"there are no {lang!r} handouts; the languages here are: "
                                  f"{', '.join(have) or 'none'}")
        out.append(lang)
    return out


def plan(project: Project, langs: list[str] | None, specs: Iterable[str | Item],
         packet: bool) -> list[tuple[Item, Path]]:
    """What to build, as (item, file) in order.

    ``specs`` are slugs, each optionally with its language (``es:leg-cramps``),
    or Items. With no languages named, a build does every language under
    content/, and a slug without a language is built in each language that
    has it; a packet takes a slug without a language in the first language
    named (else English, else the first language there is)."""
    specs = list(specs)
    named = check_langs(project, langs) if langs else []
    every = named or library.languages(project)
    if not specs:
        return [(Item(lang, slug), path) for lang in every
                for slug, path in discover(project, lang).items()]
    if packet:
        default = named[0] if named else ("en" if "en" in every else (every or ["en"])[0])
        items = [_item(spec, default) for spec in specs]
        check_langs(project, dict.fromkeys(item.lang for item in items))
        return [(item, library.path(project, item)) for item in items]
    jobs: list[tuple[Item, Path]] = []
    bare = [s for s in specs if isinstance(s, str) and ":" not in s]
    for lang in every:
        files = library.files(project, lang)
        jobs.extend((Item(lang, s), files[s]) for s in dict.fromkeys(bare) if s in files)
    nowhere = [s for s in dict.fromkeys(bare) if not any(s == item.slug for item, _ in jobs)]
    if named:  # every language named must have every bare slug
        for lang in named:
            discover(project, lang, bare)
    elif nowhere:
        have = sorted({slug for lang in every for slug in library.files(project, lang)})
        raise ContentError.at(project.content, None, None,
                              f"no handout named {', '.join(nowhere)} in any language "
                              f"(have: {', '.join(have) or 'none'})")
    for spec in specs:
        if isinstance(spec, Item) or ":" in spec:
            item = _item(spec, "")
            check_langs(project, [item.lang])
            jobs.append((item, library.path(project, item)))
    order = {lang: i for i, lang in enumerate(every)}
    return sorted(dict.fromkeys(jobs), key=lambda j: order.get(j[0].lang, len(order)))


def _item(spec: str | Item, default_lang: str) -> Item:
    return spec if isinstance(spec, Item) else Item.parse(spec, default_lang)
