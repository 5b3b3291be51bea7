"""The page's panels: a list item (a bullet or a box to tick beside its
paragraph) and a panel box around a few flowables (the summary, the
callout), each tagging what it draws. In a right-to-left language the
marker and the box's bar stand on the right."""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from handouts.flowables import TaggedParagraph
from handouts.tagging import StructNode, artifact, tagged


#: Markers drawn as text, so that a screen reader hears them as the list
#: item's label (Lbl): a bullet, or a ballot box to tick.
MARKERS = {"bullet": "\u2022", "box": "\u2610"}


class ListItem(Flowable):
    """One bullet or checklist item (LI): a marker glyph (Lbl) and a paragraph
    beside it (LBody). Where the font has no such glyph, the marker is drawn as
    a shape, marked as an Artifact, and the Lbl carries the glyph as ActualText."""

    def __init__(self, paragraph: TaggedParagraph, marker: str, color: Color, indent: float,
                 node: StructNode | None = None, glyphs: frozenset[int] = frozenset(),
                 font: str | None = None):
        super().__init__()
        self.font = font   # the marker's font (``glyphs`` its glyphs): else the paragraph's
        self.paragraph = paragraph
        self.marker = marker  # "bullet" or "box"
        self.color = color
        self.indent = indent
        self.node = node
        self.glyphs = glyphs
        style = paragraph.style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        if node is not None:
            char = MARKERS[marker]
            self.label = node.add("Lbl", actual_text=None if ord(char) in glyphs else char)
            paragraph.handout_struct = node.add("LBody")
        else:
            self.label = None

    def wrap(self, availWidth, availHeight):
        _, h = self.paragraph.wrap(availWidth - self.indent, availHeight)
        self.width, self.height = availWidth, h
        return availWidth, h

    def draw(self):
        canv = self.canv
        style = self.paragraph.style
        size = style.fontSize
        # The paragraph's first baseline sits one font size below its top.
        baseline = self.height - size
        char = MARKERS[self.marker]
        # Right to left, the marker stands in the same place from the right.
        rtl = self.paragraph.handout_rtl

        def x(left: float, width: float) -> float:
            return self.width - left - width if rtl else left

        canv.saveState()
        if ord(char) in self.glyphs:
            with tagged(canv, self.label):
                canv.setFillColor(self.color)
                font, name = size * (1.3 if self.marker == "box" else 1.4), self.font or style.fontName
                canv.setFont(name, font)
                width = canv.stringWidth(char, name, font)
                if self.marker == "box":
                    canv.drawString(x(0, width), baseline - size * 0.14, char)
                else:
                    canv.drawString(x(self.indent * 0.18, width), baseline - size * 0.13, char)
        else:
            with tagged(canv, self.label), artifact(canv):
                if self.marker == "box":
                    side = size * 0.92
                    canv.setStrokeColor(self.color)
                    canv.setLineWidth(max(1.0, size * 0.09))
                    canv.rect(x(self.indent * 0.12, side), baseline - size * 0.16, side, side,
                              stroke=1, fill=0)
                else:
                    canv.setFillColor(self.color)
                    canv.circle(x(self.indent * 0.38, 0), baseline + size * 0.245, size * 0.17,
                                stroke=0, fill=1)
        canv.restoreState()
        self.paragraph.drawOn(canv, 0 if rtl else self.indent, 0)


class Box(Flowable):
    """A panel around a few flowables: a background, an optional border and an
    optional bar down the left side (the right side when ``mirrored``, for a
    right-to-left language), all Artifacts."""

    def __init__(self, children, padding: float, background: Color | None = None,
                 border: Color | None = None, border_width: float = 0,
                 bar: Color | None = None, bar_width: float = 0, radius: float = 0,
                 space_before: float = 0, space_after: float = 0, mirrored: bool = False):
        super().__init__()
        self.children = list(children)
        self.padding = padding
        self.background = background
        self.border = border
        self.border_width = border_width
        self.bar = bar
        self.bar_width = bar_width
        self.radius = radius
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.mirrored = mirrored
        self._sizes: list[tuple[float, float]] = []

    @property
    def _inner_left(self) -> float:
        return self.padding + (0 if self.mirrored else self.bar_width)

    def wrap(self, availWidth, availHeight):
        inner_w = availWidth - 2 * self.padding - self.bar_width
        self._sizes = []
        total = 0.0
        for i, child in enumerate(self.children):
            _, h = child.wrap(inner_w, availHeight)
            before = child.getSpaceBefore() if i else 0
            after = child.getSpaceAfter() if i < len(self.children) - 1 else 0
            self._sizes.append((before, h))
            total += before + h + after
        self.width = availWidth
        self.height = total + 2 * self.padding
        return self.width, self.height

    def _part(self, children) -> "Box":
        box = Box(children, self.padding, self.background, self.border, self.border_width,
                  self.bar, self.bar_width, self.radius, self.spaceBefore, self.spaceAfter,
                  self.mirrored)
        for attr in ("handout_where", "handout_role", "handout_zone"):
            if hasattr(self, attr):
                setattr(box, attr, getattr(self, attr))
        return box

    def cut(self, n: int) -> tuple["Box", "Box"]:
        """Two boxes: the first ``n`` children and the rest, each decorated."""
        return self._part(self.children[:n]), self._part(self.children[n:])

    def split(self, availWidth, availHeight):
        """Split between children (for large print, where a long callout may
        run over a page): the first part takes what fits, a heading never
        ends a part, and each part keeps the decoration."""
        self.wrap(availWidth, availHeight)
        room = availHeight - 2 * self.padding
        used, cut = 0.0, 0
        for i, (child, (before, h)) in enumerate(zip(self.children, self._sizes)):
            after = child.getSpaceAfter() if i < len(self.children) - 1 else 0
            if used + before + h > room:
                break
            used += before + h + after
            cut = i + 1
        while cut and getattr(self.children[cut - 1], "handout_role", "") == "H2":
            cut -= 1
        if cut == 0 or cut == len(self.children):
            return []
        return [self._part(self.children[:cut]), self._part(self.children[cut:])]

    def draw(self):
        canv = self.canv
        with artifact(canv):
            canv.saveState()
            if self.background is not None:
                canv.setFillColor(self.background)
            if self.border is not None and self.border_width:
                canv.setStrokeColor(self.border)
                canv.setLineWidth(self.border_width)
            inset = self.border_width / 2
            canv.roundRect(inset, inset, self.width - 2 * inset, self.height - 2 * inset, self.radius,
                           stroke=1 if self.border is not None and self.border_width else 0,
                           fill=1 if self.background is not None else 0)
            if self.bar is not None and self.bar_width:
                canv.setFillColor(self.bar)
                canv.rect(self.width - self.bar_width if self.mirrored else 0, 0, self.bar_width,
                          self.height, stroke=0, fill=1)
            canv.restoreState()
        y = self.height - self.padding
        for i, (child, (before, h)) in enumerate(zip(self.children, self._sizes)):
            y -= before + h
            child.drawOn(canv, self._inner_left, y)
            if i < len(self.children) - 1:
                y -= child.getSpaceAfter()
