"""The page's language, switched on the page and remembered in a cookie
(``pages.ui_lang`` reads it before the browser's Accept-Language)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from handouts.web.pages import LANG_COOKIE, safe_next, view, web_of

YEAR = 365 * 24 * 3600


@view(post=True, public=True)
async def choose(request: Request) -> Response:
    web = web_of(request)
    form = request.state.form
    target = safe_next(form.get("next"))
    if target.startswith("/email"):        # a form's answer has no address to go back to
        target = "/"
    response = RedirectResponse(target, status_code=303)
    lang = form.get("lang") or ""
    if lang in web.ui_langs():
        response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, path="/", httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")
    return response
