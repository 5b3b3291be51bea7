"""How a paragraph's broken lines are written beyond what ReportLab does:

- ``with_word_breaks``: a real space at the end of each line that ends
  between two words (a line break between two Chinese characters is no word
  break, so those get none: ``TaggedParagraph.draw``);
- ``split_known_text_at_once``: a text whose characters the document's
  font subsets hold already mapped to their codes at once (ReportLab maps
  each character in turn), the same codes;
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


def split_known_text_at_once() -> None:
    """ReportLab's ``TTFont.splitString`` maps a text to the codes of the
    document's font subsets a character at a time, in Python, giving each
    character new to the document the next code. A text whose characters
    all have codes in the first subset already (most of a page's text once
    its first lines are written) is mapped in one go instead: the same one
    chunk, the same codes (a no-break space as a space, as ReportLab maps
    it); any other text (a character new to the document or to the font, a
    code past the first subset, bytes) goes to ReportLab's own. Idempotent."""
    from reportlab.pdfbase import ttfonts

    original = ttfonts.TTFont.splitString
    if getattr(original, "handouts", False):
        return

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc)
        if state is not None and isinstance(text, str) and text:
            if "\xa0" in text:
                text = text.replace("\xa0", " ")
            try:
                return [(0, bytes(map(state.assignments.__getitem__, map(ord, text))))]
            except (KeyError, ValueError):
                pass
        return original(self, text, doc, encoding)

    splitString.handouts = True
    splitString.reportlab = original
    ttfonts.TTFont.splitString = splitString


# Installed wherever paragraphs are drawn (flowables.py imports this module).
split_known_text_at_once()
