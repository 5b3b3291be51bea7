"""One handout: a large preview, language, paper and large print; Print,
Download and Email. Also its PDF and its page pictures."""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.errors import HandoutError
from handouts.web.pages import Web, error, options, problem_lines, render, slug_lang, view, web_of

THUMB_WIDTH = 360
LARGE_WIDTH = 1000


def default_paper(web: Web) -> str:
    return web.renderer.default_paper()


def find(request: Request):
    """The card and entry a URL names, or None (a 404)."""
    web = web_of(request)
    named = slug_lang(request)
    if named is None:
        return None
    lang, slug = named
    card = web.library.card(slug)
    if card is None or lang not in card.entries:
        return None
    return card, card.entries[lang]


def pdf_response(pdf: bytes, name: str, download: bool) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'{disposition}; filename="{name}"',
        "cache-control": "private, no-cache",
    })


@view()
async def page(request: Request) -> Response:
    web = web_of(request)
    found = find(request)
    if found is None:
        return error(request, 404)
    card, entry = found
    paper, large = options(request, default_paper(web))
    problems, pages = list(entry.problems), 0
    if entry.ok:
        try:
            pdf = await run_in_threadpool(web.renderer.pdf, card.slug, entry.lang, paper, large)
            pages = web.renderer.page_count(pdf)
        except HandoutError as exc:
            problems = problem_lines(exc, web)
    query = f"paper={paper}" + ("&large=1" if large else "")
    return render(request, "handout.html", status=200, card=card, entry=entry, paper=paper,
                  large=large, problems=problems, pages=pages, query=query, today=dt.date.today())


@view()
async def pdf(request: Request) -> Response:
    web = web_of(request)
    found = find(request)
    if found is None:
        return error(request, 404)
    card, entry = found
    paper, large = options(request, default_paper(web))
    try:
        data = await run_in_threadpool(web.renderer.pdf, card.slug, entry.lang, paper, large)
    except HandoutError as exc:
        return error(request, 409, "error_unavailable", "\n".join(problem_lines(exc, web)))
    download = request.query_params.get("download") == "1"
    action = "download" if download else "print" if request.query_params.get("print") == "1" else None
    if action:
        await run_in_threadpool(web.events.add, request.state.session.staff or "", action,
                                [(entry.lang, card.slug)])
    suffix = "-large-print" if large else ""
    return pdf_response(data, f"{card.slug}-{entry.lang}{suffix}.pdf", download)


@view()
async def png(request: Request) -> Response:
    web = web_of(request)
    found = find(request)
    if found is None:
        return error(request, 404)
    card, entry = found
    paper, large = options(request, default_paper(web))
    width = THUMB_WIDTH if request.query_params.get("size") == "thumb" else LARGE_WIDTH
    try:
        number = int(request.path_params.get("page", "1"))
    except ValueError:
        return error(request, 404)
    try:
        data = await run_in_threadpool(web.renderer.pdf, card.slug, entry.lang, paper, large)
        picture = await run_in_threadpool(web.renderer.png, data, number - 1, width)
    except HandoutError:
        return error(request, 409, "error_unavailable")
    except IndexError:
        return error(request, 404)
    return Response(picture, media_type="image/png", headers={"cache-control": "private, no-cache"})
