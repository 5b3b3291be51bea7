"""The "under 100 KB for email" promise, checked at build time.

A handout's PDF is mostly its fonts (subset, about 40 KB) and its logo. When a
PDF comes out over the limit, the logo is first made smaller, to 200 dpi at
the header's size, which no office printer or screen shows as a loss (it is
stored at 300 dpi). If the PDF is still over, a warning names the cause and
what to do.
"""

from __future__ import annotations

import zlib
from typing import Callable

from PIL import Image

from handouts.errors import Problem

MAX_PDF_BYTES = 100 * 1024
#: 200 dpi at the header's logo size (3 in x 1.2 in at most).
LOGO_SMALLER_PX = (400, 160)


def logo_bytes(image: Image.Image) -> int:
    """About what the logo adds to a PDF (ReportLab stores its pixels with Flate)."""
    return len(zlib.compress(image.tobytes(), 6))


def smaller_logo(image: Image.Image) -> Image.Image | None:
    """The logo at 200 dpi, or None if it is that small already."""
    if image.width <= LOGO_SMALLER_PX[0] and image.height <= LOGO_SMALLER_PX[1]:
        return None
    small = image.copy()
    small.thumbnail(LOGO_SMALLER_PX, Image.Resampling.LANCZOS)
    return small


def keep_under_limit(pdf: bytes, render: Callable[[Image.Image], bytes], logo: Image.Image,
                     name: str, brand_path, logo_line: int | None) -> tuple[bytes, Problem | None]:
    """``pdf``, or a re-render with a smaller logo when that brings it under
    the limit; and a warning when it is still over."""
    if len(pdf) <= MAX_PDF_BYTES:
        return pdf, None
    small = smaller_logo(logo)
    if small is not None:
        pdf = render(small)
        logo = small
        if len(pdf) <= MAX_PDF_BYTES:
            return pdf, None
    size_kb = -(-len(pdf) // 1024)
    logo_kb = logo_bytes(logo) // 1024
    if logo_kb * 1024 > len(pdf) * 0.4:
        cause = (f"the logo takes about {logo_kb} KB of it, even at 200 dpi. Use a simpler logo: "
                 "a PNG with a few flat colours (not a photo), or a small JPEG")
    else:
        cause = ("the fonts and text take most of it. If clinic.yaml names your own fonts, "
                 "try fonts with fewer glyphs, or the built-in ones")
    message = (f"{name} is {size_kb} KB, over the {MAX_PDF_BYTES // 1024} KB that email handles well: "
               f"{cause}")
    return pdf, Problem(brand_path, logo_line, "logo" if "logo" in cause else None, message)
