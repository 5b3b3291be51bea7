"""The page's own CSS, script and icon: a fixed list read once, never a path
taken from the URL."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from handouts.web.pages import error

FOLDER = Path(__file__).resolve().parent.parent / "static"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".svg": "image/svg+xml"}
FILES = {p.name: (p.read_bytes(), TYPES[p.suffix]) for p in FOLDER.iterdir() if p.suffix in TYPES}


async def static(request: Request) -> Response:
    found = FILES.get(request.path_params.get("name", ""))
    if found is None:
        return error(request, 404)
    data, media = found
    return Response(data, media_type=media, headers={"cache-control": "public, max-age=300"})
