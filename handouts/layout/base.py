"""What every page layout is: a type scale, a fit search and a way to draw,
carried by one object, as ReportLab's ``PageTemplate`` carries its frames and
its drawing. The build picks a layout once (``handouts.layout.choose``); the
rest of the code asks the layout and never tests which one it is.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Callable, Hashable

from reportlab.pdfgen.canvas import Canvas

from handouts.fonts import FontFamily
from handouts.layout.flow import Fit
from handouts.layout.furniture import MARGIN, BrandArt, Geometry
from handouts.markup import Page
from handouts.spacing import respace
from handouts.styles import Palette, Styles, make_styles, same_furniture

#: Builds the page (markup into flowables) at a body size and spacing
#: factor; the third argument, when not None, is a page of the same search
#: with the same furniture styles (``styles.same_furniture``), whose header
#: and footer (paragraphs and structure elements) the new page takes as they
#: are instead of building its own (``markup.build``'s ``furniture``).
PageBuilder = Callable[[float, float, "Page | None"], Page]

#: The fit searches' answers this process keeps (the oldest go first).
MAX_ANSWERS = 1024
_answers: OrderedDict[tuple, object] = OrderedDict()
_answers_lock = threading.Lock()


def answers_clear() -> None:
    """Forget every fit search's answer (for tests and the benchmark)."""
    with _answers_lock:
        _answers.clear()


@dataclass(frozen=True)
class Sheet:
    """One fitted handout to draw, the layout that fitted it, and its entry in
    the PDF's outline."""

    page: Page
    fit: Fit
    layout: "Layout"
    bookmark: str | None = None

    def marked(self, bookmark: str | None) -> "Sheet":
        """The same sheet with another outline entry (or none)."""
        return replace(self, bookmark=bookmark)

    def draw(self, canv: Canvas, art: BrandArt) -> dict[str, str]:
        """Draw this sheet (one or more pages); returns its links and their
        descriptions."""
        return self.layout.draw(canv, self, art)


class Tries:
    """The pages of one fit search. Each body size is built once (markup into
    flowables, and the header and footer measured); another spacing at that
    size respaces the page already built (``spacing.respace``: the same lines,
    only other spaces), so a step costs laying the body out again, from the
    lines each paragraph keeps, and no new flowables."""

    def __init__(self, layout: "Layout", build: PageBuilder, paper: str, art: BrandArt,
                 borrow: bool = False):
        self.layout, self.build, self.paper, self.art = layout, build, paper, art
        #: Plan each other body size with the first size's geometry (``own``).
        self.borrow = borrow
        self._built: dict[float, tuple[Page, Geometry]] = {}
        self._owned: set[float] = set()

    def at(self, body_pt: float, spacing: float) -> tuple[Page, Geometry]:
        """The page and its geometry at one step. With ``borrow``, a body
        size after the first gets the first size's geometry: the header and
        footer do not follow the body size (``styles.FURNITURE``), so every
        number of it is the same (tests/test_fit_search.py), only its
        paragraphs are another page's; ``own`` gives the page its own for
        drawing."""
        held = self._built.get(body_pt)
        if held is not None:
            page, geo = held
            st = self.layout.styles(page.styles.palette, page.styles.fonts, body_pt, spacing,
                                    page.styles.break_anywhere, page.styles.rtl)
            if st is page.styles or respace(page, st) is not None:
                return page, geo   # the furniture's styles are the same: so is its geometry
        first = next(iter(self._built.values()), None)
        furniture = None
        if self.borrow and first is not None:
            made = first[0].styles
            st = self.layout.styles(made.palette, made.fonts, body_pt, spacing, made.break_anywhere, made.rtl)
            if same_furniture(made, st):
                furniture = first[0]   # its header and footer, which the first geometry holds
        page = self.build(body_pt, spacing, furniture)
        if self.borrow and first is not None:
            geo = first[1]     # (a size built again, its leading changed: its geometry too)
            if furniture is not None:
                self._owned.add(body_pt)      # the header and footer that geometry holds are this page's
            else:
                self._owned.discard(body_pt)
        else:
            geo = self.layout.geometry(self.paper, page, self.art)
            self._owned.add(body_pt)
        self._built[body_pt] = (page, geo)
        return page, geo

    def greedy(self) -> bool:
        """Are this search's lines broken greedily by word widths alone, so
        that a smaller body size never breaks a paragraph into more lines
        (``probes``)? Not where lines break between characters by
        punctuation rules, run right to left, or are shaped. Asked after a
        page is built."""
        st = next(iter(self._built.values()))[0].styles
        return not (st.break_anywhere or st.rtl or st.fonts.shaping)

    def own(self, page: Page) -> Geometry:
        """The geometry of ``page`` (one of this search's), its header and
        footer its own paragraphs: made now if ``at`` lent it another's."""
        body_pt = page.styles.body_pt
        if body_pt not in self._owned:
            self._built[body_pt] = (page, self.layout.geometry(self.paper, page, self.art))
            self._owned.add(body_pt)
        return self._built[body_pt][1]


class Layout(ABC):
    """One way to put a handout on paper."""

    #: Added to the file name (``<slug><suffix>.pdf``).
    suffix: str = ""
    #: The type scale (``styles.make_styles``): regular or large print.
    large_type: bool = False
    #: The QR code's caption sits beside the code in a column of its own (else
    #: it heads the contact lines).
    caption_beside: bool = True
    #: The QR code stands at the left of the footer, the lines beside it at its
    #: right (else at the right, the lines at its left).
    qr_left: bool = False
    #: Blank paper around everything printed (never under furniture.SAFE_AREA).
    margin: float = MARGIN
    #: (body size in pt, spacing factor), tried in order until the body fits.
    steps: tuple[tuple[float, float], ...] = ()
    #: Steps tried before ``steps`` when the first of them leaves room to spare.
    roomy: tuple[tuple[float, float], ...] = ()

    def styles(self, palette: Palette, fonts: FontFamily, body_pt: float, spacing: float,
               break_anywhere: bool = False, rtl: bool = False) -> Styles:
        """The styles for one try of the fit search (``break_anywhere``: for a
        language whose lines break between characters; ``rtl``: for a
        right-to-left language)."""
        return make_styles(palette, fonts, body_pt, spacing, self.large_type, break_anywhere, rtl)

    def geometry(self, paper: str, page: Page, art: BrandArt) -> Geometry:
        """Where the header, footer and body go on this layout's pages."""
        return Geometry(paper, page, art, caption_beside=self.caption_beside, qr_left=self.qr_left,
                        margin=self.margin, sources_pt=getattr(page, "handout_sources_pt", None))

    def fit(self, build: PageBuilder, paper: str, art: BrandArt, key: Hashable = None) -> Sheet:
        """The page at the most generous step of ``steps`` at which it fits,
        or, when none does, the last try with a Fit that says by how much.

        ``key`` names everything ``build`` reads (the markup's digest and the
        styles' inputs but the size and spacing, ``build.fit_handout``): the
        answer of a search that fitted is kept on it with this layout, the
        paper and the logo's size, and the same page asked again (in a
        packet, on the page, in a batch) is built once, at the step found,
        and placed as that search placed it (``replay``), as a reused Typst
        compiler answers an unchanged document from its memo."""
        whole = None if key is None else (key, self.settings(), paper, art.logo_size)
        if whole is not None:
            with _answers_lock:
                known = _answers.get(whole)
                if known is not None:
                    _answers.move_to_end(whole)
            if known is not None:
                return Sheet(*self.replay(build, paper, art, known), self)
        page, fit = self.fit_page(build, paper, art)
        if whole is not None and fit.fits:
            answer = self.answer(page, fit)
            if answer is not None:
                with _answers_lock:
                    _answers[whole] = answer
                    while len(_answers) > MAX_ANSWERS:
                        _answers.popitem(last=False)
        return Sheet(page, fit, self)

    def settings(self) -> tuple:
        """Everything of this layout its search reads (its class, steps and
        the settings of this one), as a key."""
        return (type(self), self.steps, self.roomy, self.margin, self.caption_beside, self.qr_left,
                self.large_type, tuple(sorted(vars(self).items())))

    def answer(self, page: Page, fit: Fit) -> object | None:
        """What ``replay`` needs to make ``page``, which ``fit_page`` fitted,
        again from its builder without a search; None keeps nothing (a
        layout that does not say how to replay is searched every time)."""
        return None

    def replay(self, build: PageBuilder, paper: str, art: BrandArt, known) -> tuple[Page, Fit]:
        """The page and Fit ``fit_page`` gave when ``answer`` said ``known``:
        the page built once, at the step found, and placed as it was."""
        raise NotImplementedError

    @abstractmethod
    def fit_page(self, build: PageBuilder, paper: str, art: BrandArt) -> tuple[Page, Fit]:
        """The fit search: the page built at the step that fits, and how."""

    @abstractmethod
    def draw(self, canv: Canvas, sheet: Sheet, art: BrandArt) -> dict[str, str]:
        """Draw a sheet this layout fitted, on ``sheet.fit.pages`` pages
        (leaving the last one open); returns the links and their descriptions."""
