"""The words step's shortcuts give the same results and messages as the long
way, and see every edit: an approval record read without YAML."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from handouts import review
from handouts.canonical import digest
from handouts.errors import ContentError
from handouts.library import Item

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
ITEM = Item("en", "leg-cramps")


def _both(path: Path, data: bytes):
    """(the quick reading or None, what ``read`` says: a Record or the error's text)."""
    path.write_bytes(data)
    try:
        slow = review.read(path, ITEM, TODAY)
    except ContentError as exc:
        slow = str(exc)
    return review.quick_read(data, path, ITEM, TODAY), slow


def test_every_demo_record_is_read_without_yaml_and_the_same():
    records = sorted((REPO / "content" / review.FOLDER).glob("*/*.yaml"))
    assert len(records) >= 6
    for path in records:
        item = Item(path.parent.name, path.stem)
        quick = review.quick_read(path.read_bytes(), path, item, TODAY)
        assert quick is not None and quick == review.read(path, item, TODAY), path


def test_quick_reading_agrees_with_yaml_on_awkward_records(tmp_path):
    """Records as ``approve`` writes them (texts YAML would bend are written
    as JSON strings), then with one character changed, then literal blocks
    written by hand with their digest set: the quick reading is either None
    or exactly ``read``'s Record, never another text or a missed problem."""
    rnd = random.Random(22)
    pieces = list("ab c:#-'\"\\/\t\n\u00a0\u2028\x85\r\x07é中ا{}[]|>&*!%@`,?") + ["  ", "\n\n", "\n  ", " \n", "---"]
    path = tmp_path / "leg-cramps.yaml"
    quick = 0
    for _ in range(1000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        by = rnd.choice(["Ana Ruiz, MD", "A\tB, MD", 'Ana "x" Ruiz, MD', "Ana\\Ruiz, RN", "é, DO", "Ana Ruiz"])
        note = rnd.choice([None, "a note", "line\nbreak", "tab\tx", "\u2028", 'q"\\'])
        try:
            data = review.render_record(ITEM, by, dt.date(2026, 1, 2), text, note).decode()
        except Exception:   # (a text YAML cannot hold at all)
            continue
        at = rnd.randrange(len(data))
        for variant in (data, data[:at] + rnd.choice(pieces) + data[at + 1:]):
            got, slow = _both(path, variant.encode())
            assert got is None or got == slow, variant
            quick += got is not None
    head = '# c\nhandout: en/leg-cramps\nby: "Ana Ruiz, MD"\ndate: 2026-01-02\n'
    bits = ["a", " ", "\t", "#", "  ", "   ", ":", "- x", "\u00a0", "é", '"']
    for _ in range(1000):
        lines = ["".join(rnd.choice(bits) for _ in range(rnd.randint(0, 4))) for _ in range(rnd.randint(1, 5))]
        body = "".join(rnd.choice(["  ", "  ", " ", "   "]) + line + "\n" for line in lines)
        data = f"{head}digest: {digest(chr(10).join(lines))}\ntext: |-\n{body}"
        got, slow = _both(path, data.encode())
        assert got is None or got == slow, data
        quick += got is not None
    assert quick > 300     # the quick way is taken, not only refused


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("within minutes", "within hours"),            # the text: its digest
    lambda s: s.replace('by: "Ana Ruiz, MD"', 'by: ""'),
    lambda s: s.replace("date: 2026-11-26", "date: 2027-01-01"),
    lambda s: s.replace("date: 2026-11-26", "date: 2026-02-30"),
    lambda s: s.replace("handout: en/leg-cramps", "handout: en/risk-factors"),
])
def test_a_bad_record_is_not_read_quickly_and_lookup_says_what_read_says(tmp_path, edit):
    content = tmp_path / "content"
    text = "Leg cramps often come at night and stop within minutes.\n  More.\n\n- one"
    good = review.write(content, ITEM, "Ana Ruiz, MD", text, day=TODAY)
    assert review.lookup(content, ITEM, TODAY) == good
    path = review.record_path(content, ITEM)
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    assert review.quick_read(path.read_bytes(), path, ITEM, TODAY) is None
    with pytest.raises(ContentError) as slow:
        review.read(path, ITEM, TODAY)
    with pytest.raises(ContentError) as looked:
        review.lookup(content, ITEM, TODAY)
    assert str(looked.value) == str(slow.value)


def test_lookup_sees_a_record_approved_again_with_the_same_size(tmp_path):
    content = tmp_path / "content"
    first = review.write(content, ITEM, "Ana Ruiz, MD", "words one", day=TODAY)
    assert review.lookup(content, ITEM, TODAY) == first
    path = review.record_path(content, ITEM)
    stat = path.stat()
    second = review.write(content, ITEM, "Ana Ruiz, DO", "words two", day=TODAY)
    assert path.stat().st_size == stat.st_size
    assert review.lookup(content, ITEM, TODAY) == second != first


# ---------------------------------------------------------------------------
# Glyphs looked up once per character and face; contacts found once per text.

def test_an_articles_characters_are_each_looked_up_once_per_face(project, monkeypatch):
    from handouts import build, contacts, fonts
    from handouts.inputs import cached_brand
    from handouts.project import Project

    proj = Project(project)
    brand, _ = cached_brand(proj)
    path = proj.content / "en" / "leg-cramps.yaml"
    asked: list[tuple[str, str]] = []
    drawable = fonts.FontFamily.drawable

    def counted(self, ch, face="regular"):
        asked.append((ch, face))
        return drawable(self, ch, face)

    monkeypatch.setattr(fonts.FontFamily, "drawable", counted)
    build.load_handout(Item("en", "leg-cramps"), path, brand, keep=False)
    assert asked and len(asked) == len(set(asked))          # each (character, face) once
    assert len(asked) < len(path.read_text("utf-8")) / 4   # not once per string's character
    text = "Call (541) 555-0142 or see riverbend.example"
    assert contacts.find(text) is contacts.find(text) and isinstance(contacts.find(text), tuple)


def test_a_handouts_fonts_are_asked_for_once_in_a_build(project, monkeypatch):
    """``Brand.family`` reads the catalogs' script: each time; the handout
    keeps what load_handout was given for its words and its layout."""
    from handouts import build, fonts
    from handouts.inputs import cached_brand
    from handouts.project import Project

    proj = Project(project)
    cached_brand(proj)
    asked: list[str] = []
    for_lang = fonts.Families.for_lang

    def counted(self, lang, draw=True):
        asked.append(lang)
        return for_lang(self, lang, draw)

    monkeypatch.setattr(fonts.Families, "for_lang", counted)
    report = build.run(proj, lang=None, langs=None, slugs=["leg-cramps"], write=False, jobs=1)
    assert report.ok and len(report.outcomes) >= 3
    assert sorted(asked) == sorted(o.lang for o in report.outcomes)


def test_a_familys_glyph_answers_are_kept_and_right():
    from handouts import fonts

    latin = fonts.default_family()
    cjk = fonts.shipped_coverage("cjk", latin)
    for family in (latin, cjk):
        for ch in "aé中\u0600→\x07 ":
            for face in fonts.FACES:
                first = family.drawable(ch, face)
                assert family.known[(ch, face)] is first == family._drawable(ch, face)
                assert family.drawable(ch, face) is first
    assert not latin.drawable("\x07") and latin.drawable("é", "italic") and not latin.drawable("中")
    assert cjk.drawable("中") and cjk.drawable("é")


def test_a_second_build_of_a_page_takes_its_text_runs_from_the_first(project):
    from handouts import build, layout, markup
    from handouts.inputs import cached_brand
    from handouts.project import Project

    proj = Project(project)
    brand, _ = cached_brand(proj)
    h = build.load_handout(ITEM, proj.content / "en" / "leg-cramps.yaml", brand)
    h = build.with_words(h, brand, proj, build.words(proj, "en"))
    first = markup.build(h.markup, layout.COLUMNS.styles(brand.palette, h.family, 13.0, 1.0, False, False))
    before = markup._text.cache_info()
    second = markup.build(h.markup, layout.COLUMNS.styles(brand.palette, h.family, 12.0, 0.9, False, False))
    after = markup._text.cache_info()
    assert after.misses == before.misses and after.hits > before.hits + 20
    assert [p.text for p in first.body if hasattr(p, "text")] == [p.text for p in second.body if hasattr(p, "text")]


def test_a_block_many_articles_include_is_read_once_until_it_changes(project, monkeypatch):
    from handouts import library

    read = library._read
    seen: list[Path] = []

    def counted(path):
        seen.append(path)
        return read(path)

    monkeypatch.setattr(library, "_read", counted)
    block = project / "content" / "blocks" / "en" / "when-to-get-help.yaml"
    slugs = ("cvi-symptoms", "leg-cramps", "risk-factors")
    headings = {library.load(project / "content" / "en" / f"{s}.yaml").get().callout.heading for s in slugs}
    assert seen.count(block) == 1 and len(headings) == 1
    block.write_text(block.read_text("utf-8").replace("\nheading:", "\nheading: Now", 1), "utf-8")
    again = {library.load(project / "content" / "en" / f"{s}.yaml").get().callout.heading for s in slugs}
    assert seen.count(block) == 2 and again == {"Now " + h.lstrip() for h in headings} != headings
