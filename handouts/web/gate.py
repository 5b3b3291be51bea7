"""The gate every request meets first: which host names the page answers
to, whose proxy headers it believes, which origins may post, and how big a
request body may be (docs/security.md)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from handouts.address import is_loopback

#: Form posts are a few hundred bytes; this is far more than any of ours.
MAX_BODY = 64 * 1024
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _networks(addresses) -> tuple:
    return tuple(ipaddress.ip_network(a.strip().strip("[]"), strict=False) for a in addresses)


@dataclass(frozen=True)
class Trust:
    """``hosts``: the names the page answers to besides this computer's
    (``localhost``, 127.0.0.0/8, ``::1``), such as the public name behind a
    proxy; ``proxies``: the addresses (or networks) of reverse proxies whose
    X-Forwarded-For and X-Forwarded-Proto are believed; ``max_body``: the
    largest request body, and ``larger``: (path prefix, limit) pairs for the
    views that take more (an EHR's JSON) and bound their own reading."""

    hosts: tuple[str, ...] = ()
    proxies: tuple[str, ...] = ()
    max_body: int = MAX_BODY
    larger: tuple[tuple[str, int], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "hosts", tuple(normal_host(h) for h in self.hosts))
        object.__setattr__(self, "_proxy_nets", _networks(self.proxies))

    def host_ok(self, name: str | None) -> bool:
        if not name:
            return False
        return name in self.hosts or is_loopback(name)   # the one loopback rule

    def body_limit(self, path: str) -> int:
        return next((limit for prefix, limit in self.larger if path.startswith(prefix)), self.max_body)

    def is_proxy(self, address: str | None) -> bool:
        ip = _ip(address or "")
        return ip is not None and any(ip in net for net in self._proxy_nets)


def normal_host(name: str) -> str:
    """``Example.ORG.`` -> ``example.org``; ``[::1]`` -> ``::1``."""
    return name.strip().lower().rstrip(".").strip("[]")


def _host_and_port(value: str) -> tuple[str | None, int | None]:
    """A Host header's name and port (None, None when it is not one)."""
    try:
        parts = urlsplit("//" + value)
        return (normal_host(parts.hostname) if parts.hostname else None), parts.port
    except ValueError:
        return None, None


def _origin_of(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        return parts.scheme, normal_host(parts.hostname), parts.port or _DEFAULT_PORT[parts.scheme]
    except ValueError:
        return None


_DEFAULT_PORT = {"http": 80, "https": 443}


def _header(scope: Scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", []) if k.lower() == name]
    return values[-1].decode("latin-1") if values else None


class Gate:
    """The first thing every request meets.

    - Behind a configured proxy (and only then), the real client address and
      scheme come from X-Forwarded-For and X-Forwarded-Proto; from anyone else
      those headers are dropped.
    - A Host that is not one of ours is refused (400): a page on another site
      that re-points its own name at this computer (DNS rebinding) can read
      nothing and take no CSRF token.
    - A POST whose Origin (or, without one, Referer) is not this page is
      refused (403) before its body is read.
    - A body over ``max_body``, or one of unknown length, is refused (413,
      411) before it is read.
    """

    def __init__(self, app: ASGIApp, trust: Trust):
        self.app, self.trust = app, trust

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = self._forwarded(scope)
        refusal = self._refusal(scope)
        if refusal is not None:
            status, words = refusal
            # the body is never read; the connection is not kept for another request
            response = PlainTextResponse(words + "\n", status_code=status,
                                         headers={"connection": "close"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _forwarded(self, scope: Scope) -> Scope:
        headers = scope.get("headers", [])
        client = scope.get("client")
        forwarded = [(k, v) for k, v in headers if k.lower().startswith(b"x-forwarded-")]
        if not forwarded:
            return scope
        if not (client and self.trust.is_proxy(client[0])):
            return {**scope, "headers": [(k, v) for k, v in headers if (k, v) not in forwarded]}
        scope = dict(scope)
        chain = [a.strip() for a in (_header(scope, b"x-forwarded-for") or "").split(",") if a.strip()]
        # the proxy appends; the right-most address that is not a proxy of ours is the client
        for hop in reversed(chain):
            if _ip(hop) is None:
                break
            if not self.trust.is_proxy(hop):
                scope["client"] = (str(_ip(hop)), 0)
                break
        proto = (_header(scope, b"x-forwarded-proto") or "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        return scope

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        host_header = _header(scope, b"host") or ""
        name, port = _host_and_port(host_header)
        if not self.trust.host_ok(name):
            return 400, ("This page answers only to its own address: open it with the address "
                         "handouts serve printed.")
        if scope["method"] in SAFE_METHODS:
            return None
        ours = (scope.get("scheme", "http"), name, port or _DEFAULT_PORT.get(scope.get("scheme"), 80))
        claimed = _header(scope, b"origin")
        if claimed is None:
            claimed = _header(scope, b"referer")
        if claimed is not None and _origin_of(claimed) != ours:
            return 403, "Refused: this form was sent from another site."
        length = _header(scope, b"content-length")
        if length is None:
            if _header(scope, b"transfer-encoding"):
                return 411, "Refused: the request must say its length."
        elif not length.strip().isdigit():
            return 400, "Refused: the request's length is not a number."
        elif int(length) > self.trust.body_limit(scope.get("path", "")):
            return 413, "Refused: the request is too large."
        return None
