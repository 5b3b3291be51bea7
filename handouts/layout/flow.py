"""Flowing the body: measuring flowables and pouring them through frames,
the same code for measuring and for drawing, and the fit result."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from handouts.errors import FitError
from handouts.flowables import Box, TaggedParagraph as Paragraph
from handouts.loader import field_name


@dataclass(frozen=True)
class Fit:
    """How a page's body fits its frame."""

    fits: bool
    available: float       # points of body height on the page
    needed: float          # points the body takes
    body_pt: float
    spacing: float
    overflow_at: tuple = ()  # where the body first crosses the bottom (a YAML location)
    pages: int = 1

    @property
    def room(self) -> float:
        return self.available - self.needed


def measure(flowables: list, width: float) -> tuple[float, list[tuple[object, float]]]:
    """Lay flowables out in an endless frame, exactly as ReportLab's Frame
    does (without drawing), and return the height used and each flowable's
    bottom offset."""
    big = 1e6
    frame = frame_at(0, 0, width, big)
    bottoms = []
    for f in flowables:
        _place(frame, f)
        bottoms.append((f, big - (frame._y + f.getSpaceAfter())))
    needed = bottoms[-1][1] if bottoms else 0.0
    return needed, bottoms


def frame_at(x: float, y: float, w: float, h: float) -> Frame:
    return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                 showBoundary=0)


def _skip_draw(*args, **kwargs) -> None:
    return None


def _place(frame: Frame, f, canv=None) -> bool:
    """``frame.add(f)`` as ReportLab does it, but placing without drawing:
    the very same arithmetic, with the flowable's ``drawOn`` shadowed."""
    f.drawOn = _skip_draw
    try:
        return frame.add(f, canv)
    finally:
        del f.drawOn


def flow(story: list, frames: list[Frame], canv: Canvas | None = None) -> list:
    """Flow ``story`` through ``frames`` in order, splitting paragraphs where
    allowed and keeping a heading with the start of what follows it. Returns
    what did not fit. The same code measures (``canv`` None: nothing is drawn)
    and draws, so what was measured is what is printed."""
    story = list(story)
    add = _place if canv is None else Frame.add
    for frame in frames:
        while story:
            f = story[0]
            avail = frame._y - frame._y1p
            aw = frame._getAvailableWidth()
            if getattr(f, "handout_role", "") == "H2" and len(story) > 1 and not frame._atTop:
                _, h = f.wrap(aw, avail)
                h += f.getSpaceBefore()
                nxt = story[1]
                _, nh = nxt.wrap(aw, 1e6)
                if isinstance(nxt, Paragraph):
                    nh = min(nh, 2 * nxt.style.leading)
                if h + nh > avail:
                    break
            if add(frame, f, canv):
                story.pop(0)
                continue
            parts = frame.split(f, canv) if isinstance(f, (Paragraph, Box)) else []
            if len(parts) > 1 and add(frame, parts[0], canv):
                for part in parts[1:]:
                    part.handout_where = getattr(f, "handout_where", ())
                    part.handout_role = getattr(f, "handout_role", "")
                story[0:1] = parts[1:]
            break
    return story


def fit_error(path, fit: Fit, line_for=None) -> FitError:
    """The one-line refusal: how much is over, and the file, line and field
    where the text runs off the page."""
    over = fit.needed - fit.available
    lines = max(1, round(over / (fit.body_pt * 1.32)))
    loc = tuple(fit.overflow_at)
    return FitError.at(
        path, line_for(loc) if line_for and loc else None, field_name(loc) or None,
        f"does not fit on {'one page' if fit.pages == 1 else f'{fit.pages} pages'}, even at "
        f"{fit.body_pt:g} pt with the tightest spacing: "
        f"about {lines} line{'s' if lines != 1 else ''} ({over / inch:.2f} in) too long, "
        f"running off the page from here on. Shorten the handout.",
    )

