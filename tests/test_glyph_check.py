"""The glyph check of a handout's whole markup (``FontFamily.missing_glyphs``):
the same answer as asking of each character in turn, and a character every
face draws asked only once per family (a page's markup is some 2,400
characters of a few dozen distinct ones)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from handouts.fonts import FACES, default_family

FAMILY = replace(default_family())   # a family of its own: what it learns stays here
#: Letters, punctuation Source Sans Pro has, and characters it lacks.
CHARS = "abc XYZ.,’“”–\n\té☐\u2603\U0001F9B5\u0301中ب"


def one_by_one(family, text: str) -> list[tuple[str, str]]:
    out, seen = [], set()
    for ch in text:
        if ch not in seen:
            seen.add(ch)
            face = next((f for f in FACES if not family.drawable(ch, f)), None)
            if face is not None:
                out.append((ch, getattr(family, face)))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(CHARS, max_size=60), max_size=5))
def test_the_same_answer_as_each_character_in_turn(texts):
    for text in texts:
        assert FAMILY.missing_glyphs(text) == one_by_one(FAMILY, text)


def test_a_character_every_face_draws_is_asked_once(monkeypatch):
    family = replace(default_family())
    text = "Leg cramps often come at night. ☐ Mark the signs you have." * 40
    assert family.missing_glyphs(text) == []
    asked = []
    monkeypatch.setattr(type(family), "drawable", lambda self, ch, face="regular": asked.append(ch) or True)
    assert family.missing_glyphs(text) == [] and asked == []
    assert family.missing_glyphs(text + "\u2603") == [] and asked == ["\u2603"] * len(FACES)
