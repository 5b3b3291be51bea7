"""The tagged paragraph every text on the page is, drawn with the brand's
fonts only (no Table: its default cell font would pull in Helvetica), marking
what it draws as its structure element; the list items and panel boxes
around paragraphs are panels.py's."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from weakref import WeakKeyDictionary

from reportlab.lib.colors import Color
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

from handouts import contacts, fontruns, linebreak, rl, rtlines
from handouts.textdraw import embolden, with_word_breaks
from handouts.tagging import AnnotRef, StructNode, link_count, links_since, tagged, tagger_of

# A word fontruns cuts in two (an Arabic word in Latin brackets) is shaped run
# by run (here, where paragraphs are laid out, not in fontruns: `list` and the
# page load fonts without ReportLab's layout).
rl.shape_each_font_apart()


#: Lines broken per process: (text, style, width) -> ReportLab's wrap result.
_LINES: OrderedDict = OrderedDict()
MAX_LINES = 1024
#: Style attributes that move a paragraph but do not change its lines.
_SPACING = frozenset({"spaceBefore", "spaceAfter", "name", "parent"})


def _exact(value) -> str:
    """A style value as text, exactly (a colour's repr rounds)."""
    if isinstance(value, Color):
        return f"{type(value).__name__}{sorted(vars(value).items())!r}"
    return repr(value)


#: Each style's attributes (as ``_attributes`` lists them) stand for a small
#: number, the same for equal attributes: the caches' keys hold the number,
#: so a look-up hashes an int, not some sixty (name, value) pairs.
_numbers: dict[tuple, int] = {}
_next_number = itertools.count()   # never one number for two sets, even across threads
#: Forgotten all at once when there are more (a style met again then gets a
#: new number: its caches' entries are missed, never mistaken).
MAX_NUMBERS = 4096


def _attributes(style, left_out: frozenset) -> tuple:
    return tuple((k, _exact(v)) for k, v in sorted(style.__dict__.items()) if k not in left_out)


def _number(attributes: tuple) -> int:
    number = _numbers.get(attributes)
    if number is None:
        if len(_numbers) >= MAX_NUMBERS:
            _numbers.clear()
        number = _numbers.setdefault(attributes, next(_next_number))
    return number


def _key_without(left_out: frozenset, doc: str):
    """A function giving a style's attributes but those ``left_out`` as a
    number (``_number``), made once per style (``.known``: per style, its
    number). Styles are never changed once made."""
    known: WeakKeyDictionary = WeakKeyDictionary()

    def key(style) -> int:
        number = known.get(style)
        if number is None:
            number = known[style] = _number(_attributes(style, left_out))
        return number

    key.__doc__, key.known = doc, known
    return key


style_key = _key_without(_SPACING, """Every attribute of a paragraph style but its spacing, exactly, as
    a number: equal keys break and draw text alike.""")


#: Parsed paragraph markup per process: (text, style) -> (text, fragments, bullet).
_PARSED: OrderedDict = OrderedDict()
#: A style's size: parsed fragments carry the font size (each its own copy)
#: and nothing of the leading, so the same text in a style that differs only
#: in these parses to the same fragments, each at the new size.
_SIZES = frozenset({"fontSize", "leading"})
#: The same, at any size: (text, caseSensitive, style but its size) ->
#: (text, the fragments as parsed, untouched by wrapping, and their size).
_ANY_SIZE: OrderedDict = OrderedDict()
lines_key = _key_without(_SPACING | {"leading"}, """``style_key`` without the leading: equal keys
    break text into the same lines (the leading only spaces them).""")
size_free_key = _key_without(_SPACING | _SIZES, """``style_key`` without the type size and leading.""")


def _resized(frags: list, size: float, new_size: float) -> list | None:
    """Fragments parsed at ``size`` as the parser makes them at
    ``new_size`` (every fragment takes the style's size: handout markup has
    no tag that sets another), or None if one has a size of its own."""
    if any(getattr(f, "fontSize", None) != size or getattr(f, "rise", 0) for f in frags):
        return None
    return [f.clone(fontSize=new_size) for f in frags]


#: Per style (its number): the fragment ReportLab's parser makes of plain text in it.
_PLAIN: dict[int, object] = {}


def _plain(text: str, style) -> tuple[str, list] | None:
    """What ReportLab's parser makes of ``text`` when it has no markup in it
    (no ``<`` or ``&``: nothing for the parser but the words): the text
    cleaned as ``Paragraph`` cleans it, and one fragment, the style's
    fragment for plain text holding it; else None (parse it). Most of a
    handout's paragraphs are plain words, and the parser (an HTMLParser)
    costs most of a new paragraph."""
    if "<" in text or "&" in text or getattr(style, "bulletText", None) is not None \
            or getattr(style, "textTransform", None):
        return None
    cleaned = cleanBlockQuotedText(text)
    if not cleaned:
        return None
    number = style_key(style)
    model = _PLAIN.get(number)
    if model is None:
        if len(_PLAIN) >= MAX_NUMBERS:
            _PLAIN.clear()
        model = _PLAIN[number] = Paragraph("x", style).frags[0].clone()
    return cleaned, [model.clone(text=cleaned)]


def known(style) -> None:
    """What a paragraph in ``style`` asks of it first, made now: its keys and
    its fragment for plain text (``layout.styles_ahead``, at start-up)."""
    size_free_key(style)
    _plain("x", style)


class TaggedParagraph(Paragraph):
    """A Paragraph whose drawing is marked as its structure element
    (``handout_struct``). Split parts share the element.

    Every line that ends between two words is drawn with its space (ISO
    32000-1, 14.8.2.5: word breaks are real spaces), so text gathered from the
    structure tree reads "venous insufficiency", not "venousinsufficiency".
    The space is drawn after the line's last word, where it shows nothing and
    moves nothing."""

    handout_struct: StructNode | None = None
    #: False where a line break is not a word break (a web address broken at
    #: its joints): those lines get no space.
    handout_word_breaks: bool = True
    #: True for a part that the next part continues (a split paragraph): its
    #: last line ends between two words too.
    handout_continued: bool = False

    #: While drawing a paragraph that holds numbers or links: the tagger and
    #: the Link elements made so far, waiting for their annotations.
    _inline: tuple | None = None

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1,
                 encoding="utf8"):
        """Paragraph markup is parsed once per process for each text and type:
        the fit search builds the page at several spacings, and a batch
        repeats its clinic's words."""
        key = near = None
        made = frags is None   # the fragments made here from the text (not given, not kept)
        if made and isinstance(text, str) and style is not None:
            key = (text, repr(bulletText), caseSensitive, style_key(style))
            hit = _PARSED.get(key)
            if hit is None and bulletText is None:
                # Parsed at another size (the fit search's other body sizes):
                # the same fragments at this one, without parsing again.
                near = (text, caseSensitive, size_free_key(style))
                other = _ANY_SIZE.get(near)
                if other is not None:
                    resized = _resized(other[1], other[2], style.fontSize)
                    if resized is not None:
                        hit = (other[0], resized, None)
            if hit is not None:
                text, frags, bulletText = hit
                made = False
            elif bulletText is None:
                text, frags = _plain(text, style) or (text, None)
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        if made:   # Latin words in another script's paragraph: the Latin font
            self.frags = fontruns.with_fallback(self.frags)
        if self.handout_rtl:   # its words in reading order, before wrapping regroups them
            rtlines.said(self)
        if key is not None and self.style is style:
            if made and near is not None:
                _ANY_SIZE[near] = (self.text, [f.clone() for f in self.frags], style.fontSize)
                if len(_ANY_SIZE) > MAX_LINES:
                    _ANY_SIZE.popitem(last=False)
            if key not in _PARSED:
                _PARSED[key] = (self.text, self.frags, self.bulletText)
                if len(_PARSED) > MAX_LINES:
                    _PARSED.popitem(last=False)
            self._handout_key = (self.text, repr(self.bulletText), caseSensitive, key[3], style)

    def wrap(self, availWidth, availHeight):
        """ReportLab's line breaking depends only on the width and on the
        paragraph's text and style (spacing aside), none of which change, so
        the lines are kept: per paragraph for its last width (measuring and
        balancing wrap each one many times), and per process for the same text
        in the same type at the same width (the fit search tries several
        spacings at each size; a batch repeats its clinic's words)."""
        memo = self.__dict__.get("_handout_wrap")
        if memo is not None and memo[0] == availWidth:
            rl.set_wrapped(self, memo[1])
            return self.width, self.height
        key = self._lines_key(availWidth)
        shared = _LINES.get(key) if key is not None else None
        if shared is not None:
            rl.set_wrapped(self, shared)
        else:
            if self.handout_rtl:
                rtlines.wrap(self, super().wrap, availWidth, availHeight)
            else:
                super().wrap(availWidth, availHeight)
            if availWidth < rl.FUZZ:  # ReportLab's "cannot fit": nothing was broken
                return 0, 0x7fffffff
            if key is not None:
                _LINES[key] = rl.wrapped(self)
                if len(_LINES) > MAX_LINES:
                    _LINES.popitem(last=False)
        self._handout_wrap = (availWidth, rl.wrapped(self))
        return self.width, self.height

    def restyle(self, style) -> None:
        """Take ``style``, which differs from the paragraph's own at most in
        spacing and leading (``spacing.respace``): the lines broken so far
        stay good (line breaks follow widths alone); another leading only
        makes them another height, ``Paragraph.wrap``'s lines times the
        leading."""
        old = self.style
        key = self.__dict__.get("_handout_key")
        same_leading = style.leading == old.leading
        if key is not None and key[4] is old:
            self._handout_key = (*key[:3], key[3] if same_leading else style_key(style), style)
        self.style = style
        if same_leading:
            return
        memo = self.__dict__.pop("_handout_wrap", None)
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        if memo is not None and auto in ("", "off") and not self.handout_rtl:
            width, _, lines, widths = memo[1]
            self._handout_wrap = (memo[0], (width, len(lines.lines) * style.leading, lines, widths))

    def _lines_key(self, width: float):
        """What the line breaks depend on, or None for a split part (its
        fragments are not its text)."""
        key = self.__dict__.get("_handout_key")
        if key is None or key[4] is not self.style or rl.is_split_part(self) or width < rl.FUZZ:
            return None
        return (*key[:4], width)

    def drawOn(self, canv, x, y, _sW=0):
        tagger = tagger_of(canv)
        node = self.handout_struct
        if self.handout_rtl and node is not None and node.actual_text is None and node.type != "Span":
            # Drawn in visual order, run by run: a screen reader gets the words
            # in reading order from the block itself (a Span's Link says them).
            node.actual_text = rtlines.said(self)
        if tagger is None or self.handout_struct is None \
                or not contacts.find(self.getPlainText()):
            with tagged(canv, self.handout_struct):
                super().drawOn(canv, x, y, _sW)
            return
        # Numbers and links get their own elements (a Span with ActualText, a
        # Link), so the paragraph's text is marked piece by piece as it is
        # written out (see beginText), and each Link takes its annotation.
        first = link_count(canv)
        self._inline = (tagger, [])
        try:
            super().drawOn(canv, x, y, _sW)
            links = self._inline[1]
        finally:
            self._inline = None
        # Each annotation joins the first waiting Link with its address. A link
        # that ReportLab had to break inside a word has one per line: the
        # later ones join the same Link (or, unrecognised, a Link of their own).
        done: dict[str, tuple] = {}
        for index, uri in links_since(canv, first):
            link = next((link for link in links if link[1] == uri), None) or done.get(uri)
            if link is None:
                link = (self.handout_struct.add("Link"), uri, uri.split(":", 1)[-1].lstrip("/"))
            elif link in links:
                links.remove(link)
            done[uri] = link
            link[0].kids.append(AnnotRef(tagger.page, index, uri, link[2]))

    def beginText(self, x=0, y=0):
        tx = super().beginText(x, y)
        stroke = getattr(self.style, "handout_stroke", 0)
        if stroke:
            embolden(tx, self.style.fontName, stroke * self.style.fontSize, self.style.textColor)
        if self._inline is not None:
            tagger, links = self._inline

            def marking(text_out):
                def marked_text_out(text, TStar=0):
                    parts = contacts.segments(text)
                    for i, (part, item) in enumerate(parts):
                        rl.add_operator(tx, tagger.begin(self._element_for(item, links)))
                        text_out(part, TStar if i == len(parts) - 1 else 0)
                        rl.add_operator(tx, "EMC")
                    if not parts:
                        text_out(text, TStar)
                return marked_text_out

            rl.wrap_text_out(tx, marking)
        return tx

    @property
    def handout_rtl(self) -> bool:
        """A right-to-left paragraph (its style says so): lines drawn in
        visual order, shaped, each with its reading-order text (rtlines.py)."""
        return getattr(self.style, "handout_rtl", False)

    def _element_for(self, item, links: list) -> StructNode:
        """Where a piece of text goes: the paragraph itself, a Span that says
        a number digit by digit, a Link (holding such a Span for a phone)."""
        parent = self.handout_struct
        if item is None:
            return parent
        if item.href is not None:
            parent = parent.add("Link")
            contents = item.spoken or item.text.replace(contacts.NBSP, " ")
            links.append((parent, item.href, contents))
        if item.spoken is not None:
            return parent.add("Span", actual_text=item.spoken)
        return parent

    def breakLinesCJK(self, maxWidths):
        """Lines of a paragraph in a language written without spaces
        (``wordWrap='CJK'``), broken by its punctuation rules
        (``linebreak.py``) rather than ReportLab's Japanese-centred list."""
        return rl.cjk_lines(self, maxWidths, linebreak.break_lines)

    def draw(self):
        if self.handout_rtl:
            return rtlines.draw(self)
        # Without spaces between words, a line break is no word break: the
        # lines keep the spaces the text has, and get none added.
        if not self.handout_word_breaks or self.style.wordWrap == "CJK":
            return super().draw()
        lines = self.blPara
        self.blPara = with_word_breaks(lines, self.handout_continued)
        try:
            super().draw()
        finally:
            self.blPara = lines

    def getActualLineWidths0(self):
        """Each line's width as drawn (a right-to-left line: shaped)."""
        if self.handout_rtl:
            return rtlines.line_widths(self)
        return super().getActualLineWidths0()

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            for attr in ("handout_struct", "handout_where", "handout_role", "handout_zone",
                         "handout_word_breaks", "_handout_base_rtl", "_handout_said"):
                if hasattr(self, attr):
                    setattr(part, attr, getattr(self, attr))
            part.handout_continued = self.handout_continued if i == len(parts) - 1 else True
        return parts


