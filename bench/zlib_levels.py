"""What zlib's level costs and saves on handouts' own streams.

    PYTHONPATH=$PWD python bench/zlib_levels.py

Renders the three English demos with the render API (after one untimed
render, as the page's first request), keeps every stream handouts compresses
(pages, font subsets, their ToUnicode maps, the object and cross-reference
streams), then compresses them all again at each level, 20 times, and prints
per level the bytes of the three handouts' streams together and the CPU ms a
handout (docs/benchmarks.md, "Compression level").
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path

from handouts import pdfonce
from handouts import render as api
from handouts.library import Item
from handouts.project import Project

REPO = Path(__file__).resolve().parent.parent
DEMOS = ["cvi-symptoms", "leg-cramps", "risk-factors"]


def main() -> None:
    project = Project.find(REPO)
    api.ready(project)
    api.render(project, Item("en", "leg-cramps"), paper="a4")
    streams: list[bytes] = []
    compress = zlib.compress

    def kept(data, *args, **kwargs):
        streams.append(bytes(data))
        return compress(data, *args, **kwargs)

    zlib.compress = kept      # the module pdfonce and rl compress with
    try:
        for slug in DEMOS:
            api.render(project, Item("en", slug))
    finally:
        zlib.compress = compress
    print(f"{len(streams)} streams, {sum(map(len, streams))} bytes before compression; "
          f"handouts uses level {pdfonce.FLATE_LEVEL}")
    for level in range(1, 10):
        start = time.process_time()
        for _ in range(20):
            size = sum(len(compress(s, level)) for s in streams)
        spent = (time.process_time() - start) / 20 / len(DEMOS) * 1000
        print(f"level {level}: {size} bytes, {spent:.2f} ms CPU a handout")


if __name__ == "__main__":
    main()
