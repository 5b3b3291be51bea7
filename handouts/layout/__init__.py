"""The page, split by concern:

- ``furniture``: header, footer and QR code (geometry and drawing);
- ``flow``: measuring and flowing the body through frames, the fit result;
- ``columns``: the regular one-page layout and its fit search;
- ``large``: the large-print layout (one column, up to two pages);
- ``pdf``: drawing fitted sheets into one tagged PDF with metadata.
"""

from handouts.layout.columns import FIT_STEPS, GUTTER, draw_page, fit_page
from handouts.layout.flow import Fit, fit_error, flow, measure
from handouts.layout.furniture import MARGIN, SAFE_AREA, BrandArt, Geometry, url_lines
from handouts.layout.large import LARGE_MAX_PAGES, LARGE_STEPS, draw_large, fit_large
from handouts.layout.pdf import DocInfo, Sheet, render_pdf

__all__ = [
    "FIT_STEPS", "GUTTER", "LARGE_MAX_PAGES", "LARGE_STEPS", "MARGIN", "SAFE_AREA",
    "BrandArt", "DocInfo", "Fit", "Geometry", "Sheet",
    "draw_large", "draw_page", "fit_error", "fit_large", "fit_page", "flow", "measure",
    "render_pdf", "url_lines",
]
