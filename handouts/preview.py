"""PNG previews of built pages, rendered with pypdfium2 (PDFium)."""

from __future__ import annotations

import io

import pypdfium2


def png_pages(pdf: bytes, dpi: float = 100) -> list[bytes]:
    """Render every page of ``pdf`` to PNG bytes at ``dpi``."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            image = page.render(scale=dpi / 72).to_pil()
            buf = io.BytesIO()
            image.save(buf, "PNG", optimize=True)
            out.append(buf.getvalue())
            page.close()
        return out
    finally:
        doc.close()
