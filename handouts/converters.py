"""Typed converters, in one place: colours, contrast and paper sizes.

Each raises ValueError with a message fit to show a clinic admin; the caller
adds the file, line and field.
"""

from __future__ import annotations

import re

from reportlab.lib.pagesizes import A4, LETTER

PAPER_SIZES = {"letter": LETTER, "a4": A4}

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")

#: WCAG 2 minimum contrast for normal-size text (SC 1.4.3).
MIN_CONTRAST = 4.5


def parse_color(value: str) -> str:
    """``"#1f5a7a"`` / ``"1F5A7A"`` / ``"#fa0"`` -> ``"#1F5A7A"``."""
    if not isinstance(value, str):
        raise ValueError("should be a colour written as \"#RRGGBB\" (in quotes)")
    m = _HEX.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a colour; write it as \"#RRGGBB\", for example \"#1F5A7A\"")
    digits = m.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def rgb(color: str) -> tuple[float, float, float]:
    """``"#RRGGBB"`` -> (r, g, b) in 0..1."""
    color = parse_color(color)
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def mix(color: str, other: str, amount: float) -> str:
    """Blend ``amount`` (0..1) of ``other`` into ``color``; used for tints."""
    a, b = rgb(color), rgb(other)
    return "#" + "".join(
        f"{round((x * (1 - amount) + y * amount) * 255):02X}" for x, y in zip(a, b)
    )


def parse_paper(value: str) -> str:
    key = str(value).strip().lower()
    if key not in PAPER_SIZES:
        raise ValueError(f"{value!r} is not a paper size; use letter or a4")
    return key


#: The only kinds of link a handout may carry (a QR code, a clinic's website).
LINK_SCHEMES = ("https", "http", "tel", "mailto")


def check_link(value: str) -> str:
    """``value`` unchanged when it is a web address (``https://...``,
    ``http://...`` or a bare ``example.org/book``), ``tel:`` or ``mailto:``;
    ValueError otherwise (``javascript:``, ``data:``, ``file:`` ...)."""
    scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", value)
    bare = scheme is None or (scheme.group(1).lower() not in LINK_SCHEMES
                              and re.match(r"[\w.-]+:\d", value.strip()))     # example.org:8080/x
    if not bare and scheme.group(1).lower() not in LINK_SCHEMES:
        raise ValueError(f"{scheme.group(1)}: links are not allowed; write a web address "
                         f"(https://...), or a tel: or mailto: link")
    if any(ch.isspace() or ord(ch) < 32 for ch in value.strip()):
        raise ValueError("a link may not contain spaces or line breaks")
    return value
