"""Tagged PDF (PDF/UA-1 structure) for ReportLab output.

ReportLab's open-source edition writes no structure tree of its own, so
tagging happens in two steps, both before ReportLab's one save:

1. While drawing, a ``Tagger`` on the canvas wraps every piece of real content
   in a marked-content sequence with an MCID (``/P <</MCID 3>> BDC ... EMC``)
   and every decoration in ``/Artifact BMC ... EMC``. Each MCID is recorded in
   a ``StructNode``: the logical tree that markup and layout build in reading
   order.
2. Once every page is shown, ``write_tree`` adds ReportLab objects to the
   canvas's document: the structure tree (each element a ``Written``, its
   bytes made here), the parent tree, ``/StructParents`` and ``/Tabs /S`` on
   each page, link annotations' ``/StructParent``, ``/MarkInfo``, ``/Lang``,
   the viewer preference ``DisplayDocTitle`` and XMP metadata with the PDF/UA
   identifier. ``rl.pdf_bytes`` then writes them with everything else, in
   ReportLab's one save: the PDF is never opened again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream, PDFString

from handouts import rl
from handouts.rl import Written
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


def tagger_of(canv) -> Tagger | None:
    return getattr(canv, "handout_tagger", None)


class _Marked:
    """``with`` this: what is drawn inside is marked content, opened on
    entering (``node``'s next MCID, or an artifact) and closed with EMC on
    leaving, even by an exception; nothing when the canvas is not tagging
    (the scratch canvas that measures) or there is no node. A class, not a
    generator: a page marks a hundred or more pieces, and a generator's
    context manager costs three times as much."""

    __slots__ = ("canv", "node", "opening")

    def __init__(self, canv, node: StructNode | None, opening: str | None = None):
        self.canv, self.node, self.opening = canv, node, opening

    def __enter__(self):
        tagger = tagger_of(self.canv)
        if tagger is None or (self.node is None and self.opening is None):
            self.canv = None
        else:
            self.canv.addLiteral(tagger.begin(self.node) if self.opening is None else self.opening)

    def __exit__(self, *exc) -> bool:
        if self.canv is not None:
            self.canv.addLiteral("EMC")
        return False


def tagged(canv, node: StructNode | None) -> _Marked:
    """Mark what is drawn inside as ``node``'s content (no-op when the canvas
    is not tagging, such as the scratch canvas that measures)."""
    return _Marked(canv, node)


def artifact(canv, pagination: bool = False) -> _Marked:
    """Mark what is drawn inside as an artifact (a page's furniture, not its content)."""
    return _Marked(canv, None, "/Artifact <</Type /Pagination>> BDC" if pagination else "/Artifact BMC")


def link_count(canv) -> int:
    """How many link annotations the canvas has made on the current page."""
    return rl.annotation_count(canv)


def links_since(canv, start: int) -> list[tuple[int, str]]:
    """(index, URI) of each link annotation made on this page since ``start``."""
    return [(index, str(link_uri(rl.annotation(canv, index))))
            for index in range(start, rl.annotation_count(canv))]


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


def write_tree(canv, root: StructNode, *, lang: str, title: str, author: str, subject: str,
               keywords: str, creator: str, date: str, link_text: dict[str, str]) -> None:
    """Add the structure tree and the PDF/UA catalog entries to the canvas's
    document, once every page is shown and before it is saved: ReportLab
    writes them with the pages in its one save."""
    doc = rl.document(canv)

    def ref(obj) -> bytes:   # registers obj (once) and gives "12 0 R"
        return rl.reference(doc, obj)

    pages = rl.shown_pages(canv)
    page_refs = [ref(page) for page in pages]
    annots = [rl.page_annotations(canv, page) for page in pages]
    nums: list[bytes] = []   # the parent tree's number-tree entries, after the pages'
    parents: list[dict[int, bytes]] = [{} for _ in pages]

    struct_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = ref(struct_root)

    def build(node: StructNode, parent: bytes) -> bytes:
        elem = Written()
        elem_ref = ref(elem)
        # pdfdoc.PDFName: the one that keeps names escaped, once pdfonce has put it there
        out = [b"<< /Type /StructElem /S %s /P %s" % (pdfdoc.PDFName(node.type).encode("ascii"), parent)]
        for key, value in ((b"Alt", node.alt), (b"ActualText", node.actual_text), (b"T", node.title),
                           (b"Lang", node.lang)):
            if value is not None:
                out.append(b" /%s %s" % (key, pdfdoc.format(PDFString(value), doc)))
        kids = []
        first_page = None
        for kid in node.kids:   # most kids are marked content: asked first
            if isinstance(kid, MCRef):
                page = page_refs[kid.page]
                first_page = first_page or page
                kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (page, kid.mcid))
                parents[kid.page][kid.mcid] = elem_ref
            elif isinstance(kid, StructNode):
                kids.append(build(kid, elem_ref))
            elif isinstance(kid, AnnotRef):
                annot_ref, annot = annots[kid.page][kid.index]
                if link_uri(annot) != kid.uri:
                    raise AssertionError(f"link {kid.index} on page {kid.page + 1} is not {kid.uri}")
                key = len(pages) + len(nums)
                annot["StructParent"] = key
                annot["Contents"] = PDFString(kid.contents or link_text.get(kid.uri, kid.uri))
                annot["F"] = 4   # Print: the link's area prints like the page
                nums.append(b"%d %s" % (key, elem_ref))
                kids.append(b"<< /Type /OBJR /Obj %s /Pg %s >>" % (annot_ref.format(doc),
                                                                    page_refs[kid.page]))
        if first_page is not None:
            out.append(b" /Pg %s" % first_page)
        out.append(b" /K [ %s ] >>" % b" ".join(kids))
        elem.data = b"".join(out)
        return elem_ref

    struct_root["K"] = b"[ %s ]" % build(root, root_ref)
    page_nums: list[bytes] = []
    for i, page in enumerate(pages):
        rl.set_page_entries(page, StructParents=i, Tabs=PDFName("S"))
        mcids = parents[i]
        if set(mcids) != set(range(len(mcids))):
            raise AssertionError("MCIDs on a page are not numbered 0..n-1")
        page_nums.append(b"%d %s" % (i, ref(Written(b"[ %s ]" % b" ".join(mcids[m] for m in range(len(mcids)))))))
        rl.add_to_id(canv, rl.page_content(page))   # the /ID names these pages, not just the title
    struct_root["ParentTree"] = ref(Written(b"<< /Nums [ %s ] >>" % b" ".join(page_nums + nums)))
    struct_root["ParentTreeNextKey"] = len(pages) + len(nums)

    canv.setCatalogEntry("StructTreeRoot", struct_root)
    canv.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
    canv.setCatalogEntry("Lang", lang)
    canv.setViewerPreference("DisplayDocTitle", "true")
    xmp = XMP.format(title=escape(title), author=escape(author), subject=escape(subject),
                     lang=escape(lang), keywords=escape(keywords), producer=escape(rl.producer(canv)),
                     creator=escape(creator), date=date)
    # Uncompressed, as PDF/A asks and qpdf left it: a search tool reads it as text.
    canv.setCatalogEntry("Metadata", PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        xmp.encode("utf-8")))


def link_uri(annot) -> str | None:
    """The URI of a link annotation made by ``Canvas.linkURL`` (None for another action)."""
    action = annot.dict.get("A")
    uri = action.dict.get("URI") if action is not None else None
    return None if uri is None else getattr(uri, "s", str(uri))
