"""Sessions, sign-in throttling, CSRF tokens, rate limits and strict headers
(the gate every request passes first is in gate.py).

Sessions live in server memory: the cookie carries only a random token
(HttpOnly, SameSite=Strict, expiring); with several workers
(``HANDOUTS_SECRET_KEY``) the cookie carries the session itself, signed. Every session has its own CSRF token;
every POST must send it back or gets 403 and does nothing. When a staff
password is set, every page but the sign-in page needs a signed-in session.
See docs/security.md for the whole trust model.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from jinja2.sandbox import SecurityError
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handouts.templating import HandoutSandbox

COOKIE = "handouts_session"
SESSION_SECONDS = 8 * 3600          # one working day
FAILED_SIGNINS = 5                  # per client address ...
FAILED_WINDOW = 15 * 60             # ... within this many seconds

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
#: PDFs open in the browser's own viewer, which a 'none' default would block;
#: only the page itself may frame one (Print's hidden frame), no other site.
PDF_CSP = "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"


@dataclass
class Session:
    token: str
    csrf: str
    staff: str | None          # None until signed in (when sign-in is needed)
    expires: float

    @property
    def signed_in(self) -> bool:
        return self.staff is not None


#: Sessions held at most; the oldest go first (a cookieless request makes one).
MAX_SESSIONS = 10_000


class Sessions:
    """Server-side sessions. All last ``seconds`` from their start, so the
    oldest is always first in line: expired ones are dropped from the front
    (no scan of them all), and past ``cap`` the oldest is dropped too."""

    def __init__(self, seconds: int = SESSION_SECONDS, cap: int = MAX_SESSIONS):
        self.seconds, self.cap = seconds, cap
        self._by_token: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def _trim(self, now: float) -> None:
        while self._by_token:
            token, oldest = next(iter(self._by_token.items()))
            if oldest.expires > now and len(self._by_token) < self.cap:
                return
            del self._by_token[token]

    def new(self, staff: str | None = None) -> Session:
        now = time.time()
        s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), staff, now + self.seconds)
        with self._lock:
            self._trim(now)
            self._by_token[s.token] = s
        return s

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_token)

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            s = self._by_token.get(token)
            if s and s.expires <= time.time():
                del self._by_token[token]
                return None
            return s

    def end(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)


#: The shared secret that lets every worker read every worker's sessions.
SECRET_VAR = "HANDOUTS_SECRET_KEY"
SECRET_MIN = 32


class SignedSessions:
    """Sessions any worker (or machine) can read (``handouts serve --workers
    N``): the cookie carries who signed in, until when and a random id, signed
    with HMAC-SHA256 under ``HANDOUTS_SECRET_KEY``; the CSRF token is derived
    from the id with the same key. Nothing is stored. Signing out deletes the
    cookie and refuses the token in the worker that saw it; a copied cookie
    lasts until it expires elsewhere (docs/scaling.md)."""

    def __init__(self, key: str, seconds: int = SESSION_SECONDS):
        self.key, self.seconds = key.encode(), seconds
        self._ended: dict[str, float] = {}
        self._lock = threading.Lock()

    def _mac(self, purpose: str, text: str) -> str:
        digest = hmac.new(self.key, f"{purpose}:{text}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _session(self, token: str, staff: str | None, expires: float, nonce: str) -> Session:
        return Session(token, self._mac("csrf", nonce), staff, expires)

    def new(self, staff: str | None = None) -> Session:
        expires = int(time.time()) + self.seconds
        nonce = secrets.token_urlsafe(16)
        body = base64.urlsafe_b64encode(json.dumps([staff, expires, nonce]).encode()).decode()
        token = f"{body.rstrip('=')}.{self._mac('session', body.rstrip('='))}"
        return self._session(token, staff, expires, nonce)

    def __len__(self) -> int:
        return 0

    def get(self, token: str | None) -> Session | None:
        body, _, mac = (token or "").partition(".")
        if not body or not same(mac, self._mac("session", body)):
            return None
        try:
            staff, expires, nonce = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        with self._lock:
            if expires <= time.time() or token in self._ended:
                return None
        return self._session(token, staff, expires, nonce)

    def end(self, token: str | None) -> None:
        now = time.time()
        with self._lock:
            self._ended = {t: e for t, e in self._ended.items() if e > now}
            self._ended[token or ""] = now + self.seconds


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class Limiter:
    """At most ``count`` events per ``seconds`` for each key."""

    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        if key not in self._events and len(self._events) >= MAX_SESSIONS:   # bounded: drop idle keys
            self._events = {k: q for k, q in self._events.items() if q and q[-1] > now - self.seconds}
        q = self._events.setdefault(key, deque())
        while q and q[0] <= now - self.seconds:
            q.popleft()
        return q

    def blocked(self, key: str) -> float:
        """Seconds to wait before ``key`` may go again (0: go ahead)."""
        now = time.time()
        with self._lock:
            q = self._recent(key, now)
            return 0.0 if len(q) < self.count else q[0] + self.seconds - now

    def hit(self, key: str) -> None:
        with self._lock:
            self._recent(key, time.time()).append(time.time())

    def take(self, key: str) -> float:
        """Record an event if allowed; else the seconds to wait."""
        with self._lock:
            now = time.time()
            q = self._recent(key, now)
            if len(q) >= self.count:
                return q[0] + self.seconds - now
            q.append(now)
            return 0.0


class Throttle:
    """Sign-in throttling per client (the real one, behind a configured
    proxy): from the ``free``-th wrong password in a row, each one makes
    that client wait twice as long as the last (``first`` seconds, up
    to ``longest``) before it may try again. Nobody else waits, so no one
    can lock the staff out; a right password clears the client's count, and
    a client quiet for ``forget`` seconds starts afresh."""

    def __init__(self, free: int = 5, first: float = 2.0, longest: float = 600.0,
                 forget: float = 15 * 60, clock=time.monotonic):
        self.free, self.first, self.longest, self.forget = free, first, longest, forget
        self.clock = clock
        self._clients: OrderedDict[str, tuple[int, float, float]] = OrderedDict()  # fails, until, last
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds ``client`` must wait before it may try (0: go ahead)."""
        now = self.clock()
        with self._lock:
            fails, until, last = self._clients.get(client, (0, 0.0, 0.0))
            return max(0.0, until - now)

    def failed(self, client: str) -> tuple[int, float]:
        """Count a wrong password; (wrong ones in a row, seconds to wait now)."""
        now = self.clock()
        with self._lock:
            fails, until, last = self._clients.pop(client, (0, 0.0, now))
            if now - last > self.forget:
                fails = 0
            fails += 1
            delay = 0.0
            if fails >= self.free:
                delay = min(self.longest, self.first * 2 ** (fails - self.free))
            self._clients[client] = (fails, now + delay, now)
            while len(self._clients) > MAX_SESSIONS:          # bounded, oldest first
                self._clients.popitem(last=False)
            return fails, delay

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def clear(self) -> None:
        with self._lock:
            self._clients.clear()


class PageSandbox(HandoutSandbox):
    """The page's own templates (a project's ``templates/web/*.html`` too) run
    in the handout template's sandbox, and more: the app objects a page is
    given show only what the templates read (``exposed``), and nothing may be
    called but the functions a page is given (``callables``), jinja's own,
    and the methods of plain values (``"x".upper()``, ``d.items()``). So an
    override can neither reach Python nor read the staff password, write a
    file or add to the log through an object it was handed."""

    exposed: dict[type, frozenset[str]] = {
        Request: frozenset({"url"}), URL: frozenset({"path", "query"}),
        Session: frozenset({"csrf", "staff", "signed_in"}),
    }
    callables: frozenset = frozenset()
    _VALUES: tuple[type, ...] = (str, int, float, list, tuple, dict, set, frozenset, dt.date)

    def allow(self, exposed: dict[type, set[str]], callables: set, data: tuple[type, ...]) -> None:
        """``exposed``: app objects and the attributes templates may read;
        ``callables``: functions (or types) they may call; ``data``: the
        types of the view's plain data, whose methods they may call."""
        self.exposed = {**self.exposed, **{k: frozenset(v) for k, v in exposed.items()}}
        self.callables = frozenset(callables)
        self._VALUES = (*PageSandbox._VALUES, *data)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        if not __self.is_safe_callable(__obj):   # one short line, not the object's whole repr
            name = getattr(__obj, "__qualname__", type(__obj).__name__)
            raise SecurityError(f"a page template may not call {name}")
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        for kind, names in self.exposed.items():
            if isinstance(obj, kind):
                return attr in names
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(getattr(obj, "__self__", None), self._VALUES):
            return True                      # a method of a plain value
        func = getattr(obj, "__func__", obj)
        return (func in self.callables or type(obj) in self.callables
                or getattr(obj, "__module__", "").startswith("jinja2"))   # macros, loop.cycle, super()


class SecurityHeaders:
    """Strict headers on every response, whatever produced it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"server")]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                csp = PDF_CSP if ctype.startswith(b"application/pdf") else CSP
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    # same-origin, not no-referrer: with no-referrer a browser
                    # sends "Origin: null" on our own form posts (see Gate)
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"SAMEORIGIN" if csp is PDF_CSP else b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
