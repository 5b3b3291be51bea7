"""Tagged PDF (PDF/UA-1 structure) for ReportLab output.

ReportLab's open-source edition writes no structure tree, so tagging happens in
two steps:

1. While drawing, a ``Tagger`` on the canvas wraps every piece of real content
   in a marked-content sequence with an MCID (``/P <</MCID 3>> BDC ... EMC``)
   and every decoration in ``/Artifact BMC ... EMC``. Each MCID is recorded in
   a ``StructNode``: the logical tree that markup and layout build in reading
   order.
2. ``finish`` opens the saved PDF with pikepdf and writes the structure tree,
   the parent tree, ``/StructParents`` and ``/Tabs /S`` on each page, link
   annotations' ``/StructParent``, ``/MarkInfo``, ``/Lang``, the viewer
   preference ``DisplayDocTitle`` and XMP metadata with the PDF/UA identifier.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass, field

import pikepdf

from handouts import rl
from handouts.xmltext import escape


@dataclass
class MCRef:
    page: int   # 0-based
    mcid: int


@dataclass
class AnnotRef:
    """A link annotation: its page and its index in the page's /Annots (the
    order in which the canvas made them)."""

    page: int
    index: int
    uri: str
    contents: str | None = None   # what a screen reader says for it


@dataclass(eq=False)
class StructNode:
    """One structure element: its type, its attributes, and its kids (other
    nodes, marked-content references and annotation references), in reading
    order."""

    type: str
    alt: str | None = None
    actual_text: str | None = None
    title: str | None = None
    lang: str | None = None      # /Lang: where the language differs from the document's
    kids: list = field(default_factory=list)

    def add(self, type: str, **kw) -> "StructNode":
        child = StructNode(type, **kw)
        self.kids.append(child)
        return child

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, StructNode):
                yield from kid.walk()


class Tagger:
    """Hands out MCIDs page by page and writes the BDC/EMC operators."""

    def __init__(self):
        self.page = 0
        self._next = 0

    def next_page(self) -> None:
        self.page += 1
        self._next = 0

    def begin(self, node: StructNode) -> str:
        """The next MCID, filed under ``node``: the operator that opens it."""
        mcid = self._next
        self._next += 1
        node.kids.append(MCRef(self.page, mcid))
        return f"/{node.type} <</MCID {mcid}>> BDC"

    @contextmanager
    def tag(self, canv, node: StructNode):
        canv.addLiteral(self.begin(node))
        try:
            yield
        finally:
            canv.addLiteral("EMC")

    @staticmethod
    @contextmanager
    def artifact(canv, pagination: bool = False):
        canv.addLiteral("/Artifact <</Type /Pagination>> BDC" if pagination else "/Artifact BMC")
        try:
            yield
        finally:
            canv.addLiteral("EMC")


def tagger_of(canv) -> Tagger | None:
    return getattr(canv, "handout_tagger", None)


@contextmanager
def tagged(canv, node: StructNode | None):
    """Mark what is drawn inside as ``node``'s content (no-op when the canvas
    is not tagging, such as the scratch canvas that measures)."""
    tagger = tagger_of(canv)
    if tagger is None or node is None:
        yield
    else:
        with tagger.tag(canv, node):
            yield


@contextmanager
def artifact(canv, pagination: bool = False):
    tagger = tagger_of(canv)
    if tagger is None:
        yield
    else:
        with tagger.artifact(canv, pagination):
            yield


def link_count(canv) -> int:
    """How many link annotations the canvas has made on the current page."""
    return rl.annotation_count(canv)


def links_since(canv, start: int) -> list[tuple[int, str]]:
    """(index, URI) of each link annotation made on this page since ``start``."""
    out = []
    for index in range(start, rl.annotation_count(canv)):
        annot = rl.annotation(canv, index)
        action = annot.dict.get("A")
        uri = action.dict.get("URI") if action is not None else None
        out.append((index, getattr(uri, "s", str(uri))))
    return out


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def finish(pdf: bytes, root: StructNode, *, lang: str, title: str, author: str, subject: str,
           keywords: str, creator: str, date: str, link_text: dict[str, str]) -> bytes:
    """Add the structure tree and PDF/UA catalog entries to ReportLab's output."""
    src = pikepdf.open(io.BytesIO(pdf))
    pages = list(src.pages)
    nums: list = []          # the parent tree's number-tree array
    parents: dict[int, dict[int, pikepdf.Dictionary]] = {p: {} for p in range(len(pages))}

    struct_root = src.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))

    def build(node: StructNode, parent) -> pikepdf.Object:
        elem = src.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + node.type), P=parent))
        if node.alt is not None:
            elem.Alt = pikepdf.String(node.alt)
        if node.actual_text is not None:
            elem.ActualText = pikepdf.String(node.actual_text)
        if node.title is not None:
            elem.T = pikepdf.String(node.title)
        if node.lang is not None:
            elem.Lang = pikepdf.String(node.lang)
        kids = pikepdf.Array()
        first_page = None
        for kid in node.kids:
            if isinstance(kid, StructNode):
                kids.append(build(kid, elem))
            elif isinstance(kid, MCRef):
                page = pages[kid.page].obj
                if first_page is None:
                    first_page = page
                kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=kid.mcid))
                parents[kid.page][kid.mcid] = elem
            elif isinstance(kid, AnnotRef):
                annot = pages[kid.page].obj.Annots[kid.index]
                if str(annot.A.URI) != kid.uri:
                    raise AssertionError(f"link {kid.index} on page {kid.page + 1} is not {kid.uri}")
                key = len(pages) + len(nums) // 2
                annot.StructParent = key
                annot.Contents = pikepdf.String(kid.contents or link_text.get(kid.uri, kid.uri))
                annot.F = 4   # Print: the link's area prints like the page
                nums.extend([key, elem])
                kids.append(pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot,
                                               Pg=pages[kid.page].obj))
        if first_page is not None:
            elem.Pg = first_page
        elem.K = kids
        return elem

    document = build(root, struct_root)
    struct_root.K = pikepdf.Array([document])
    page_nums = []
    for i, page in enumerate(pages):
        page.obj.StructParents = i
        page.obj.Tabs = pikepdf.Name.S
        mcids = parents[i]
        array = pikepdf.Array([mcids[m] for m in range(len(mcids))]) if mcids else pikepdf.Array()
        if set(mcids) != set(range(len(mcids))):
            raise AssertionError("MCIDs on a page are not numbered 0..n-1")
        page_nums.extend([i, src.make_indirect(array)])
    struct_root.ParentTree = src.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(page_nums + nums)))
    struct_root.ParentTreeNextKey = len(pages) + len(nums) // 2

    catalog = src.Root
    catalog.StructTreeRoot = struct_root
    catalog.MarkInfo = pikepdf.Dictionary(Marked=True)
    catalog.Lang = pikepdf.String(lang)
    catalog.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    producer = str(src.docinfo.get("/Producer", "ReportLab"))
    xmp = XMP.format(title=escape(title), author=escape(author), subject=escape(subject),
                     lang=escape(lang), keywords=escape(keywords), producer=escape(producer),
                     creator=escape(creator), date=date)
    catalog.Metadata = src.make_stream(xmp.encode("utf-8"), Type=pikepdf.Name.Metadata,
                                       Subtype=pikepdf.Name.XML)
    out = io.BytesIO()
    src.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()

