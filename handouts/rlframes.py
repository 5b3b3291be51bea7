"""ReportLab's ``Frame`` from inside: where its cursor stands, and placing a
flowable without drawing it, by the frame's own arithmetic. With ``rl.py``
(the rest: paragraphs, text, canvas, document, images), the only modules that
touch ReportLab's private attributes, so an upgrade that renames an internal
breaks these two files and no other."""

from __future__ import annotations

from reportlab import rl_config
from reportlab.rl_config import _FUZZ


def frame_height(frame) -> float:
    """The frame's usable height (inside its padding)."""
    return frame._aH


def frame_room(frame) -> float:
    """The height left below the cursor."""
    return frame._y - frame._y1p


def frame_used(frame) -> float:
    """The height used above the cursor."""
    return frame._y1p + frame._aH - frame._y


def frame_cursor(frame) -> float:
    """The cursor's y (the top of the next flowable)."""
    return frame._y


def frame_at_top(frame) -> bool:
    """True while nothing has been added to the frame."""
    return frame._atTop


def frame_width(frame) -> float:
    """The width a flowable gets (``Frame._getAvailableWidth``)."""
    return frame._getAvailableWidth()


def frame_spacing(frame) -> tuple[float, bool]:
    """The last flowable's space after, and whether the frame lets a space
    before overlap it (as ``Frame.add`` counts them)."""
    return frame._prevASpace, frame._oASpace


def frame_box(frame) -> tuple[float, float, float, float]:
    """The frame's (x, y, width, height), as it was made."""
    return frame._x1, frame._y1, frame._width, frame._height


def frame_place(frame, f) -> bool | None:
    """``frame.add(f)`` without drawing, by ``Frame._add``'s own arithmetic:
    True (placed, the cursor moved) or False (does not fit); None where
    ReportLab would do more (a frame action, a background, a zero-size or
    too large flowable): then call ``frame.add``."""
    d = frame.__dict__
    if getattr(f, "frameAction", None) or d.get("_frameBGs") or getattr(f, "_ZEROSIZE", False):
        return None
    y, p, s, transfer = d["_y"], d["_y1p"], 0, getattr(f, "_SPACETRANSFER", False)
    if not d["_atTop"]:
        s = f.getSpaceBefore()
        if d["_oASpace"]:
            s = max((d["_prevASpace"] if transfer else s) - d["_prevASpace"], 0)
    if y - p - s <= 0:
        return False
    aw = d["_aW"] - d["_leftExtraIndent"] - d["_rightExtraIndent"]
    w, h = f.wrap(aw, y - p - s)
    h += s
    y -= h
    if y < p - _FUZZ:
        return False if rl_config.allowTableBoundsErrors or (h <= d["_aH"] and w <= aw) else None
    sa = f.getSpaceAfter()
    y -= sa
    if d["_oASpace"]:
        d["_prevASpace"] = d["_prevASpace"] if transfer else sa
    if y != d["_y"]:
        d["_atTop"] = 0
    d["_y"] = y
    return True
