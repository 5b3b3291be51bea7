"""The logo, compressed and encoded once per process and per content.

ReportLab compresses and ASCII85-encodes an image for every PDF it draws it
in. Here the encoded image object is made once, keyed by the digest ReportLab
itself names the image by (its pixels and mask), and a copy is registered in
each new PDF before ``drawImage`` looks for it, so ReportLab reuses it as it
would within one PDF. The bytes written are the same.
"""

from __future__ import annotations

import copy
import threading

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from handouts import rl

_encoded: dict[str, pdfdoc.PDFImageXObject] = {}
_lock = threading.Lock()


def _name(image: ImageReader, mask) -> str:
    """ReportLab's own name for the image (see ``Canvas.drawImage``)."""
    rawdata = image.getRGBData()  # first: it sets the alpha channel
    smask = rl.image_alpha(image)
    mdata = smask.getRGBData() if mask == "auto" and smask else str(mask).encode("utf8")
    return rl.image_digest(rawdata + mdata)


def draw_image(canv: Canvas, image: ImageReader, x: float, y: float, w: float, h: float,
               mask="auto") -> None:
    """``canv.drawImage(image, x, y, w, h, mask=mask)``, encoding the image
    only the first time this process sees its pixels."""
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
    canv.drawImage(image, x, y, w, h, mask=mask)
