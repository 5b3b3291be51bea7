"""Sign-in and sign-out (only when a staff password is set)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from handouts.web.pages import error, render, safe_next, set_cookie, view, web_of
from handouts.web.security import COOKIE, same

MAX_NAME = 40
log = logging.getLogger("handouts.web")


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


@view(public=True)
async def signin_form(request: Request) -> Response:
    web = web_of(request)
    if not web.staff_only or request.state.session.signed_in:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return render(request, "signin.html", next=safe_next(request.query_params.get("next")),
                  problem=None, name="")


@view(post=True, public=True)
async def signin(request: Request) -> Response:
    web = web_of(request)
    form = request.state.form
    target = safe_next(form.get("next"))
    if not web.staff_only:
        return RedirectResponse(target, status_code=303)
    client = _client(request)
    wait = web.signin_throttle.wait(client)
    if wait:     # this computer's own wrong guesses; nobody else's
        return error(request, 429, "signin_too_many", headers={"retry-after": str(int(wait) + 1)})
    name = " ".join((form.get("name") or "").split())[:MAX_NAME]
    if not same(form.get("password"), web.settings.password):
        fails, delay = web.signin_throttle.failed(client)
        # the name masked: people sometimes type the password into it
        log.warning("wrong staff password from %s (name %s), %d in a row%s", client,
                    (name[:1] + "•••") if name else "(none)", fails,
                    f"; it waits {delay:.0f} s before the next try" if delay else "")
        return render(request, "signin.html", status=401, next=target, problem="signin_wrong", name=name)
    web.signin_throttle.succeeded(client)
    if not name:
        return render(request, "signin.html", status=400, next=target, problem="signin_no_name", name="")
    web.sessions.end(request.state.session.token)
    session = web.sessions.new(name)      # a new token after sign-in
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, session)
    return response


@view(post=True, public=True)
async def signout(request: Request) -> Response:
    web = web_of(request)
    web.sessions.end(request.state.session.token)
    response = RedirectResponse("/signin" if web.staff_only else "/", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response
