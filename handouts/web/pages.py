"""What every view shares: the page templates, the page's words, sessions and
the wrapper that checks sign-in and CSRF before a view runs."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import quote

import logging

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from handouts import catalog, templating
from handouts.errors import HandoutError, TemplateError
from handouts.project import Project, bundled_root
from handouts.scripts import script_of
from handouts.web.events import EventLog
from handouts.web.library import Card, Entry, Library
from handouts.web.render import Renderer
from handouts.web.security import (COOKIE, Limiter, PageSandbox, Session, Sessions,
                                   SignedSessions, Throttle, same)

log = logging.getLogger("handouts.web")
LANG_COOKIE = "handouts_lang"      # the page's language, as chosen on the page
HERE = Path(__file__).resolve().parent


@dataclass
class Settings:
    password: str | None = None           # HANDOUTS_STAFF_PASSWORD; None: no sign-in
    ui_lang: str = "en"                   # the page's language when the browser names none we have
    emails_per_minute: int = 10
    failed_signins: int = 5
    failed_window: float = 15 * 60
    session_seconds: int = 8 * 3600       # one working day
    outbox_retry_seconds: float = 120     # try waiting emails again this often (0: never)
    ehr_token: str | None = None          # HANDOUTS_EHR_TOKEN: a bearer token for EHR servers
    ehr_requests_per_minute: int = 300    # per client address, for /infobutton and /cds-services
    hosts: tuple[str, ...] = ()           # names served besides this computer's (docs/security.md)
    proxies: tuple[str, ...] = ()         # reverse proxies whose X-Forwarded-* are believed
    secret_key: str | None = None         # HANDOUTS_SECRET_KEY: signed sessions any worker reads
    ready_at_start: bool = False          # load the brand and freeze start-up (render.ready): `handouts serve`


@dataclass
class Web:
    """Everything the views need, one per app."""

    project: Project
    settings: Settings
    library: Library = None
    renderer: Renderer = None
    sessions: Sessions = None
    env: jinja2.Environment = None

    def __post_init__(self):
        self.library = self.library or Library(self.project)
        self.renderer = self.renderer or Renderer(self.project)
        if self.sessions is None:
            self.sessions = (SignedSessions(self.settings.secret_key, self.settings.session_seconds)
                             if self.settings.secret_key else Sessions(self.settings.session_seconds))
        self.events = EventLog(self.project)
        self.signin_throttle = Throttle(free=self.settings.failed_signins,
                                        forget=self.settings.failed_window)
        self.email_limiter = Limiter(self.settings.emails_per_minute, 60)   # per client
        self.ehr_limiter = Limiter(self.settings.ehr_requests_per_minute, 60)
        own = self.project.root / "templates" / "web"
        # sandboxed like the handout template: an override cannot reach Python (docs/security.md)
        self.env = templating.environment(own, HERE / "templates", sandbox=PageSandbox)
        self.env.allow({Web: {"staff_only"}}, {Words, LangName, DateText, quote},
                       data=(Card, Entry))

    def words(self, lang: str | None = None) -> catalog.Catalog:
        return catalog.load(self.project.templates, bundled_root() / "templates",
                            lang or self.settings.ui_lang)

    def ui_langs(self) -> list[str]:
        """The languages the page can speak: those with a catalog."""
        return catalog.languages(self.project.templates, bundled_root() / "templates")

    def lang_name(self, lang: str, ui: str | None = None) -> str:
        """``lang``'s name in the language ``ui`` (its own name, from its
        catalog, when ``ui`` is ``lang``; catalog.language_name), capitalised
        as a label."""
        name = catalog.language_name(self.project.templates, bundled_root() / "templates", lang,
                                     ui or self.settings.ui_lang)
        return name[:1].upper() + name[1:]

    def date(self, value: dt.date | None, ui: str | None = None) -> str:
        return templating.longdate(value, ui or self.settings.ui_lang)

    @property
    def staff_only(self) -> bool:
        return bool(self.settings.password)


def web_of(request: Request) -> Web:
    return request.app.state.web


def accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    wanted = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            wanted.append((-q, i, tag.strip().lower()))
    return [tag for _, _, tag in sorted(wanted)]


def ui_lang(request: Request) -> str:
    """The page's language for this request: the one chosen on the page
    (its cookie), else the first the browser asks for that has a catalog,
    else the server's ``--ui-lang``."""
    cached = getattr(request.state, "ui_lang", None)
    if cached:
        return cached
    web = web_of(request)
    known = web.ui_langs()
    chosen = request.cookies.get(LANG_COOKIE, "")
    lang = chosen if chosen in known else None
    for tag in ([] if lang else accepted(request.headers.get("accept-language", ""))):
        lang = browser_match(tag, known)
        if lang:
            break
    request.state.ui_lang = lang = lang or web.settings.ui_lang
    return lang


def browser_match(tag: str, known: list[str]) -> str | None:
    """The language a browser's tag (lower case) asks for among ``known``: the
    same tag, else one of its language in the same script (``zh-cn`` and
    ``zh`` are ``zh-Hans`` by CLDR's likely script; ``zh-tw`` is not), else
    its base language (``en-us`` is ``en``)."""
    lower = {k.lower(): k for k in known}
    if tag in lower:
        return lower[tag]
    base = tag.split("-")[0]
    script = script_of(tag).code
    same = [k for k in known if "-" in k and k.split("-")[0].lower() == base and script_of(k).code == script]
    return same[0] if same else lower.get(base)


class Words:
    """``t("key", name=value)`` in templates: the ``web.`` section of the catalog."""

    def __init__(self, cat: catalog.Catalog):
        self.cat = cat

    def __call__(self, key: str, **values) -> str:
        if f"web.{key}.other" in self.cat.words:     # a phrase with plural forms
            return self.cat.plural(f"web.{key}", **values)
        text = self.cat[f"web.{key}"]
        return text.format(**values) if values else text


class LangName:
    """``lang_name("es")`` in templates: a language's name in the page's
    language (``lang_name("es", "es")``: in its own, for the switch)."""

    def __init__(self, web: Web, ui: str):
        self.web, self.ui = web, ui

    def __call__(self, code: str, ui: str | None = None) -> str:
        return self.web.lang_name(code, ui or self.ui)


class DateText:
    """``date(d)`` in templates: a long date in the page's language."""

    def __init__(self, web: Web, ui: str):
        self.web, self.ui = web, ui

    def __call__(self, value) -> str:
        return self.web.date(value, self.ui)


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    web = web_of(request)
    session: Session | None = getattr(request.state, "session", None)
    lang = ui_lang(request)
    words = Words(web.words(lang))
    try:
        html = templating.render(web.env, template, dict(
            t=words, request=request, web=web, session=session, ui_lang=lang, ui_langs=web.ui_langs(),
            ui_dir="rtl" if words.cat.script().rtl else "ltr",   # the catalog's script: wins over CLDR's
            lang_name=LangName(web, lang), date=DateText(web, lang), quote=quote, **context))
    except TemplateError as exc:     # a project's template refused: its file and line, never a traceback
        lines = problem_lines(exc, web)
        log.error("page template refused: %s", "; ".join(lines))
        if template == "error.html":
            raise
        return error(request, 500, detail="\n".join(lines))
    # one address answers in the language the browser or the page's switch asked for
    return HTMLResponse(html, status_code=status, headers={"vary": "Accept-Language, Cookie"})


def error(request: Request, status: int, message_key: str | None = None, detail: str | None = None,
          headers: dict | None = None) -> HTMLResponse:
    key = message_key or {403: "error_forbidden", 404: "error_not_found", 405: "error_method",
                          429: "error_too_many"}.get(status, "error_server")
    try:
        response = render(request, "error.html", status=status, message_key=key, detail=detail)
    except Exception:   # the error page itself must never fail with a traceback
        response = HTMLResponse("<!doctype html><title>Error</title><p>Something went wrong.</p>",
                                status_code=status)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def problem_lines(exc: HandoutError, web: Web) -> list[str]:
    return list(dict.fromkeys(web.library.describe(p) for p in exc.problems))


def safe_next(value: str | None) -> str:
    """Only a local path is a place to go back to after sign-in."""
    if value and re.fullmatch(r"/[A-Za-z0-9/_\-.?=&%]*", value) and not value.startswith("//"):
        return value          # no backslash (browsers read /\evil.example as //evil.example)
    return "/"


View = Callable[[Request], Awaitable[Response]]


def view(post: bool = False, public: bool = False):
    """Wrap a view: find or start the session, require sign-in (unless
    ``public``), and for a POST require the session's CSRF token."""

    def wrap(fn: View) -> View:
        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            try:
                return await guarded(request)
            except Exception as exc:   # a bug: log one line, show a plain page, never a traceback
                log.error("unexpected error on %s %s: %s: %s", request.method, request.url.path,
                          type(exc).__name__, exc)
                return error(request, 500)

        async def guarded(request: Request) -> Response:
            web = web_of(request)
            session = web.sessions.get(request.cookies.get(COOKIE))
            fresh = None
            if session is None:
                fresh = session = web.sessions.new(None if web.staff_only else "")
            request.state.session = session
            if post:
                # a new session cannot hold the token, and one not signed in may not post:
                # refused before the body is read (its size is bounded by the gate)
                if fresh is not None:
                    response = error(request, 403, "error_csrf")
                elif not public and not session.signed_in:
                    response = error(request, 403)
                else:
                    response = await _posted(request, fn, session)
            elif not public and not session.signed_in:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
            else:
                response = await fn(request)
            if fresh is not None:
                set_cookie(request, response, fresh)
            return response

        endpoint.is_post = post
        return endpoint

    return wrap


#: No field of ours comes near this; a bigger one is a mistake or an attack.
MAX_FIELD = 8 * 1024


async def _posted(request: Request, fn: View, session: Session) -> Response:
    """Read the form (a malformed or oversized one is a 400), check its CSRF
    token, then run the view."""
    try:
        form = await request.form(max_files=0, max_fields=100, max_part_size=MAX_FIELD)
    except HTTPException:       # what Starlette makes of a malformed or oversized form
        return error(request, 400)
    if any(isinstance(v, str) and len(v) > MAX_FIELD for v in form.values()):
        return error(request, 400)
    request.state.form = form
    if not same(form.get("csrf"), session.csrf):
        return error(request, 403, "error_csrf")
    return await fn(request)


def set_cookie(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(COOKIE, session.token, max_age=web_of(request).sessions.seconds, path="/",
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
