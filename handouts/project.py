"""Where things are, and the brand: finding the project folder and
its templates, and loading clinic.yaml with its logo and fonts."""

from __future__ import annotations

import errno
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader

from handouts import fonts as fontlib
from handouts import scripts, usercache
from handouts.errors import ContentError, HandoutError, Problem, quoted, shown_path
from handouts.fonts import FontFamily
from handouts.loader import Loaded, field_name
from handouts.paths import bundled_root
from handouts.schema.clinic import Clinic, load_clinic
from handouts.schema.fields import LANG_RE  # noqa: F401 (re-exported)
from handouts.styles import Palette, face_for

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 16_000_000
#: Logos are stored at most this many pixels: 300 dpi at the header's size.
LOGO_STORE_PX = (600, 240)


@dataclass(frozen=True)
class Project:
    root: Path
    bundled: bool = False

    @classmethod
    def find(cls, project: Path | str | None = None, start: Path | None = None) -> "Project":
        """``--project`` if given; else the nearest folder with content/, from
        the current folder up through its parents (as git looks for .git);
        else the bundled demo clinic (``bundled`` is then true)."""
        if project is not None:
            root = Path(project)
            if not (root / "content").is_dir():
                raise ContentError.at(root, None, None, "has no content/ folder; run `handouts init "
                                      f"{quoted(str(root))}` to start a project there")
            return cls(root.resolve())
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "content").is_dir():
                return cls(folder)
        return cls(bundled_root(), bundled=True)

    @property
    def default_output(self) -> Path:
        """PROJECT/output; for the bundled demo, ./output (never inside the
        installed package)."""
        return Path.cwd() / "output" if self.bundled else self.root / "output"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        own = self.root / "templates"
        return own if own.is_dir() else bundled_root() / "templates"

    @property
    def clinic_file(self) -> Path:
        return self.content / "clinic.yaml"


@dataclass(frozen=True)
class Brand:
    clinic: Clinic
    loaded: Loaded
    fonts: FontFamily             # the Latin family
    families: fontlib.Families    # a family per script: ``family(lang)``
    logo_image: Image.Image
    path: Path

    def family(self, lang: str) -> FontFamily:
        """The family a handout in ``lang`` is set in."""
        return self.families.for_lang(lang)

    def script(self, lang: str) -> scripts.Script:
        """How ``lang`` is written: right to left? lines broken anywhere?"""
        return self.families.script(lang)

    @cached_property
    def palette(self) -> Palette:
        return Palette.from_brand(self.clinic.colors.primary, self.clinic.colors.accent)

    def logo_reader(self) -> ImageReader:
        return ImageReader(self.logo_image)


def load_brand(project: Project) -> Brand:
    """Load and check clinic.yaml, its logo and its fonts; every problem at once."""
    clinic, loaded = load_clinic(project.clinic_file)
    problems: list[Problem] = []

    def problem(loc, message):
        problems.append(Problem(loaded.path, loaded.line_for(loc), field_name(loc), message))

    logo = None
    try:
        logo = load_logo(project, clinic.logo)
    except ValueError as exc:
        problem(("logo",), str(exc))

    families = fontlib.Families(load_fonts(project, clinic, problem) if clinic.fonts is not None else {},
                                (project.templates, bundled_root() / "templates"))
    if not problems:
        for loc, text in clinic.text_fields():
            lang = loc[1] if len(loc) > 1 else None     # a field given per language
            try:
                # Checked by the fonts' character maps: a language not built
                # registers no font (its words are still checked here).
                family = families.for_lang(lang, draw=False) if lang else families.latin
            except HandoutError:    # its catalog's script: is wrong: that language fails, saying so
                continue
            for message in family.missing_in_words(text, face_for(loc), lang):
                problem(loc, message)
    if problems:
        raise ContentError(problems)
    return Brand(clinic=clinic, loaded=loaded, fonts=families.latin, families=families,
                 logo_image=logo, path=loaded.path)


def load_fonts(project: Project, clinic: Clinic, problem) -> dict[str, FontFamily]:
    """The clinic's own family per script (clinic.yaml's ``fonts:``); each bad
    file is a ``problem(loc, message)`` at the line that names it."""
    paths: dict[str, dict[str, Path]] = {}
    bad = False
    for loc, value in clinic.fonts.files():
        key = loc[1] if len(loc) == 3 else "latin"
        try:
            paths.setdefault(key, {})[loc[-1]] = inside(project, value, max_bytes=20 * 1024 * 1024)
        except ValueError as exc:
            problem(loc, str(exc))
            bad = True
    if bad:
        return {}
    custom: dict[str, FontFamily] = {}
    where = {key: ("fonts", key) for key in paths} | ({"latin": ("fonts",)} if clinic.fonts.regular else {})
    # The Latin family first: the others fall back to it.
    for key in sorted(paths, key=lambda k: k != "latin"):
        try:
            fallback = None if key == "latin" else custom.get("latin") or fontlib.default_family()
            custom[key] = fontlib.custom_family(paths[key], fallback, key)
        except fontlib.FontFileError as exc:
            problem((*where[key], exc.face), str(exc))
    return custom


def inside(project: Project, relative: str, max_bytes: int) -> Path:
    """Resolve a path from clinic.yaml (relative to content/) and make sure it
    stays inside the project folder and is a reasonably sized regular file."""
    shown = quoted(relative)
    if any(not (ch.isprintable() or ch == " ") for ch in relative):
        raise ValueError(f"{shown} has an invisible character in it (such as a null byte or a "
                         "line break); type the file name again")
    try:
        rel = Path(relative)
        if rel.is_absolute():
            raise ValueError(f"{shown} must be a path relative to content/, not an absolute path")
        full = (project.content / rel).resolve()
        if not full.is_relative_to(project.root.resolve()):
            raise ValueError(f"{shown} points outside the project folder")
        if not full.exists():
            raise ValueError(f"{shown} not found (looked for {shown_path(full)})")
        if full.is_dir():
            raise ValueError(f"{shown} is a folder, not a file")
        if not full.is_file():
            raise ValueError(f"{shown} is not a regular file")
        size = full.stat().st_size
    except RuntimeError:  # Python 3.11 reports a symlink loop so
        raise ValueError(f"{shown} is a link that points to itself (a symlink loop)") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise ValueError(f"{shown[:60]}… is too long a file name") from None
        if exc.errno == errno.ELOOP:
            raise ValueError(f"{shown} is a link that points to itself (a symlink loop)") from None
        raise ValueError(f"{shown} cannot be read: {exc.strerror}") from None
    if size > max_bytes:
        raise ValueError(f"{shown} is {size // 1024} KB; the limit is {max_bytes // 1024} KB")
    return full


def load_logo(project: Project, relative: str) -> Image.Image:
    """Open a PNG or JPEG logo safely and keep a copy sized for print. The
    copy's pixels are kept in the per-user cache (``usercache.py``), keyed by
    the file's bytes, so a new process need not decode and resize it again."""
    full = inside(project, relative, MAX_LOGO_BYTES)
    try:
        raw = full.read_bytes()
    except OSError:
        raw = None      # opening it says what is wrong
    key = usercache.digest(_LOGO_FORMAT, hashlib.sha256(raw).hexdigest(), Image.__version__,
                           LOGO_STORE_PX) if raw is not None else None
    cached = _cached_logo(usercache.read("logo", key)) if key else None
    if cached is not None:
        return cached
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw) if raw is not None else full) as img:
                if img.format not in ("PNG", "JPEG"):
                    raise ValueError(f"{quoted(relative)} is {img.format or 'not an image'}; use a PNG or JPEG")
                w, h = img.size
                if w * h > MAX_LOGO_PIXELS or w < 1 or h < 1:
                    raise ValueError(f"{quoted(relative)} is {w}×{h} pixels; the limit is "
                                     f"{MAX_LOGO_PIXELS // 1_000_000} million pixels")
                img.load()
                mode = "RGBA" if ("A" in img.getbands() or "transparency" in img.info) else "RGB"
                image = img.convert(mode)
    except ValueError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(f"{quoted(relative)} is far too large an image (a decompression bomb?)") from None
    except Exception as exc:  # PIL raises many kinds for corrupt files
        raise ValueError(f"{quoted(relative)} is not a PNG or JPEG that can be opened; "
                         "save it again as PNG or JPEG") from None
    image.thumbnail(LOGO_STORE_PX, Image.Resampling.LANCZOS)
    # A new image of the pixels alone (no file, format or metadata), so that
    # what is embedded depends only on them: ReportLab stores its pixels.
    # (The same pixels as a PNG written and read back, without encoding one.)
    pixels = image.tobytes()
    if key:
        usercache.write("logo", key, f"{image.mode} {image.width} {image.height}\n".encode() + pixels)
    return Image.frombytes(image.mode, image.size, pixels)


_LOGO_FORMAT = 1     # of the cache entry: "MODE WIDTH HEIGHT\n" and the pixels


def _cached_logo(data: bytes | None) -> Image.Image | None:
    """The logo kept in a cache entry, or ``None`` unless it is whole."""
    if data is None:
        return None
    head, _, pixels = data.partition(b"\n")
    try:
        mode, width, height = head.decode("ascii").split(" ")
        size = (int(width), int(height))
    except ValueError:
        return None
    if (mode not in ("RGB", "RGBA") or not (0 < size[0] <= LOGO_STORE_PX[0] and 0 < size[1] <= LOGO_STORE_PX[1])
            or len(pixels) != size[0] * size[1] * len(mode)):
        return None
    return Image.frombytes(mode, size, pixels)
