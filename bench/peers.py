"""The two other sides of the benchmark, each making a page from the same
article YAML and clinic.yaml as handouts does:

- ``weasy``: the peer. WeasyPrint making a comparable page: tagged PDF/UA-1,
  the same embedded Source Sans Pro, the logo, the QR code (as SVG) and the
  same words in two columns under a header, with a callout and a footer.
- ``floor``: a plain ReportLab canvas drawing the same words with the same
  embedded font, one line per paragraph, with no layout, no tags, no logo or
  QR: what a PDF of this text costs at the least.

Both read the YAML with PyYAML and keep nothing between handouts but what
handouts itself keeps per process (the fonts, the logo's bytes, a QR code per
address).
"""

from __future__ import annotations

import base64
import html
import io
from functools import lru_cache
from pathlib import Path

import yaml

#: libyaml's loader, as handouts reads YAML (``handouts/yamlfast.py``): a
#: competent peer does not parse with PyYAML's pure-Python one (about 1.8 ms
#: an article against 0.15 ms). Peers before 2026-11-27 03:30 UTC used it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(text: str):
    return yaml.load(text, Loader=_LOADER)


def load_article(path: Path) -> dict:
    """An article, its callout's shared block (``include:``) put in as
    handouts does: the block's heading, body and bullets, then its own bullets."""
    article = _load(path.read_text(encoding="utf-8"))
    callout = article.get("callout")
    if isinstance(callout, dict) and "include" in callout:
        block_path = path.parent.parent / "blocks" / path.parent.name / f"{callout['include']}.yaml"
        block = _load(block_path.read_text(encoding="utf-8"))
        article["callout"] = {"heading": block["heading"], "body": block.get("body"),
                              "bullets": [*block.get("bullets", []), *(callout.get("bullets") or [])]}
    return article


def load_clinic(path: Path, lang: str = "en") -> dict:
    """clinic.yaml with the words given per language taken in ``lang``."""
    clinic = _load(path.read_text(encoding="utf-8"))
    return {k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in clinic.items()}


def paragraphs(text: str | None) -> list[str]:
    return [p.strip().replace("\n", " ") for p in (text or "").split("\n\n") if p.strip()]


def words(article: dict, clinic: dict) -> list[tuple[str, str]]:
    """The page's text in reading order: (kind, text)."""
    out = [("title", article["title"]), ("summary", article["summary"])]
    for section in article.get("sections", []):
        out.append(("h2", section["heading"]))
        out += [("p", p) for p in paragraphs(section.get("body"))]
        out += [("li", b) for b in section.get("bullets", []) or section.get("checklist", []) or []]
    callout = article.get("callout")
    if callout:
        out.append(("h2", callout["heading"]))
        out += [("p", p) for p in paragraphs(callout.get("body"))]
        out += [("li", b) for b in callout.get("bullets", []) or []]
    out += [("small", f"{clinic['name']} · {clinic['phone']} · {clinic['address']}"),
            ("small", f"Last reviewed by our clinicians: {article.get('reviewed', 'November 26, 2026')}"),
            ("small", clinic.get("disclaimer", ""))]
    return out


# ---------------------------------------------------------------------------
# The floor: a plain ReportLab canvas.

@lru_cache(maxsize=1)
def _floor_font() -> str:
    import font_source_sans_pro
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    files = font_source_sans_pro.font_files_ttf
    pdfmetrics.registerFont(TTFont("Floor", files["SourceSansPro"]))
    pdfmetrics.registerFont(TTFont("Floor-Bold", files["SourceSansProBold"]))
    return "Floor"


def floor_pdf(article: dict, clinic: dict) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    _floor_font()
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(612, 792), invariant=1, pageCompression=1)
    canv.setTitle(article["title"])
    y = 740
    for kind, text in words(article, clinic):
        size = {"title": 24, "h2": 15, "small": 9}.get(kind, 12)
        canv.setFont("Floor-Bold" if kind in ("title", "h2") else "Floor", size)
        canv.drawString(43, y, text[:110])
        y -= size * 1.3
    canv.showPage()
    canv.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------
# The peer: WeasyPrint.

CSS = """
@font-face { font-family: SSP; src: url(%(regular)s); }
@font-face { font-family: SSP; font-weight: bold; src: url(%(bold)s); }
@font-face { font-family: SSP; font-style: italic; src: url(%(italic)s); }
@page { size: letter; margin: 0.6in; }
body { font-family: SSP; font-size: 12pt; line-height: 1.25; color: #1a1a1a; margin: 0; }
header { display: flex; align-items: center; gap: 0.2in; border-bottom: 2.5pt solid %(primary)s;
         padding-bottom: 0.1in; margin-bottom: 0.12in; }
header img { max-width: 1.8in; max-height: 0.8in; }
header .name { font-size: 16pt; font-weight: bold; color: %(primary)s; }
header .ask { margin-left: auto; text-align: right; font-weight: bold; }
h1 { font-size: 24pt; color: %(primary)s; margin: 0 0 4pt; }
.summary { font-size: 14pt; margin: 0 0 8pt; }
.columns { columns: 2; column-gap: 0.3in; }
h2 { font-size: 15pt; color: %(primary)s; margin: 8pt 0 3pt; break-after: avoid; }
p { margin: 0 0 5pt; }
ul { margin: 0 0 5pt; padding-left: 14pt; }
aside { border-left: 4pt solid %(accent)s; background: #f6ede9; padding: 6pt 10pt; margin-top: 8pt; }
footer { border-top: 0.75pt solid #999; margin-top: 10pt; padding-top: 6pt; font-size: 9.5pt;
         display: flex; gap: 10pt; }
footer .qr { width: 0.85in; height: 0.85in; }
footer .fine { font-size: 8.5pt; }
"""


@lru_cache(maxsize=4)
def _assets(clinic_dir: str, logo: str, primary: str, accent: str) -> tuple[str, str]:
    """The style sheet with the fonts, and the logo as a data URL: read once."""
    import font_source_sans_pro

    files = font_source_sans_pro.font_files_ttf
    css = CSS % {"regular": Path(files["SourceSansPro"]).as_uri(),
                 "bold": Path(files["SourceSansProBold"]).as_uri(),
                 "italic": Path(files["SourceSansProIt"]).as_uri(),
                 "primary": primary, "accent": accent}
    data = (Path(clinic_dir) / logo).read_bytes()
    return css, "data:image/png;base64," + base64.b64encode(data).decode()


@lru_cache(maxsize=16)
def _qr_svg(url: str) -> str:
    """The QR code as an SVG data URL, one path (segno; encoded once per
    address, as handouts does). An SVG with one <rect> per module, as this
    peer drew it before, cost WeasyPrint a third of its time per page."""
    return "data:image/svg+xml;base64," + base64.b64encode(_qr_segno(url).encode()).decode()


def weasy_html(article: dict, clinic: dict, clinic_dir: Path) -> tuple[str, str]:
    e = html.escape
    css, logo = _assets(str(clinic_dir), clinic["logo"], clinic["colors"]["primary"],
                        clinic["colors"]["accent"])
    qr_url = clinic.get("qr") or clinic["website"]
    body = []
    for section in article.get("sections", []):
        body.append(f"<h2>{e(section['heading'])}</h2>")
        body += [f"<p>{e(p)}</p>" for p in paragraphs(section.get("body"))]
        items = section.get("bullets") or section.get("checklist") or []
        if items:
            body.append("<ul>" + "".join(f"<li>{e(b)}</li>" for b in items) + "</ul>")
    callout = ""
    if article.get("callout"):
        c = article["callout"]
        items = "".join(f"<li>{e(b)}</li>" for b in c.get("bullets", []) or [])
        callout = (f"<aside><h2>{e(c['heading'])}</h2>"
                   + "".join(f"<p>{e(p)}</p>" for p in paragraphs(c.get("body")))
                   + (f"<ul>{items}</ul>" if items else "") + "</aside>")
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{e(article['title'])}</title><meta name="author" content="{e(clinic['name'])}"></head><body>
<header><img src="{logo}" alt="{e(clinic['logo_alt'])}"><div><div class="name">{e(clinic['name'])}</div>
<div>{e(clinic.get('tagline', ''))}</div></div><div class="ask">Questions? Call us<br>{e(clinic['phone'])}</div></header>
<main><h1>{e(article['title'])}</h1><p class="summary">{e(article['summary'])}</p>
<div class="columns">{''.join(body)}</div>{callout}</main>
<footer><div><div>{e(clinic['address'])}<br>{e(clinic['phone'])} · {e(clinic['email'])}</div>
<div><b>Last reviewed by our clinicians: {e(str(article.get('reviewed', 'November 26, 2026')))}</b></div>
<div class="fine">{e(clinic.get('disclaimer', ''))}</div></div>
<a href="{e(qr_url)}"><img class="qr" src="{_qr_svg(qr_url)}" alt="QR code that opens {e(qr_url)}"></a>
<div>Scan the code or visit:<br>{e(qr_url.split('://')[-1])}</div></footer></body></html>"""
    return page, css


@lru_cache(maxsize=4)
def _stylesheet(css: str):
    """The parsed style sheet and its fonts, once per process."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return weasyprint.CSS(string=css, font_config=fonts), fonts


def weasy_pdf(article: dict, clinic: dict, clinic_dir: Path) -> bytes:
    import weasyprint

    page, css = weasy_html(article, clinic, clinic_dir)
    sheet, fonts = _stylesheet(css)
    return weasyprint.HTML(string=page, base_url=str(clinic_dir)).write_pdf(
        stylesheets=[sheet], font_config=fonts, pdf_variant="pdf/ua-1")


# ---------------------------------------------------------------------------
# The second peer: Typst (bench/handout.typ), the same page with every word
# passed as data (JSON in sys.inputs), tagged PDF/UA-1.

TYPST_PAGE = Path(__file__).resolve().parent / "handout.typ"


@lru_cache(maxsize=16)
def _qr_segno(url: str) -> str:
    """The QR code as SVG text (segno; encoded once per address)."""
    import segno

    return segno.make(url, error="m").svg_inline(border=4)


def _block(part: dict) -> dict:
    return {"heading": part["heading"], "paragraphs": paragraphs(part.get("body")),
            "bullets": part.get("bullets") or part.get("checklist") or []}


def typst_inputs(article: dict, clinic: dict) -> dict[str, str]:
    """The page's data, as Typst's sys.inputs: one JSON string."""
    import json

    qr_url = clinic.get("qr") or clinic["website"]
    data = {"lang": "en", "title": article["title"], "summary": article["summary"],
            "clinic": clinic["name"], "tagline": clinic.get("tagline", ""), "logo": "/" + clinic["logo"],
            "logo_alt": clinic["logo_alt"], "ask": "Questions? Call us", "phone": clinic["phone"],
            "address": clinic["address"], "email": clinic["email"],
            "primary": clinic["colors"]["primary"], "accent": clinic["colors"]["accent"],
            "sections": [_block(s) for s in article.get("sections", [])],
            "callout": _block(article["callout"]) if article.get("callout") else None,
            "reviewed": f"Last reviewed by our clinicians: {article.get('reviewed', 'November 26, 2026')}",
            "disclaimer": clinic.get("disclaimer", ""), "qr_url": qr_url, "qr_svg": _qr_segno(qr_url),
            "qr_alt": f"QR code that opens {qr_url}", "qr_caption": "Scan the code or visit:",
            "qr_text": qr_url.split("://")[-1]}
    return {"data": json.dumps(data, default=str)}


@lru_cache(maxsize=1)
def _typst_fonts() -> tuple[str, bytes]:
    import font_source_sans_pro

    return str(Path(font_source_sans_pro.font_files_ttf["SourceSansPro"]).parent), TYPST_PAGE.read_bytes()


def typst_pdf(article: dict, clinic: dict, clinic_dir: Path) -> bytes:
    """One compile per handout (typst.compile: fonts found again each time)."""
    import typst

    fonts, page = _typst_fonts()
    return typst.compile(page, root=str(clinic_dir), font_paths=[fonts], ignore_system_fonts=True,
                         sys_inputs=typst_inputs(article, clinic), pdf_standards="ua-1")


@lru_cache(maxsize=4)
def _compiler(clinic_dir: str):
    import typst

    fonts, page = _typst_fonts()
    return typst.Compiler(page, root=clinic_dir, font_paths=[fonts], ignore_system_fonts=True)


def typst_reused_pdf(article: dict, clinic: dict, clinic_dir: Path) -> bytes:
    """One typst.Compiler per process, reused for every handout."""
    # The page is passed again each time: typst 0.15.2's Compiler given bytes
    # finds no main file on its second compile otherwise (it caches the parse).
    return _compiler(str(clinic_dir)).compile(input=_typst_fonts()[1], sys_inputs=typst_inputs(article, clinic),
                                              pdf_standards="ua-1")
