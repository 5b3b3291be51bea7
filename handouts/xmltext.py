"""Escaping text for XML and ReportLab's paragraph markup: the same results as
``xml.sax.saxutils.escape`` and ``quoteattr``, without importing that module
(it pulls in urllib.request, http.client and ssl: about 20 ms of a cold build
that reaches no network)."""

from __future__ import annotations


def escape(data: str) -> str:
    """Escape ``&``, ``<`` and ``>``."""
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(data: str) -> str:
    """``data`` escaped and quoted as an attribute value, as saxutils does it."""
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"%s"' % data.replace('"', "&quot;")
