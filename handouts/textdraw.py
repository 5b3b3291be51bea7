"""How a paragraph's broken lines are written beyond what ReportLab does:

- ``with_word_breaks``: a real space at the end of each line that ends
  between two words (a line break between two Chinese characters is no word
  break, so those get none: ``TaggedParagraph.draw``);
- ``embolden``: bold from a font with one weight (the shipped CJK font has no
  bold), its glyphs filled and stroked in their own colour (PDF text render
  mode 2, as viewers make a missing bold), so a heading still stands out and
  a screen reader or a copy still gets the very characters."""

from __future__ import annotations

from handouts import rl


def embolden(tx, font: str, width: float, color) -> None:
    """Bold drawn from a font with one weight (the CJK fonts): the text in
    ``font`` is filled and stroked in its own colour, ``width`` thick (text
    render mode 2, as viewers make a missing bold). Text in another font (the
    Latin family's real bold) is only filled. The paragraph's drawing is
    wrapped in save/restore, so the mode ends with it."""
    tx.setStrokeColor(color)
    rl.add_operator(tx, f"{width:.3f} w")
    state = {"on": False}

    def stroking(text_out):
        def out(text, TStar=0):
            on = rl.text_font(tx) == font
            if on != state["on"]:
                rl.add_operator(tx, "2 Tr" if on else "0 Tr")
                state["on"] = on
            text_out(text, TStar)
        return out

    rl.wrap_text_out(tx, stroking)


def with_word_breaks(bl, continued: bool = False):
    """A copy of ReportLab's broken lines (``blPara``) in which each line but
    the last (every line, if ``continued``) ends with a space, unless the line
    ends inside a word that was too long for it."""
    lines = list(bl.lines)
    last = len(lines) if continued else len(lines) - 1
    for i in range(max(0, last)):
        line = lines[i]
        if bl.kind == 0:   # (extra space, [words]) in one style
            extra, words = line
            if words and _ends_a_word(words[-1]):
                lines[i] = (extra, [*words[:-1], words[-1] + " "])
        else:              # a FragLine of styled fragments
            frags = line.words
            if frags and hasattr(frags[-1], "text") and _ends_a_word(frags[-1].text):
                lines[i] = line.clone(words=[*frags[:-1], frags[-1].clone(text=frags[-1].text + " ")])
    return bl.clone(lines=lines)


def _ends_a_word(word) -> bool:
    return not rl.splits_a_word(word) and not str(word).endswith(" ")
