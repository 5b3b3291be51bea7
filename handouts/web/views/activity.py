"""Recent activity and this week's counts: prints and downloads from the
page's own log, emails from the delivery log (addresses masked; no other
patient data)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.web import mailer
from handouts.web.events import Event
from handouts.web.pages import render, view, web_of

SHOWN = 25


def _activity(web) -> tuple[list[Event], dict[str, int]]:
    events = web.events.recent(SHOWN)
    for e in mailer.emails(web.project, SHOWN):
        events.append(Event(e.at, e.staff, "email", e.items, e.masked, e.status, e.reason))
    events.sort(key=lambda e: e.at, reverse=True)
    counts = web.events.week_counts()
    counts["email"] = mailer.emailed_this_week(web.project)
    return events[:SHOWN], counts


@view()
async def page(request: Request) -> Response:
    web = web_of(request)
    events, counts = await run_in_threadpool(_activity, web)
    titles = {}
    for card in web.library.cards():
        for lang, entry in card.good.items():
            titles[f"{lang}/{card.slug}"] = entry.article.title
    return render(request, "activity.html", events=events, counts=counts, titles=titles)
