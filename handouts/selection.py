"""Which handouts a command means: languages, slugs and ``lang:slug`` items,
resolved to files under content/, with clear errors for names that are not
there."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable

from handouts.errors import ContentError, Problem, quoted
from handouts.project import LANG_RE, Project


def check_langs(project: Project, langs: Iterable[str]) -> list[str]:
    """The languages asked for, each one that has a folder under content/."""
    have = project.languages()
    out = []
    for lang in dict.fromkeys(langs):
        check_lang(lang)
        if lang not in have:
            raise ContentError.at(project.content / lang, None, "--lang",
                                  f"there are no {lang!r} handouts; the languages here are: "
                                  f"{', '.join(have) or 'none'}")
        out.append(lang)
    return out


def parse_item(spec: str, default_lang: str) -> tuple[str, str]:
    """``leg-cramps`` -> (default_lang, "leg-cramps"); ``es:leg-cramps`` -> ("es", "leg-cramps")."""
    lang, sep, slug = spec.partition(":")
    if not sep:
        return default_lang, spec
    check_lang(lang)
    return lang, slug


def plan(project: Project, langs: list[str] | None, specs: Iterable[str], packet: bool) -> list[tuple[str, str, Path]]:
    """What to build, as (lang, slug, file) in order.

    ``specs`` are slugs, each optionally with its language (``es:leg-cramps``).
    With no languages named, a build does every language under content/, and
    a slug without a language is built in each language that has it; a packet
    takes a slug without a language in the first language named (else English,
    else the first language there is)."""
    specs = list(specs)
    named = check_langs(project, langs) if langs else []
    every = named or project.languages()
    if not specs:
        return [(lang, slug, path) for lang in every for slug, path in discover(project, lang).items()]
    if packet:
        default = named[0] if named else ("en" if "en" in every else (every or ["en"])[0])
        items = [parse_item(spec, default) for spec in specs]
        check_langs(project, dict.fromkeys(lang for lang, _ in items))
        return [(lang, slug, discover(project, lang, [slug])[slug]) for lang, slug in items]
    jobs: list[tuple[str, str, Path]] = []
    bare = [s for s in specs if ":" not in s]
    for lang in every:
        files = project.article_files(lang)
        jobs.extend((lang, s, files[s]) for s in dict.fromkeys(bare) if s in files)
    nowhere = [s for s in dict.fromkeys(bare) if not any(s == slug for _, slug, _ in jobs)]
    if named:  # every language named must have every bare slug
        for lang in named:
            discover(project, lang, bare)
    elif nowhere:
        have = sorted({slug for lang in every for slug in project.article_files(lang)})
        raise ContentError.at(project.content, None, None,
                              f"no handout named {', '.join(nowhere)} in any language "
                              f"(have: {', '.join(have) or 'none'})")
    for spec in specs:
        if ":" in spec:
            lang, slug = parse_item(spec, "")
            check_langs(project, [lang])
            jobs.append((lang, slug, discover(project, lang, [slug])[slug]))
    order = {lang: i for i, lang in enumerate(every)}
    return sorted(dict.fromkeys(jobs), key=lambda j: order.get(j[0], len(order)))


def check_lang(lang: str) -> str:
    if not LANG_RE.match(lang or ""):
        raise ContentError.at(None, None, "--lang", f"{lang!r} is not a language code such as en or es")
    return lang


def discover(project: Project, lang: str, slugs: Iterable[str] = ()) -> dict[str, Path]:
    check_lang(lang)
    files = project.article_files(lang)
    slugs = list(slugs)
    if not slugs:
        return files
    missing = [s for s in slugs if s not in files]
    if missing:
        raise ContentError([Problem(project.content / lang, None, None, no_such_handout(s, files))
                            for s in missing])
    return {s: files[s] for s in dict.fromkeys(slugs)}


def no_such_handout(slug: str, files) -> str:
    """``no handout named leg-cramp; did you mean leg-cramps?``"""
    close = difflib.get_close_matches(slug, list(files), n=3, cutoff=0.6)
    if close:
        return f"no handout named {quoted(slug)}; did you mean {' or '.join(close)}?"
    have = ", ".join(files) or "none"
    return f"no handout named {quoted(slug)} (have: {have})"
