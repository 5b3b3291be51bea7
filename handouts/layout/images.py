"""The logo, read, named, compressed and encoded once per process and per content.

ReportLab compresses an image for every PDF it draws it in, and names it by
a digest of its pixels, read out of the image and hashed each time (twice a
PDF, for a 360-pixel logo about 1.5 ms). Here the name is worked out once per
image object (a PIL image is never changed once loaded: ``project.load_logo``
and ``weight.smaller_logo`` make new ones), the encoded image object once per
name, and a copy is registered in each new PDF and drawn as ``drawImage``
draws an image it already has. The bytes written are the same.
"""

from __future__ import annotations

import copy
import threading
import weakref

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from handouts import rl

_encoded: dict[str, pdfdoc.PDFImageXObject] = {}
# id(PIL image): (a weak reference to it, {mask: name}); a PIL image cannot
# be a dictionary key (it compares by pixels), and the entry goes with it.
_named: dict[int, tuple[weakref.ref, dict[str, str]]] = {}
_lock = threading.Lock()


def _name(image: ImageReader, mask) -> str:
    """ReportLab's own name for the image (see ``Canvas.drawImage``), worked
    out once per PIL image and mask."""
    source = rl.image_source(image)
    known = _named.get(id(source))
    if known is not None and known[0]() is source and str(mask) in known[1]:
        return known[1][str(mask)]
    rawdata = image.getRGBData()  # first: it sets the alpha channel
    smask = rl.image_alpha(image)
    mdata = smask.getRGBData() if mask == "auto" and smask else str(mask).encode("utf8")
    name = rl.image_digest(rawdata + mdata)
    if source is not None:
        key = id(source)
        with _lock:
            known = _named.get(key)
            if known is None or known[0]() is not source:
                known = _named[key] = (weakref.ref(source, lambda _, key=key: _named.pop(key, None)), {})
            known[1][str(mask)] = name
    return name


def draw_image(canv: Canvas, image: ImageReader, x: float, y: float, w: float, h: float,
               mask="auto") -> None:
    """``canv.drawImage(image, x, y, w, h, mask=mask)``, naming and encoding
    the image only the first time this process sees it."""
    name = _name(image, mask)
    doc = rl.document(canv)
    reg = doc.getXObjectName(name)
    if reg not in doc.idToObject:
        with _lock:
            template = _encoded.get(name)
            if template is None:
                template = pdfdoc.PDFImageXObject(name, image, mask=mask)
                if len(_encoded) > 16:
                    _encoded.clear()
                _encoded[name] = template
        # What drawImage does with a new image, with a copy of the encoded one.
        obj = copy.copy(template)
        obj.name = name
        rl.add_xobject(canv, obj)
        doc.Reference(obj, reg)
        doc.addForm(name, obj)
        smask = rl.take_soft_mask(obj)   # the template's, shared by the copy
        if smask is not None:
            smask = copy.copy(smask)
            m_reg = doc.getXObjectName(smask.name)
            if m_reg not in doc.idToObject:
                rl.add_xobject(canv, smask)
                obj.smask = doc.Reference(smask, m_reg)
            else:
                obj.smask = pdfdoc.PDFObjectReference(m_reg)
    rl.draw_xobject(canv, name, reg, x, y, w, h)
