"""HL7 URL-based Infobutton (Context-Aware Knowledge Retrieval): the request
MedlinePlus Connect answers, answered with the clinic's own handouts.

``GET /infobutton?mainSearchCriteria.v.c=I87.2&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90
&informationRecipient.languageCode.c=es`` gives an Atom feed (``text/xml``,
the default) or the same feed as JSON in MedlinePlus Connect's shape
(``knowledgeResponseType=application/json``): ``feed.entry[].title._value``,
``.link[].href``, ``.summary._value``; ``text/html`` sends a browser on to the
handout's page, as MedlinePlus Connect's web application does. Parameters this
does not use are ignored. See docs/ehr.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree as ET

from handouts.ehr import answers, codes
from handouts.project import Project

CODE = "mainSearchCriteria.v.c"
SYSTEM = "mainSearchCriteria.v.cs"
NAME = "mainSearchCriteria.v.dn"
LANGUAGE = "informationRecipient.languageCode.c"
RESPONSE_TYPE = "knowledgeResponseType"
JSON = "application/json"
XML = "text/xml"
HTML = "text/html"          # a person's browser: sent on to the handout's page
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: At most this many handouts answer a search by name.
NAME_MATCHES = 10
#: Longer parameter values are cut to this before use.
MAX_VALUE = 200


class InfobuttonError(Exception):
    """A request that cannot be answered (400), with a plain message."""


@dataclass
class Query:
    code: str
    system_param: str
    name: str
    lang: str
    response_type: str


@dataclass
class Entry:
    title: str
    lang: str
    summary: str
    page: str
    pdf: str
    page_label: str
    pdf_label: str
    updated: dt.datetime


@dataclass
class Feed:
    title: str
    subtitle: str
    lang: str
    author: str
    base: str
    id: str
    updated: dt.datetime
    categories: list[tuple[str, str]]
    entries: list[Entry] = field(default_factory=list)


def parse(params: Mapping[str, str]) -> Query:
    """The parameters that matter; the rest are ignored."""
    def get(name: str) -> str:
        value = params.get(name) or ""
        return value.strip()[:MAX_VALUE]

    kind = get(RESPONSE_TYPE).lower()
    return Query(code=get(CODE), system_param=get(SYSTEM), name=get(NAME),
                 lang=answers.language(get(LANGUAGE) or None),
                 response_type=JSON if kind.startswith(JSON) else HTML if kind.startswith(HTML) else XML)


def answer(project: Project, query: Query, base: str, feed_id: str, ui_lang: str = "en",
           search: Callable[[str], list[str]] | None = None) -> Feed:
    """The feed for one request, in the patient's language. No code and no
    name: InfobuttonError, in the page's language (``ui_lang``). ``search``
    gives the slugs that match a name, best first (the page's search)."""
    if not query.code and not query.name:
        raise InfobuttonError(answers.Words(project, ui_lang)("error_no_code"))
    words = answers.Words(project, query.lang)
    system = codes.system_named(query.system_param) if query.system_param else None
    wanted = [] if (query.system_param and system is None) else answers.asked(system, query.code, query.name)
    found = answers.matching(project, wanted)
    if wanted and found:
        first = wanted[0]
        subtitle = words("feed_subtitle_code", system=codes.NAMES[first.system], code=first.code)
    elif query.name and search is not None:
        by_slug = {h.slug: h for h in answers.handouts(project)}
        found = [by_slug[s] for s in search(query.name) if s in by_slug][:NAME_MATCHES]
        subtitle = words("feed_subtitle_name", name=query.name)
    else:
        subtitle = words("feed_subtitle_other", code=f"{query.system_param} {query.code}".strip())
    clinic = answers.clinic_name(project)
    feed = Feed(title=words("feed_title", clinic=clinic), subtitle=subtitle, lang=words.lang,
                author=clinic, base=base, id=feed_id,
                updated=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
                categories=[(CODE, query.code), (SYSTEM, query.system_param), (NAME, query.name),
                            (LANGUAGE, query.lang)])
    for handout in found:
        feed.entries.append(entry(project, answers.choose(handout, query.lang), words, base))
    if feed.entries:
        feed.updated = max(e.updated for e in feed.entries)
    return feed


def page_for(feed: Feed, query: Query) -> str:
    """Where a browser goes (``knowledgeResponseType=text/html``): the one
    handout's page, else the front page's search for the code or name."""
    if len(feed.entries) == 1:
        return urlsplit(feed.entries[0].page).path
    return "/?" + urlencode({"q": query.code or query.name})


def entry(project: Project, chosen: answers.Chosen, words: answers.Words, base: str) -> Entry:
    a = chosen.article
    summary = a.summary
    if chosen.fallback:
        note = words("not_in_language", language=words.language_name(chosen.asked_lang),
                     fallback=words.language_name(chosen.lang))
        summary = f"{note} {summary}"
    return Entry(title=a.title, lang=chosen.lang, summary=summary,
                 page=answers.page_url(base, chosen), pdf=answers.pdf_url(base, chosen),
                 page_label=words("page_link"), pdf_label=words("pdf_link"),
                 updated=answers.reviewed_at(project, chosen))


def _time(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(feed: Feed) -> bytes:
    """The feed as Atom (RFC 4287), as MedlinePlus Connect's XML answer."""
    ET.register_namespace("", ATOM_NS)
    q = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    lang = f"{{{XML_NS}}}lang"
    root = ET.Element(q("feed"), {lang: feed.lang, f"{{{XML_NS}}}base": feed.base})
    ET.SubElement(root, q("title"), type="text").text = feed.title
    ET.SubElement(root, q("subtitle"), type="text").text = feed.subtitle
    author = ET.SubElement(root, q("author"))
    ET.SubElement(author, q("name")).text = feed.author
    ET.SubElement(author, q("uri")).text = feed.base
    ET.SubElement(root, q("updated")).text = _time(feed.updated)
    for scheme, term in feed.categories:
        ET.SubElement(root, q("category"), scheme=scheme, term=term)
    ET.SubElement(root, q("id")).text = feed.id
    for e in feed.entries:
        node = ET.SubElement(root, q("entry"), {lang: e.lang})
        ET.SubElement(node, q("title"), type="text").text = e.title
        ET.SubElement(node, q("link"), href=e.page, rel="alternate", type="text/html", title=e.page_label)
        ET.SubElement(node, q("link"), href=e.pdf, rel="enclosure", type="application/pdf",
                      title=e.pdf_label)
        ET.SubElement(node, q("id")).text = e.page
        ET.SubElement(node, q("updated")).text = _time(e.updated)
        ET.SubElement(node, q("summary"), type="text").text = e.summary
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def as_json(feed: Feed) -> dict:
    """The same feed in MedlinePlus Connect's JSON shape (``_value`` for text)."""
    def text(value: str, kind: str | None = "text") -> dict:
        return {"_value": value, **({"type": kind} if kind else {})}

    return {"feed": {
        "base": feed.base,
        "lang": feed.lang,
        "title": text(feed.title),
        "subtitle": text(feed.subtitle),
        "author": {"name": text(feed.author, None), "uri": text(feed.base, None)},
        "updated": text(_time(feed.updated), None),
        "category": [{"scheme": s, "term": t} for s, t in feed.categories],
        "id": text(feed.id, None),
        "entry": [{
            "lang": e.lang,
            "title": text(e.title),
            "link": [{"title": e.page_label, "rel": "alternate", "type": "text/html", "href": e.page},
                     {"title": e.pdf_label, "rel": "enclosure", "type": "application/pdf", "href": e.pdf}],
            "id": text(e.page, None),
            "updated": text(_time(e.updated), None),
            "summary": text(e.summary),
        } for e in feed.entries],
    }}
