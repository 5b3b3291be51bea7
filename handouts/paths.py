"""Where the package's own files are: the bundled demo clinic and templates.
Nothing here imports ReportLab, so ``handouts init`` stays light."""

from __future__ import annotations

from pathlib import Path

from handouts.errors import ContentError

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_root() -> Path:
    """The demo clinic: inside the wheel, or the source checkout."""
    for root in (PACKAGE_DIR / "_bundled", PACKAGE_DIR.parent):
        if (root / "content" / "clinic.yaml").is_file():
            return root
    raise ContentError.at(PACKAGE_DIR, None, None, "the bundled demo content is missing")
