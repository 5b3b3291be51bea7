"""The front page: every handout as a card, the search box and the basket."""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from handouts.web import mailer
from handouts.web.pages import Words, render, ui_lang, view, web_of
from handouts.web.views.selection import draft_preview


def _query(request: Request) -> str:
    return request.query_params.get("q", "")[:200]


def _first(web, shown, q: str, lang: str) -> str | None:
    """The address Enter opens: the best match, in the language whose words
    matched ("calambres" opens the Spanish handout)."""
    for card in shown:
        entry = card.best_lang(q, lang)
        if entry:
            return f"/h/{entry.lang}/{card.slug}"
    return None


def _given(web) -> dict[str, int]:
    """Handouts given here lately (prints, downloads and emails), by slug."""
    counts = web.events.given()
    for e in mailer.emails(web.project, 500):
        if e.status in ("sent", "queued"):
            for item in e.items:
                slug = item.partition("/")[2]
                counts[slug] = counts.get(slug, 0) + 1
    return counts


@view()
async def index(request: Request) -> Response:
    web = web_of(request)
    q = _query(request)
    lang = ui_lang(request)
    cards = web.library.cards(prefer=lang)
    given = await run_in_threadpool(_given, web)
    # often given first (this clinic's own use), unless A-Z is asked for
    often = bool(given) and request.query_params.get("order") != "az"
    if often:
        cards = sorted(cards, key=lambda c: -given.get(c.slug, 0))     # stable: A-Z among equals
    shown = web.library.search(q, cards) if q.strip() else cards
    if request.query_params.get("go") and q.strip():
        # Enter in the search box: open the first match (works without script).
        first = _first(web, shown, q, lang)
        if first:
            return RedirectResponse(first, status_code=303)
    slugs = {c.slug for c in shown}
    ordered = shown + [c for c in cards if c.slug not in slugs]
    return render(request, "index.html", cards=cards, shown=slugs, ordered=ordered, q=q,
                  today=dt.date.today(), often=often, can_order=bool(given),
                  draft_preview=draft_preview(web))


@view()
async def search_json(request: Request) -> Response:
    """The matching slugs, best first, and the count in the page's words:
    the page's script filters with this."""
    web = web_of(request)
    q = _query(request)
    lang = ui_lang(request)
    cards = web.library.search(q, web.library.cards(prefer=lang))
    words = Words(web.words(lang))
    count = words("search_count" if q.strip() else "all_count", count=len(cards))
    return JSONResponse({"q": q, "slugs": [c.slug for c in cards], "count": count,
                         "none": words("search_none_live") if q.strip() and not cards else "",
                         "first": _first(web, cards, q, lang) if q.strip() else None},
                        headers={"vary": "Accept-Language, Cookie"})
