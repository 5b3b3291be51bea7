"""The EHR's doors: /infobutton, /cds-services and /cds-services/<id>.
Thin: who may ask, a rate limit, then handouts.ehr answers.

Who may ask is the page's rule: with no staff password (the page serves only
this computer) anyone here may; with one, a caller needs the bearer token from
HANDOUTS_EHR_TOKEN, or (for the GETs a clinician's browser opens) a signed-in
staff session. POST /cds-services/<id> takes no session cookie at all, only
the token, and only a JSON body: a browser on another site can send neither,
so there is nothing for a CSRF token to guard (docs/ehr.md).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from handouts.ehr import answers, cdshooks, infobutton
from handouts.web.pages import Web, web_of
from handouts.web.security import COOKIE, same


def _words(web: Web) -> answers.Words:
    return answers.Words(web.project, web.settings.ui_lang)


def _plain(message: str, status: int, headers: dict | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _bearer(request: Request, web: Web) -> bool | None:
    """True: the right token; False: a wrong one; None: none sent."""
    auth = request.headers.get("authorization")
    if auth is None:
        return None
    scheme, _, token = auth.partition(" ")
    return scheme.lower() == "bearer" and same(token.strip(), web.settings.ehr_token)


async def _guard(request: Request, browser: bool) -> Response | None:
    """None when the caller may ask; else the answer to send instead: a
    browser (it accepts text/html) is sent to sign in, anything else gets 401."""
    web = web_of(request)
    client = request.client.host if request.client else "?"
    wait = web.ehr_limiter.take(f"ehr:{client}")
    if wait:
        seconds = max(1, int(wait + 0.999))
        return _plain(_words(web)("error_too_many", seconds=seconds), 429,
                      {"retry-after": str(seconds)})
    if not web.staff_only:
        return None
    token = _bearer(request, web)
    if token:
        return None
    if token is None and browser:
        session = web.sessions.get(request.cookies.get(COOKIE))
        if session is not None and session.signed_in:
            return None
        if "text/html" in request.headers.get("accept", ""):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
    return _plain(_words(web)("error_auth"), 401, {"www-authenticate": 'Bearer realm="handouts"'})


async def infobutton_feed(request: Request) -> Response:
    denied = await _guard(request, browser=True)
    if denied is not None:
        return denied
    web = web_of(request)
    query = infobutton.parse(request.query_params)
    try:
        feed = await run_in_threadpool(infobutton.answer, web.project, query, _base(request),
                                       str(request.url), web.settings.ui_lang, lambda text: [
                                           card.slug for card in web.library.search(text)])
    except infobutton.InfobuttonError as exc:
        return _plain(str(exc), 400)
    if query.response_type == infobutton.JSON:
        return JSONResponse(infobutton.as_json(feed))
    if query.response_type == infobutton.HTML:
        return RedirectResponse(infobutton.page_for(feed, query), status_code=303)
    return Response(infobutton.atom(feed), media_type="text/xml; charset=utf-8")


async def discovery(request: Request) -> Response:
    denied = await _guard(request, browser=True)
    if denied is not None:
        return denied
    web = web_of(request)
    return JSONResponse(await run_in_threadpool(cdshooks.discovery, web.project, web.settings.ui_lang))


async def _body(request: Request) -> bytes | None:
    """The body, or None when it is larger than a hook request may be."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > cdshooks.MAX_BODY:
            return None
    return bytes(data)


async def service(request: Request) -> Response:
    denied = await _guard(request, browser=False)
    if denied is not None:
        return denied
    web = web_of(request)
    words = _words(web)
    name = request.path_params.get("service", "")
    if name != cdshooks.SERVICE_ID:
        return _plain(words("error_service", name=repr(name[:60])), 404)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return _plain(words("error_json"), 400)
    body = await _body(request)
    if body is None:
        return _plain(words("error_too_big", limit=cdshooks.MAX_BODY), 400)
    try:
        hook = cdshooks.read_request(body, words)
    except cdshooks.HookError as exc:
        return _plain(str(exc), 400)
    answer = await run_in_threadpool(cdshooks.cards, web.project, hook, _base(request),
                                     web.settings.ui_lang)
    return JSONResponse(answer)
