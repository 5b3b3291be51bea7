"""The page, split by concern:

- ``base``: what a layout is (``Layout``) and a fitted ``Sheet``;
- ``furniture``: header, footer and QR code (geometry and drawing);
- ``flow``: measuring and flowing the body through frames, the fit result;
- ``columns``: the regular one-page layout and its fit search;
- ``large``: the large-print layout (one column, up to two pages);
- ``pdf``: drawing fitted sheets into one tagged PDF with metadata.

The build picks its layout once, with ``choose``, and then only asks it.
"""

from typing import Iterable

from handouts import flowables
from handouts.fonts import FontFamily
from handouts.layout.base import Layout, Sheet
from handouts.layout.columns import FIT_STEPS, GUTTER, ColumnsLayout
from handouts.layout.flow import Fit, fit_error, flow, measure
from handouts.layout.furniture import MARGIN, SAFE_AREA, BrandArt, Geometry, url_lines
from handouts.layout.large import LARGE_MAX_PAGES, LARGE_STEPS, LargePrintLayout
from handouts.layout.pdf import DocInfo, render_pdf
from handouts.scripts import Script
from handouts.styles import STYLE_FIELDS

#: The two layouts (they keep no state between handouts).
COLUMNS = ColumnsLayout()
LARGE_PRINT = LargePrintLayout()


def choose(large_print: bool = False) -> Layout:
    """The layout the ``--large-print`` option asks for."""
    return LARGE_PRINT if large_print else COLUMNS


def styles_ahead(palette, looks: Iterable[tuple[FontFamily, Script]]) -> None:
    """Make the styles of every step of both layouts' fit searches, for each
    of ``looks`` (a language's family and script, ``brand.family`` and
    ``brand.script``, as ``build.fit_handout`` takes them), as a long-running
    process has them after its first few handouts (``styles.make_styles``
    keeps them): the page's start-up (``render.ready``) calls it, so a first
    render does not make them step by step (0.13 ms each)."""
    kinds = dict.fromkeys((family, script.break_anywhere, script.rtl) for family, script in looks)
    for page_layout in (COLUMNS, LARGE_PRINT):
        for body_pt, spacing in dict.fromkeys((*page_layout.steps, *page_layout.roomy)):
            for family, anywhere, rtl in kinds:
                st = page_layout.styles(palette, family, body_pt, spacing, anywhere, rtl)
                for name in STYLE_FIELDS:
                    flowables.known(getattr(st, name))


__all__ = [
    "COLUMNS", "FIT_STEPS", "GUTTER", "LARGE_MAX_PAGES", "LARGE_PRINT", "LARGE_STEPS", "MARGIN",
    "SAFE_AREA", "BrandArt", "ColumnsLayout", "DocInfo", "Fit", "Geometry", "LargePrintLayout",
    "Layout", "Sheet", "choose", "styles_ahead", "fit_error", "flow", "measure", "render_pdf", "url_lines",
]
