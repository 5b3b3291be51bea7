"""Flowing the body: measuring flowables and pouring them through frames,
the same code for measuring and for drawing, and the fit result."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from handouts import rl, rlframes
from handouts.errors import FitError
from handouts.flowables import TaggedParagraph as Paragraph
from handouts.panels import Box, ListItem
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
    split: tuple = ()        # blocks taller than a column, split between lines (YAML locations)

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
        bottoms.append((f, big - (rlframes.frame_cursor(frame) + f.getSpaceAfter())))
    needed = bottoms[-1][1] if bottoms else 0.0
    return needed, bottoms


def frame_at(x: float, y: float, w: float, h: float) -> Frame:
    return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                 showBoundary=0)


def _skip_draw(*args, **kwargs) -> None:
    return None


def _place(frame: Frame, f, canv=None) -> bool:
    """``frame.add(f)`` as ReportLab does it, but placing without drawing:
    the very same arithmetic (``rlframes.frame_place``; else ``Frame.add`` with the
    flowable's ``drawOn`` shadowed)."""
    if canv is None:
        placed = rlframes.frame_place(frame, f)
        if placed is not None:
            return placed
    f.drawOn = _skip_draw
    try:
        return frame.add(f, canv)
    finally:
        del f.drawOn


#: A list of this many items or fewer is kept whole in one column.
WHOLE_LIST = 5


def block_size(story: list) -> int:
    """How many flowables from the start of ``story`` must stay together in
    one column: a paragraph or a list item alone (never split between
    columns or pages), a whole list of up to WHOLE_LIST items (a longer one
    breaks between items, but not after its first or before its last), and
    a heading with the whole block that follows it."""
    if not story:
        return 0
    first = story[0]
    if getattr(first, "handout_role", "") == "H2":
        return 1 + block_size(story[1:])
    group = getattr(first, "handout_list", None)
    if group is None:
        return 1
    n = 1   # the items of this list still to place
    while n < len(story) and getattr(story[n], "handout_list", None) is group:
        n += 1
    if group[1] <= WHOLE_LIST:
        return n
    # A longer list may break between items, but never leaves its first or
    # its last item alone in a column.
    first_item = n == group[1]
    return 2 if (first_item or n == 2) and n >= 2 else 1


def height_in(frame: Frame, group: list) -> float:
    """The height ``group`` takes in ``frame`` from where it stands now,
    spaces included, as ``Frame.add`` counts it (without the last one's
    space after, which may fall below the frame)."""
    width = rlframes.frame_width(frame)
    after, overlap = rlframes.frame_spacing(frame)
    at_top, total = rlframes.frame_at_top(frame), 0.0
    for i, f in enumerate(group):
        if not at_top:
            before = f.getSpaceBefore()
            total += max(before - after, 0) if overlap else before
        total += f.wrap(width, 1e6)[1]
        if i < len(group) - 1:
            after = f.getSpaceAfter()
            total += after
        at_top = False
    return total


def flow(story: list, frames: list[Frame], canv: Canvas | None = None, tall: float | None = None,
         split: list | None = None) -> list:
    """Flow ``story`` through ``frames`` in order, whole blocks at a time (see
    ``block_size``): a block that does not fit moves to the next frame. Only
    a block taller than ``tall`` (default: a whole frame) is split, between
    its flowables and between a paragraph's lines; each such block's YAML
    location is added to ``split``. Returns what did not fit. The same code
    measures (``canv`` None: nothing is drawn) and draws, so what was
    measured is what is printed."""
    story = list(story)
    add = _place if canv is None else Frame.add
    for frame in frames:
        limit = rlframes.frame_height(frame) if tall is None else tall
        while story:
            n = block_size(story)
            if height_in(frame, story[:n]) <= rlframes.frame_room(frame) + 1e-6:
                for f in story[:n]:
                    add(frame, f, canv)
                del story[:n]
                continue
            if not rlframes.frame_at_top(frame) or height_in(_empty_like(frame), story[:n]) <= limit + 1e-6:
                rest = _run_over(frame, story[0], canv, add) if n == 1 else None
                if rest is not None:
                    story[0] = rest
                break  # the block (or the rest of a long callout) goes to the next frame
            # Taller than a column: fill this frame, splitting where needed,
            # and note where the block is cut.
            for _ in range(n):
                if add(frame, story[0], canv):
                    story.pop(0)
                    continue
                f = story[0]
                parts = frame.split(f, canv) if isinstance(f, (Paragraph, Box)) else []
                if len(parts) > 1 and add(frame, parts[0], canv):
                    for part in parts[1:]:
                        part.handout_where = getattr(f, "handout_where", ())
                        part.handout_role = getattr(f, "handout_role", "")
                    story[0:1] = parts[1:]
                break
            if split is not None and story:
                split.append(getattr(story[0], "handout_where", ()))
            break
    return story


class Measured:
    """A story's flowables at one width as ``Frame.add`` reads them (each
    one's height, spaces before and after, and whether it passes its space
    on), measured once, so ``leftover`` flows it through empty frames by the
    frames' own arithmetic, float for float, without making a frame or
    asking a flowable again: the fit search's balancing flows the same
    columns at a dozen heights. ``of`` gives None for a story this cannot
    follow exactly (a flowable that is not a paragraph, list item or panel,
    or one with a frame action), and ``leftover`` None wherever ``flow``
    would do more than place whole blocks (split a block taller than a
    column, run a long callout over): the caller then flows it for real."""

    __slots__ = ("story", "rows", "_blocks")

    def __init__(self, story: list, rows: list):
        self.story, self.rows, self._blocks = story, rows, {}

    @classmethod
    def of(cls, story: list, width: float) -> "Measured | None":
        if not rl_config.overlapAttachedSpace:
            return None
        rows = []
        for f in story:
            if not isinstance(f, (Paragraph, ListItem, Box)) or getattr(f, "frameAction", None) \
                    or getattr(f, "_ZEROSIZE", False):
                return None
            rows.append((f.wrap(width, 1e6)[1], f.getSpaceBefore(), f.getSpaceAfter(),
                         getattr(f, "_SPACETRANSFER", False)))
        return cls(story, rows)

    def _block(self, i: int) -> int:
        n = self._blocks.get(i)
        if n is None:
            n = self._blocks[i] = block_size(self.story[i:])
        return n

    def _height(self, i: int, n: int, after: float, at_top: bool) -> float:
        """``height_in`` of the block of ``n`` from ``i``, in a frame whose
        last space after is ``after``."""
        rows, total = self.rows, 0.0
        for j in range(i, i + n):
            h, before, space_after, _ = rows[j]
            if not at_top:
                total += max(before - after, 0)
            total += h
            if j < i + n - 1:
                after = space_after
                total += after
            at_top = False
        return total

    def leftover(self, frames: int, height: float, tall: float | None = None) -> list | None:
        """What ``flow(story, frames, tall=tall)`` leaves over, flowing
        through ``frames`` empty frames ``height`` tall (made by ``frame_at``,
        without padding), or None where ``flow`` would split a block or run
        a callout over."""
        story, rows, n = self.story, self.rows, len(self.story)
        limit = height if tall is None else tall
        i = 0
        for _ in range(frames):
            y, p, at_top, prev = height, 0.0, True, 0
            while i < n:
                k = self._block(i)
                if self._height(i, k, prev, at_top) <= y - p + 1e-6:
                    for j in range(i, i + k):   # rlframes.frame_place, float for float
                        h, before, after, transfer = rows[j]
                        s = 0
                        if not at_top:
                            s = max((prev if transfer else before) - prev, 0)
                        if y - p - s <= 0:
                            continue
                        h += s
                        low = y - h
                        if low < p - rl.FUZZ:
                            if rl_config.allowTableBoundsErrors:
                                continue
                            return None
                        low -= after
                        prev = prev if transfer else after
                        if low != y:
                            at_top = False
                        y = low
                    i += k
                    continue
                if not at_top or self._height(i, k, 0, True) <= limit + 1e-6:
                    first = story[i]
                    if k == 1 and isinstance(first, Box) and getattr(first, "handout_breakable", False):
                        return None   # _run_over may cut it
                    break
                return None   # taller than a column: flow splits it
        return story[i:]


def _run_over(frame: Frame, f, canv, add):
    """A callout of more than WHOLE_LIST items that does not fit where it
    stands runs over to the next frame between its items: its heading and at
    least its first item (the most urgent) here, at least two items there.
    Puts the first part in ``frame`` and returns the rest, or None (the
    callout then moves whole)."""
    if not isinstance(f, Box) or not getattr(f, "handout_breakable", False):
        return None
    items = [i for i, c in enumerate(f.children) if getattr(c, "handout_list", None) is not None]
    if len(items) <= WHOLE_LIST:
        return None
    parts = frame.split(f, canv)
    if len(parts) != 2:
        return None
    cut = min(len(parts[0].children), items[-2])
    if cut <= items[0]:
        return None
    first, rest = f.cut(cut)
    if not add(frame, first, canv):
        return None
    return rest


def _empty_like(frame: Frame) -> Frame:
    return frame_at(*rlframes.frame_box(frame))


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

