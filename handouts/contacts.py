"""Phone numbers, email addresses and web addresses in text: where they link
and how a screen reader should speak them.

Detection is deliberately conservative (a false "phone number" would be read
digit by digit or become a wrong link):

- a **phone number** is written in one of two ways, and never inside a
  longer run of digits, letters or a web address:

  - North American: ``(541) 555-0142``, ``541-555-0142`` or ``541.555.0142``,
    optionally after ``+1`` or ``1``; it links to ``tel:+15415550142``;
  - international: ``+`` and a country code, then groups of digits split by
    single spaces, dots or dashes, 8 to 15 digits in all
    (``+44 20 7946 0958``); it links to ``tel:+442079460958``;

- a **short service number** (spoken digit by digit, never a link, so that a
  stray tap cannot call it): ``911`` and ``988`` anywhere, and ``112``,
  ``999`` or an N11 number (``211`` ... ``811``) right after "call", "dial",
  "text" or "phone" (Spanish: "llame al", "llamar al", "llama al",
  "marque el", "marcar el");
- an **email address**: ``name@domain.tld``; it links to ``mailto:``;
- a **web address**: starting with ``https://``, ``http://`` or ``www.``;
  trailing punctuation is not part of it. ``www.`` addresses link to ``https://``.

A number is spoken digit by digit with its groups apart, as a screen reader
should say it: ``(541) 555-0142`` -> ``5 4 1, 5 5 5, 0 1 4 2`` and ``911`` ->
``9 1 1``; a leading ``+`` stays (a speech engine says "plus" in the text's
own language). The spaces inside a phone number are printed as no-break
spaces, so a number never breaks across lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handouts.xmltext import escape, quoteattr

NBSP = "\u00a0"
_GAP = f"[ {NBSP}]"

_NANP = rf"(?:\+?1[ {NBSP}.-]?)?(?:\(\d{{3}}\){_GAP}?|\d{{3}}[.-])\d{{3}}[.-]\d{{4}}"
_INTL = rf"\+\d{{1,3}}(?:[ {NBSP}.-]\d{{1,5}}){{1,6}}"
_ALWAYS = r"911|988"
_AFTER_CALL = r"112|999|[2-8]11"
_CALL = r"(?i:call|dial|text|phone|llame al|llamar al|llama al|marque el|marcar el)"
#: Characters of scripts written without spaces (Han, kana, Hangul) and their
#: full-width punctuation: a number or address may touch them (拨打911，).
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
#: A letter or digit that would make a number part of a longer word.
_W = rf"(?:(?![{_WIDE}])\w)"
_EMAIL = r"(?i:[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
_WEB = rf"(?i:https?://|www\.)[^\s<>\"{_WIDE}]+"

#: The pattern, compiled on first use (``handouts list`` and ``--help`` never
#: need it). ``_W`` is written once before and once after the alternatives
#: rather than in each: every ``[_WIDE]`` class costs about 1.5 ms to compile
#: (the regex compiler maps each of its 41,000 characters), and a lookaround
#: shared by all the alternatives is the same test.
_SOURCE = (
    rf"(?<!{_W})(?:"
    rf"(?P<email>(?<![.%+-]){_EMAIL})"
    rf"|(?P<web>(?<![@/.-]){_WEB})"
    rf"|(?:(?P<phone>(?<![/@.+-])(?:{_NANP}|{_INTL})(?![/@-]|\.\d))"
    rf"|(?P<short>(?<![/@.,$+-])(?:{_ALWAYS})(?![/@%-]|[.,]\d))"
    rf"|(?P<called>\b{_CALL}{_GAP}(?P<number>{_AFTER_CALL})(?![/@%-]|[.,]\d)))(?!{_W}))"
)   # case is ignored only where letters are (?i:...): over the whole pattern, the wide
    # scripts' ranges made it cost 3x as long to compile

#: Every ``_WIDE`` range starts at or above this character.
_FIRST_WIDE = "\u2e80"


@lru_cache(maxsize=None)
def _pattern(wide: bool = True) -> re.Pattern:
    """The pattern for a text with characters of the wide scripts, or
    (``wide=False``) for one without: the same pattern with the wide
    classes left out, which finds exactly the same in such a text (those
    classes only tell its characters apart from ones it does not have) and
    compiles in a sixth of the time (1 ms, not 6: a Latin, Arabic or
    Vietnamese handout's build never compiles the wide one)."""
    if wide:
        return re.compile(_SOURCE)
    return re.compile(_SOURCE.replace(f"(?![{_WIDE}])", "").replace(_WIDE, ""))


_TRAILING = ".,;:!?)]}'\"\u2019\u201d"


@dataclass(frozen=True)
class Found:
    """One phone number, service number, email or web address in a text."""

    start: int
    end: int
    text: str
    kind: str                 # "phone", "short", "email" or "web"

    @property
    def href(self) -> str | None:
        """Where it links (None for a short service number)."""
        if self.kind == "phone":
            digits = "".join(re.findall(r"\d", self.text))
            if self.text.startswith("+"):
                return f"tel:+{digits}"
            return f"tel:+1{digits[-10:]}"
        if self.kind == "email":
            return f"mailto:{self.text}"
        if self.kind == "web":
            return self.text if "://" in self.text else f"https://{self.text}"
        return None

    @property
    def spoken(self) -> str | None:
        """How a screen reader should say it (None: as written)."""
        if self.kind not in ("phone", "short"):
            return None
        groups = re.findall(r"\d+", self.text)
        spoken = ", ".join(" ".join(group) for group in groups)
        return "+" + spoken if self.text.startswith("+") else spoken


_DIGIT = re.compile(r"\d")


def may_hold(text: str) -> bool:
    """Whether ``text`` holds what every match of the pattern holds: a digit
    (every number), an "@" (an email), or "://" or "www." (a web address).
    Most paragraphs hold none, and this tells so about nine times faster
    than searching them."""
    return "@" in text or "://" in text or _DIGIT.search(text) is not None or "www." in text.lower()


@lru_cache(maxsize=4096)
def find(text: str) -> tuple[Found, ...]:
    """The phone numbers, emails and web addresses in ``text``, in order.
    Cached: a page's paragraphs are searched again at each fit step and
    when drawn (their Found items are frozen, the answer a tuple)."""
    if not may_hold(text):
        return ()
    found = []
    for m in _pattern(bool(text) and max(text) >= _FIRST_WIDE).finditer(text):
        kind = m.lastgroup
        if kind == "called":   # "call 211": only the number is the item
            kind, m_start, value = "short", m.start("number"), m.group("number")
        else:
            m_start, value = m.start(), m.group()
        if kind == "web":
            value = value.rstrip(_TRAILING)
        if kind == "phone" and value.startswith("+") and \
                not 8 <= len(re.sub(r"\D", "", value)) <= 15:
            continue
        found.append(Found(m_start, m_start + len(value), value, kind))
    return tuple(found)


@lru_cache(maxsize=4096)
def markup(text: str) -> str:
    """Plain text -> ReportLab inline markup: escaped, each phone number kept
    on one line, and each phone, email and web address a link. Cached: the
    fit search builds the same paragraphs at every step (6% of a batch)."""
    out, pos = [], 0
    for item in find(text):
        out.append(escape(text[pos:item.start]))
        shown = escape(item.text.replace(" ", NBSP) if item.kind == "phone" else item.text)
        href = item.href
        out.append(f"<a href={quoteattr(href)}>{shown}</a>" if href else shown)
        pos = item.end
    out.append(escape(text[pos:]))
    return "".join(out)


def segments(text: str) -> list[tuple[str, Found | None]]:
    """``text`` cut into plain runs and found items, in order."""
    parts, pos = [], 0
    for item in find(text):
        if item.start > pos:
            parts.append((text[pos:item.start], None))
        parts.append((item.text, item))
        pos = item.end
    if pos < len(text):
        parts.append((text[pos:], None))
    return parts
