"""The CPU of drawing a QR code's modules (``layout.furniture._draw_modules``)
on a canvas, as the footer draws it: the same code at 50 heights (a
footer's height differs from handout to handout), 300 draws a round, ms per
draw, the median of 7 rounds. A/B: run it in each tree, alternating:

    PYTHONPATH=$PWD python bench/qr_modules.py
"""

from __future__ import annotations

import io
import statistics
import time
from types import SimpleNamespace

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from handouts.layout import furniture
from handouts.layout.qrmatrix import matrix

geo = SimpleNamespace(qr=matrix("https://example.org/handouts/leg-cramps?lang=en"), qr_module=2.1103448275862067)
ink = SimpleNamespace(palette=SimpleNamespace(color=lambda name: black))
rounds = []
for _ in range(7):
    canv = Canvas(io.BytesIO())
    start = time.process_time()
    for i in range(300):
        furniture._draw_modules(canv, geo, ink, 499.1586206896551, 126.84 + i % 50)
    rounds.append((time.process_time() - start) / 300 * 1000)
print(f"{statistics.median(rounds):.3f} ms a QR code drawn")
