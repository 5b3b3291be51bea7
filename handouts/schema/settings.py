"""The mail server settings: the ``smtp:`` block of clinic.yaml. The password
is never in a file: it comes from HANDOUTS_SMTP_PASSWORD."""

import re
import typing
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from handouts import address
from handouts.schema.fields import Line, Strict


def _one_address(value: str) -> str:
    return str(address.parse(value))


def _host(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.:_-]+", value):
        raise ValueError(f"{value!r} is not a server name; write a host name such as "
                         f"mail.example.org or an IP address")
    return value


Address = Annotated[str, AfterValidator(_one_address)]
PASSWORD_ENV = "HANDOUTS_SMTP_PASSWORD"


class Smtp(Strict):
    """The mail server for ``handouts email``: the ``smtp:`` block of clinic.yaml.
    The password is never here: it comes from HANDOUTS_SMTP_PASSWORD."""

    host: Annotated[str, Field(min_length=1, max_length=253), AfterValidator(_host)]
    port: Annotated[int, Field(ge=1, le=65535)] | None = None   # default: by security
    security: typing.Literal["starttls", "tls", "none"] = "starttls"
    username: Line | None = None
    sender: Address | None = Field(None, alias="from")        # default: the clinic's email
    reply_to: Address | None = None
    ca_file: Line | None = None      # a private certificate authority, relative to content/
    timeout: Annotated[float, Field(gt=0, le=300)] = 20.0
    password: Any = Field(None, exclude=True)

    @field_validator("password")
    @classmethod
    def _no_password(cls, value):
        raise ValueError(f"never put the password in clinic.yaml; delete this line and set the "
                         f"environment variable {PASSWORD_ENV} on the computer that sends")

    @field_validator("security")
    @classmethod
    def _clear_only_on_loopback(cls, value, info: ValidationInfo):
        host = info.data.get("host")
        if value == "none" and host and not address.is_loopback(host):
            raise ValueError(f"security: none sends patient email unencrypted, so it is only allowed "
                             f"to this computer (localhost, 127.0.0.1, ::1), not to {host}; "
                             f"use starttls or tls")
        return value

    @property
    def default_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]
