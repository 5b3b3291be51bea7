"""Where the render API's first render of a handout spends its CPU, by phase:
the worker's warm sequence (started as the page starts, ``render.ready``;
en/leg-cramps on A4 untimed, then the three
English demos on Letter), each phase of the pipeline timed with
``time.process_time``; one line of JSON, ms per first render (the mean of the
three). Run it several times, alternating trees, and take medians:

    PYTHONPATH=$PWD python bench/warm_phases.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worker  # noqa: E402
from handouts import build, layout  # noqa: E402
from handouts import render as api  # noqa: E402
from handouts.library import Item  # noqa: E402
from handouts.project import Project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEMOS = ["cvi-symptoms", "leg-cramps", "risk-factors"]
spent: dict[str, float] = {}


def timed(module, name: str, label: str) -> None:
    worker.cpu_of(module, name, label, spent)


def main() -> None:
    project = Project.find(REPO)
    api.ready(project)      # as the page starts (and as bench/worker.py's warm mode)
    api.render(project, Item("en", "leg-cramps"), paper="a4")   # untimed: the first request
    timed(api, "_key", "key (before and after)")
    timed(api, "_unchanged", "key (before and after)")   # the check after: no input changed
    timed(api, "plan", "finding the file")
    timed(build, "words", "catalog")
    timed(build, "load_handout", "load (YAML, schema, glyphs)")
    timed(build, "with_words", "words (Jinja, markup, review)")
    timed(build, "fit_handout", "fit (layout)")
    timed(layout, "render_pdf", "draw and write the PDF")
    total = 0.0
    for slug in DEMOS:
        start = time.process_time()
        api.render(project, Item("en", slug))
        total += time.process_time() - start
    spent["total"] = total
    print(json.dumps({k: round(v * 1000 / len(DEMOS), 3) for k, v in spent.items()}))


if __name__ == "__main__":
    main()
