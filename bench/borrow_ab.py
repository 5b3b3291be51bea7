"""The regular layout's fit search with one geometry per search
(``Tries(borrow=True)``, as it runs) against one per body size, alternating
in one process: ``fit_handout`` of the three English demos on Letter, CPU ms,
medians (docs/benchmarks.md, "One geometry per fit search").

    PYTHONPATH=$PWD python bench/borrow_ab.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from handouts.build import fit_handout
from handouts.handout import load_handout
from handouts.inputs import cached_brand
from handouts.layout import base
from handouts.library import Item
from handouts.project import Project

REPO = Path(__file__).resolve().parent.parent
DEMOS = ("cvi-symptoms", "leg-cramps", "risk-factors")


def main(rounds: int = 200) -> None:
    proj = Project.find(REPO)
    brand, _ = cached_brand(proj)
    handouts = [load_handout(Item("en", s), proj.content / "en" / f"{s}.yaml", brand) for s in DEMOS]
    made = base.Tries.__init__
    lend = {"on": True}

    def tries(self, layout, build, paper, art, borrow=False):
        made(self, layout, build, paper, art, borrow and lend["on"])
    base.Tries.__init__ = tries
    for h in handouts:
        fit_handout(h, brand, proj, "letter")
    spent = {True: [[] for _ in DEMOS], False: [[] for _ in DEMOS]}
    for r in range(rounds):
        for on in ((True, False) if r % 2 else (False, True)):
            lend["on"] = on
            for i, h in enumerate(handouts):
                start = time.process_time()
                fit_handout(h, brand, proj, "letter")
                spent[on][i].append(time.process_time() - start)
    for on, label in ((False, "a geometry per size"), (True, "one per search")):
        print(label, dict(zip(DEMOS, (round(statistics.median(x) * 1000, 3) for x in spent[on]))))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
