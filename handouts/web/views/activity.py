"""Recent activity and this week's counts (no patient data: addresses masked)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.web.pages import render, view, web_of


@view()
async def page(request: Request) -> Response:
    web = web_of(request)
    events = await run_in_threadpool(web.events.recent, 25)
    counts = await run_in_threadpool(web.events.week_counts)
    titles = {}
    for card in web.library.cards():
        for lang, entry in card.good.items():
            titles[f"{lang}/{card.slug}"] = entry.article.title
    return render(request, "activity.html", events=events, counts=counts, titles=titles)
