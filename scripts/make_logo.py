"""Draw the demo clinic's logo mark (content/assets/logo.png) with code.

A round badge in the brand's primary colour with a river (two white waves)
under a light green leaf. Drawn at 4x and scaled down for smooth
edges. Run: python scripts/make_logo.py [OUT.png] [PRIMARY] [ACCENT]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 360
SCALE = 4


def hex_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def wave(draw: ImageDraw.ImageDraw, y: float, amp: float, width: float, s: float, fill) -> None:
    """A band of constant thickness along one period of a sine wave."""
    x0, span, n = 66, 228, 200
    top, bottom = [], []
    for i in range(n + 1):
        x = x0 + i * span / n
        c = y + amp * math.sin((x - x0) / span * 2 * math.pi)
        top.append((x * s, (c - width / 2) * s))
        bottom.append((x * s, (c + width / 2) * s))
    draw.polygon(top + bottom[::-1], fill=fill)
    for (x, yy) in (top[0], top[-1]):  # round the ends
        r = width / 2 * s
        draw.ellipse([x - r, yy, x + r, yy + 2 * r], fill=fill)


def leaf(draw: ImageDraw.ImageDraw, s: float, fill, vein) -> None:
    # Two circular arcs meeting at the tips make a leaf; tilt it.
    cx, cy, length, bulge, tilt = 180, 132, 150, 46, -0.55
    pts = []
    for side in (1, -1):
        for i in range(0, 61):
            t = i / 60 if side == 1 else 1 - i / 60
            along = (t - 0.5) * length
            across = side * bulge * math.sin(math.pi * t)
            x = cx + along * math.cos(tilt) - across * math.sin(tilt)
            y = cy + along * math.sin(tilt) + across * math.cos(tilt)
            pts.append((x * s, y * s))
    draw.polygon(pts, fill=fill)
    a = (cx - 0.42 * length * math.cos(tilt), cy - 0.42 * length * math.sin(tilt))
    b = (cx + 0.42 * length * math.cos(tilt), cy + 0.42 * length * math.sin(tilt))
    draw.line([(a[0] * s, a[1] * s), (b[0] * s, b[1] * s)], fill=vein, width=int(5 * s))


def make_logo(out: Path, primary: str = "#1F5A7A", accent: str = "#9ED9A8") -> None:
    s = SCALE
    img = Image.new("RGBA", (SIZE * s, SIZE * s), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse([6 * s, 6 * s, (SIZE - 6) * s, (SIZE - 6) * s], fill=hex_rgb(primary))
    leaf(draw, s, hex_rgb(accent), hex_rgb(primary))
    white = (255, 255, 255)
    wave(draw, 250, 12, 16, s, white)
    wave(draw, 292, 12, 16, s, white)
    img = img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, "PNG", optimize=True)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("content/assets/logo.png")
    make_logo(target, *sys.argv[2:4])
    print(f"wrote {target}")
