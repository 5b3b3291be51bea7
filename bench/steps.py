"""CPU time of a batch and of the steps that write its PDFs, in one process.

    PYTHONPATH=. python bench/steps.py [N] [--distinct]

Builds N handouts (default 60, the demos cycled, one process, after one
untimed handout of each demo; with ``--distinct``, each handout's title,
summary and first bullet start with a made-up word of its own, so the
handouts no longer repeat three sets of glyphs and most font subsets are
new, as in a batch of different articles) and prints one line of JSON: the batch's CPU
seconds and the CPU seconds spent writing the PDFs, step by step:
``tagging.write_tree`` and ``rl.pdf_bytes`` (the structure tree and the one
save); on a tree from before the one-pass save (git a8111d6 and earlier),
``Canvas.save`` and ``tagging.finish`` (the pikepdf re-save). Run it on both
trees in turn to see what the one-pass save saves per handout.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worker  # noqa: E402


def distinct(en: Path, slugs: list[str]) -> None:
    """Start each handout's title, summary and first bullet with a made-up
    word of its own (the letters in another order each time)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i, slug in enumerate(slugs):
        word = "".join(letters[(i * 7 + k * (i % 5 + 1)) % 26] for k in range(6))
        path = en / f"{slug}.yaml"
        text = path.read_text(encoding="utf-8")
        for pattern, start in ((r'^title: *"?', word.capitalize()), (r'^summary: *"?', word[::-1].capitalize()),
                               (r'^(    bullets:\n      - "?)', word[1:])):
            text, found = re.subn(pattern, lambda m, start=start: m.group(0) + start + " ", text,
                                  count=1, flags=re.M)
            assert found, (slug, pattern)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--distinct"]
    n = int(args[0]) if args else 60
    from reportlab.pdfgen.canvas import Canvas

    from handouts import rl
    from handouts.build import run
    from handouts.layout import pdf as layout_pdf
    from handouts.project import Project

    spent: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        worker.cpu_of(owner, name, label, spent)

    if hasattr(layout_pdf, "write_tree"):
        timed(layout_pdf, "write_tree", "write_tree")
        timed(rl, "pdf_bytes", "pdf_bytes")
    else:
        timed(Canvas, "save", "Canvas.save")
        timed(layout_pdf, "finish", "finish")
    tmp = Path(tempfile.mkdtemp(prefix="handouts-steps-"))
    try:
        slugs = worker.make_project(tmp / "p", n)
        if "--distinct" in sys.argv:
            distinct(tmp / "p" / "content" / "en", slugs)
        project = Project.find(tmp / "p")
        warm = run(project, slugs=slugs[:3], write=False, jobs=1)
        assert warm.ok, warm.all_problems()
        spent.clear()
        start = time.process_time()
        report = run(project, out=tmp / "out", jobs=1)
        batch = time.process_time() - start
        assert report.ok and len(report.outcomes) == n, report.all_problems()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    writing = sum(spent.values())
    print(json.dumps({"n": n, "batch_cpu_s": round(batch, 3), "writing_cpu_s": round(writing, 3),
                      "writing_ms_per_handout": round(writing / n * 1000, 2),
                      **{k: round(v, 3) for k, v in spent.items()}}))


if __name__ == "__main__":
    main()
