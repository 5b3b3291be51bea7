"""The message: the handouts' PDFs, built exactly as ``handouts build`` builds
them, and a short letter around them in the patient's language (plain text
with an HTML alternative; no remote images, no tracking, no links that count
clicks).

One PDF per handout, not one packet: each attachment is the very file
``handouts build`` writes (so the hash in the log matches it), is named by
its title so a patient finds "Leg cramps.pdf" again later, and can be printed
or forwarded on its own.
"""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

from handouts import catalog
from handouts.errors import ContentError, HandoutError
from handouts.mail.address import Recipient
from handouts.mail.settings import Settings
from handouts.project import Project, bundled_root

PHONE = "\x00phone\x00"   # where the number goes, so the page can make it a link

#: Handouts in one message: a visit's worth, and well under common size limits.
MAX_HANDOUTS = 6


@dataclass(frozen=True)
class Attachment:
    slug: str
    lang: str
    title: str
    pdf: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def filename(self) -> str:
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", self.title).strip(" .") or self.slug
        return f"{name}.pdf"


@lru_cache(maxsize=256)
def _title(path: Path, mtime_ns: int, size: int) -> str:
    from handouts.model import load_article

    return load_article(path)[0].title


def _render(project: Project, lang: str, slug: str, paper: str | None,
            large_print: bool) -> Attachment:
    """One handout's PDF: byte for byte what ``handouts build`` writes (the
    render API memoises it on every input, so a resend costs little)."""
    from handouts.render import render

    pdf = render(project, slug, lang, paper=paper, large_print=large_print)
    path = project.content / lang / f"{slug}.yaml"
    st = path.stat()
    return Attachment(slug, lang, _title(path, st.st_mtime_ns, st.st_size), pdf)


def attachments(project: Project, items: list[tuple[str, str]], paper: str | None,
                large_print: bool) -> list[Attachment]:
    """``items`` are (lang, slug) pairs, in the order they go in the message
    (each once)."""
    items = list(dict.fromkeys(items))
    if not items:
        raise ContentError.at(None, None, "handouts", "name at least one handout to send")
    if len(items) > MAX_HANDOUTS:
        raise ContentError.at(None, None, "handouts", f"{len(items)} handouts is too many for one "
                              f"email; send at most {MAX_HANDOUTS} at a time")
    problems, out = [], []
    for lang, slug in items:
        try:
            out.append(_render(project, lang, slug, paper, large_print))
        except HandoutError as exc:
            problems.extend(exc.problems)
    if problems:
        raise HandoutError(problems)
    return out


def words(project: Project, lang: str) -> catalog.Catalog:
    return catalog.load(project.templates, bundled_root() / "templates", lang)


@dataclass(frozen=True)
class Letter:
    """The words around the attachments, all from the catalog and the brand."""

    subject: str
    greeting: str
    intro: str
    titles: list[str]
    open: str
    call_us: str            # with PHONE where the number goes
    phone: str
    urgent: str
    sign_off: str
    clinic: list[str]       # name, phone, address, website
    why: str


def letter(cat: catalog.Catalog, settings: Settings, to: Recipient, files: list[Attachment],
           large_print: bool) -> Letter:
    clinic = settings.brand.clinic
    many = len(files) > 1
    opening = cat["email.open_many" if many else "email.open_one"]
    return Letter(
        subject=(cat.format("email.subject_many", count=len(files), clinic=clinic.name) if many
                 else cat.format("email.subject_one", title=files[0].title, clinic=clinic.name)),
        greeting=(cat.format("email.greeting", name=to.name) if to.name
                  else cat["email.greeting_no_name"]),
        intro=cat.format("email.intro_many" if many else "email.intro_one", count=len(files),
                         clinic=clinic.name),
        titles=[a.title for a in files],
        open=opening + (" " + cat["email.large_print"] if large_print else ""),
        call_us=cat.format("email.call_us", phone=PHONE),
        phone=clinic.phone,
        urgent=cat["email.urgent"],
        sign_off=cat["email.sign_off"],
        clinic=[clinic.name, clinic.phone, clinic.address, clinic.website],
        why=cat.format("email.why", clinic=clinic.name),
    )


def text_part(w: Letter) -> str:
    listing = "\n".join(f"  - {t}" for t in w.titles)
    call = w.call_us.replace(PHONE, w.phone)
    return "\n\n".join([w.greeting, w.intro, listing, w.open, call, w.urgent,
                        "\n".join([w.sign_off, *w.clinic]), w.why]) + "\n"


def html_part(w: Letter, lang: str, primary: str, accent: str) -> str:
    """Simple, large and high-contrast; inline styles only (mail programs drop
    style sheets); nothing loaded from anywhere."""
    e = html.escape
    name, phone, address, website = (e(x) for x in w.clinic)
    items = "".join(f'<li style="margin:4px 0">{e(t)}</li>' for t in w.titles)
    para = '<p style="margin:0 0 16px">'
    tel = "tel:" + re.sub(r"[^0-9+]", "", w.phone)
    call = e(w.call_us).replace(PHONE, f'<a href="{e(tel)}" style="color:{e(primary)};'
                                       f'white-space:nowrap">{phone}</a>')
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head><meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(w.subject)}</title></head>\n"
        f'<body style="margin:0;padding:0;background:#ffffff;color:#1a1a1a;'
        f'font-family:Arial,Helvetica,sans-serif;font-size:18px;line-height:1.5">\n'
        f'<div style="max-width:36em;padding:20px">\n'
        f'<p style="margin:0 0 20px;padding-bottom:8px;border-bottom:3px solid {e(primary)};'
        f'color:{e(primary)};font-size:22px;font-weight:bold">{name}</p>\n'
        f"{para}{e(w.greeting)}</p>\n{para}{e(w.intro)}</p>\n"
        f'<ul style="margin:0 0 16px;padding-left:1.4em;font-weight:bold">{items}</ul>\n'
        f"{para}{e(w.open)}</p>\n{para}{call}</p>\n"
        f'<p style="margin:0 0 20px;padding:12px 14px;border-left:5px solid {e(accent)};'
        f'background:#f6f6f6">{e(w.urgent)}</p>\n'
        f"{para}{e(w.sign_off)}<br>\n<strong>{name}</strong><br>\n{phone}<br>\n{address}<br>\n"
        f"{website}</p>\n"
        f'<p style="margin:24px 0 0;font-size:15px;color:#4a4a4a">{e(w.why)}</p>\n'
        f"</div>\n</body>\n</html>\n")


def compose(settings: Settings, to: Recipient, files: list[Attachment], lang: str,
            cat: catalog.Catalog, large_print: bool = False,
            now: datetime | None = None) -> EmailMessage:
    """The whole message, headers first; the PDFs attached in order."""
    colors = settings.brand.clinic.colors
    words = letter(cat, settings, to, files, large_print)
    msg = EmailMessage()
    msg["Subject"] = words.subject
    msg["From"] = settings.sender.header()
    msg["To"] = to.header()
    msg["Reply-To"] = (settings.reply_to or settings.sender).header()
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@{settings.sender.domain}>"   # unique, on our domain
    msg.set_content(text_part(words), cte="quoted-printable")
    msg.add_alternative(html_part(words, lang, colors.primary, colors.accent), subtype="html",
                        cte="quoted-printable")
    names: set[str] = set()
    for a in files:
        name = a.filename if a.filename not in names else f"{a.slug}-{a.lang}.pdf"
        names.add(name)
        msg.add_attachment(a.pdf, maintype="application", subtype="pdf", filename=name)
    msg["Content-Language"] = lang      # after the parts: set_content clears Content-* headers
    return msg
