"""The bench's second batch: articles whose words are all new, made once as
files of a project copy that every side of the bench then reads.

    PYTHONPATH=$PWD python bench/distinct.py DIR [N] [--seed S]

Makes DIR a copy of the demo project (content/ and templates/) with N new
English articles ``new-0000`` ... beside the three demos: the demos in turn,
the letters of every word of the article's own swapped for others (vowels
for vowels, consonants for consonants: bench/new_words.py's ``swap`` and
``new_words``, and the lines of a block body, ``body: |``, which new_words
leaves as they are), a different swap for each article, from a fixed seed
(default 1). The callout's included block (content/blocks) stays shared, as
a clinic's articles share it. Each new article is approved as its demo is
(the demo's reviewer and date: ``review.write``), so it is built as the
cycled batch's copies are, review line and all.

Then handouts builds every article made (untimed, one process): an article
that does not fit one page is dropped with its record, and so is every one
after the first N that fit (more are made if too few fit), so that every
side gets the same N files. Each PDF kept is checked to be one page and
tagged (as ``worker.py PEER check`` checks a peer's). Prints one line of
JSON: the slugs kept, how many were made and how many did not fit.

Why: the cycled batch gives three sets of words twenty times each, so a
reused ``typst.Compiler`` answers 57 of its 60 compiles from its memo
(comemo) of earlier identical inputs, and handouts reuses its per-text
caches; a batch of different articles pays for every page's words.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import new_words  # noqa: E402
import worker  # noqa: E402

#: A block body's first line (``body: |``); the lines indented deeper after
#: it (and blank ones) are its text.
BLOCK = re.compile(r"^(\s*)(?:- )?body: *[|>][-+]?\s*(?:#.*)?$")


def all_new_words(text: str, table: dict[int, str]) -> str:
    """``new_words.new_words``, and the text of every block body too."""
    out, indent = [], None
    for line in new_words.new_words(text, table).split("\n"):
        if indent is not None and (not line.strip() or len(line) - len(line.lstrip()) > indent):
            out.append(line.translate(table))
            continue
        m = BLOCK.match(line)
        indent = len(m.group(1)) if m else None
        out.append(line)
    return "\n".join(out)


def write_articles(root: Path, start: int, stop: int, rng: random.Random) -> list[str]:
    """Articles new-<start> ... new-<stop - 1> in root's content/en."""
    en = root / "content" / "en"
    slugs = []
    for i in range(start, stop):
        slug = f"new-{i:04d}"
        demo = worker.DEMOS[i % 3]
        text = (en / f"{demo}.yaml").read_text(encoding="utf-8")
        (en / f"{slug}.yaml").write_text(all_new_words(text, new_words.swap(rng)), encoding="utf-8")
        slugs.append(slug)
    return slugs


def approve(project, slugs: list[str]) -> None:
    """Approve each article as its demo is approved (by, date, note)."""
    from handouts import review
    from handouts.library import Item
    from handouts.render import words

    for slug in slugs:
        demo = worker.DEMOS[int(slug.split("-")[1]) % 3]
        record = review.lookup(project.content, Item("en", demo))
        if record is not None:
            item = Item("en", slug)
            review.write(project.content, item, record.by, words(project, item), record.date, record.note)


def make(root: Path, n: int, seed: int = 1) -> dict:
    from handouts.build import run
    from handouts.project import Project

    shutil.copytree(worker.REPO / "content", root / "content")
    shutil.copytree(worker.REPO / "templates", root / "templates")
    project = Project.find(root)
    rng = random.Random(seed)
    kept: list[str] = []
    made = unfit = 0
    out = root.parent / f"{root.name}-pdfs"
    while len(kept) < n:
        more = (n - len(kept)) * 5 // 4 + 3          # about one in nine does not fit
        slugs = write_articles(root, made, made + more, rng)
        made += more
        approve(project, slugs)
        report = run(project, slugs=slugs, out=out, jobs=1)
        for o in report.outcomes:
            if o.ok and len(kept) < n:
                pages = worker._pages_tagged(o.output.read_bytes())
                if pages != (1, True):
                    sys.exit(f"handouts did not make one tagged page of {o.slug}: {pages}")
                kept.append(o.slug)
                continue
            if not o.ok:
                if not all("does not fit on one page" in p.message for p in o.problems):
                    sys.exit("\n".join(map(str, o.problems)))
                unfit += 1
            (root / "content" / "en" / f"{o.slug}.yaml").unlink()
            (root / "content" / "approvals" / "en" / f"{o.slug}.yaml").unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    return {"slugs": kept, "made": made, "did_not_fit": unfit}


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    n = int(args[1]) if len(args) > 1 and args[1].isdigit() else 60
    seed = int(new_words.option(args, "--seed", 1))
    print(json.dumps(make(Path(args[0]), n, seed)))


if __name__ == "__main__":
    main()
