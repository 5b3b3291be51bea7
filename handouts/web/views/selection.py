"""A selection of handouts: its page (preview, Print, Download, Email, options),
its PDF and its page pictures.

One handout is a selection of one, named in the path (``/h/es/leg-cramps``).
A visit packet (several handouts, mixed languages) names its items in the
address (``/packet?item=en/leg-cramps&item=es/cvi-symptoms``), so it needs no
server state and works without script. :func:`choose` reads the items and
options (paper, large print, language) for every view here and for the email
form (``views/email.py``): one parser, one set of rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from handouts.errors import HandoutError
from handouts.inputs import cached_brand
from handouts.library import Item, is_name
from handouts.project import LANG_RE
from handouts.web import mailer
from handouts.web.pages import Web, error, problem_lines, render, view, web_of

MAX_ITEMS = 12
PAPERS = ("letter", "a4")
THUMB_WIDTH = 360       # a card's picture on the front page
HANDOUT_WIDTH = 1000    # one handout's pages
PACKET_WIDTH = 700      # a packet's pages, side by side


@dataclass(frozen=True)
class Selection:
    """What a page, a PDF, a picture or an email is about."""

    items: tuple[Item, ...]    # in order, no repeats
    paper: str
    large: bool
    lang: str                  # the language asked for (the email's); the first item's if none
    packet: bool               # named as a packet (``/packet``), not as one handout

    @property
    def base(self) -> str:
        """The page's own path; its PDF and pictures hang off it."""
        if self.packet:
            return "/packet"
        return f"/h/{self.items[0].lang}/{self.items[0].slug}"

    @property
    def pdf_path(self) -> str:
        return "/packet.pdf" if self.packet else f"{self.base}/handout.pdf"

    @property
    def options_query(self) -> str:
        return f"paper={self.paper}" + ("&large=1" if self.large else "")

    @property
    def query(self) -> str:
        """Everything but the path that names this selection in an address."""
        items = "".join(f"item={lang}/{slug}&" for lang, slug in self.items) if self.packet else ""
        return items + self.options_query

    @property
    def filename(self) -> str:
        if self.packet:
            return "handouts-packet.pdf"
        first = self.items[0]
        return f"{first.slug}-{first.lang}{'-large-print' if self.large else ''}.pdf"


def choose(web: Web, params, named: tuple[str, str] | None = None) -> Selection | None:
    """The selection a query string or a form asks for; None (a 404) if any
    item is not a handout of the library. ``named`` is the (lang, slug) of a
    handout's own path; without it the items are ``item=lang/slug`` values.
    A bad paper size or language falls back to the clinic's paper and the
    first item's language."""
    cards = {c.slug: c for c in web.library.cards()}
    wanted = [named] if named else [v.partition("/")[::2] for v in params.getlist("item")[:MAX_ITEMS]]
    items: list[Item] = []
    for lang, slug in wanted:
        item = Item(lang, slug)
        if not (is_name(item) and len(lang) <= 12) or slug not in cards or lang not in cards[slug].entries:
            return None
        if item not in items:
            items.append(item)
    paper = params.get("paper")
    if paper not in PAPERS:
        paper = web.renderer.default_paper()
    large = params.get("large") in ("1", "on", "true")
    lang = params.get("lang") or ""
    if not (LANG_RE.match(lang) and len(lang) <= 12):
        lang = items[0].lang if items else ""
    return Selection(tuple(items), paper, large, lang, packet=named is None)


def _selection(request: Request) -> Selection | None:
    lang = request.path_params.get("lang")
    named = (lang, request.path_params.get("slug", "")) if lang is not None else None
    return choose(web_of(request), request.query_params, named)


def pdf_of(web: Web, sel: Selection) -> bytes:
    """The selection's PDF (raises HandoutError with what is wrong)."""
    return web.renderer.packet(list(sel.items), sel.paper, sel.large)


@view()
async def page(request: Request) -> Response:
    sel = _selection(request)
    if sel is None:
        return error(request, 404)
    return await show(request, sel)


async def show(request: Request, sel: Selection, status: int = 200, email: dict | None = None) -> Response:
    """The selection's page; ``email``: the email form as typed, with its
    problems or the address to check (``views/email.py`` shows the page again)."""
    web = web_of(request)
    cards = {c.slug: c for c in web.library.cards()}
    entries = [cards[slug].entries[lang] for lang, slug in sel.items]
    problems, pages = list(dict.fromkeys(p for e in entries for p in e.problems)), 0
    if entries and not problems:
        try:
            pages = web.renderer.page_count(await run_in_threadpool(pdf_of, web, sel))
        except HandoutError as exc:
            problems = problem_lines(exc, web)
    email = {"to": "", "name": "", "consent": False, "errors": {}, "check": "", **(email or {})}
    context = dict(sel=sel, items=list(sel.items), entries=entries, paper=sel.paper,
                   large=sel.large, problems=problems, pages=pages, query=sel.query,
                   today=dt.date.today(), email=email, status=status,
                   email_ready=await run_in_threadpool(mailer.configured, web.project),
                   printer=web.renderer.printer(),
                   drafts=[e for e in entries if e.draft], draft_preview=draft_preview(web))
    if sel.packet:
        langs = list(dict.fromkeys(lang for lang, _ in sel.items))
        return render(request, "packet.html", langs=langs, **context)
    card, entry = cards[sel.items[0].slug], entries[0]
    return render(request, "handout.html", card=card, entry=entry, langs=list(card.good), **context)


@view(post=True)
async def counted(request: Request) -> Response:
    """The page's Print and Download buttons POST here (app.js) to put the
    print or download into the activity log; a GET changes nothing, so
    another site cannot inflate the counts."""
    web = web_of(request)
    sel = _selection(request)
    action = request.state.form.get("action")
    if not sel or not sel.items:
        return error(request, 404)
    if action not in ("print", "download"):
        return error(request, 400)
    # the browser's print dialog was opened: whether it printed is the browser's to know
    await run_in_threadpool(web.events.add, request.state.session.staff or "", action, list(sel.items),
                            "dialog" if action == "print" else "")
    return Response(status_code=204)


def draft_preview(web: Web) -> bool:
    """Whether clinic.yaml lets staff open a draft's PDF (never email it)."""
    try:
        return cached_brand(web.project)[0].clinic.draft_preview
    except HandoutError:
        return False


def drafts(web: Web, sel: Selection) -> list:
    """The handouts of a selection whose words no clinician approved."""
    cards = {c.slug: c for c in web.library.cards()}
    return [cards[slug].entries[lang] for lang, slug in sel.items if cards[slug].entries[lang].draft]


@view()
async def pdf(request: Request) -> Response:
    web = web_of(request)
    sel = _selection(request)
    if not sel or not sel.items:
        return error(request, 404)
    if drafts(web, sel) and not draft_preview(web):   # a draft is not printed for a patient
        return error(request, 403, "draft_help")
    try:
        data = await run_in_threadpool(pdf_of, web, sel)
    except HandoutError as exc:
        return error(request, 409, "error_unavailable", "\n".join(problem_lines(exc, web)))
    disposition = "attachment" if request.query_params.get("download") == "1" else "inline"
    return Response(data, media_type="application/pdf", headers={
        "content-disposition": f'{disposition}; filename="{sel.filename}"',
        "cache-control": "private, no-cache",
    })


@view()
async def png(request: Request) -> Response:
    web = web_of(request)
    sel = _selection(request)
    if not sel or not sel.items:
        return error(request, 404)
    width = THUMB_WIDTH if request.query_params.get("size") == "thumb" \
        else PACKET_WIDTH if sel.packet else HANDOUT_WIDTH
    number = request.path_params.get("page", 1)
    try:
        data = await run_in_threadpool(pdf_of, web, sel)
        picture = await run_in_threadpool(web.renderer.png, data, number - 1, width)
    except HandoutError:
        return error(request, 409, "error_unavailable")
    except IndexError:
        return error(request, 404)
    return Response(picture, media_type="image/png", headers={"cache-control": "private, no-cache"})
