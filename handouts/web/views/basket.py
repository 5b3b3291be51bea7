"""The visit basket: several handouts, mixed languages, as one packet.

The basket lives in the address (``?item=en/leg-cramps&item=es/cvi-symptoms``),
so it needs no server state and works without script.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.errors import HandoutError
from handouts.project import LANG_RE, SLUG_RE
from handouts.web.pages import Web, error, options, problem_lines, render, view, web_of
from handouts.web.views.handout import default_paper, pdf_response

MAX_ITEMS = 12


def parse_items(values: list[str], web: Web) -> list[tuple[str, str]] | None:
    """``["en/leg-cramps", ...]`` -> ``[("en", "leg-cramps"), ...]``; None if
    any item is not a handout of the library."""
    items = []
    cards = {c.slug: c for c in web.library.cards()}
    for value in values[:MAX_ITEMS]:
        lang, _, slug = value.partition("/")
        if not (LANG_RE.match(lang) and SLUG_RE.match(slug)) or slug not in cards \
                or lang not in cards[slug].entries:
            return None
        if (lang, slug) not in items:
            items.append((lang, slug))
    return items


def items_query(items: list[tuple[str, str]]) -> str:
    return "&".join(f"item={lang}/{slug}" for lang, slug in items)


@view()
async def page(request: Request) -> Response:
    web = web_of(request)
    items = parse_items(request.query_params.getlist("item"), web)
    if items is None:
        return error(request, 404)
    paper, large = options(request, default_paper(web))
    cards = {c.slug: c for c in web.library.cards()}
    problems, pages = [], 0
    if items:
        try:
            pdf = await run_in_threadpool(web.renderer.packet, items, paper, large)
            pages = web.renderer.page_count(pdf)
        except HandoutError as exc:
            problems = problem_lines(exc, web)
    entries = [cards[slug].entries[lang] for lang, slug in items]
    query = items_query(items) + f"&paper={paper}" + ("&large=1" if large else "")
    return render(request, "packet.html", items=items, entries=entries, paper=paper, large=large,
                  problems=problems, pages=pages, query=query, item_query=items_query(items))


@view()
async def pdf(request: Request) -> Response:
    web = web_of(request)
    items = parse_items(request.query_params.getlist("item"), web)
    if not items:
        return error(request, 404)
    paper, large = options(request, default_paper(web))
    try:
        data = await run_in_threadpool(web.renderer.packet, items, paper, large)
    except HandoutError as exc:
        return error(request, 409, "error_unavailable", "\n".join(problem_lines(exc, web)))
    download = request.query_params.get("download") == "1"
    action = "download" if download else "print" if request.query_params.get("print") == "1" else None
    if action:
        await run_in_threadpool(web.events.add, request.state.session.staff or "", action, items)
    return pdf_response(data, "handouts-packet.pdf", download)


@view()
async def png(request: Request) -> Response:
    web = web_of(request)
    items = parse_items(request.query_params.getlist("item"), web)
    if not items:
        return error(request, 404)
    paper, large = options(request, default_paper(web))
    try:
        number = int(request.path_params.get("page", "1"))
        data = await run_in_threadpool(web.renderer.packet, items, paper, large)
        picture = await run_in_threadpool(web.renderer.png, data, number - 1, 700)
    except HandoutError:
        return error(request, 409, "error_unavailable")
    except (IndexError, ValueError):
        return error(request, 404)
    return Response(picture, media_type="image/png", headers={"cache-control": "private, no-cache"})
