"""Which steps of a fit search need not be tried: a step that does not fit
rules out every step it is tighter than.

The search wants the first of its steps (body size, spacing) at which the
body fits, the most generous first. At one body size, a tighter spacing
keeps every line and only shrinks spaces (``spacing.respace``): every block,
the title and summary, and the callout are no taller, so the columns are no
lower. At a smaller body size with no tighter spacing, every word is
narrower by the same factor, so a line set greedily holds at least the words
it held, and every height shrinks with the size. Either way, a block that
moves whole between columns lands in the same column as before or an
earlier one, and a block split at the top of a column (taller than the
column) leaves no more of itself for the next; so a step that does not fit
means no step it is tighter than fits either. The second argument, across
body sizes, is made only where lines are broken greedily by word widths
alone (``across``): not for lines that break between characters by
punctuation rules (Chinese), nor for right-to-left or shaped text, where the
spacing argument alone is used.

The search then tries, before walking the steps in order, the tightest step
of each body size but the last, the farthest first: one that does not fit
passes over every step up to it. The step found is the one walking every
step in turn finds (tests/test_fit_probes.py compares them on every demo
and on generated articles).
"""

from __future__ import annotations

from typing import Callable

Step = tuple[float, float]


class Probes:
    """The answers of the steps probed so far, and which steps to skip."""

    def __init__(self, fits: Callable[[Step], bool], across: Callable[[], bool]):
        #: Does the body fit at this step (measured, nothing drawn)?
        self._fits = fits
        #: May a step rule out steps of a larger body size? Asked only after
        #: a step has been measured.
        self._across = across
        self.known: dict[Step, bool] = {}

    def fits(self, step: Step) -> bool:
        if step not in self.known:
            self.known[step] = self._fits(step)
        return self.known[step]

    def failed(self, step: Step) -> bool:
        """Has this step been measured and found not to fit?"""
        return self.known.get(step) is False

    def skip(self, steps: list[Step], i: int = 0) -> int:
        """The index of the first step, from ``i`` on, that no probe has
        ruled out. Only steps before the last are probed (the last is told
        in full when nothing fits)."""
        while True:
            for e in self._candidates(steps, i):
                if not self.fits(steps[e]) and self._rules_out(steps, i, e):
                    i = e + 1
                    break
            else:
                return i

    def _candidates(self, steps: list[Step], i: int) -> list[int]:
        """The last step of each body size from ``i`` on (not the very last
        step), the farthest first, that may rule out every step from ``i``
        to itself."""
        ends = [e for e in range(i, len(steps) - 1) if steps[e + 1][0] != steps[e][0]]
        return [e for e in reversed(ends) if self._rules_out(steps, i, e, maybe=True)]

    def _rules_out(self, steps: list[Step], i: int, e: int, maybe: bool = False) -> bool:
        """Is ``steps[e]`` tighter than every step from ``i`` to ``e``? Across
        body sizes only where ``across`` says so (``maybe``: or when no
        step has been measured yet to tell)."""
        size, spacing = steps[e]
        across = (maybe and not self.known) or self._across()
        return all(s >= spacing and (b == size or (across and b >= size)) for b, s in steps[i:e + 1])
