"""The page, split by concern:

- ``base``: what a layout is (``Layout``) and a fitted ``Sheet``;
- ``furniture``: header, footer and QR code (geometry and drawing);
- ``flow``: measuring and flowing the body through frames, the fit result;
- ``columns``: the regular one-page layout and its fit search;
- ``large``: the large-print layout (one column, up to two pages);
- ``pdf``: drawing fitted sheets into one tagged PDF with metadata.

The build picks its layout once, with ``choose``, and then only asks it.
"""

from handouts.layout.base import Layout, Sheet
from handouts.layout.columns import FIT_STEPS, GUTTER, ColumnsLayout
from handouts.layout.flow import Fit, fit_error, flow, measure
from handouts.layout.furniture import MARGIN, SAFE_AREA, BrandArt, Geometry, url_lines
from handouts.layout.large import LARGE_MAX_PAGES, LARGE_STEPS, LargePrintLayout
from handouts.layout.pdf import DocInfo, render_pdf

#: The two layouts (they keep no state between handouts).
COLUMNS = ColumnsLayout()
LARGE_PRINT = LargePrintLayout()


def choose(large_print: bool = False) -> Layout:
    """The layout the ``--large-print`` option asks for."""
    return LARGE_PRINT if large_print else COLUMNS


__all__ = [
    "COLUMNS", "FIT_STEPS", "GUTTER", "LARGE_MAX_PAGES", "LARGE_PRINT", "LARGE_STEPS", "MARGIN",
    "SAFE_AREA", "BrandArt", "ColumnsLayout", "DocInfo", "Fit", "Geometry", "LargePrintLayout",
    "Layout", "Sheet", "choose", "fit_error", "flow", "measure", "render_pdf", "url_lines",
]
