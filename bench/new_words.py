"""First renders of articles whose words the process has never seen, in one
process (the render API, as the front-desk page asks): CPU per render.

    PYTHONPATH=$PWD python bench/new_words.py [N] [--seed S] [--again] [--digests FILE] [--draw]

Makes a copy of the demo project with N new English articles (the three
demos in turn, the letters of every title, summary, heading, paragraph and
bullet swapped for others, vowels for vowels and consonants for
consonants, a different swap for each article: new words of the same
shape, the same shared callout block), renders the three demos on A4
untimed (fonts, brand, templates), then each new article on Letter, and
prints one line of JSON: the median and mean CPU ms of a first render, and
how many did not fit one page (left out). ``--again`` then renders each of
them on A4 (words seen, another width) and prints that too; ``--digests``
appends each PDF's slug, sha256 and fit to FILE, to compare two trees'
bytes. ``--draw`` adds the mean CPU ms of drawing a first render's page
(``Sheet.draw``: the page's operators, before the PDF is written). One render is noisy on a shared machine; the median of 60 is steady
to a few per cent.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMOS = ["cvi-symptoms", "leg-cramps", "risk-factors"]
VOWELS, CONSONANTS = "aeiou", "bcdfghjklmnpqrstvwxyz"
#: A line whose text is the article's words: a title, summary, heading or
#: body, or a list item (not a key such as ``- heading:`` or ``include:``).
WORDS = re.compile(r"^(\s*(?:- )?(?:title|summary|heading|body): |\s*- (?![a-z_]+:))(.*)$")


def swap(rng: random.Random) -> dict[int, str]:
    vowels, consonants = list(VOWELS), list(CONSONANTS)
    rng.shuffle(vowels)
    rng.shuffle(consonants)
    table = dict(zip(VOWELS + CONSONANTS, vowels + consonants))
    table.update({k.upper(): v.upper() for k, v in table.items()})
    return str.maketrans(table)


def new_words(text: str, table: dict[int, str]) -> str:
    out = []
    for line in text.split("\n"):
        m = WORDS.match(line)
        if m and not line.lstrip().startswith("#"):
            words, hash_, comment = m.group(2).partition("  #")
            line = m.group(1) + words.translate(table) + hash_ + comment
        out.append(line)
    return "\n".join(out)


def make_project(root: Path, n: int, seed: int) -> list[str]:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    en = root / "content" / "en"
    texts = {s: (en / f"{s}.yaml").read_text(encoding="utf-8") for s in DEMOS}
    rng = random.Random(seed)
    slugs = []
    for i in range(n):
        slug = f"new-{i:04d}"
        (en / f"{slug}.yaml").write_text(new_words(texts[DEMOS[i % 3]], swap(rng)), encoding="utf-8")
        slugs.append(slug)
    return slugs


def option(args: list[str], name: str, default=None):
    return args[args.index(name) + 1] if name in args else default


def main() -> None:
    args = sys.argv[1:]
    n = int(args[0]) if args and args[0].isdigit() else 60
    seed, digests = int(option(args, "--seed", 1)), option(args, "--digests")
    from handouts import render as api
    from handouts.errors import FitError
    from handouts.library import Item
    from handouts.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="handouts-new-words-"))
    try:
        slugs = make_project(tmp / "p", n, seed)
        project = Project.find(tmp / "p")
        for slug in DEMOS:
            api.render(project, Item("en", slug), paper="a4")
        spent: dict[str, float] = {}
        if "--draw" in args:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            import worker
            from handouts.layout import base
            worker.cpu_of(base.Sheet, "draw", "draw", spent)
        firsts, fitted = [], []
        for slug in slugs:
            start = time.process_time()
            try:
                done = api.render(project, Item("en", slug))
            except FitError:
                continue
            firsts.append((time.process_time() - start) * 1000)
            fitted.append(slug)
            if digests:
                fit = done.fits[0]
                with open(digests, "a", encoding="utf-8") as fh:
                    fh.write(f"{slug} {hashlib.sha256(done.pdf).hexdigest()} "
                             f"{fit.body_pt} {fit.spacing} {fit.needed:.3f}\n")
        out = {"n": len(firsts), "did_not_fit": n - len(firsts),
               "first_median_ms": round(statistics.median(firsts), 2),
               "first_mean_ms": round(statistics.mean(firsts), 2)}
        if "draw" in spent:
            out["draw_mean_ms"] = round(spent["draw"] * 1000 / len(firsts), 3)
        if "--again" in args:
            again = []
            for slug in fitted:
                start = time.process_time()
                api.render(project, Item("en", slug), paper="a4")
                again.append((time.process_time() - start) * 1000)
            out["seen_words_a4_median_ms"] = round(statistics.median(again), 2)
        print(json.dumps(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
