"""The front page: every handout as a card, the search box and the basket."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from handouts.web.pages import render, view, web_of


def _query(request: Request) -> str:
    return request.query_params.get("q", "")[:200]


@view()
async def index(request: Request) -> Response:
    web = web_of(request)
    q = _query(request)
    cards = web.library.cards()
    shown = web.library.search(q, cards) if q.strip() else cards
    if request.query_params.get("go") and q.strip():
        # Enter in the search box: open the first match (works without script).
        for card in shown:
            main = card.main()
            if main:
                return RedirectResponse(f"/h/{main.lang}/{card.slug}", status_code=303)
    slugs = {c.slug for c in shown}
    ordered = shown + [c for c in cards if c.slug not in slugs]
    return render(request, "index.html", cards=cards, shown=slugs, ordered=ordered, q=q,
                  today=dt.date.today())


@view()
async def search_json(request: Request) -> Response:
    """The matching slugs, best first: the page's script filters with this."""
    web = web_of(request)
    q = _query(request)
    cards = web.library.search(q)
    return JSONResponse({"q": q, "slugs": [c.slug for c in cards],
                         "first": next((f"/h/{c.main().lang}/{c.slug}" for c in cards if c.main()), None)})
