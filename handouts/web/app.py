"""Build the front-desk app: routes, error pages, strict headers."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import Route

from handouts import render
from handouts.ehr import cdshooks
from handouts.project import Project
from handouts.web import mailer
from handouts.web.pages import Settings, Web, error
from handouts.web.gate import Gate, Trust
from handouts.web.security import SecurityHeaders
from handouts.web.views import (activity, auth, ehr, email, index, language, printer, selection,
                                  static)

log = logging.getLogger("handouts.web")

class PageNumber(Convertor):
    """``page-1.png`` to ``page-9999.png``: anything else is not a page (404),
    never a number too long to read (it was a 500)."""

    regex = "[1-9][0-9]{0,3}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("page", PageNumber())

ROUTES = [
    Route("/", index.index),
    Route("/search.json", index.search_json),
    Route("/h/{lang}/{slug}", selection.page),            # one handout
    Route("/h/{lang}/{slug}/handout.pdf", selection.pdf, methods=["GET", "HEAD"]),
    Route("/h/{lang}/{slug}/handout.pdf", selection.counted, methods=["POST"]),   # a print or download
    Route("/h/{lang}/{slug}/page-{page:page}.png", selection.png),
    Route("/packet", selection.page),                      # several: ?item=en/leg-cramps&...
    Route("/packet.pdf", selection.pdf, methods=["GET", "HEAD"]),
    Route("/packet.pdf", selection.counted, methods=["POST"]),
    Route("/packet/page-{page:page}.png", selection.png),
    Route("/email", email.send, methods=["POST"]),
    Route("/email/cancel", email.cancel, methods=["POST"]),
    Route("/activity", activity.page),
    Route("/language", language.choose, methods=["POST"]),
    Route("/print", printer.send, methods=["POST"]),
    Route("/signin", auth.signin_form, methods=["GET"]),
    Route("/signin", auth.signin, methods=["POST"]),
    Route("/signout", auth.signout, methods=["POST"]),
    Route("/static/{name}", static.static),
    Route("/infobutton", ehr.infobutton_feed, methods=["GET"]),
    Route("/cds-services", ehr.discovery, methods=["GET"]),
    Route("/cds-services/{service}", ehr.service, methods=["POST"]),
]


async def _http_error(request: Request, exc: HTTPException):
    return error(request, exc.status_code if exc.status_code in (403, 404, 405, 429) else 400)


async def _crash(request: Request, exc: Exception):
    log.error("unexpected error on %s %s: %s: %s", request.method, request.url.path,
              type(exc).__name__, exc)
    return error(request, 500)


async def _retry_outbox(web: Web) -> None:
    """While the page runs, messages waiting in the outbox are tried again
    every ``outbox_retry_seconds``."""
    while True:
        await asyncio.sleep(web.settings.outbox_retry_seconds)
        try:
            await run_in_threadpool(mailer.retry_outbox, web.project)
        except Exception as exc:  # never let the loop die
            log.error("outbox retry failed: %s: %s", type(exc).__name__, exc)


def create_app(project: Project | None = None, settings: Settings | None = None) -> Starlette:
    project = project or Project.find()
    web = Web(project, settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if web.settings.ready_at_start:     # `handouts serve`: brand loaded, start-up frozen
            await run_in_threadpool(render.ready, web.project)
        task = None
        if web.settings.outbox_retry_seconds > 0:
            task = asyncio.create_task(_retry_outbox(web))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = Starlette(
        debug=False, routes=ROUTES,
        middleware=[Middleware(SecurityHeaders),   # outermost: its headers go on the gate's refusals too
                    Middleware(Gate, trust=Trust(web.settings.hosts, web.settings.proxies,
                                                 larger=(("/cds-services/", cdshooks.MAX_BODY),)))],
        exception_handlers={HTTPException: _http_error, Exception: _crash}, lifespan=lifespan,
    )
    app.router.redirect_slashes = False     # its redirects are absolute, with the request's Host
    app.state.web = web
    return app
