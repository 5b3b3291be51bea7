"""Addresses typed by a person. An email address: one, checked, never a
header injection (the patient's address, and ``from``/``reply_to`` in
clinic.yaml). A host: whether it is this computer (the one loopback rule, for
``security: none`` in the smtp block and for ``handouts serve`` without a
password).

Below the schema: imports nothing of handouts but headertext.

The address itself is checked with email-validator (syntax only: no DNS look-up,
nothing reaches the network). A line break or other control character anywhere,
or more than one address, is refused before anything else looks at the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handouts import headertext

if TYPE_CHECKING:
    from email.headerregistry import Address

#: A plain address email-validator certainly accepts as it is: a dot-atom
#: local part of ASCII letters, digits and ._+- and a lower-case domain of two
#: or more labels (no "xx--" label, the last one letters). Anything else takes
#: the full check. It spares a build (the clinic's own address) the import of
#: email-validator and idna.
_PLAIN = re.compile(r"[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}")
#: Top-level names email-validator refuses (its SPECIAL_USE_DOMAIN_NAMES).
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def is_plain(addr: str) -> bool:
    """``addr`` is a plain address that :func:`parse` would accept unchanged."""
    if len(addr) > 254 or not _PLAIN.fullmatch(addr):
        return False
    local, domain = addr.split("@")
    labels = domain.split(".")
    return (len(local) <= 64 and all(len(label) <= 63 and label[2:4] != "--" for label in labels)
            and labels[-1] not in _SPECIAL_USE)


_ANGLE = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>$")
MAX_LENGTH = 320


@dataclass(frozen=True)
class Recipient:
    """A checked address: ``name`` may be empty; ``addr`` is ASCII."""

    name: str
    addr: str

    def header(self) -> Address:
        """For a To/From header; Python's email package encodes the name
        (RFC 2047) and quotes it when needed."""
        from email.headerregistry import Address  # only for a message: a build checks addresses, sends none

        local, _, domain = self.addr.rpartition("@")
        return Address(display_name=self.name, username=local, domain=domain)

    @property
    def domain(self) -> str:
        return self.addr.rpartition("@")[2]

    @property
    def masked(self) -> str:
        return mask(self.addr)

    def __str__(self) -> str:
        return str(self.header())


def mask(addr: str) -> str:
    """``maria@example.org`` -> ``m••••@example.org``: enough to recognise,
    not enough to write to."""
    local, _, domain = addr.rpartition("@")
    return f"{local[:1]}••••@{domain}"


#: Anything in free text (a mail server's reply) that looks like an address.
_ANY_ADDRESS = re.compile(r"""[^\s<>()\[\]"',;:@]+@[^\s<>()\[\]"',;:@]+""")


def mask_all(text: str | None) -> str | None:
    """Every address in ``text`` masked: ``550 5.1.1 <maria@example.org>:
    Recipient address rejected`` -> ``550 5.1.1 <m••••@example.org>: ...``."""
    if not text or "@" not in text:
        return text
    return _ANY_ADDRESS.sub(lambda m: mask(m.group()), text)


def parse(text: str) -> Recipient:
    """``María Núñez <maria@example.org>`` or ``maria@example.org`` -> a
    Recipient; ValueError with a plain sentence otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no email address given")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        raise ValueError("the address has a line break or another invisible control character; "
                         "type it again on one line")
    text = text.strip()
    if headertext.ENCODED_WORD.search(text):
        raise ValueError("the address " + headertext.problem(text).replace("write the words",
                                                                             "type the name and address"))
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the address is too long ({len(text)} characters)")
    if text.count("@") > 1 or re.search(r">\s*[,;]|[,;]\s*\S+@", text):
        raise ValueError("that looks like several addresses; send to one patient at a time")
    m = _ANGLE.match(text)
    if m:
        name, addr = m["name"].strip(), m["addr"].strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].strip()
        if '"' in name or "\\" in name:
            raise ValueError('the name before <...> may not contain " or \\')
    elif "<" in text or ">" in text:
        raise ValueError("write the address as Name <name@example.org> or just name@example.org")
    else:
        name, addr = "", text
    from email_validator import EmailNotValidError, validate_email  # on first use: a build needs none

    try:
        checked = validate_email(addr, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{addr!r} is not a usable email address: {exc}") from None
    recipient = Recipient(name=" ".join(name.split()), addr=checked.ascii_email)
    if not _survives(recipient):
        raise ValueError("the address would not reach the patient exactly as typed; "
                         "type just the address, such as maria@example.org")
    return recipient


def _survives(to: Recipient) -> bool:
    """The name and address read back exactly as they are after a trip through
    a To: header as it is sent (the last word on what a mail server sees)."""
    from email import message_from_bytes, policy
    from email.message import EmailMessage

    msg = EmailMessage(policy=policy.SMTP)
    try:
        msg["To"] = to.header()
        back = message_from_bytes(msg.as_bytes(), policy=policy.default)
        [got] = back.get_all("To") or [None]
        return (list(back.keys()) == ["To"] and len(got.addresses) == 1
                and got.addresses[0].display_name == to.name
                and got.addresses[0].addr_spec == to.addr)
    except (ValueError, TypeError, IndexError, AttributeError):
        return False


def is_loopback(host: str) -> bool:
    """localhost (and ``*.localhost``), 127.0.0.0/8 or ::1 (also as
    ``[::1]`` or ``::ffff:127.0.0.1``): this computer, where nothing crosses a
    network. Anything else, 0.0.0.0 and :: included, is not."""
    import ipaddress

    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback
