"""CPU time of the words steps of a batch, from loaded YAML to markup, in one process.

    PYTHONPATH=. python bench/words.py [N]

Builds N handouts as bench/steps.py does (the demos cycled, after one
untimed handout of each) and prints one line of JSON: the batch's CPU
seconds and the milliseconds of CPU a handout spends in each step:
``validated`` (loading and checking every handout: ``load_handout`` with its
YAML, ``library.load``, and ``with_words``), and inside ``with_words`` the
template's markup (``handout_markup``: Jinja, ``markup.parse``), the approval
record (``review.lookup``) and the catalogs' ``script:`` (``declared_script``,
asked for each font family); then ``markup.build`` at each fit step. Run it
on two trees in turn, alternating, to see what a change saves.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worker  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    from handouts import build, catalog, handout, library, markup, review, templating
    from handouts.project import Project

    spent: dict[str, float] = {}
    for owner, name in ((build, "validated"), (build, "load_handout"), (library, "load"),
                        (build, "with_words"), (handout, "handout_markup"), (templating, "render"),
                        (markup, "parse"), (review, "lookup"), (catalog, "declared_script"),
                        (markup, "build")):
        worker.cpu_of(owner, name, f"{owner.__name__.split('.')[-1]}.{name}", spent)
    tmp = Path(tempfile.mkdtemp(prefix="handouts-words-"))
    try:
        slugs = worker.make_project(tmp / "p", n)
        project = Project.find(tmp / "p")
        assert build.run(project, slugs=slugs[:3], write=False, jobs=1).ok
        spent.clear()
        start = time.process_time()
        report = build.run(project, out=tmp / "out", jobs=1)
        batch = time.process_time() - start
        assert report.ok and len(report.outcomes) == n, report.all_problems()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"n": n, "batch_cpu_s": round(batch, 3),
                      **{f"{k}_ms": round(v / n * 1000, 2) for k, v in spent.items()}}))


if __name__ == "__main__":
    main()
