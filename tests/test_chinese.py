"""Simplified Chinese (zh-Hans, issue 24) on the real PDFs: lines broken
between characters by Chinese punctuation rules, the text a screen reader
gets exactly the text written (no space made up at a line break), bold drawn
for a font with one weight, sentence length in characters and no made-up
reading level. (test_scripts.py checks what every new language shares: /Lang,
fonts embedded and subset, one page, under 100 KB.)"""

from __future__ import annotations

import re
import unicodedata

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from helpers import HANDOUTS, REPO, run_cli
from pdfutil import chars_by_mark, structure_blocks, structure_glyphs

LANG = "zh-Hans"
SLUGS = HANDOUTS.get(LANG, [])
VARIANTS = [f"{LANG}/{slug}/{paper}{large}" for slug in SLUGS for paper in ("letter", "a4")
            for large in ("", "/large")]

#: What the issue names (。，、）：；！？) and the rest of the closing marks: no
#: line may start with one.
NO_START = "。，、）：；！？》」』】〕”’…"
#: Opening marks: no line may end with one.
NO_END = "（《「『【〔“‘"


def article(slug: str) -> dict:
    return yaml.safe_load((REPO / "content" / LANG / f"{slug}.yaml").read_text("utf-8"))


# -- The rules, on their own -------------------------------------------------

def test_a_line_breaks_before_no_closing_mark_and_after_no_opening_mark():
    from handouts.linebreak import may_break_before

    text = "腿抽筋，常在夜里（DVT）发生。"
    allowed = [k for k in range(1, len(text)) if may_break_before(text, k)]
    cut = [text[:k] + "|" + text[k:] for k in allowed]
    assert not any(re.search(rf"\|[{NO_START}]", c) or re.search(rf"[{NO_END}]\|", c) for c in cut)
    # Inside a Latin word or number: no break; at its edges: a break.
    assert not may_break_before(text, text.index("V"))
    assert [k for k in range(1, 5) if may_break_before("打911后", k)] == [1, 4]
    assert may_break_before("call us 今天", 5) and not may_break_before("call us", 4)


def test_a_short_aside_in_brackets_goes_down_whole():
    """（英文） ("in English", after each source read in English) never
    breaks between 英 and 文; a long aside still breaks inside."""
    from handouts.linebreak import break_lines, may_break_before

    text = "一二三四（英文）；五六"
    assert [k for k in range(1, len(text)) if may_break_before(text, k)] == [1, 2, 3, 4, 9, 10]
    lines = break_lines(text, [10.0] * len(text), lambda n: 60.0)
    assert [text[a:b] for a, b in lines] == ["一二三四", "（英文）；", "五六"]   # not "一二三四（英"
    long = "（一二三四五六）"
    assert may_break_before(long, 3)
    assert not may_break_before("（英文）（英文）", 6) and may_break_before("（英文）（英文）", 4)


def test_an_overflowing_closing_mark_takes_the_character_before_it_down():
    from handouts.linebreak import break_lines

    text = "一二三四，五六"
    lines = break_lines(text, [10.0] * len(text), lambda n: 40.0)
    # "一二三四" fills the line; "，" may not start the next, so "四" goes down with it.
    assert [text[a:b] for a, b in lines] == ["一二三", "四，五六"]


def test_a_paragraph_does_not_end_with_one_lone_character():
    from handouts.linebreak import break_lines

    text = "一二三四五六七八药。"
    lines = break_lines(text, [10.0] * len(text), lambda n: 80.0)
    assert [text[a:b] for a, b in lines] == ["一二三四五六七", "八药。"]


def test_reportlab_alone_would_start_a_line_with_a_chinese_comma():
    """Why linebreak.py exists: ReportLab's CJK list lacks the full-width
    comma, colon, semicolon, ! and ?; a TaggedParagraph follows the rules."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from handouts.fonts import family_for
    from handouts.flowables import TaggedParagraph

    family = family_for(LANG)
    style = ParagraphStyle("t", fontName=family.regular, fontSize=10, leading=14, wordWrap="CJK")
    text = "一二三四五六七八九十，一二三四五六七八九十：一二三四五六七八九十；完"

    def starts(cls):
        p = cls(text, style)
        p.wrap(100, 1000)
        if p.blPara.kind == 0:   # ReportLab's one-font lines: (space left, [text])
            return ["".join(line[1])[:1] for line in p.blPara.lines]
        return ["".join(f.text for f in line.words)[:1] for line in p.blPara.lines]

    assert set(starts(Paragraph)[1:]) & set("，：；")
    assert not set(starts(TaggedParagraph)[1:]) & set(NO_START)


# -- The real PDFs -------------------------------------------------------------

def lines_of(path) -> list[str]:
    """Each line of text as drawn: the glyphs of one structure element (a
    paragraph, a list item's body, with the numbers and links inside it) on
    one baseline, left to right."""
    out = []
    for _, chars in structure_glyphs(path):
        rows: dict[tuple, list[dict]] = {}
        for c in chars:
            rows.setdefault((c["page"], round(c["bottom"])), []).append(c)
        out += ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])).strip()
                for _, row in sorted(rows.items())]
    return [line for line in out if line]


@pytest.mark.parametrize("name", VARIANTS)
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(all_pdfs, name):
    lines = lines_of(all_pdfs[name])
    wide = [line for line in lines if re.search(r"[\u4e00-\u9fff]", line)]
    assert len(wide) > 20, lines
    assert [line for line in lines if line[0] in NO_START] == []
    assert [line for line in lines if line[-1] in NO_END] == []
    # A short aside (up to four characters inside) is never split: （英 | 文）.
    assert re.findall(r"（[^）|]{1,3}\|[^（|]{1,3}）", "|".join(lines)) == []


@pytest.mark.parametrize("name", [v for v in VARIANTS if "/large" not in v])
def test_a_screen_reader_gets_the_text_as_written(all_pdfs, name):
    """A line break between two Chinese characters is no word break: the
    tagged text of each heading, paragraph and item is its text exactly,
    with no space added where a line ends (and the real spaces of Latin
    words kept)."""
    data = article(name.split("/")[1])
    blocks = structure_blocks(all_pdfs[name])
    assert ("H1", data["title"]) in blocks
    assert ("P", data["summary"]) in blocks
    for section in data["sections"]:
        assert ("H2", section["heading"]) in blocks
        for text in [*section.get("bullets", []), *(section.get("body") or "").split("\n")]:
            if text.strip():
                assert any(text.strip() == t for _, t in blocks), text
    callout = [t for kind, t in blocks if kind == "LBody"]
    assert any("（urgent care）" in t for t in callout)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_character_of_the_title_is_in_pypdfs_text(all_pdfs, slug):
    for paper in ("letter", "a4"):
        text = unicodedata.normalize("NFC", PdfReader(all_pdfs[f"{LANG}/{slug}/{paper}"]).pages[0].extract_text())
        title = article(slug)["title"]
        assert set(title) <= set(text), set(title) - set(text)
        assert "".join(title.split()) in "".join(text.split())


def stroked_marks(path) -> tuple[set[int], set[int]]:
    """MCIDs drawn with text render mode 2 (fill and stroke: bold made from
    one weight), and those drawn with 0, on the first page."""
    stroked, filled, mode, mcid = set(), set(), 0, None
    with pikepdf.open(path) as pdf:
        for operands, op in pikepdf.parse_content_stream(pdf.pages[0]):
            op = str(op)
            if op == "Tr":
                mode = int(operands[0])
            elif op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
            elif op in ("Tj", "TJ") and mcid is not None:
                (stroked if mode == 2 else filled).add(mcid)
            elif op == "Q":
                mode = 0   # the paragraph's save/restore ends it
    return stroked, filled


@pytest.mark.parametrize("slug", SLUGS)
def test_headings_are_bold_though_the_font_has_one_weight(all_pdfs, slug):
    path = all_pdfs[f"{LANG}/{slug}/letter"]
    stroked, filled = stroked_marks(path)
    marks, _ = chars_by_mark(path)
    text = {mcid: "".join(c["text"] for c in chars) for (page, mcid), chars in marks.items() if page == 0}
    heavy = {text[m] for m in stroked if m in text}
    data = article(slug)
    assert data["title"] in heavy
    assert {s["heading"] for s in data["sections"]} <= heavy
    assert not {text[m] for m in filled if m in text and m not in stroked} & {data["title"]}
    # Body text is not bold.
    assert not any(b in heavy for s in data["sections"] for b in s.get("bullets", []))


# -- Reading level and sentences ---------------------------------------------

def test_check_measures_chinese_sentences_in_characters_and_makes_up_no_level(tmp_path):
    result = run_cli("check", "--project", str(REPO), "--lang", LANG, "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    rows = [r for r in json.loads(result.stdout) if r["lang"] == LANG and r["slug"] in SLUGS]
    assert len(rows) == len(SLUGS)
    for row in rows:
        assert row["reading"] == f"no reading-level formula for {LANG}"
        assert row["reading_score"] is None and row["grade"] is None
        assert row["sentence_unit"] == "characters" and row["sentence_limit"] == 30
        assert 10 <= row["longest_sentence"] <= 30 and row["long_sentences"] == []


def test_a_long_chinese_sentence_is_counted_in_characters():
    from handouts import readability
    from handouts.schema.article import Article

    base = article("leg-cramps")
    base["callout"] = {"heading": "什么时候需要就医", "bullets": ["短句。" + "很" * 31 + "长。"]}
    base.pop("translated_from", None)
    found = readability.long_sentences(Article.model_validate(base), LANG)
    assert found == ["很" * 31 + "长。"]
    assert readability.measure(LANG).length(found[0]) == 32
    # The same text, read as English, is one "word" long.
    assert readability.long_sentences(Article.model_validate(base), "en") == []


def test_a_browser_asking_for_chinese_gets_the_simplified_chinese_page():
    """Browsers say zh-CN or zh (lower-cased by the page), not zh-Hans: the
    same language in the same script (CLDR's likely script) is the match;
    zh-TW (Traditional) is not."""
    from handouts.web.pages import browser_match

    known = ["en", "es", "vi", LANG]
    assert [browser_match(t, known) for t in ("zh-hans", "zh-cn", "zh", "zh-sg", "zh-tw", "en-us")] == \
        [LANG, LANG, LANG, LANG, None, "en"]


@pytest.mark.parametrize("name", [v for v in VARIANTS if "/large" not in v])
def test_the_sources_line_is_punctuated_as_chinese(all_pdfs, name):
    """The sources line runs on from the full-width colon with no space,
    and a full-width semicolon stands between two sources (the catalog's
    optional ``sources_space`` and ``sources_joiner``); a language whose
    catalog sets neither, English, keeps a space after its label and "; "
    between its sources."""
    data = article(name.split("/")[1])
    blocks = [t for kind, t in structure_blocks(all_pdfs[name]) if t.startswith("资料来源")]
    assert blocks == ["资料来源：" + "；".join(data["sources"])], blocks
    english = yaml.safe_load((REPO / "content" / "en" / f"{name.split('/')[1]}.yaml").read_text("utf-8"))
    paper = name.split("/")[2]
    sources = [t for kind, t in structure_blocks(all_pdfs[f"en/{name.split('/')[1]}/{paper}"])
               if t.startswith("Sources")]
    assert sources == ["Sources: " + "; ".join(english["sources"])], sources
    labels = yaml.safe_load((REPO / "templates" / "labels" / "en.yaml").read_text("utf-8"))
    assert "sources_joiner" not in labels["handout"]   # optional: never required of a clinic's catalog


@pytest.mark.parametrize("slug", SLUGS)
def test_the_large_print_caption_runs_on_from_its_full_width_colon(all_pdfs, slug):
    """Large print sets the QR code's caption and address on one line: after
    the Chinese full-width colon with no space (it carries its own), after
    an English colon with one (``furniture.run_on``)."""
    for paper in ("letter", "a4"):
        zh = [t for _, t in structure_blocks(all_pdfs[f"{LANG}/{slug}/{paper}/large"]) if "example.org/book" in t]
        en = [t for _, t in structure_blocks(all_pdfs[f"en/{slug}/{paper}/large"]) if "example.org/book" in t]
        assert zh == ["扫描二维码或访问：riverbend.example.org/book"], zh
        assert en == ["Scan the code or visit: riverbend.example.org/book"], en
