"""The mail settings a send needs, from clinic.yaml's ``smtp:`` block and the
environment: server, security, the From and Reply-To addresses, the private
certificate authority (if any) and the password (only from
HANDOUTS_SMTP_PASSWORD, never from a file)."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from handouts import address
from handouts.errors import ContentError
from handouts.inputs import cached_brand
from handouts.project import Brand, Project, inside
from handouts.schema.settings import PASSWORD_ENV, Smtp

SMTP_EXAMPLE = """smtp:
  host: mail.example.org
  port: 587
  security: starttls          # starttls, tls, or none (this computer only)
  username: handouts@example.org
  from: Riverbend Vein & Leg Clinic <care@example.org>"""


class MailSetupError(ContentError):
    """The clinic's mail settings are missing or incomplete."""


@dataclass(frozen=True)
class Settings:
    smtp: Smtp
    sender: address.Recipient
    reply_to: address.Recipient | None
    password: str | None
    ca_file: Path | None
    brand: Brand

    @property
    def host(self) -> str:
        return self.smtp.host

    @property
    def port(self) -> int:
        return self.smtp.default_port

    def tls_context(self) -> ssl.SSLContext:
        """Certificates are always verified; ``ca_file`` adds a private CA."""
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


def load(project: Project, brand: Brand | None = None) -> Settings:
    """The settings for ``project``, or MailSetupError saying what to add."""
    brand = brand or cached_brand(project)[0]
    smtp = brand.clinic.smtp
    path = brand.path
    if smtp is None:
        raise MailSetupError.at(path, None, "smtp", "email is not set up: add an smtp: block "
                                "(host, port, security, username, from) to clinic.yaml and put the "
                                f"password in the environment variable {PASSWORD_ENV}; "
                                "see docs/email.md")
    line = brand.loaded.line_for
    ca_file = None
    if smtp.ca_file:
        try:
            ca_file = inside(project, smtp.ca_file, max_bytes=1024 * 1024)
        except ValueError as exc:
            raise MailSetupError.at(path, line(("smtp", "ca_file")), "smtp.ca_file", str(exc)) from None
    password = os.environ.get(PASSWORD_ENV) or None
    if smtp.username and not password:
        raise MailSetupError.at(path, line(("smtp", "username")), "smtp.username",
                                f"a username is set but the password is not: set the environment "
                                f"variable {PASSWORD_ENV} before sending")
    if smtp.sender:
        sender = address.parse(smtp.sender)
    else:
        try:
            sender = address.parse(f"{brand.clinic.name} <{brand.clinic.email}>")
        except ValueError as exc:
            raise MailSetupError.at(path, line(("email",)), "email",
                                    f"cannot send from this address ({exc}); set smtp.from") from None
    reply_to = address.parse(smtp.reply_to) if smtp.reply_to else None
    return Settings(smtp, sender, reply_to, password, ca_file, brand)
