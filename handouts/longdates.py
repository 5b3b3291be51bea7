"""Dates written out in a language (``November 1, 2026``, ``1 de noviembre
de 2026``) by Babel's CLDR data, and kept: per process, and per language in
the per-user cache (``usercache.py``), since loading a language's CLDR data
costs a cold build about 10 ms to write the same review dates again."""

from __future__ import annotations

import datetime as dt
import threading

from handouts import usercache
from handouts.scripts import babel_version

_FORMAT = 1          # of the cache entry
_MAX_DATES = 1024    # a language's entry holds at most this many dates
_known: dict[str, dict[str, str]] = {}     # language: {ISO date: the date written out}
_lock = threading.Lock()


def longdate(value: dt.date | None, lang: str = "en") -> str:
    """``value`` in ``lang``'s long date format (nothing for no date; ISO for
    a language Babel does not know: ISO is unambiguous)."""
    if value is None:
        return ""
    if type(value) is not dt.date:      # a datetime, say: not kept
        return _format(value, lang) or value.isoformat()
    iso = value.isoformat()
    with _lock:
        known = _known.get(lang)
        if known is None:
            known = _known[lang] = _read(lang)
        text = known.get(iso)
    if text is not None:
        return text
    text = _format(value, lang)
    if text is None:
        return iso
    with _lock:
        known[iso] = text
        if len(known) <= _MAX_DATES:
            usercache.write_json("dates", _entry(lang), "dates", known)
    return text


def _format(value: dt.date, lang: str) -> str | None:
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(value, format="long", locale=lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def _entry(lang: str) -> dict:
    return {"format": _FORMAT, "lang": lang, "babel": babel_version(), "style": "long"}


def _read(lang: str) -> dict[str, str]:
    """The language's dates in the cache: only an entry made for exactly this
    language and Babel, with text for each ISO date."""
    return usercache.read_json("dates", _entry(lang), "dates", _dates) or {}


def _dates(dates) -> bool:
    if not isinstance(dates, dict) or len(dates) > _MAX_DATES:
        return False
    for iso, text in dates.items():
        dt.date.fromisoformat(iso)      # ValueError or TypeError: not an entry of ours
        if not isinstance(text, str) or not text:
            return False
    return True
