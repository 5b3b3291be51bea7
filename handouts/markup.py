"""Handout markup -> ReportLab flowables, one small builder per tag.

The markup is the XML the template produces (see docs/markup.md). ``parse``
turns it into a tree of Nodes that remember their line; ``build`` walks the
tree with the BUILDERS table. An unknown tag is an error naming the template
and line. Adding a tag means adding one row to a table.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from handouts import contacts, converters, xmltree
from handouts.errors import TemplateError
from handouts.flowables import TaggedParagraph as Paragraph
from handouts.panels import MARKERS, Box, ListItem
from handouts.tagging import StructNode
from handouts.spacing import box_spaces, list_spaces
from handouts.styles import Styles
from handouts.xmltree import Node  # noqa: F401  (the tree's node, for the layout)


@dataclass
class Page:
    """What the layout places: the header's texts, the body's flowables and the
    footer's texts, plus the document language."""

    lang: str
    title: str
    header: dict[str, Paragraph] = field(default_factory=dict)
    body: list = field(default_factory=list)
    footer: dict[str, list[Paragraph]] = field(default_factory=dict)
    qr_url: str | None = None
    qr_alt: str | None = None
    turn_over: str | None = None
    logo_alt: str | None = None              # the logo's description, in the page's language
    styles: Styles | None = None
    struct: StructNode | None = None         # Document: the logical structure
    header_node: StructNode | None = None    # where the layout adds the logo
    footer_node: StructNode | None = None    # where the layout adds the QR link


class Markup:
    """Parsed markup, tied to the template it came from (for error lines).
    ``digest`` names its words and tags: the SHA-256 of the text parsed, with
    every change made to the tree since folded in (``changed``); the layout
    keeps its fit search's answers on it (``layout.base.Layout.fit``)."""

    def __init__(self, root: Node, template: Path, digest: bytes = b""):
        self.root = root
        self.template = template
        self.digest = digest

    def changed(self, what: str) -> None:
        """Say that the tree was changed after parsing (``what``: the words
        written into it), so ``digest`` names the tree as it now is."""
        self.digest = hashlib.sha256(self.digest + b"\0" + what.encode("utf-8", "surrogatepass")).digest()

    def error(self, node: Node, message: str) -> TemplateError:
        line = tag_line(self.template, node.tag, node.parent)
        if line is None:
            message += f" (rendered markup line {node.line})"
        return TemplateError.at(self.template, line, None, message)


_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*?(/?)>")
_JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)


def tag_line(template: Path, tag: str, parent: str) -> int | None:
    """The template line where ``<tag>`` is written inside ``<parent>``; else
    the first line with ``<tag``. (Jinja code is blanked out first, keeping
    line breaks, so only the literal markup is read.)"""
    try:
        source = template.read_text("utf-8")
    except OSError:
        return None
    text = _JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)
    stack: list[str] = []
    first = None
    for m in _TAG.finditer(text):
        closing, name, selfclosing = m.groups()
        if closing:
            if name in stack:
                while stack and stack.pop() != name:
                    pass
            continue
        if name == tag:
            line = text.count("\n", 0, m.start()) + 1
            if (stack[-1] if stack else "#document") == parent:
                return line
            first = first or line
        if not selfclosing:
            stack.append(name)
    return first


class BrokenMarkup(TemplateError):
    """The template's markup is not well-formed; build finds the template
    line (templatewords.broken_markup) by rendering it again, marked."""


#: Handout markup nests a few tags deep; far deeper is a mistake in a template.
MAX_DEPTH = 30


def parse(text: str, template: Path) -> Markup:
    """Parse rendered markup. DOCTYPEs and entity declarations are refused."""

    def too_deep(tag, parent, depth):
        if depth > MAX_DEPTH:
            raise TemplateError.at(template, tag_line(template, tag, parent), None,
                                   f"markup nested more than {MAX_DEPTH} tags deep (at <{tag}>)")

    try:
        roots = xmltree.parse(text, on_open=too_deep)
    except xmltree.ExpatError:
        raise BrokenMarkup.at(template, None, None, "the template made broken markup "
                              "(tags that do not open and close in order)") from None
    except xmltree.Refused as exc:
        raise TemplateError.at(template, None, None, str(exc)) from None
    if len(roots) != 1 or roots[0].tag != "handout":
        raise TemplateError.at(template, None, None, "the markup must have one <handout> root")
    return Markup(roots[0], template, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())


# --------------------------------------------------------------------------
# Inline text: escape first, then add ReportLab's own inline markup (and the
# links of phone numbers, emails and web addresses: see contacts.py).

INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}
_SPACE = re.compile(r"\s+")


def inline(markup: Markup, node: Node, strip: bool = True) -> str:
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(_text(child))
        elif child.tag == "br":
            out.append("<br/>")
        elif child.tag in INLINE:
            tag = INLINE[child.tag]
            out.append(f"<{tag}>{inline(markup, child, strip=False)}</{tag}>")
        else:
            raise markup.error(child, f"unknown inline tag <{child.tag}>; use b, i, em, strong or br")
    text = "".join(out)
    return text.strip() if strip else text


@lru_cache(maxsize=4096)
def _text(text: str) -> str:
    """One run of text as inline markup, its white space made single
    (cached: the fit search builds the same paragraphs at every step)."""
    return contacts.markup(_SPACE.sub(" ", text))


# --------------------------------------------------------------------------
# Block builders: (markup, node, styles, context) -> list of flowables.

@dataclass
class Ctx:
    parent: StructNode         # the structure element new content goes into
    section: int = 0           # 1-based index of the current section, 0 outside one
    in_callout: bool = False

    def where(self, *parts) -> tuple:
        """The YAML location (as in the article file) of what is being built."""
        if self.in_callout:
            return ("callout", *parts)
        if self.section:
            return ("sections", self.section - 1, *parts)
        return parts


def _para(text: str, style, where: tuple, role: str, parent: StructNode | None = None) -> Paragraph:
    p = Paragraph(text, style)
    if parent is not None:
        p.handout_struct = parent.add(role)
    p.handout_where = where
    p.handout_role = role
    p.handout_zone = "top" if role == "H1" else "flow"
    return p


def b_heading(m, node, st: Styles, ctx: Ctx):
    style = st.callout_heading if ctx.in_callout else st.h2
    return [_para(inline(m, node), style, ctx.where("heading"), "H2",
                  ctx.parent)]


def b_para(m, node, st: Styles, ctx: Ctx):
    style = st.callout_body if ctx.in_callout else st.body
    return [_para(inline(m, node), style, ctx.where("body"), "P", ctx.parent)]


def _items(m, node, st: Styles, ctx: Ctx, marker: str):
    color = st.palette.color("ink" if marker == "box" else "accent" if ctx.in_callout else "primary")
    indent = st.body_pt * (1.9 if marker == "box" else 1.4)
    out = []
    lst = ctx.parent.add("L")
    # The marker from the family's font, else from the Latin font it falls back to.
    char = MARKERS[marker]
    fonts = next((f for f in (st.fonts, st.fonts.fallback)
                  if f is not None and ord(char) in f.cmaps[f.regular]), st.fonts)
    glyphs = fonts.cmaps[fonts.regular]
    group = (lst, len(node.elements()))
    for i, item in enumerate(node.elements(), 1):
        if item.tag != "item":
            raise m.error(item, f"<{node.tag}> may hold only <item>, not <{item.tag}>")
        para = _para(inline(m, item), st.item, ctx.where("bullets", i - 1), "LBody")
        flow = ListItem(para, marker, color, indent, node=lst.add("LI"), glyphs=glyphs, font=fonts.regular)
        flow.handout_where = ctx.where("bullets", i - 1)
        flow.handout_role = "LI"
        flow.handout_list = group   # the items of one list, for keeping it whole
        out.append(flow)
    list_spaces(out, st)
    return out



def b_bullets(m, node, st, ctx):
    return _items(m, node, st, ctx, "bullet")


def b_checklist(m, node, st, ctx):
    return _items(m, node, st, ctx, "box")


def b_title(m, node, st, ctx):
    return [_para(inline(m, node), st.title, ("title",), "H1", ctx.parent)]


def b_summary(m, node, st: Styles, ctx):
    p = _para(inline(m, node), st.summary, ("summary",), "P", ctx.parent)
    box = Box([p], padding=st.body_pt * 0.75, background=st.palette.color("primary_tint"),
              bar=st.palette.color("accent"), bar_width=5, mirrored=st.rtl)
    box_spaces(box, st, "summary")
    box.handout_where = ("summary",)
    box.handout_role = "summary"
    box.handout_zone = "top"
    return [box]


def _inside(m, node, st, ctx: Ctx, table, element: StructNode) -> list:
    """Build ``node``'s children with ``table``, their structure going into ``element``."""
    outer, ctx.parent = ctx.parent, element
    try:
        return [f for child in node.elements() for f in block(m, child, st, ctx, table)]
    finally:
        ctx.parent = outer


def b_section(m, node, st, ctx):
    ctx.section += 1
    return _inside(m, node, st, ctx, SECTION_BUILDERS, ctx.parent.add("Sect"))


def b_callout(m, node, st: Styles, ctx):
    ctx.in_callout = True
    try:
        children = _inside(m, node, st, ctx, CALLOUT_BUILDERS, ctx.parent.add("Div", title="Callout"))
    finally:
        ctx.in_callout = False
    box = Box(children, padding=st.body_pt * 0.85, background=st.palette.color("accent_tint"),
              border=st.palette.color("accent"), border_width=1.75, radius=6, mirrored=st.rtl)
    box_spaces(box, st, "callout")
    box.handout_where = ("callout",)
    box.handout_role = "callout"
    box.handout_zone = "bottom"
    box.handout_breakable = True   # in large print, a long callout may run over the page
    return [box]


SECTION_BUILDERS = {
    "heading": b_heading,
    "para": b_para,
    "bullets": b_bullets,
    "checklist": b_checklist,
}
CALLOUT_BUILDERS = {
    "heading": b_heading,
    "para": b_para,
    "bullets": b_bullets,
}
BODY_BUILDERS = {
    "title": b_title,
    "summary": b_summary,
    "section": b_section,
    "callout": b_callout,
    "para": b_para,
}
HEADER_TAGS = {"clinic": "header_name", "tagline": "header_tagline", "ask": "header_ask",
               "phone": "header_phone"}
FOOTER_TAGS = {"contact": "footer", "reviewed": "footer_strong", "disclaimer": "disclaimer",
               "sources": "fine"}


def block(m: Markup, node: Node, st: Styles, ctx: Ctx, table) -> list:
    builder = table.get(node.tag)
    if builder is None:
        raise m.error(node, f"unknown tag <{node.tag}> here; allowed: {', '.join(sorted(table))}")
    return builder(m, node, st, ctx)


def build(m: Markup, st: Styles, furniture: Page | None = None) -> Page:
    """Build the page's flowables from parsed markup with one set of styles.
    ``furniture``: a page built from the same markup with the same header
    and footer styles (``styles.same_furniture``), whose header and footer,
    paragraphs and structure elements, this page takes as they are."""
    root = m.root
    document = StructNode("Document")
    page = Page(lang=root.attrs.get("lang", "en"), title="", styles=st, struct=document,
                turn_over=root.attrs.get("turn-over"), logo_alt=root.attrs.get("logo-alt"))
    ctx = Ctx(parent=document)
    for node in root.elements():
        if furniture is not None and node.tag == "header":
            page.header_node, page.header = furniture.header_node, furniture.header
            document.kids.append(page.header_node)
        elif furniture is not None and node.tag == "footer":
            page.footer_node, page.footer = furniture.footer_node, furniture.footer
            page.qr_url, page.qr_alt = furniture.qr_url, furniture.qr_alt
            document.kids.append(page.footer_node)
        elif node.tag == "header":
            page.header_node = document.add("Div", title="Header")
            for child in node.elements():
                style = HEADER_TAGS.get(child.tag)
                if style is None:
                    raise m.error(child, f"unknown tag <{child.tag}> in <header>; allowed: "
                                  + ", ".join(HEADER_TAGS))
                page.header[child.tag] = _para(inline(m, child), getattr(st, style), ("header",), "P",
                                               page.header_node)
        elif node.tag == "footer":
            page.footer_node = document.add("Div", title="Footer")
            for child in node.elements():
                if child.tag == "qr":
                    page.qr_url = child.attrs.get("href") or child.text().strip()
                    try:
                        converters.check_link(page.qr_url)
                    except ValueError as exc:
                        raise m.error(child, f"<qr href>: {exc}") from None
                    page.qr_alt = child.attrs.get("alt")
                    # The layout puts this caption inside the QR code's Link.
                    page.footer.setdefault("qr", []).append(
                        _para(inline(m, child), st.footer, ("footer",), "P"))
                    continue
                style = FOOTER_TAGS.get(child.tag)
                if style is None:
                    raise m.error(child, f"unknown tag <{child.tag}> in <footer>; allowed: "
                                  + ", ".join([*FOOTER_TAGS, "qr"]))
                page.footer.setdefault(child.tag, []).append(
                    _para(inline(m, child), getattr(st, style), ("footer",), "P", page.footer_node))
        else:
            if node.tag == "title":
                page.title = node.text().strip()
            page.body.extend(block(m, node, st, ctx, BODY_BUILDERS))
    if not page.title:
        raise TemplateError.at(m.template, None, None, "the markup has no <title>")
    return page

