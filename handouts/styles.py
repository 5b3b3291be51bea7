"""Brand -> paragraph styles and colours, derived in one place.

Every style is a copy of a parent with overrides; nothing changes a shared
style in place. ``make_styles`` is pure: the same brand and sizes give the same
styles, so it is cached (the fit search asks for the same few sizes for every
handout: 6% of a batch when it derived them again each time).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from handouts.converters import mix
from handouts.fonts import FontFamily

INK = "#1A1A1A"      # body text: 17.4:1 on white
MUTED = "#474747"    # secondary text: 9.2:1 on white
WHITE = "#FFFFFF"

#: Below this the body text never goes (issue: at least 12 pt).
MIN_BODY_PT = 12.0
#: The footer's fine print never goes below this.
MIN_FINE_PT = 8.0
#: The outline stroke that makes a font with one weight look bold, in ems.
SYNTHETIC_BOLD = 0.035


@dataclass(frozen=True)
class Palette:
    primary: str
    accent: str
    ink: str = INK
    muted: str = MUTED
    primary_tint: str = ""
    accent_tint: str = ""
    rule: str = ""

    @classmethod
    def from_brand(cls, primary: str, accent: str) -> "Palette":
        return cls(
            primary=primary,
            accent=accent,
            primary_tint=mix(primary, WHITE, 0.90),
            accent_tint=mix(accent, WHITE, 0.92),
            rule=mix(primary, WHITE, 0.55),
        )

    def color(self, name: str):
        return HexColor(getattr(self, name))


@dataclass(frozen=True)
class Styles:
    palette: Palette
    fonts: FontFamily
    body_pt: float
    spacing: float
    title: ParagraphStyle
    summary: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    item: ParagraphStyle
    callout_heading: ParagraphStyle
    callout_body: ParagraphStyle
    header_name: ParagraphStyle
    header_tagline: ParagraphStyle
    header_ask: ParagraphStyle
    header_phone: ParagraphStyle
    footer: ParagraphStyle
    footer_strong: ParagraphStyle
    fine: ParagraphStyle          # the sources
    disclaimer: ParagraphStyle
    #: No text on the page is smaller (large print: 18 pt), except the fine print.
    min_text_pt: float = 0.0
    #: Lines break between characters (Chinese, Japanese: ``wordWrap='CJK'``).
    break_anywhere: bool = False
    #: A right-to-left language: text aligned right, the page mirrored.
    rtl: bool = False
    #: What ``make_styles`` made these from, all but the spacing (with the
    #: leading factor, which follows the spacing in large print and Chinese):
    #: two sets with the same ``made`` differ at most in their spaces, so they
    #: break every line alike (``spacing.spacing_only``). None: made otherwise.
    made: tuple | None = None


def same_furniture(a: Styles, b: Styles) -> bool:
    """Do ``a`` and ``b`` set the header and footer alike? Made by
    ``make_styles`` from the same palette, fonts, large print and script:
    each furniture style takes its size and leading from ``FURNITURE``, not
    from the body size or the spacing, and the rest from those."""
    x, y = a.made, b.made
    return x is not None and y is not None and (x[:2], x[3:6]) == (y[:2], y[3:6])


#: The paragraph styles of ``Styles`` (each named as its field).
STYLE_FIELDS = tuple(name for name, kind in Styles.__annotations__.items() if kind == "ParagraphStyle")


#: Large print (APH guidance): every glyph on the page at least 18 pt (the
#: body, the header, the footer's contact lines, the review date, the QR
#: code's caption, the disclaimer, "please turn over"), headings larger, more
#: generous leading; only the sources may be smaller (the layout sets them
#: at 18 pt while the handout fits two pages so, else smaller), never under 14 pt.
LARGE_BODY_PT = 18.0
LARGE_FINE_PT = 14.0

#: The header's and footer's (size, leading) in points, which do not follow
#: the body size: for the regular page, and for large print.
FURNITURE = {
    False: {"name": (16, 19), "tagline": (12, 15), "ask": (12, 15), "phone": (17, 20),
            "footer": (9.5, 12), "fine": (8.5, 10.5), "disclaimer": (8.5, 10.5)},
    True: {"name": (22, 26), "tagline": (LARGE_BODY_PT, 22), "ask": (LARGE_BODY_PT, 22),
           "phone": (24, 28), "footer": (LARGE_BODY_PT, 22.5), "fine": (LARGE_BODY_PT, 22.5),
           "disclaimer": (LARGE_BODY_PT, 22.5)},
}


@lru_cache(maxsize=1024)
def make_styles(palette: Palette, fonts: FontFamily, body_pt: float = 13.0,
                spacing: float = 1.0, large: bool = False, break_anywhere: bool = False,
                rtl: bool = False) -> Styles:
    """All styles for one rendering, from the brand, the body size and a
    spacing factor (1.0 is the designed spacing; smaller tightens). In a
    language written without spaces (``break_anywhere``) lines break between
    characters by its punctuation rules (``linebreak.py``), with more
    leading: its characters fill their whole em. A right-to-left language
    (``rtl``) aligns to the right what others align to the left, and the
    other way round; its paragraphs are drawn line by line in visual order,
    shaped run by run (rtlines.py), so ReportLab itself does not shape them."""
    if body_pt < (LARGE_BODY_PT if large else MIN_BODY_PT):
        raise ValueError(f"body text below {MIN_BODY_PT} pt is not allowed")
    b, s = body_pt, spacing
    size = {name: dict(fontSize=pt, leading=lead) for name, (pt, lead) in FURNITURE[large].items()}
    ink, muted = palette.color("ink"), palette.color("muted")

    # Large print has more generous leading, which tightens a little with the
    # spacing (1.4 at the designed spacing, 1.3 at the tightest).
    # Chinese's leading is more generous too where there is room (1.45 at the
    # designed spacing, the regular 1.32 at the tightest).
    air = min(1.0, max(0.0, (s - 0.4) / 0.6))
    leading = 1.3 + 0.1 * air if large else 1.32 + 0.13 * air if break_anywhere else 1.32
    base = ParagraphStyle(
        "base", fontName=fonts.regular, fontSize=b, leading=b * leading,
        textColor=ink, alignment=TA_LEFT, allowWidows=0, allowOrphans=0,
        shaping=1 if fonts.shaping else 0,     # HarfBuzz joins Arabic letters
        wordWrap="CJK" if break_anywhere else None,
    )
    if rtl:
        base = ParagraphStyle("base", parent=base, alignment=TA_RIGHT, shaping=0, handout_rtl=True)

    def derive(name: str, parent: ParagraphStyle = base, **kw) -> ParagraphStyle:
        if rtl and kw.get("alignment") == TA_RIGHT:
            kw["alignment"] = TA_LEFT
        return ParagraphStyle(name, parent=parent, **kw)

    # A family with one weight (the CJK fonts) draws its bold by stroking
    # the glyphs' outlines (flowables.embolden): headings still stand out.
    heavy = dict(fontName=fonts.bold)
    if one_weight(fonts):
        heavy["handout_stroke"] = SYNTHETIC_BOLD
    body = derive("body", spaceAfter=b * 0.45 * s)
    footer = derive("footer", **size["footer"], textColor=muted)
    return Styles(
        palette=palette,
        fonts=fonts,
        body_pt=b,
        spacing=s,
        title=derive("title", **heavy, fontSize=b * 2.0, leading=b * 2.25,
                     textColor=palette.color("primary"), spaceAfter=b * 0.5 * s),
        summary=derive("summary", **heavy, fontSize=b * 1.12, leading=b * 1.45),
        h2=derive("h2", **heavy, fontSize=b * 1.3, leading=b * 1.55,
                  textColor=palette.color("primary"), spaceBefore=b * 0.85 * s,
                  spaceAfter=b * 0.2 * s, keepWithNext=1),
        body=body,
        item=derive("item", body, spaceAfter=b * 0.2 * s),
        callout_heading=derive("callout_heading", **heavy, fontSize=b * 1.2,
                               leading=b * 1.45, textColor=palette.color("accent"),
                               spaceAfter=b * 0.2 * s),
        callout_body=derive("callout_body", body, spaceAfter=b * 0.25 * s),
        header_name=derive("header_name", **heavy, **size["name"],
                           textColor=palette.color("primary")),
        header_tagline=derive("header_tagline", **size["tagline"], textColor=muted),
        header_ask=derive("header_ask", **size["ask"], textColor=muted, alignment=TA_RIGHT),
        header_phone=derive("header_phone", **heavy, **size["phone"],
                            textColor=palette.color("primary"), alignment=TA_RIGHT),
        footer=footer,
        footer_strong=derive("footer_strong", footer, **heavy, textColor=ink),
        fine=derive("fine", footer, fontName=fonts.italic, **size["fine"]),
        disclaimer=derive("disclaimer", footer, fontName=fonts.italic, **size["disclaimer"]),
        min_text_pt=LARGE_BODY_PT if large else 0.0,
        break_anywhere=break_anywhere,
        rtl=rtl,
        made=(palette, fonts, b, large, break_anywhere, rtl, leading),
    )


def one_weight(fonts: FontFamily) -> bool:
    """Is the family's bold its regular font (a font with one weight, such
    as the shipped CJK font)? Compared by the fonts themselves: the two
    faces may be registered under two names."""
    return _face(fonts.bold) == _face(fonts.regular)


def _face(name: str) -> bytes:
    return pdfmetrics.getFont(name).face.name


def resized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    """A copy of ``style`` at another size, with the leading scaled to match."""
    return ParagraphStyle(f"{style.name}@{size:g}", parent=style, fontSize=size,
                          leading=style.leading * size / style.fontSize)


#: Which face prints each field of an article or clinic.yaml (as make_styles
#: sets them): used to name the font a missing glyph would be drawn in.
_BOLD_FIELDS = {"title", "summary", "heading", "name", "phone"}
_ITALIC_FIELDS = {"disclaimer", "sources"}


def face_for(loc: tuple) -> str:
    """``("sections", 0, "heading")`` -> ``"bold"``."""
    names = [part for part in loc if isinstance(part, str)]
    if names and names[0] in _ITALIC_FIELDS:
        return "italic"
    if names and names[-1] in _BOLD_FIELDS:
        return "bold"
    return "regular"
