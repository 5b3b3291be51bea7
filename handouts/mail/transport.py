"""Handing a finished message to the clinic's SMTP server, and sorting what
can go wrong into two kinds: *temporary* (no answer, a time-out, a 4xx reply:
keep it in the outbox and try again later) and *permanent* (a 5xx reply: the
server's own words, never retried)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass

from handouts.address import mask_all
from handouts.mail.settings import Settings


@dataclass
class Failure(Exception):
    """Why a message did not go. ``temporary`` failures wait in the outbox."""

    temporary: bool
    reason: str
    #: the server could not be reached at all: later messages will not fare better now
    unreachable: bool = False

    def __post_init__(self):
        # Servers often repeat the patient's address in a refusal, and the
        # reason is kept in the log and shown: every address in it is masked.
        self.reason = mask_all(self.reason)

    def __str__(self) -> str:
        return self.reason


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def _classify(code: int, text, what: str) -> Failure:
    words = _reply(code, text)
    if 400 <= code < 500:
        return Failure(True, f"the mail server said to try again later ({words})")
    return Failure(False, f"the mail server refused {what}: {words}")


def _send(client, sender: str, recipient: str, message_bytes: bytes, before_data) -> None:
    """smtplib's sendmail, with ``before_data()`` called between RCPT and DATA."""
    client.ehlo_or_helo_if_needed()
    code, text = client.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    code, text = client.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, text)})
    if before_data is not None and not before_data():
        raise Failure(True, "another sender has taken this message over", unreachable=False)
    code, text = client.data(message_bytes)
    if code != 250:
        raise smtplib.SMTPDataError(code, text)


def deliver(settings: Settings, message_bytes: bytes, sender: str, recipient: str,
            before_data=None) -> None:
    """Send one message; return when the server has accepted it, or raise
    Failure. ``before_data()`` is called once the server has taken the
    envelope and before the message itself is handed over; False stops there."""
    timeout = settings.smtp.timeout
    host, port, security = settings.host, settings.port, settings.smtp.security
    try:
        if security == "tls":
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=settings.tls_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise Failure(False, f"the mail server {host}:{port} does not offer STARTTLS, "
                                         f"so the message was not sent in clear; check smtp.security")
                client.starttls(context=settings.tls_context())
                client.ehlo()
            if settings.smtp.username:
                client.login(settings.smtp.username, settings.password or "")
            _send(client, sender, recipient, message_bytes, before_data)
    except Failure:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise _classify(code, text, "the address") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise _classify(exc.smtp_code, exc.smtp_error, "the username or password "
                        "(HANDOUTS_SMTP_PASSWORD)") from None
    except smtplib.SMTPResponseException as exc:
        raise _classify(exc.smtp_code, exc.smtp_error, "the message") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise Failure(False, f"the mail server cannot do this: {exc}") from None
    except ssl.SSLCertVerificationError as exc:
        raise Failure(True, f"the mail server's certificate could not be verified "
                            f"({exc.verify_message}); check smtp.host and smtp.ca_file",
                      unreachable=True) from None
    except (socket.timeout, TimeoutError):
        raise Failure(True, "the mail server did not answer in time", unreachable=True) from None
    except (ConnectionRefusedError, socket.gaierror) as exc:
        raise Failure(True, f"the mail server did not answer ({exc.strerror or exc})",
                      unreachable=True) from None
    except smtplib.SMTPServerDisconnected as exc:
        if "timed out" in str(exc):    # smtplib reports a read time-out this way
            raise Failure(True, "the mail server did not answer in time", unreachable=True) from None
        raise Failure(True, f"the mail server closed the connection ({exc})", unreachable=True) from None
    except (ConnectionError, ssl.SSLError) as exc:
        raise Failure(True, f"the mail server closed the connection ({exc or type(exc).__name__})",
                      unreachable=True) from None
    except OSError as exc:
        raise Failure(True, f"the mail server did not answer ({exc.strerror or exc})",
                      unreachable=True) from None
    except smtplib.SMTPException as exc:
        raise Failure(True, f"the mail server had a problem ({exc})") from None
