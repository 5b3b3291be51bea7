"""The QR code's modules for a URL: encoded by ReportLab's QR encoder once
per process, and kept in the per-user cache (``usercache.py``) as data (JSON
rows of 0 and 1, never code), so a new process draws a code it has made
before without encoding it again (the encoder tries all eight masks, which
costs more than the rest of the footer)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from handouts import usercache

LEVEL = "M"        # error correction: 15% of the code may be damaged
_FORMAT = 1        # of the cache entry


#: A QR code's modules, row by row (True: dark).
Matrix = tuple[tuple[bool, ...], ...]


def _qrencoder():
    """ReportLab's QR encoder (a module that needs only the standard library),
    loaded from its file: importing it through its package would first import
    every barcode widget and ReportLab's graphics, for nothing."""
    import importlib.util
    import sys

    for name in ("reportlab.graphics.barcode.qrencoder", "handouts._qrencoder"):
        if name in sys.modules:
            return sys.modules[name]
    import reportlab

    path = Path(reportlab.__file__).parent / "graphics" / "barcode" / "qrencoder.py"
    spec = importlib.util.spec_from_file_location("handouts._qrencoder", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[spec.name] = module
    return module


def _encode(url: str) -> Matrix:
    qrencoder = _qrencoder()
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, LEVEL))
    code.addData(url)
    code.make()
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


def _entry(url: str, encoder: str) -> dict:
    return {"format": _FORMAT, "url": url, "level": LEVEL, "encoder": encoder}


def _square(rows) -> bool:
    """A QR code's modules as a cache entry keeps them: a square of rows of 0
    and 1, of one of the sizes a QR code has."""
    n = len(rows) if isinstance(rows, list) else 0
    return 21 <= n <= 177 and (n - 17) % 4 == 0 and all(
        isinstance(row, str) and len(row) == n and not row.strip("01") for row in rows)


@lru_cache(maxsize=64)
def matrix(url: str) -> Matrix:
    """The QR code for ``url``: from the cache when it holds it, else encoded
    (and stored). The modules depend only on the text, the error level and
    the encoder's version, which are the entry's key."""
    import reportlab

    entry = _entry(url, reportlab.Version)
    rows = usercache.read_json("qr", entry, "rows", _square)
    if rows is not None:
        return tuple(tuple(c == "1" for c in row) for row in rows)
    modules = _encode(url)
    usercache.write_json("qr", entry, "rows", ["".join("1" if m else "0" for m in row) for row in modules])
    return modules
