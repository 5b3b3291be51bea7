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

from handouts import catalog
from handouts.errors import ContentError, HandoutError
from handouts.mail.address import Recipient
from handouts.mail.settings import Settings
from handouts.project import Project, bundled_root

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


def _render(project: Project, lang: str, slugs: list[str], paper: str | None,
            large_print: bool) -> list[Attachment]:
    """The PDFs of ``slugs`` in ``lang``: byte for byte what ``handouts build`` writes."""
    from handouts.build import run
    from handouts.model import load_article

    report = run(project, lang=lang, slugs=slugs, paper=paper, write=False, large_print=large_print)
    if not report.ok:
        raise HandoutError(report.all_problems())
    out = []
    for outcome in report.outcomes:
        article, _ = load_article(project.content / lang / f"{outcome.slug}.yaml")
        out.append(Attachment(outcome.slug, lang, article.title, outcome.pdf))
    return out


def attachments(project: Project, items: list[tuple[str, str]], paper: str | None,
                large_print: bool) -> list[Attachment]:
    """``items`` are (lang, slug) pairs, in the order they go in the message."""
    if not items:
        raise ContentError.at(None, None, "handouts", "name at least one handout to send")
    if len(items) > MAX_HANDOUTS:
        raise ContentError.at(None, None, "handouts", f"{len(items)} handouts is too many for one "
                              f"email; send at most {MAX_HANDOUTS} at a time")
    items = list(dict.fromkeys(items))
    by_lang: dict[str, list[str]] = {}
    for lang, slug in items:
        by_lang.setdefault(lang, []).append(slug)
    built = {}
    for lang, slugs in by_lang.items():
        for a in _render(project, lang, slugs, paper, large_print):
            built[(a.lang, a.slug)] = a
    return [built[i] for i in items]


def words(project: Project, lang: str) -> catalog.Catalog:
    return catalog.load(project.templates, bundled_root() / "templates", lang)


def letter(cat: catalog.Catalog, settings: Settings, to: Recipient, files: list[Attachment],
           large_print: bool) -> tuple[str, list[str], list[str]]:
    """Subject, the paragraphs before the list of handouts, and those after."""
    clinic = settings.brand.clinic
    many = len(files) > 1
    subject = (cat.format("email.subject_many", count=len(files), clinic=clinic.name) if many else
               cat.format("email.subject_one", title=files[0].title, clinic=clinic.name))
    greeting = (cat.format("email.greeting", name=to.name) if to.name
                else cat["email.greeting_no_name"])
    intro = cat.format("email.intro_many" if many else "email.intro_one",
                       count=len(files), clinic=clinic.name)
    after = [cat["email.open_many" if many else "email.open_one"]]
    if large_print:
        after[0] += " " + cat["email.large_print"]
    after += [cat.format("email.call_us", phone=clinic.phone), cat["email.urgent"]]
    return subject, [greeting, intro], after


def text_part(before, files, after, signature, why) -> str:
    listing = "\n".join(f"  - {a.title}" for a in files)
    return "\n\n".join([*before, listing, *after, "\n".join(signature), why]) + "\n"


def html_part(lang, subject, before, files, after, signature, why, color) -> str:
    e = html.escape
    paras = lambda ps: "".join(f"<p>{e(p)}</p>\n" for p in ps)  # noqa: E731
    items = "".join(f"<li>{e(a.title)}</li>" for a in files)
    sig = "<br>".join(e(s) for s in signature)
    return (f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head><meta charset="utf-8">'
            f"<title>{e(subject)}</title></head>\n"
            f'<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;'
            f'font-size:18px;line-height:1.5;color:#1a1a1a;background:#ffffff">\n'
            f'<div style="max-width:36em">\n{paras(before)}'
            f'<ul style="padding-left:1.2em">{items}</ul>\n{paras(after)}'
            f'<p style="color:{e(color)}"><strong>{sig}</strong></p>\n'
            f'<p style="font-size:15px;color:#444444">{e(why)}</p>\n</div>\n</body>\n</html>\n')


def compose(settings: Settings, to: Recipient, files: list[Attachment], lang: str,
            cat: catalog.Catalog, large_print: bool = False,
            now: datetime | None = None) -> EmailMessage:
    """The whole message, headers first; the PDFs attached in order."""
    clinic = settings.brand.clinic
    subject, before, after = letter(cat, settings, to, files, large_print)
    signature = [cat["email.sign_off"], clinic.name, clinic.phone, clinic.address, clinic.website]
    why = cat.format("email.why", clinic=clinic.name)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender.header()
    msg["To"] = to.header()
    msg["Reply-To"] = (settings.reply_to or settings.sender).header()
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@{settings.sender.domain}>"   # unique, on our domain
    msg.set_content(text_part(before, files, after, signature, why), cte="quoted-printable")
    msg.add_alternative(html_part(lang, subject, before, files, after, signature, why,
                                  clinic.colors.primary), subtype="html", cte="quoted-printable")
    names: set[str] = set()
    for a in files:
        name = a.filename if a.filename not in names else f"{a.slug}-{a.lang}.pdf"
        names.add(name)
        msg.add_attachment(a.pdf, maintype="application", subtype="pdf", filename=name)
    msg["Content-Language"] = lang      # after the parts: set_content clears Content-* headers
    return msg
