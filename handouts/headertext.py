"""Text that will stand in an email header (a patient's name, a handout's
title, the clinic's name): one line, nothing hidden in it.

Mail programs and Python's own email package decode RFC 2047 encoded words
(``=?utf-8?b?...?=``, ``=?utf-8?q?...?=``) wherever they find them, and a
Python without the CVE-2024-6923 fix (3.11.9 and older, 3.12.4 and older)
writes the decoded line breaks raw, which adds headers or a body of the
sender's choosing. So such text is refused wherever it comes in: a line break
or another control character, as typed or after decoding, and any encoded
word at all (nobody types one by hand, and even a harmless one would change
the words the patient sees). This does not depend on the interpreter's patch
level; handouts.mail.compose checks the finished message once more.

The lowest layer: imports nothing from handouts.
"""

from __future__ import annotations

import re
import unicodedata

#: Anything an email parser could take for an encoded word: ``=?`` ... ``?=``
#: (Python's parser accepts spaces and odd charsets inside, so no more is asked).
ENCODED_WORD = re.compile(r"=\?.*?\?=", re.S)

#: Line breaks (CR, LF, NEL, U+2028, U+2029, ...), tabs, NUL and the rest.
_CONTROL = ("Cc", "Zl", "Zp")


def control(text: str) -> str | None:
    """The first line break or control character in ``text``, if any."""
    return next((ch for ch in text if unicodedata.category(ch) in _CONTROL), None)


def decoded(text: str) -> str:
    """``text`` as a mail program would show it: encoded words decoded (as far
    as they decode; the rest is left as it is)."""
    from email.headerregistry import HeaderRegistry

    try:
        return str(HeaderRegistry()("X", text))
    except Exception:  # noqa: BLE001 (a header that does not parse decodes to nothing new)
        return text


def problem(text: str) -> str | None:
    """Why ``text`` may not go into an email header, in a clinic admin's
    words; None when it may."""
    if control(text) is not None:
        return "has a line break or another invisible control character; write it on one line"
    if ENCODED_WORD.search(text):
        if control(decoded(text)) is not None:
            return ("hides a line break in an encoded email word (=?...?=), which could add "
                    "lines to an email; write the words themselves")
        return ("looks like an encoded email word (=?...?=), which email programs would show "
                "differently; write the words themselves")
    return None


def check(text: str) -> str:
    """``text`` unchanged, or ValueError with :func:`problem`'s words (for a
    pydantic validator)."""
    why = problem(text)
    if why:
        raise ValueError(why)
    return text
