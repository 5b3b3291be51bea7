"""Words the process has not seen before: what a first render of a new
handout pays for them is paid once per handout, not once per body size the
fit search tries. A paragraph's markup is parsed once (at another size its
fragments are the same but for their size), and a footer line's breaks are
decided once (the search makes its furniture styles anew at each body size,
alike)."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus.paraparser import ParaParser

from helpers import HANDOUTS, LANGS, REPO
from handouts import flowables, fontruns, layout, markup
from handouts.build import brand_art, with_words, words
from handouts.flowables import TaggedParagraph
from handouts.handout import load_handout
from handouts.inputs import cached_brand
from handouts.layout import lines
from handouts.layout.columns import ROOMY_STEPS
from handouts.library import Item
from handouts.panels import Box, ListItem
from handouts.project import Project
from handouts.scripts import script_of


def parsed(lang: str, slug: str):
    proj = Project.find(REPO)
    brand, _ = cached_brand(proj)
    handout = load_handout(Item(lang, slug), proj.content / lang / f"{slug}.yaml", brand)
    return brand, with_words(handout, brand, proj, words(proj, lang)).markup


def styles(brand, lang: str, size: float, spacing: float = 1.0):
    script = script_of(lang)
    return layout.COLUMNS.styles(brand.palette, brand.family(lang), size, spacing,
                                 script.break_anywhere, script.rtl)


def paragraphs(page) -> list:
    out = [*page.header.values(), *(p for ps in page.footer.values() for p in ps)]
    stack = list(page.body)
    while stack:
        f = stack.pop()
        if isinstance(f, Box):
            stack.extend(f.children)
        elif isinstance(f, ListItem):
            out.append(f.paragraph)
        else:
            out.append(f)
    return out


def fields(frags: list) -> list:
    """What a fragment says (what wrapping adds left out)."""
    return [(type(f), {k: v for k, v in vars(f).items() if k != "_fkind"}) for f in frags]


@pytest.fixture
def parses(monkeypatch):
    """Counts ReportLab's paragraph markup parses."""
    count = []
    real = ParaParser.parse

    def parse(self, text, style):
        count.append(text)
        return real(self, text, style)

    monkeypatch.setattr(ParaParser, "parse", parse)
    return count


@pytest.mark.parametrize("lang", LANGS)
def test_every_paragraph_at_another_size_is_what_a_fresh_parse_makes(lang):
    """Each demo handout built at every body size the search tries: every
    paragraph's fragments (text, font, size, colour, links, fallback runs)
    are those of ReportLab parsing it afresh at that size."""
    for slug in HANDOUTS[lang]:
        brand, marks = parsed(lang, slug)
        for size in sorted({s for s, _ in (*layout.FIT_STEPS, *ROOMY_STEPS)}):
            for para in paragraphs(markup.build(marks, styles(brand, lang, size))):
                fresh = RLParagraph(para.text, para.style)
                assert fields(para.frags) == fields(fontruns.with_fallback(fresh.frags)), \
                    (slug, size, para.text)


def test_a_new_text_is_parsed_once_whatever_its_size(parses):
    """A text never seen is parsed at its first size; at the next sizes the
    parsed fragments are taken at the new size, without parsing again."""
    brand, _ = parsed("en", "leg-cramps")
    text = "Zorbly <b>quindle</b> fembrous, call <a href=\"tel:+15550100\">555\u00a00100</a>"
    first = TaggedParagraph(text, styles(brand, "en", 13.0).item)
    assert len(parses) == 1
    for size in (12.5, 12.0, 14.0):
        para = TaggedParagraph(text, styles(brand, "en", size).item)
        assert {f.fontSize for f in para.frags} == {size}
        assert para.frags is not first.frags
    assert len(parses) == 1
    # Another text, or the same text in another colour or face, is parsed.
    TaggedParagraph(text + ".", styles(brand, "en", 12.5).item)
    TaggedParagraph(text, styles(brand, "en", 12.5).h2)
    assert len(parses) == 3


def test_a_size_of_its_own_is_parsed_afresh(parses):
    """Fragments whose size is not the style's (none in handout markup: a
    ``<font size>`` a template might write) are never resized: parsed again."""
    brand, _ = parsed("en", "leg-cramps")
    text = 'Plimsy <font size="20">grobber</font> wadge'
    TaggedParagraph(text, styles(brand, "en", 13.0).body)
    para = TaggedParagraph(text, styles(brand, "en", 12.0).body)
    assert len(parses) == 2
    assert sorted({f.fontSize for f in para.frags}) == [12.0, 20]


def test_footer_lines_are_decided_once_across_body_sizes(monkeypatch):
    """The fit search makes the footer's styles anew at each body size it
    tries; each footer text's breaks at one width are decided once."""
    decided = []
    real = lines._decided

    def decide(text, style, width, joint):
        decided.append((text, width, joint))
        return real(text, style, width, joint)

    monkeypatch.setattr(lines, "_decided", decide)
    monkeypatch.setattr(lines, "_DECIDED", type(lines._DECIDED)())
    brand, marks = parsed("en", "risk-factors")
    sizes = []

    def build_at(size, spacing, furniture=None):
        sizes.append(size)
        return markup.build(marks, styles(brand, "en", size, spacing), furniture)

    assert layout.COLUMNS.fit(build_at, "letter", brand_art(brand, "letter")).fit.fits
    assert len(set(sizes)) > 1
    assert decided and len(decided) == len(set(decided)), decided


PLAIN = ["Leg cramps often come at night.", "  spaces   around\tand\ttabs  ", "line\nbreaks\r\nhere",
         "quotes \"double\" and 'single' > greater", "a\u00a0b\u00a0c, 555\u00a0123\u00a04567",
         "Calambres en las piernas: ¿qué hacer?", "Chuột rút ở chân thường xảy ra",
         "腿抽筋常在夜间发生。", "تقلصات الساق (leg cramps) تحدث ليلاً", "x", "  ", "",
         "emoji \U0001F600 and \u200b zero width", "100% (of) [them] {all} / 3 * 4 = 12; #1 @ $5"]


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "ar"])
def test_plain_words_get_the_fragments_the_parser_makes(lang, parses):
    """Text with no markup in it (no ``<`` or ``&``) is not given to ReportLab's
    parser: its one fragment, its cleaned text and the Latin fallback runs
    are exactly what parsing it gives, in every style of the page."""
    brand, _ = parsed(lang, "leg-cramps")
    st = styles(brand, lang, 12.5, 0.85)
    for name in ("title", "summary", "h2", "item", "callout_body", "header_name", "footer", "fine"):
        style = getattr(st, name)
        own = 0
        for text in PLAIN:
            text = f"{text} {name} {lang}"   # never seen before in this process
            before = len(parses)
            para = TaggedParagraph(text, style)
            own += len(parses) - before
            fresh = RLParagraph(text, style)
            assert para.text == fresh.text, text
            assert fields(para.frags) == fields(fontruns.with_fallback(fresh.frags)), (name, text)
        assert own <= 1, (name, own)   # at most the style's model fragment, once


def test_markup_is_still_parsed(parses):
    brand, _ = parsed("en", "leg-cramps")
    for text in ("Call <b>now</b> quibbly", "Fish &amp; chips quibbly"):
        para = TaggedParagraph(text, styles(brand, "en", 13.0).body)
        assert parses[-1:] == [text]
        assert fields(para.frags) == fields(RLParagraph(text, styles(brand, "en", 13.0).body).frags)
