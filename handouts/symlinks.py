"""Article and block files that are links (symlinks): one leading out of
content/ is refused, as it would build, email and serve a file from
elsewhere on the computer; one inside it is read as its target."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from handouts.errors import ContentError


def inside_content(path: Path, content: Path | None = None) -> None:
    """A file in ``content/<lang>/`` that is a link leading out of content/ is
    refused: it would build, email and serve a file from elsewhere on the
    computer."""
    content = content or path.parent.parent
    if _no_link_below(str(path), str(content)):
        return          # the usual case, told by a stat a part: it resolves inside content/
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return          # missing or a loop: reading it says so
    if real.is_file() and not real.is_relative_to(content.resolve()):   # (a device: read_bytes says so)
        raise ContentError.at(path, None, None, "is a link to a file outside content/, which is "
                              "not built; copy the file into its language folder instead")


def _no_link_below(path: str, content: str) -> bool:
    """Whether ``path`` is below the folder ``content`` by name (no ``..``)
    and exists with no link on the way from content/ (which may itself be
    one): then it resolves inside wherever content/ resolves."""
    if not path.startswith(content + os.sep):
        return False
    at = content
    for part in path[len(content) + 1:].split(os.sep):
        if part in ("", ".", ".."):
            return False
        at = os.path.join(at, part)
        try:
            if stat.S_ISLNK(os.lstat(at).st_mode):
                return False
        except OSError:
            return False
    return True
