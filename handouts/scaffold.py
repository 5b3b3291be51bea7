"""`handouts init DIR`: a new clinic project to fill in.

It writes a commented clinic.yaml with every key (fictional placeholders), a
placeholder logo, one example handout for each language that has a bundled
catalog, and a .gitignore; with ``with_templates`` also a copy of the
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
from handouts.paths import bundled_root

CLINIC = """\
# Your clinic's brand: every handout shows these. Replace each placeholder.
# Text with a colon followed by a space, or starting with # or a quote mark,
# goes in double quotes. See docs/content.md for every key and its limits.

name: Your Clinic Name                      # required; printed in bold at the top
tagline:                                     # optional; a short line under the name,
  en: Your clinic's tagline                  # one text per language (or one text for all)
  es: El lema de su clínica
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
colors:                                      # each needs 4.5:1 contrast against white
  primary: "#1F5A7A"                         # headings and rules; keep the quotes
  accent: "#A23B1F"                          # the "when to get help" box
paper: letter                                # letter or a4
disclaimer:
  en: This sheet is for learning only. It does not replace advice from your own doctor or nurse.
  es: Esta hoja es solo para aprender. No reemplaza los consejos de su médico o enfermera.
reading_grade: 6                             # `handouts check` warns above this grade
# reading: {es: {formula: fernandez-huerta, target: 75}}   # optional: formula and target per language
review_every_months: 24                      # `handouts check` warns when a review is older
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

# Your own TrueType fonts (optional). Remove the # signs to use them:
# fonts:
#   regular: fonts/YourFont-Regular.ttf
#   bold: fonts/YourFont-Bold.ttf
#   italic: fonts/YourFont-Italic.ttf          # optional
#   bold_italic: fonts/YourFont-BoldItalic.ttf # optional
"""

#: One example handout per language, in that language's own plain words.
EXAMPLES = {
    "en": """\
# An example handout. Copy this file to start a new one: the file name is the
# handout's name (lower-case letters, digits and dashes). Plain words, short
# sentences: `handouts check` shows the reading grade (aim for 6 or below).

title: Night leg cramps                     # required; at most 90 characters
summary: Leg cramps at night are common. Most are not serious, but some point to a vein problem.   # required
reviewed: {reviewed}                        # required: when clinicians last reviewed it
next_review: {next_review}                  # optional
sections:                                   # 1 to 6; 3 or 4 fit best
  - heading: What is a leg cramp?
    body: |
      A muscle in your leg gets tight all of a sudden. It often happens in the calf.
      It can hurt, but it most often goes away in a few minutes.
  - heading: Why it happens at night
    body: |
      Your leg veins carry blood back to your heart. When they do not work well,
      blood can pool in your legs. This can cause cramps at night.
  - heading: What you can do
    bullets:                                # one item per line
      - Stretch and rub your calf.
      - Drink water during the day.
      - Tell us about the medicines you take.
callout:                                    # optional: the "when to get help" box
  heading: When to get help
  bullets:
    - Call 911 if you have chest pain or trouble breathing.
    - Call us if one leg swells, hurts or turns red.
keywords: [leg cramps, night cramps]        # optional; for the PDF's details
codes:                                      # optional: the diagnoses it is for, so the EHR finds it
  icd10cm: [G47.62]                         # (ICD-10-CM, and snomed: for SNOMED CT); see docs/ehr.md
""",
    "es": """\
# Un ejemplo de hoja. Copie este archivo para empezar otra: el nombre del
# archivo es el nombre de la hoja (minúsculas, números y guiones). Palabras
# sencillas y frases cortas.

title: Calambres en las piernas de noche    # obligatorio
summary: Los calambres de noche son comunes. Casi siempre no son graves, pero a veces vienen de un problema en las venas.   # obligatorio
reviewed: {reviewed}                        # obligatorio: la fecha de la última revisión
translated_from: {reviewed}                 # la fecha "reviewed" del original en inglés
next_review: {next_review}                  # opcional
sections:                                   # de 1 a 6
  - heading: ¿Qué es un calambre?
    body: |
      Un músculo de la pierna se pone duro de repente. Pasa mucho en la pantorrilla.
      Duele, pero casi siempre se quita en unos minutos.
  - heading: ¿Por qué pasa de noche?
    body: |
      Las venas de las piernas llevan la sangre de vuelta al corazón. Si no
      funcionan bien, la sangre se junta en las piernas. Eso puede dar calambres.
  - heading: Qué puede hacer
    bullets:
      - Estire y frote la pantorrilla.
      - Tome agua durante el día.
      - Díganos qué medicinas toma.
callout:
  heading: Cuándo pedir ayuda
  bullets:
    - Llame al 911 si tiene dolor en el pecho o le falta el aire.
    - Llámenos si una pierna se hincha, le duele o se pone roja.
keywords: [calambres, calambres de noche]
""",
}

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
    "tagline": ("Your clinic's tagline", "El lema de su clínica"),
    "qr": "https://your-clinic.example.org/book",
    "logo_alt": ("Your Clinic Name logo", "Logotipo de Your Clinic Name"),
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
    dates = {"reviewed": today.isoformat(),
             "next_review": today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat()}
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
    return [f"cd {folder}", "handouts build", "handouts check --strict"]
