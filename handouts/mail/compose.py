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
from dataclasses import dataclass, replace
from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from handouts import catalog, headertext, library
from handouts.errors import ContentError, HandoutError
from handouts.address import Recipient
from handouts.library import Item
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
    words: str = ""     # the digest of its approved words (sha256:...): which words the patient got

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def filename(self) -> str:
        name = "".join(" " if headertext.control(ch) else ch for ch in self.title)
        name = re.sub(r'[\\/:*?"<>|]+', " ", name).strip(" .") or self.slug
        return f"{name}.pdf"


def _render(project: Project, item: Item, paper: str | None, large_print: bool) -> Attachment:
    """One handout's PDF, byte for byte what ``handouts build`` writes, with
    its title (the render API memoises both on every input, so a resend costs
    little)."""
    from handouts.render import render

    done = render(project, item, paper=paper, large_print=large_print)
    for state in done.drafts:   # a draft never goes to a patient
        raise DraftError.at(library.path(project, item), None, None, f"is a draft ({state.label()}): "
                            "a draft is never emailed to a patient; a clinician approves it first "
                            f"(handouts review {item.slug} --lang {item.lang}, then handouts approve)")
    return Attachment(item.slug, item.lang, done.title, done.pdf, done.approvals[0].digest)


class DraftError(ContentError):
    """A handout's words were never approved, or changed since: not sent."""


def attachments(project: Project, items: list[Item], paper: str | None,
                large_print: bool) -> list[Attachment]:
    """The PDFs of ``items``, in the order they go in the message (each once)."""
    items = list(dict.fromkeys(items))
    if not items:
        raise ContentError.at(None, None, "handouts", "name at least one handout to send")
    if len(items) > MAX_HANDOUTS:
        raise ContentError.at(None, None, "handouts", f"{len(items)} handouts is too many for one "
                              f"email; send at most {MAX_HANDOUTS} at a time")
    problems, out = [], []
    for item in items:
        try:
            out.append(_render(project, item, paper, large_print))
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
    dir: str                # "rtl" for a language written right to left (its catalog's script), else "ltr"


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
        dir="rtl" if cat.script().rtl else "ltr",
    )


def text_part(w: Letter) -> str:
    listing = "\n".join(f"  - {t}" for t in w.titles)
    call = w.call_us.replace(PHONE, w.phone)
    return "\n\n".join([w.greeting, w.intro, listing, w.open, call, w.urgent,
                        "\n".join([w.sign_off, *w.clinic]), w.why]) + "\n"


def mixed_text(parts: list[tuple[str, Letter]]) -> str:
    """A mixed-language packet's text: each language's part in its own words."""
    return "\n— — —\n\n".join(text_part(w) for _, w in parts)


def html_part(w: Letter, lang: str, primary: str, accent: str,
              others: list[tuple[str, Letter]] = ()) -> str:
    """Simple, large and high-contrast; inline styles only (mail programs drop
    style sheets); nothing loaded from anywhere. ``others``: the parts of a
    mixed-language packet after the first, each marked with its language."""
    e = html.escape
    name = e(w.clinic[0])
    rest = "".join(f'<hr style="margin:28px 0;border:0;border-top:2px solid {e(primary)}">\n'
                   f'<div lang="{e(code)}" dir="{part.dir}">\n{_html_letter(part, primary, accent)}</div>\n'
                   for code, part in others)
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}" dir="{w.dir}">\n<head><meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(w.subject)}</title></head>\n"
        f'<body style="margin:0;padding:0;background:#ffffff;color:#1a1a1a;'
        f'font-family:Arial,Helvetica,sans-serif;font-size:18px;line-height:1.5">\n'
        f'<div style="max-width:36em;padding:20px">\n'
        f'<p style="margin:0 0 20px;padding-bottom:8px;border-bottom:3px solid {e(primary)};'
        f'color:{e(primary)};font-size:22px;font-weight:bold">{name}</p>\n'
        f"{_html_letter(w, primary, accent)}{rest}"
        f"</div>\n</body>\n</html>\n")


def _html_letter(w: Letter, primary: str, accent: str) -> str:
    """One language's letter, from the greeting to why they get it."""
    e = html.escape
    name, phone, address, website = (e(x) for x in w.clinic)
    items = "".join(f'<li style="margin:4px 0">{e(t)}</li>' for t in w.titles)
    para = '<p style="margin:0 0 16px">'
    tel = "tel:" + re.sub(r"[^0-9+]", "", w.phone)
    call = e(w.call_us).replace(PHONE, f'<a href="{e(tel)}" style="color:{e(primary)};'
                                       f'white-space:nowrap">{phone}</a>')
    return (
        f"{para}{e(w.greeting)}</p>\n{para}{e(w.intro)}</p>\n"
        f'<ul style="margin:0 0 16px;padding-left:1.4em;font-weight:bold">{items}</ul>\n'
        f"{para}{e(w.open)}</p>\n{para}{call}</p>\n"
        f'<p style="margin:0 0 20px;padding:12px 14px;border-left:5px solid {e(accent)};'
        f'background:#f6f6f6">{e(w.urgent)}</p>\n'
        f"{para}{e(w.sign_off)}<br>\n<strong>{name}</strong><br>\n{phone}<br>\n{address}<br>\n"
        f"{website}</p>\n"
        f'<p style="margin:24px 0 0;font-size:15px;color:#4a4a4a">{e(w.why)}</p>\n')


def _policy() -> policy.EmailPolicy:
    """SMTP's line endings; on a Python with the CVE-2024-6923 fix, its own
    refusal of line breaks in generated headers too (we do not rely on it)."""
    try:
        return policy.SMTP.clone(verify_generated_headers=True)
    except TypeError:       # an unpatched interpreter: our own checks below stand alone
        return policy.SMTP


POLICY = _policy()


class HeaderError(ContentError):
    """A header would not reach the patient exactly as written; nothing is sent."""


def _refuse(header: str, why: str) -> HeaderError:
    return HeaderError.at(None, None, f"email {header}", f"{why}; the email was not sent")


def _set(msg: EmailMessage, header: str, value: str | Address) -> None:
    """Set one header after checking every part of it that came from a person."""
    parts = [value.display_name, value.addr_spec] if isinstance(value, Address) else [value]
    for part in parts:
        why = headertext.problem(part)
        if why:
            raise _refuse(header, why)
    msg[header] = value


def _spaced(text: str) -> str:
    return re.sub(" +", " ", text).strip()


def _verify(msg: EmailMessage, ours: dict[str, str | Address], text: str, html: str,
            files: list[tuple[str, bytes]]) -> None:
    """Read the message back as a mail server will get it: exactly our headers
    with exactly our values, our two texts and our attachments, or refuse."""
    back = message_from_bytes(msg.as_bytes(policy=POLICY), policy=policy.default)
    if sorted(k.lower() for k in back.keys()) != sorted(k.lower() for k in msg.keys()):
        raise _refuse("headers", "the headers would change on the way")
    for header, value in ours.items():
        got = back.get_all(header) or []
        if len(got) != 1:
            raise _refuse(header, "the header would change on the way")
        if isinstance(value, Address):
            same = (len(got[0].addresses) == 1 and got[0].addresses[0].display_name
                    == value.display_name and got[0].addresses[0].addr_spec == value.addr_spec)
        else:
            # folding may move a space; nothing else may change
            same = headertext.control(str(got[0])) is None and _spaced(str(got[0])) == _spaced(value)
        if not same:
            raise _refuse(header, "the header would change on the way")
    body = [back.get_body(("plain",)), back.get_body(("html",))]
    if None in body or [b.get_content().replace("\r\n", "\n") for b in body] != [
            text.replace("\r\n", "\n"), html.replace("\r\n", "\n")]:
        raise _refuse("text", "the letter would change on the way")
    if [(a.get_filename(), a.get_content()) for a in back.iter_attachments()] != files:
        raise _refuse("attachments", "the attachments would change on the way")


def compose(settings: Settings, to: Recipient, files: list[Attachment], lang: str,
            cat: catalog.Catalog, large_print: bool = False,
            now: datetime | None = None, more: dict[str, catalog.Catalog] | None = None) -> EmailMessage:
    """The whole message, headers first; the PDFs attached in order. Every
    header is checked before it is set, and the finished message is read back
    before it is returned (HeaderError if anything would change). A packet
    of several languages (``more``: the catalogs of the others) has one part
    of the letter per language, each listing its own handouts in its own words."""
    colors = settings.brand.clinic.colors
    cats = {**(more or {}), lang: cat}
    langs = list(dict.fromkeys(a.lang for a in files))
    langs.sort(key=lambda code: code != lang)          # the email's language first
    if len(langs) > 1:
        parts = [(code, letter(cats[code], settings, to, [a for a in files if a.lang == code],
                               large_print)) for code in langs]
        first_lang, words = parts[0]
        words = replace(words, subject=letter(cats[first_lang], settings, to, files,
                                              large_print).subject)    # counts every handout
        text = mixed_text([(first_lang, words), *parts[1:]])
        html = html_part(words, first_lang, colors.primary, colors.accent, parts[1:])
        content_language = ", ".join(langs)
    else:
        words = letter(cat, settings, to, files, large_print)
        text, html = text_part(words), html_part(words, lang, colors.primary, colors.accent)
        content_language = lang
    ours: dict[str, str | Address] = {
        "Subject": words.subject,
        "From": settings.sender.header(),
        "To": to.header(),
        "Reply-To": (settings.reply_to or settings.sender).header(),
        "Date": format_datetime((now or datetime.now()).astimezone()),
        "Message-ID": f"<{uuid.uuid4().hex}@{settings.sender.domain}>",   # unique, on our domain
        # Which approved words went out: "en/leg-cramps sha256:...; ..." (see docs/content.md).
        "X-Handouts-Approved": "; ".join(f"{a.lang}/{a.slug} {a.words}" for a in files),
    }
    msg = EmailMessage(policy=POLICY)
    for header, value in ours.items():
        _set(msg, header, value)
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    names: set[str] = set()
    sent = []
    for a in files:
        name = a.filename if a.filename not in names else f"{a.slug}-{a.lang}.pdf"
        names.add(name)
        msg.add_attachment(a.pdf, maintype="application", subtype="pdf", filename=name)
        sent.append((name, a.pdf))
    ours["Content-Language"] = content_language
    _set(msg, "Content-Language", ours["Content-Language"])   # after the parts: set_content clears Content-* headers
    _verify(msg, ours, text, html, sent)
    return msg
