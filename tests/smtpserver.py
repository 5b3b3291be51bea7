"""A real SMTP server (aiosmtpd) on loopback for the email tests: it keeps
what it receives and can be told to answer 4xx or 5xx, to require STARTTLS
and AUTH, or to speak implicit TLS with a certificate made by trustme."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpers import free_port

USER, PASSWORD = "frontdesk@riverbend.example.org", "correct horse battery staple"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    user: str | None

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class Inbox:
    """The aiosmtpd handler: collects messages; ``rcpt_reply``/``data_reply``
    make it refuse instead."""

    received: list[Received] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_reply: str | None = None
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.attempts += 1
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        user = session.login_data.decode() if session.authenticated else None
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content, tls, user))
        return "250 2.0.0 Accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
          and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@contextmanager
def smtp_server(port: int | None = None, *, starttls: ssl.SSLContext | None = None,
                implicit: ssl.SSLContext | None = None, auth: bool = False,
                handler: Inbox | None = None):
    """Yield (inbox, port) while a server listens on 127.0.0.1:port;
    ``handler``: an Inbox of one's own (one that stalls, say)."""
    inbox = handler or Inbox()
    port = port or free_port()
    kwargs = {}
    if starttls is not None:
        kwargs.update(tls_context=starttls, require_starttls=True)
    if auth:
        # aiosmtpd only knows about STARTTLS; with implicit TLS the whole connection is encrypted
        kwargs.update(authenticator=_authenticate, auth_required=True,
                      auth_require_tls=implicit is None)
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=implicit, **kwargs)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@contextmanager
def silent_server():
    """A server that accepts connections and never says a word (for timeouts)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def server_tls_context(ca, hostname: str = "127.0.0.1") -> ssl.SSLContext:
    """A server certificate for ``hostname`` signed by the trustme ``ca``."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(hostname, "localhost").configure_cert(ctx)
    return ctx
