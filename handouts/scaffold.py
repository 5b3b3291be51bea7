"""`handouts init DIR`: a new clinic project to fill in.

It writes a commented clinic.yaml with every key (fictional placeholders), a
placeholder logo, one example handout for each language that has a bundled
catalog with the clinic's "when to get help" block it includes, and a
.gitignore; with ``with_templates`` also a copy of the
templates. It never overwrites anything: if any file it would write is there
already, it writes nothing and says which.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from handouts import catalog
from handouts.errors import ContentError, Problem
from handouts.output import write_atomic
from handouts.examples import BLOCKS, EXAMPLES
from handouts.paths import bundled_root

CLINIC = """\
# Your clinic's brand: every handout shows these. Replace each placeholder.
# Text with a colon followed by a space, or starting with # or a quote mark,
# goes in double quotes. See docs/content.md for every key and its limits.

name: Your Clinic Name                      # required; printed in bold at the top
tagline:                                     # optional; a short line under the name,
  en: Your clinic's tagline                  # one text per language (or one text for all)
  es: El lema de su clínica
  vi: Khẩu hiệu của phòng khám
  zh-Hans: 诊所的标语
  ar: عبارة عيادتك المختصرة
phone: (555) 555-0100                        # required; printed large: "Questions? Call us"
address: 100 Main Street, Suite 1, Your Town, ST 00000   # required; in the footer
website: https://your-clinic.example.org     # required
email: care@your-clinic.example.org          # required
qr: https://your-clinic.example.org/book     # optional; the QR code's link (default: website)
# qr_caption: {en: "Scan to book:", es: "Escanee para pedir cita:"}   # optional; default from the catalog
# qr_alt: {en: QR code to book a visit, es: Código QR para pedir cita}  # optional; read aloud
logo: assets/logo.png                        # required; PNG or JPEG, relative to content/
logo_alt:                                    # required; read aloud by screen readers
  en: Your Clinic Name logo
  es: Logotipo de Your Clinic Name
  vi: Biểu tượng của Your Clinic Name
  zh-Hans: Your Clinic Name的标志
  ar: شعار Your Clinic Name
colors:                                      # each needs 4.5:1 contrast against white
  primary: "#1F5A7A"                         # headings and rules; keep the quotes
  accent: "#A23B1F"                          # the "when to get help" box
paper: letter                                # letter or a4
disclaimer:
  en: This sheet is for learning only. It does not replace advice from your own doctor or nurse.
  es: Esta hoja es solo para aprender. No reemplaza los consejos de su médico o enfermera.
  vi: Tờ này chỉ để tìm hiểu. Tờ này không thay thế lời khuyên của bác sĩ hay y tá của quý vị.
  zh-Hans: 这张资料单只供您了解病情，不能代替您自己的医生或护士给您的建议。
  ar: هذه الورقة للتثقيف فقط. وهي لا تغني عن نصيحة طبيبك أو ممرضتك.
reading_grade: 6                             # `handouts check` warns above this grade
# reading: {es: {formula: fernandez-huerta, target: 75}}   # optional: formula and target per language
review_every_months: 24                      # an approval older than this is due for review
draft_preview: false                        # true: staff may open a draft's PDF on the front-desk page (never emailed)
# printer: Front_Desk                        # optional: the CUPS queue the page's Print sends to

# Email (optional), for `handouts email`. The password is never written here:
# set HANDOUTS_SMTP_PASSWORD on the computer that sends. Remove the # signs:
# smtp:
#   host: smtp.your-clinic.example.org
#   port: 587
#   security: starttls                         # starttls or tls
#   username: handouts@your-clinic.example.org
#   from: handouts@your-clinic.example.org     # default: email above
#   reply_to: care@your-clinic.example.org     # optional
#   ca_file: certs/clinic-ca.pem               # optional: your own certificate authority
#   timeout: 20                                # seconds

# Your own TrueType fonts (optional). Remove the # signs to use them. Without
# them: Source Sans Pro (Latin, Cyrillic, Greek), Noto Sans Arabic and
# WenQuanYi Micro Hei (Chinese, Japanese, Korean), shipped with handouts.
# fonts:
#   regular: fonts/YourFont-Regular.ttf        # Latin
#   bold: fonts/YourFont-Bold.ttf
#   italic: fonts/YourFont-Italic.ttf          # optional
#   bold_italic: fonts/YourFont-BoldItalic.ttf # optional
#   arabic:                                    # a font per script: arabic, cjk, hebrew, ...
#     regular: fonts/YourArabic-Regular.ttf
#     bold: fonts/YourArabic-Bold.ttf          # optional: one weight serves for bold too
"""

GITIGNORE = """\
# Built PDFs, page previews and handouts' own state (outbox and log) are not kept in git.
output/
previews/
.handouts/
"""

EXAMPLE_SLUG = "night-leg-cramps"


def placeholder_logo() -> bytes:
    """A plain placeholder logo (a rounded square with a cross), 480x240 PNG."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 240), "white")
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([20, 20, 220, 220], radius=36, fill=(31, 90, 122))
    draw.rectangle([100, 50, 140, 190], fill="white")
    draw.rectangle([50, 100, 190, 140], fill="white")
    for i, width in enumerate((220, 160, 190)):
        draw.rounded_rectangle([250, 60 + i * 45, 250 + width, 85 + i * 45], radius=8, fill=(31, 90, 122))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


#: init's placeholders: ``handouts check`` warns (and ``--strict`` fails)
#: while any of these is still in clinic.yaml, naming the field and line.
PLACEHOLDERS = {
    "name": "Your Clinic Name",
    "phone": "(555) 555-0100",
    "address": "100 Main Street, Suite 1, Your Town, ST 00000",
    "website": "https://your-clinic.example.org",
    "email": "care@your-clinic.example.org",
    "tagline": ("Your clinic's tagline", "El lema de su clínica", "Khẩu hiệu của phòng khám"),
    "qr": "https://your-clinic.example.org/book",
    "logo_alt": ("Your Clinic Name logo", "Logotipo de Your Clinic Name", "Biểu tượng của Your Clinic Name"),
}


def placeholders_in(clinic) -> list[tuple[tuple, str]]:
    """(field location, value) of each of init's placeholders still in ``clinic``."""
    found = []
    for key, placeholder in PLACEHOLDERS.items():
        value = getattr(clinic, key, None)
        given = {(key, lang): v for lang, v in value.items()} if isinstance(value, dict) \
            else {(key,): value} if value else {}
        known = placeholder if isinstance(placeholder, tuple) else (placeholder,)
        for loc, text in given.items():
            if text in known:
                found.append((loc, text))
    return found


def plan(folder: Path, with_templates: bool = False, today: dt.date | None = None) -> dict[Path, bytes]:
    """Every file ``init`` writes, relative to ``folder``, with its bytes."""
    today = today or dt.date.today()
    dates = {"next_review": today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat()}
    files: dict[Path, bytes] = {
        Path("content/clinic.yaml"): CLINIC.encode(),
        Path("content/assets/logo.png"): placeholder_logo(),
        Path(".gitignore"): GITIGNORE.encode(),
    }
    root = bundled_root()
    for lang in catalog.languages(root / "templates", root):
        text = EXAMPLES.get(lang)
        if text is not None:
            files[Path("content") / lang / f"{EXAMPLE_SLUG}.yaml"] = text.format(**dates).encode()
            files[Path("content") / "blocks" / lang / "when-to-get-help.yaml"] = BLOCKS[lang].encode()
    if with_templates:
        source = root / "templates"
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[Path("templates") / path.relative_to(source)] = path.read_bytes()
    return files


def init(folder: Path, with_templates: bool = False) -> list[Path]:
    """Create the project; refuse, writing nothing, if any file is there.
    With ``with_templates`` in a folder that already has content/, only the
    templates are added (still never over a file)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ContentError.at(folder, None, None, "is a file; name a new folder for the project")
    files = plan(folder, with_templates)
    if with_templates and (folder / "content").is_dir():
        # An existing project: add the templates, nothing else.
        files = {rel: data for rel, data in files.items() if rel.parts[0] == "templates"}
    there = [folder / rel for rel in files if (folder / rel).exists() or (folder / rel).is_symlink()]
    if there:
        raise ContentError([Problem(p, None, None, "already exists; init never overwrites a file, "
                                    "so nothing was written") for p in there])
    written = []
    for rel, data in files.items():
        write_atomic(folder / rel, data)
        written.append(folder / rel)
    return written


def next_steps(folder: Path) -> list[str]:
    """Build, read every word, have a clinician approve them, check."""
    return [f"cd {folder}", "handouts build", f"handouts review {EXAMPLE_SLUG}",
            f'handouts approve {EXAMPLE_SLUG} --by "NAME, CREDENTIAL"', "handouts check --strict"]
