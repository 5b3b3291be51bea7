"""The one module that touches ReportLab's private attributes.

ReportLab's public API does not say where a frame's cursor stands, which lines
a paragraph broke into, which annotations a page has, or when the document was
made; handouts needs each of these. Every such access is one small function
here, so a ReportLab upgrade that renames an internal breaks this file and no
other (tests/test_layout_objects.py fails if another module reaches in).
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import _digester
from reportlab.platypus.paragraph import _SplitWord, _SplitWordEnd
from reportlab.rl_config import _FUZZ

#: ReportLab's "nothing can fit in this width" threshold (``rl_config._FUZZ``).
FUZZ = _FUZZ


# -- Frames: where the cursor stands --------------------------------------

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


# -- Paragraphs: the broken lines ------------------------------------------

def wrapped(para) -> tuple:
    """What ``Paragraph.wrap`` leaves behind: (width, height, lines, widths)."""
    return para.width, para.height, para.blPara, para._wrapWidths


def set_wrapped(para, state: tuple) -> None:
    """Restore what ``wrapped`` returned, as if ``wrap`` had just run."""
    para.width, para.height, para.blPara, para._wrapWidths = state


def is_split_part(para) -> bool:
    """True for a part of a split paragraph (its fragments are not its text)."""
    return bool(getattr(para, "_splitpara", 0))


def splits_a_word(word) -> bool:
    """True for a piece of a word that ReportLab broke across lines (not its
    last piece)."""
    return isinstance(word, _SplitWord) and not isinstance(word, _SplitWordEnd)


def wrap_text_out(tx, wrapper) -> None:
    """Send a text object's writing through ``wrapper(text_out)``, which gets
    the original writer and returns the one to use."""
    tx._textOut = wrapper(tx._textOut)


def add_operator(tx, op: str) -> None:
    """Write a raw PDF operator into a text object, in line with its text."""
    tx._code.append(op)


# -- Canvas and document ---------------------------------------------------

def document(canv):
    """The canvas's PDF document (``PDFDocument``)."""
    return canv._doc


def annotation_count(canv) -> int:
    """How many annotations the canvas has made on the current page."""
    return len(canv._annotationrefs)


def annotation(canv, index: int):
    """The current page's ``index``-th annotation object."""
    return canv._doc.idToObject[canv._annotationrefs[index].name]


def set_timestamp(canv, t: float, lt, ymdhms: tuple) -> None:
    """Make the document's dates ``t`` (UTC), whatever the clock says."""
    ts = canv._doc._timeStamp
    ts.t = t
    ts.lt = lt
    ts.YMDhms = ymdhms
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"


# -- Images ----------------------------------------------------------------

def image_digest(data: bytes) -> str:
    """ReportLab's name for an image with these bytes (``canvas._digester``)."""
    return _digester(data)


def image_alpha(image):
    """The image's alpha channel as an image (set by ``getRGBData``), or None."""
    return image._dataA


def add_xobject(canv, obj) -> None:
    """Note an XObject as used on the current page (``Canvas._setXObjects``)."""
    canv._setXObjects(obj)


def take_soft_mask(obj):
    """Detach and return an image XObject's soft mask (or None)."""
    smask = getattr(obj, "_smask", None)
    if smask is not None:
        del obj._smask
    return smask
