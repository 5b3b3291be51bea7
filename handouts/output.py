"""Writing files: to a temporary file beside the target, then renamed over it,
so a failed write never leaves a stray or damaged file and two writers into
one folder both succeed. No ReportLab here: ``handouts init`` writes through
this module too."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from handouts.errors import OutputError


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, then rename over it."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError.at(folder, None, None, "cannot write here: part of this path is a file, not a folder") from None
    except OSError as exc:
        raise OutputError.at(folder, None, None, f"cannot create the output folder: {exc.strerror}") from None
    if target.is_dir():
        raise OutputError.at(target, None, None, "cannot write the PDF: a folder has this name")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError.at(target, None, None, f"cannot write: {exc.strerror}") from None
        raise
