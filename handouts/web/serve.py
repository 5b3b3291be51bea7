"""Run the page with uvicorn: check the address is safe first."""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket

from handouts.address import is_loopback
from handouts.errors import HandoutError
from handouts.project import Project

PASSWORD_VAR = "HANDOUTS_STAFF_PASSWORD"
EHR_TOKEN_VAR = "HANDOUTS_EHR_TOKEN"
EHR_TOKEN_MIN = 20


class ServeError(HandoutError):
    """The server cannot start as asked."""


def _names(host: str, public: tuple[str, ...], proxies: tuple[str, ...]) -> tuple[str, ...]:
    """The host names to serve besides this computer's: ``--public-host``
    names, and the address listened on when it is one address."""
    from handouts.web.gate import normal_host

    names = []
    for name in public:
        if not re.fullmatch(r"\[?[A-Za-z0-9.:_-]+\]?", name.strip()) or not normal_host(name):
            raise ServeError.at(None, None, "--public-host",
                                f"{name!r} is not a host name; write the name staff type in the "
                                f"browser, such as handouts.clinic.example (no http://, no path)")
        names.append(normal_host(name))
    for address in proxies:
        try:
            ipaddress.ip_network(address.strip().strip("[]"), strict=False)
        except ValueError:
            raise ServeError.at(None, None, "--proxy",
                                f"{address!r} is not an IP address; give the address your reverse "
                                f"proxy connects from, such as 127.0.0.1") from None
    if proxies and not public:
        raise ServeError.at(None, None, "--proxy",
                            "behind a proxy the page needs its public name too: add --public-host "
                            "with the name staff type in the browser")
    if host not in ("0.0.0.0", "::"):
        names.append(normal_host(host))
    return tuple(dict.fromkeys(names))


def _secret(environ, workers: int) -> str | None:
    """HANDOUTS_SECRET_KEY: needed by several workers to read each other's
    sessions and forms (signed cookies)."""
    from handouts.web.security import SECRET_MIN, SECRET_VAR

    secret = environ.get(SECRET_VAR) or None
    hint = "(for example the output of: python -c \"import secrets; print(secrets.token_urlsafe(48))\")"
    if secret is None and workers > 1:
        raise ServeError.at(None, None, "--workers",
                            f"{workers} workers share sign-ins and forms only with a shared secret: set "
                            f"{SECRET_VAR} to at least {SECRET_MIN} random characters {hint}")
    if secret is not None and len(secret) < SECRET_MIN:
        raise ServeError.at(None, None, SECRET_VAR, f"must be at least {SECRET_MIN} characters {hint}")
    return secret


def settings_for(host: str, environ=os.environ, ui_lang: str = "en",
                 public: tuple[str, ...] = (), proxies: tuple[str, ...] = (), workers: int = 1):
    """The app's settings for this bind address, or a ServeError saying why
    it must not start."""
    from handouts.web.pages import Settings

    password = environ.get(PASSWORD_VAR) or None
    if not is_loopback(host) and not password:
        raise ServeError.at(None, None, "--host",
                            f"{host} can be reached from other computers, so the page needs a staff "
                            f"password: set the environment variable {PASSWORD_VAR} and start again "
                            f"(or leave out --host to serve only this computer)")
    if password is not None and len(password) < 8:
        raise ServeError.at(None, None, PASSWORD_VAR, "the staff password must be at least 8 characters")
    try:
        per_minute = int(environ.get("HANDOUTS_EMAILS_PER_MINUTE", "10"))
    except ValueError:
        raise ServeError.at(None, None, "HANDOUTS_EMAILS_PER_MINUTE", "must be a whole number") from None
    token = environ.get(EHR_TOKEN_VAR) or None
    if token is not None and (len(token) < EHR_TOKEN_MIN or not token.isprintable() or " " in token):
        raise ServeError.at(None, None, EHR_TOKEN_VAR,
                            f"the EHR token must be at least {EHR_TOKEN_MIN} characters, without spaces "
                            f"(for example the output of: python -c \"import secrets; print(secrets.token_urlsafe(32))\")")
    return Settings(password=password, ui_lang=ui_lang, emails_per_minute=max(1, per_minute),
                    ehr_token=token, hosts=_names(host, tuple(public), tuple(proxies)),
                    proxies=tuple(proxies), secret_key=_secret(environ, workers), ready_at_start=True)


def url_for(host: str, port: int) -> str:
    shown = host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
    elif ":" in host and not host.startswith("["):
        shown = f"[{host}]"
    return f"http://{shown}:{port}/"


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is announced, or a
    ServeError in one line: a port in use names a free one to use instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError.at(None, None, "--port",
                                f"port {port} is in use; stop the other program or use "
                                f"--port {_free_port(host, port)}") from None
        if exc.errno == errno.EACCES:
            raise ServeError.at(None, None, "--port",
                                f"port {port} needs administrator rights here; use a port "
                                f"above 1023, such as --port 8000") from None
        raise ServeError.at(None, None, "--host",
                            f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    return sock


def _free_port(host: str, busy: int) -> int:
    """The next port after ``busy`` that nothing listens on (a suggestion)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in range(busy + 1, min(busy + 100, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host.strip("[]"), port))
            except OSError:
                continue
            return port
    return busy + 1


#: How the parent tells each worker what to serve (``worker_app``).
WORKER_VAR = "HANDOUTS_SERVE_WORKER"


def worker_app():
    """The app in one worker process of ``handouts serve --workers N``, as the
    parent described it in HANDOUTS_SERVE_WORKER. Each worker has its own
    render cache and its own outbox retry loop (claims keep them apart)."""
    import json

    from handouts.web.app import create_app

    args = json.loads(os.environ[WORKER_VAR])
    project = Project.find(args["project"]) if args["project"] else Project.find()
    settings = settings_for(args["host"], ui_lang=args["ui_lang"], public=tuple(args["public"]),
                            proxies=tuple(args["proxies"]), workers=args["workers"])
    return create_app(project, settings)


def serve(project: Project, host: str, port: int, ui_lang: str = "en", echo=print,
          public: tuple[str, ...] = (), proxies: tuple[str, ...] = (), workers: int = 1) -> None:
    """Serve until Ctrl-C (uvicorn stops cleanly on SIGINT and SIGTERM).
    ``public``: more host names to answer to; ``proxies``: reverse proxies
    whose X-Forwarded-For and X-Forwarded-Proto are believed; ``workers``:
    processes sharing the port (HANDOUTS_SECRET_KEY needed past one)."""
    import json

    import uvicorn

    from handouts import catalog, state
    from handouts.project import bundled_root
    from handouts.web.app import create_app
    from handouts.web.timeouts import TimedH11

    settings = settings_for(host, ui_lang=ui_lang, public=public, proxies=proxies, workers=workers)
    state.check()       # a bad HANDOUTS_DATABASE_URL or a refusing database: one line, now
    catalog.load(project.templates, bundled_root() / "templates", ui_lang)   # fail early on bad words
    options = dict(host=host, port=port, log_level="warning", access_log=False, server_header=False,
                   date_header=True, proxy_headers=False, http=TimedH11, timeout_keep_alive=5)
    if workers > 1:
        os.environ[WORKER_VAR] = json.dumps({
            "project": None if project.bundled else str(project.root), "host": host,
            "ui_lang": ui_lang, "public": list(public), "proxies": list(proxies), "workers": workers})
        config = uvicorn.Config("handouts.web.serve:worker_app", factory=True, workers=workers,
                                **options)
    else:
        config = uvicorn.Config(create_app(project, settings), **options)
    server = uvicorn.Server(config)
    sock = listen(host, port)        # a busy port is one line, before any "Serving" line
    where = " (staff sign-in required)" if settings.password else ""
    try:
        echo(f"Serving the front-desk page for {project.root} at {url_for(host, port)}{where}"
             + (f" with {workers} workers" if workers > 1 else ""))
        if settings.hosts:
            echo("It answers to this computer's own names and to: " + ", ".join(settings.hosts)
                 + (f"; behind the proxy at {', '.join(proxies)}" if proxies else ""))
        echo("Press Ctrl-C to stop.")
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:   # uvicorn re-raises Ctrl-C after a clean shutdown
        pass
    echo("Stopped.")
