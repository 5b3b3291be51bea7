"""Sessions, sign-in, CSRF tokens, rate limits and strict headers.

Sessions live in server memory: the cookie carries only a random token
(HttpOnly, SameSite=Strict, expiring). Every session has its own CSRF token;
every POST must send it back or gets 403 and does nothing. When a staff
password is set, every page but the sign-in page needs a signed-in session.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "handouts_session"
SESSION_SECONDS = 8 * 3600          # one working day
FAILED_SIGNINS = 5                  # per client address ...
FAILED_WINDOW = 15 * 60             # ... within this many seconds

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: PDFs open in the browser's own viewer, which a 'none' default would block.
PDF_CSP = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@dataclass
class Session:
    token: str
    csrf: str
    staff: str | None          # None until signed in (when sign-in is needed)
    expires: float

    @property
    def signed_in(self) -> bool:
        return self.staff is not None


class Sessions:
    def __init__(self, seconds: int = SESSION_SECONDS):
        self.seconds = seconds
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, staff: str | None = None) -> Session:
        now = time.time()
        s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), staff, now + self.seconds)
        with self._lock:
            self._by_token = {t: v for t, v in self._by_token.items() if v.expires > now}
            self._by_token[s.token] = s
        return s

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


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class Limiter:
    """At most ``count`` events per ``seconds`` for each key."""

    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
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
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
